"""Hand-written rows through the one code path: written as a processed folder, read by the engine.

The tests of the definitions give a few rows of a table and ask for one figure; these
helpers write the rows as the ingest would (Parquet, with the columns the facts read)
and evaluate the declared measure on them, so every test checks the code the report runs.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from snanalys import codes
from snanalys.data import load_municipality
from snanalys.measures.engine import evaluate
from snanalys.measures.facts import build_facts
from snanalys.measures.scopes import SCOPES
from snanalys.measures.tables import cells
from snanalys.periods import Period

CODE = "0999"
EXTRACT = dt.date(2026, 11, 5)

COLUMNS = {
    "payments": {
        "household_key": "str", "payment_date": "datetime64[us]", "for_month": "datetime64[us]", "amount_kr": "float64",
    },
    "household_members": {
        "household_key": "str", "person_key": "str", "role": "str", "legal_sex": "str",
        "birth_date": "datetime64[us]", "reason": "str", "valid_from": "datetime64[us]", "valid_to": "datetime64[us]",
    },
    "placements": {
        "placement_key": "str", "person_key": "str", "legal_sex": "str", "target_group": "str", "form": "str",
        "provider_type": "str", "start_date": "datetime64[us]", "end_date": "datetime64[us]",
    },
    "placement_costs": {"placement_key": "str", "care_month": "datetime64[us]", "amount_kr": "float64"},
    "interventions": {
        "intervention_key": "str", "person_key": "str", "kind": "str", "start_date": "datetime64[us]",
        "end_date": "datetime64[us]",
    },
    "population": {"year": "int64", "inhabitants": "int64"},
}  # fmt: skip
DEFAULTS = {
    "legal_sex": "K",
    "reason": codes.REASON_UNEMPLOYED,
    "valid_from": pd.Timestamp("2000-01-01"),
    "valid_to": pd.NaT,
    "birth_date": pd.Timestamp("1980-01-01"),
    "target_group": codes.TARGET_CHILDREN,
    "form": codes.FORM_HVB,
    "provider_type": codes.PROVIDER_EXTERNAL,
}


def write_processed(
    root: Path,
    code: str = CODE,
    *,
    extract_date: dt.date = EXTRACT,
    counting_basis: str = "payment_date",
    synthetic: bool = True,
    **tables,
) -> Path:
    """A processed municipality folder from frames (missing tables empty, missing columns defaulted;
    a payment without ``for_month`` is for the month it is paid in)."""
    folder = Path(root) / code
    folder.mkdir(parents=True, exist_ok=True)
    payments = tables.get("payments")
    if payments is not None and "for_month" not in payments.columns:
        tables["payments"] = payments.assign(for_month=payments["payment_date"].dt.to_period("M").dt.to_timestamp())
    for name, columns in COLUMNS.items():
        given = tables.get(name)
        frame = pd.DataFrame(index=range(0 if given is None else len(given)))
        for column, dtype in columns.items():
            if given is not None and column in given.columns:
                values = given[column].to_numpy()
            elif column.endswith("_key") and given is not None:
                values = np.array([f"{column[0]}{i}" for i in range(len(given))], dtype=object)
            else:
                values = [DEFAULTS.get(column)] * len(frame)
            frame[column] = pd.Series(values, index=frame.index).astype(dtype)
        frame.insert(0, "municipality_code", pd.Series([code] * len(frame), dtype="str"))
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    meta = {
        "municipality_code": code,
        "municipality_name": "Testkommun",
        "extract_date": extract_date.isoformat(),
        "data_from": "2020-01-01",
        "covered_through": extract_date.isoformat(),
        "synthetic": synthetic,
        "counting_basis": counting_basis,
    }
    (folder / "extract.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def municipality(extract_date: dt.date = EXTRACT, counting_basis: str = "payment_date", **tables):
    """The rows as one municipality's processed data (a fresh temporary folder)."""
    root = Path(tempfile.mkdtemp(prefix="snanalys-measures-"))
    write_processed(root, extract_date=extract_date, counting_basis=counting_basis, **tables)
    return load_municipality(root, CODE)


def figure(period: Period, measure: str, extract_date: dt.date = EXTRACT, **tables) -> float:
    data = municipality(extract_date, **tables)
    out = cells(data, period, [measure])["value"].iloc[0]
    return float("nan") if pd.isna(out) else float(out)


def split(period: Period, measure: str, by: str, counting_basis: str = "payment_date", **tables) -> dict[str, float]:
    table = cells(municipality(counting_basis=counting_basis, **tables), period, [measure], by=[by])
    return dict(zip(table[by].astype(str), table["value"]))


def spell_days(placements: pd.DataFrame, period: Period, extract_date: dt.date = EXTRACT) -> np.ndarray:
    """Care days of each spell in ``period``, in the order of ``placements`` (the fact, read back)."""
    placements = placements.assign(placement_key=[f"s{i}" for i in range(len(placements))])
    data = municipality(extract_date, placements=placements)
    with build_facts([data.directory], [data.extract], period) as facts:
        days = facts.query("SELECT k, care_days FROM f_spells").set_index("k")["care_days"]
    return days.reindex(placements["placement_key"]).fillna(0).astype(np.int64).to_numpy()


def care_days(placements: pd.DataFrame, period: Period, extract_date: dt.date = EXTRACT) -> int:
    return int(spell_days(placements, period, extract_date).sum())


def scope_figures(
    placements: pd.DataFrame, period: Period, costs: pd.DataFrame | None = None, extract_date: dt.date = EXTRACT
) -> dict[str, dict[str, float]]:
    """Care days, persons placed and invoiced kronor of every scope, from the spell fact."""
    data = municipality(extract_date, placements=placements, placement_costs=costs)
    out = {}
    with build_facts([data.directory], [data.extract], period) as facts:
        for name, scope in SCOPES.items():
            row = facts.query(
                f"SELECT coalesce(sum(care_days), 0) AS days, count(DISTINCT person) FILTER (WHERE care_days > 0)"
                f" AS persons, coalesce(sum(cost_kr), 0) AS cost FROM f_spells WHERE {scope.predicate()}"
            ).iloc[0]
            out[name] = {k: float(v) for k, v in row.items()}
    return out


def evaluate_all(data, period: Period, ids, by=()) -> pd.DataFrame:
    with build_facts([data.directory], [data.extract], period) as facts:
        return evaluate(facts, ids, by)
