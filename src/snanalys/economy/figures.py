"""The economy's rows of the key-figure table (tkr, costs negative)."""

from __future__ import annotations

import pandas as pd

from snanalys.economy.drivers import cost_table
from snanalys.economy.ledger import result_table
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


def economy_rows(data, period: Period) -> list[dict]:
    """``economy_*_tkr:<line>`` for the ten verksamhet lines and ``cost_*_tkr:<area>`` for the areas."""
    year, months = period.start.year, period.end.month
    tertial = {4: 1, 8: 2, 12: 3}.get(months)
    rows = []
    ledger = data.table("ledger")
    if len(ledger):
        table = committee_result(data, year, months)
        for r in table.itertuples(index=False):
            rows += [
                _row(f"economy_outcome_tkr:{r.key}", r.outcome_period, f"Utfall, {r.label_sv}"),
                _row(f"economy_budget_tkr:{r.key}", r.budget_period, f"Budget för perioden, {r.label_sv}"),
                _row(f"economy_forecast_tkr:{r.key}", r.forecast, f"Helårsprognos, {r.label_sv}"),
            ]
    if tertial is not None:
        costs = area_costs(data, year, tertial)
        for r in costs.itertuples(index=False):
            rows += [
                _row(f"cost_outcome_tkr:{r.area}", r.outcome_period, f"Kostnad, {r.label_sv}"),
                _row(f"cost_budget_tkr:{r.area}", r.budget_period, f"Budget/ersättning för perioden, {r.label_sv}"),
                _row(f"cost_forecast_tkr:{r.area}", r.forecast, f"Helårsprognos kostnad, {r.label_sv}"),
                _row(f"cost_volume_effect_tkr:{r.area}", r.volume_effect, f"Volymeffekt mot i fjol, {r.label_sv}"),
                _row(f"cost_price_effect_tkr:{r.area}", r.price_effect, f"Priseffekt mot i fjol, {r.label_sv}"),
            ]
    return rows


def _row(measure: str, kronor: float, label: str) -> dict:
    value = None if kronor is None or kronor != kronor else round(kronor / 1000, 1)
    return {"measure": measure, "value": value, "unit": "tkr", "label_sv": label, "base": None}
