"""The economy's rows of the key-figure table (tkr, costs negative)."""

from __future__ import annotations

import pandas as pd

from snanalys.economy import archived
from snanalys.economy.drivers import cost_table
from snanalys.economy.ledger import account_group_table, cumulative_by_month, result_table, total_row
from snanalys.economy.record import area_record, record_table
from snanalys.economy.three_year import outlook_table
from snanalys.measures.catalog import MEASURES, Measure
from snanalys.memo import Memo, folder_state
from snanalys.periods import Period

_MEMO = Memo(32)


def cost_budget_or_none(data) -> pd.DataFrame | None:
    """The areas' budgets, when the municipality's data has them (older extracts may not)."""
    path = data.directory / "cost_budget.parquet"
    return pd.read_parquet(path) if path.exists() else None


def committee_result(data, year: int, months: int) -> pd.DataFrame:
    """The committee's result table (:func:`result_table`) of the municipality's ledger and budget.

    The key figures of the year, the economy page and the run's manifest all need it: computed
    once per process and data folder state, handed out as copies.
    """
    key = ("result", folder_state(data.directory), year, months)
    return _MEMO.get(key, lambda: result_table(data.table("ledger"), data.table("budget"), year, months)).copy()


def area_costs(data, year: int, tertial: int) -> pd.DataFrame:
    """The volume-driven costs against their budgets (:func:`cost_table`), memoised as
    :func:`committee_result` is."""
    key = ("costs", folder_state(data.directory), year, tertial)
    return _MEMO.get(key, lambda: cost_table(data, year, tertial, cost_budget_or_none(data))).copy()


def source_tables(data, year: int, tertial: int | None, months: int) -> dict[str, pd.DataFrame]:
    """The economy's tables of a period, indexed by row key (their total rows included)."""
    tables = {}
    ledger = data.table("ledger")
    if len(ledger):
        committee = committee_result(data, year, months)
        total = total_row(committee)
        tables["committee"] = pd.concat(
            [committee.set_index("key"), total.to_frame().T.set_index(pd.Index([total["label_sv"]]))]
        )
        tables["cumulative"] = cumulative_by_month(ledger, data.table("budget"), year, months)
        tables["account_groups"] = account_group_table(ledger, year, months)
    record = forecast_record(data, year)
    if len(record):
        tables["forecast_record"] = record
    if tertial is not None:
        costs = area_costs(data, year, tertial)
        total = total_row(costs, "Summa")
        tables["costs"] = pd.concat([costs.set_index("area"), total.to_frame().T.set_index(pd.Index(["Summa"]))])
        tables["outlook"] = three_year_outlook(data, year)
    return tables


def forecast_record(data, year: int) -> pd.DataFrame:
    """Prognossäkerhet (:mod:`snanalys.economy.record`): the committee's lines and total, then the cost
    areas, with the forecasts the last run found published (:func:`snanalys.economy.archived.kept`);
    memoised as :func:`committee_result` is, and on what was kept."""

    def compute() -> pd.DataFrame:
        published = archived.kept(data.directory)
        ledger = data.table("ledger")
        parts = [record_table(ledger, year, published)] if len(ledger) else []
        parts.append(area_record(data, year, published))
        parts = [p for p in parts if len(p)]
        return pd.concat(parts) if parts else pd.DataFrame()

    key = ("record", folder_state(data.directory), archived.kept_state(data.directory), year)
    return _MEMO.get(key, compute).copy()


def three_year_outlook(data, year: int) -> pd.DataFrame:
    """The three-year outlook (:func:`outlook_table`), memoised as :func:`committee_result` is."""
    key = ("outlook", folder_state(data.directory), year)
    return _MEMO.get(key, lambda: outlook_table(data, year)).copy()


def table_values(tables: dict[str, pd.DataFrame], measure: Measure) -> pd.Series:
    """A table measure's values by row key: its column times its declared scale (missing stays missing)."""
    frame = tables.get(measure.source)
    if frame is None or measure.column not in frame.columns:
        return pd.Series(dtype="float64")
    return pd.to_numeric(frame[measure.column], errors="coerce").astype("float64") * measure.scale


def economy_rows(data, period: Period) -> list[dict]:
    """The economy's rows of the key-figure table: ``<measure>:<line or area>`` for the declared
    economy measures that are key figures (rounded to 0.1 tkr; the totals are not rows)."""
    year, months = period.start.year, period.end.month
    tertial = {4: 1, 8: 2, 12: 3}.get(months)
    tables = source_tables(data, year, tertial, months)
    rows = []
    for source, total in (("committee", "Socialnämnden"), ("costs", "Summa")):
        if source not in tables:
            continue
        labels = tables[source]["label_sv"].drop(total)
        declared = [m for m in MEASURES if m.kind == "table" and m.source == source and m.key_figure]
        values = {m.id: table_values(tables, m) for m in declared}
        for key, label in labels.items():
            for m in declared:
                value = values[m.id][key]
                rows.append(
                    {
                        "measure": f"{m.id}:{key}",
                        "value": None if value != value else round(value, 1),
                        "unit": m.unit,
                        "label_sv": f"{m.label_sv}, {label}",
                        "base": None,
                    }
                )
    return rows
