"""The placements' full-year forecast from what is known at the tertial's end.

cost so far + (ongoing placements × their remaining days in the year × retention
+ expected new care days) × the current price, where

- **ongoing**: the area's placements begun by the tertial's last day and not ended by it (an end
  date after it was not known then: such a placement counts as ongoing);
- **retention**: the share of the remaining days that the placements ongoing at the same date of
  earlier years actually stayed (1 without an earlier year);
- **expected new care days**: the care days, within the year, of the placements begun after the
  same date in earlier years (their mean; 0 without an earlier year);
- **current price**: the cost of the ongoing placements' care in the tertial's last month over their
  care days in it.

Only years before the forecast year feed retention and new days, so the method is backtested
like the others (:func:`snanalys.economy.forecast.choose_forecast`, ``extra``).
"""

from __future__ import annotations

import calendar

import duckdb
import numpy as np
import pandas as pd

from snanalys.measures.scopes import SCOPES


def area_placements(data, scope_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(placements, their invoices) of the area's scope."""
    placements = data.placements
    with duckdb.connect() as con:
        con.register("p", placements)
        keys = con.execute(f"SELECT placement_key FROM p WHERE {SCOPES[scope_name].predicate()}").df()
    chosen = placements.loc[placements["placement_key"].isin(keys["placement_key"])]
    costs = data.placement_costs
    return chosen, costs.loc[costs["placement_key"].isin(chosen["placement_key"])]


def care_days(placements: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Care days of each placement within ``first`` … ``last`` (a spell S … E−1; a same-day spell 1)."""
    start = placements["start_date"].clip(lower=first)
    end = placements["end_date"]
    end_exclusive = end.where(
        end.isna() | (end > placements["start_date"]), placements["start_date"] + pd.Timedelta(days=1)
    )
    stop = end_exclusive.fillna(last + pd.Timedelta(days=1)).clip(upper=last + pd.Timedelta(days=1))
    return ((stop - start).dt.days).clip(lower=0)


def _cutoff(year: int, months: int) -> pd.Timestamp:
    return pd.Timestamp(year, months, calendar.monthrange(year, months)[1])


def _ongoing(placements: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    return placements.loc[
        (placements["start_date"] <= cutoff) & (placements["end_date"].isna() | (placements["end_date"] > cutoff))
    ]


def known_forecast(placements: pd.DataFrame, costs: pd.DataFrame, year: int, months: int, first_year: int) -> float:
    """The full-year cost (kronor, positive) of ``year`` after ``months`` months; earlier years from
    ``first_year`` (the first the invoices cover) give retention and new days. NaN without a price."""
    cutoff = _cutoff(year, months)
    year_end = pd.Timestamp(year, 12, 31)
    month_start = pd.Timestamp(year, months, 1)
    care_month = costs["care_month"]
    so_far = float(costs.loc[(care_month.dt.year == year) & (care_month.dt.month <= months), "amount_kr"].sum())
    ongoing = _ongoing(placements, cutoff)
    in_month = costs.loc[(care_month == month_start) & costs["placement_key"].isin(ongoing["placement_key"])]
    days_in_month = float(care_days(ongoing, month_start, cutoff).sum())
    if days_in_month <= 0:
        return float("nan")
    price = float(in_month["amount_kr"].sum()) / days_in_month
    remaining = (year_end - cutoff).days
    retention, new_days = [], []
    for y in range(first_year, year):
        then, then_end = _cutoff(y, months), pd.Timestamp(y, 12, 31)
        before = _ongoing(placements, then)
        possible = len(before) * (then_end - then).days
        if possible:
            retention.append(float(care_days(before, then + pd.Timedelta(days=1), then_end).sum()) / possible)
        started = placements.loc[(placements["start_date"] > then) & (placements["start_date"] <= then_end)]
        new_days.append(float(care_days(started, then + pd.Timedelta(days=1), then_end).sum()))
    stay = float(np.mean(retention)) if retention else 1.0
    new = float(np.mean(new_days)) if new_days else 0.0
    return so_far + (len(ongoing) * remaining * stay + new) * price


def known_forecasts(data, scope_name: str, year: int, months: int) -> dict[int, float]:
    """The known-placements forecast of ``year`` and of each earlier year the invoices cover (for the
    backtest), at month ``months``: year → kronor."""
    placements, costs = area_placements(data, scope_name)
    if costs.empty:
        return {}
    first = int(costs["care_month"].dt.year.min())
    return {y: known_forecast(placements, costs, y, months, first) for y in range(first, year + 1)}
