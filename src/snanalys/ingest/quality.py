"""The data-quality summary of an ingest, and the rows it set aside (quarantine).

``extract.json["quality"]`` (also ``IngestResult.quality``)::

    {"rows_read": {"payments": 5, …},          # data rows in each raw file
     "rows_set_aside": {"payments": 1, …},     # rows quarantined (0 without quarantine)
     "set_aside_reasons": {"payments": {"väntade …": 1}},
     "warnings": ["ekb_utbetalningar: inga utbetalningar i månaderna 2025-02", …]}

The warnings hold counts and months only, never an identifier. Each table declares its
own (:class:`~snanalys.ingest.tables.TableSpec`): a month without payments between the
first and the last payment month, placements without any invoice, a person's household
memberships overlapping in time.

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

import numpy as np
import pandas as pd

from snanalys.cells import safe_text
from snanalys.identity import mask_identities
from snanalys.ingest import checks, parsing, tables
from snanalys.ingest.errors import escape_controls
from snanalys.ingest.tables import SPECS, TABLE_ORDER, Reference, TableSpec

QUARANTINE_DIR = "_quarantine"
MAX_MONTHS_LISTED = 12
#: The order of the tables' warnings in ``extract.json`` (and on the data-quality page);
#: a table not named here comes after these, in :data:`~snanalys.ingest.tables.TABLE_ORDER`.
WARNING_ORDER = ("payments", "placements", "household_members")


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


def set_aside_counts(frame: pd.DataFrame) -> dict:
    """The rows a quarantine frame sets aside and its problems per reason."""
    return {
        "rows": int(frame["row"].nunique()),
        "reasons": {str(k): int(v) for k, v in frame["reason"].value_counts().items()},
    }


def summary_of(rows_read: dict[str, int], set_aside: dict[str, dict], warnings: list[str]) -> dict:
    """The quality section of ``extract.json`` (counts, reasons and warnings; no identifiers)
    from counts (``set_aside``: per table :func:`set_aside_counts`)."""
    return {
        "rows_read": {t: int(rows_read.get(t, 0)) for t in TABLE_ORDER},
        "rows_set_aside": {t: set_aside[t]["rows"] if t in set_aside else 0 for t in TABLE_ORDER},
        "set_aside_reasons": {t: set_aside[t]["reasons"] for t in TABLE_ORDER if t in set_aside},
        "warnings": warnings,
    }


def missing_months_warning(spec: TableSpec, missing: list[str]) -> str:
    """:attr:`TableSpec.months_covered`'s warning for the months (``YYYY-MM``) without a row."""
    listed = ", ".join(missing[:MAX_MONTHS_LISTED]) + (" …" if len(missing) > MAX_MONTHS_LISTED else "")
    return spec.months_covered.message.format(stem=spec.stem, count=len(missing), listed=listed)


def unreferenced_warning(reference: Reference, referring: TableSpec, without: int, total: int) -> str:
    """:attr:`Reference.unreferenced`: ``without`` of the ``total`` rows of the referred table no row names."""
    return reference.unreferenced.format(
        stem=SPECS[reference.table].stem, count=without, total=total, referring=referring.stem
    )


def overlapping_spells_warning(spec: TableSpec, overlapping: int) -> str:
    """:attr:`TableSpec.overlapping_spells`' warning for ``overlapping`` spells."""
    return spec.overlapping_spells.message.format(stem=spec.stem, count=overlapping)
