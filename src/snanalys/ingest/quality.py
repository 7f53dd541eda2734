"""The data-quality summary of an ingest, and the rows it set aside (quarantine).

``extract.json["quality"]`` (also ``IngestResult.quality``)::

    {"rows_read": {"payments": 5, …},          # data rows in each raw file
     "rows_set_aside": {"payments": 1, …},     # rows quarantined (0 without quarantine)
     "set_aside_reasons": {"payments": {"väntade …": 1}},
     "warnings": ["ekb_utbetalningar: inga utbetalningar i månaderna 2025-02", …]}

The warnings hold counts and months only, never an identifier. They are: a month
without payments between the first and the last payment month, placements without
any invoice, a person's household memberships overlapping in time.

Quarantine (``ingest_municipality(…, quarantine=True)``): one row per problem in
``<processed_root>/<kommunkod>/_quarantine/<table>.parquet`` with ``file``, ``row``
(as in the file, header = 1), ``column`` (raw name), ``reason``, then the raw row's
cells as text: identifiers replaced by their keyed pseudonyms (the same keys as in
the processed tables where the value is valid), and so is a text where it names a
person (an own family home's provider); in every other cell whatever
:mod:`snanalys.identity` finds is masked, control characters are escaped, a text longer
than the ingest reads is cut, and formula-like cells are prefixed with ``'``
(:func:`snanalys.cells.safe_text`) so that no spreadsheet runs them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from snanalys.cells import safe_text
from snanalys.identity import mask_identities
from snanalys.ingest import checks, parsing, tables
from snanalys.ingest.errors import escape_controls
from snanalys.ingest.tables import SPECS, TABLE_ORDER, TableSpec

QUARANTINE_DIR = "_quarantine"
MAX_MONTHS_LISTED = 12


def quarantine_frame(spec: TableSpec, raw, failures: pd.DataFrame, pseudonymiser, code: str) -> pd.DataFrame:
    """The problems of ``failures`` (all located) with their rows, safe to keep."""
    failures = failures.drop_duplicates(["index", "column"], keep="first")
    index = failures["index"].astype(np.int64).to_numpy()
    out: dict[str, object] = {
        "file": pd.Series(raw.name, index=range(len(index)), dtype="str"),
        "row": pd.Series(index + 2, dtype="int64"),
        "column": pd.Series([spec.raw_name_of(c) for c in failures["column"]], dtype="str"),
        "reason": pd.Series(failures["expected"].to_numpy(), dtype="str"),
    }
    rows = raw.frame.loc[index].reset_index(drop=True)
    for f in spec.fields:
        values = parsing.as_text(rows[f.raw])
        if f.pseudonym is not None:
            if f.kind == tables.PERSONNUMMER:
                twelve = parsing.normalise_personnummer(values)
                values = twelve.where(twelve.notna(), values)  # malformed: the text itself, still keyed
            values = values.where(values != "")
            out[f.raw] = pseudonymiser.pseudonymise(values, f.pseudonym, scope=code)
        else:
            safe = values.map(_safe_cell, na_action="ignore").astype(values.dtype)
            personal = spec.personal_rows(f, rows)
            if personal is not None and personal.any():
                named = values[personal]
                keys = pseudonymiser.pseudonymise(named.where(named != ""), tables.PROVIDER, scope=code)
                safe[personal] = keys.to_numpy()
            out[f.raw] = safe
    return pd.DataFrame(out)


def _safe_cell(value: str) -> str:
    """A raw cell as a quarantine file may keep it: identities masked, control characters
    escaped, cut to the longest text the ingest reads, no formula."""
    if len(value) > checks.MAX_TEXT_CHARS:
        value = value[: checks.MAX_TEXT_CHARS] + "…"
    return safe_text(escape_controls(mask_identities(value)))


def summary(
    parsed: dict[str, pd.DataFrame],
    rows_read: dict[str, int],
    set_aside: dict[str, pd.DataFrame],
    data_from: dt.date,
    covered_through: dt.date,
) -> dict:
    """The quality section of ``extract.json`` (counts, reasons and warnings; no identifiers)."""
    return summary_of(
        rows_read,
        {t: set_aside_counts(set_aside[t]) for t in TABLE_ORDER if t in set_aside},
        warnings(parsed, data_from, covered_through),
    )


def set_aside_counts(frame: pd.DataFrame) -> dict:
    """The rows a quarantine frame sets aside and its problems per reason."""
    return {
        "rows": int(frame["row"].nunique()),
        "reasons": {str(k): int(v) for k, v in frame["reason"].value_counts().items()},
    }


def summary_of(rows_read: dict[str, int], set_aside: dict[str, dict], warnings: list[str]) -> dict:
    """:func:`summary` from counts (``set_aside``: per table :func:`set_aside_counts`)."""
    return {
        "rows_read": {t: int(rows_read.get(t, 0)) for t in TABLE_ORDER},
        "rows_set_aside": {t: set_aside[t]["rows"] if t in set_aside else 0 for t in TABLE_ORDER},
        "set_aside_reasons": {t: set_aside[t]["reasons"] for t in TABLE_ORDER if t in set_aside},
        "warnings": warnings,
    }


def missing_months_warning(missing: list[str]) -> str:
    listed = ", ".join(missing[:MAX_MONTHS_LISTED]) + (" …" if len(missing) > MAX_MONTHS_LISTED else "")
    return (
        f"{SPECS['payments'].stem}: inga utbetalningar i {len(missing)} månad(er) mellan första och "
        f"sista utbetalningen: {listed}"
    )


def placements_without_costs_warning(without: int, placements: int) -> str:
    return (
        f"{SPECS['placements'].stem}: {without} av {placements} placeringar saknar "
        f"kostnader i {SPECS['placement_costs'].stem}"
    )


def overlapping_members_warning(overlapping: int) -> str:
    return (
        f"{SPECS['household_members'].stem}: {overlapping} medlemsperiod(er) överlappar en "
        "tidigare period för samma person"
    )


def warnings(parsed: dict[str, pd.DataFrame], data_from: dt.date, covered_through: dt.date) -> list[str]:
    out: list[str] = []
    payments = parsed.get("payments")
    if payments is not None and len(payments):
        months = payments["payment_date"].dropna().dt.to_period("M")
        if len(months):
            low = max(months.min(), pd.Period(data_from, "M"))
            high = min(months.max(), pd.Period(covered_through, "M"))
            present = set(months.unique())
            missing = [str(m) for m in pd.period_range(low, high, freq="M") if m not in present]
            if missing:
                out.append(missing_months_warning(missing))
    placements, costs = parsed.get("placements"), parsed.get("placement_costs")
    if placements is not None and costs is not None and len(placements):
        without = ~placements["placement_id"].isin(costs["placement_id"].dropna().unique())
        if without.any():
            out.append(placements_without_costs_warning(int(without.sum()), len(placements)))
    members = parsed.get("household_members")
    if members is not None and len(members):
        twelve = parsing.normalise_personnummer(members["personnummer"])
        frame = pd.DataFrame({"who": twelve, "start": members["valid_from"], "end": members["valid_to"]})
        overlapping = checks.overlapping_spells(frame, "who", "start", "end", end_inclusive=True)
        if overlapping.any():
            out.append(overlapping_members_warning(int(overlapping.sum())))
    return out
