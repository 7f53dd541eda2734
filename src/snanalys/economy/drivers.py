"""The volume-driven costs and what moves them: volume × price, and its decomposition.

Economic assistance kronor = households × kronor per household; placement cost = care
days × kronor per care day, for the same placements. The change against the same
period last year splits by the midpoint rule into a volume effect
ΔQ × (P₀ + P₁)/2 and a price effect ΔP × (Q₀ + Q₁)/2, which add up to the change
exactly because cost = P × Q by construction.

Costs are shown negative, as in the committee's own tables; the areas' budgets (the
compensation lines, ``cost_budget``) are positive cost budgets in the raw data and get
the same sign here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from snanalys.economy.forecast import Forecast, choose_forecast, with_intervals
from snanalys.economy.known import known_forecasts
from snanalys.economy.volumes import volume_forecasts
from snanalys.measures.facts import monthly_amounts
from snanalys.measures.scopes import SCOPES
from snanalys.measures.tables import cells
from snanalys.memo import Memo, folder_state
from snanalys.periods import Period, year_to_date


@dataclass(frozen=True)
class Area:
    key: str
    label_sv: str
    budget_codes: tuple[str, ...]  # rows of the cost_budget table that fund it
    scope: str | None  # the placements it covers (snanalys.measures.scopes); None = economic-assistance payments
    volume_measure: str  # the declared measures of its volume and cost
    cost_measure: str
    volume_unit: str
    price_unit: str


AREAS = (
    Area("ekonomiskt_bistand", "Ekonomiskt bistånd", ("EKONOMISKT_BISTAND", "EKONOMISKT_BISTAND_FLYKTING"), None,
         "eb_households", "eb_paid_kr", "hushåll", "kr/hushåll"),
    Area("hvb_barn_unga", "HVB-vård barn och unga", ("HVB_BARN_UNGA",), "area_hvb_children",
         "care_days_area_hvb_children", "care_cost_kr_area_hvb_children", "vårddygn", "kr/vårddygn"),
    Area("familjehem", "Familjehem", ("FAMILJEHEM",), "area_foster_homes",
         "care_days_area_foster_homes", "care_cost_kr_area_foster_homes", "vårddygn", "kr/vårddygn"),
    Area("placeringar_vuxna", "Placeringar vuxna", ("PLACERINGAR_VUXNA",), "area_adults",
         "care_days_area_adults", "care_cost_kr_area_adults", "vårddygn", "kr/vårddygn"),
)  # fmt: skip


@dataclass(frozen=True)
class Decomposition:
    """Change in cost between two periods split into volume and price (midpoint rule)."""

    q0: float
    p0: float
    q1: float
    p1: float

    @property
    def change(self) -> float:
        return self.q1 * self.p1 - self.q0 * self.p0

    @property
    def volume_effect(self) -> float:
        return (self.q1 - self.q0) * (self.p0 + self.p1) / 2

    @property
    def price_effect(self) -> float:
        return (self.p1 - self.p0) * (self.q0 + self.q1) / 2


def decompose(cost0: float, q0: float, cost1: float, q1: float) -> Decomposition:
    """From costs and volumes of two periods; a zero volume gives a zero price (all volume)."""
    p0 = cost0 / q0 if q0 else 0.0
    p1 = cost1 / q1 if q1 else 0.0
    return Decomposition(q0, p0, q1, p1)


def _area_cells(data, area: Area, period: Period) -> pd.DataFrame:
    return cells(data, period, [area.volume_measure, area.cost_measure]).set_index("measure")


def area_individuals(data, area: Area, period: Period) -> int:
    """Households or persons an area's price rests on (for small-count suppression)."""
    return int(_area_cells(data, area, period).loc[area.volume_measure, "base"])


def area_cost_and_volume(data, area: Area, period: Period) -> tuple[float, float]:
    """(cost in kronor, positive; volume) of an area in a period."""
    table = _area_cells(data, area, period)["value"]
    return float(table[area.cost_measure]), float(table[area.volume_measure])


_MONTHLY = Memo(64)


def monthly_costs(data, area: Area) -> dict[int, np.ndarray]:
    """Cost per calendar month (payment month / care month), per year, for the forecast.

    The same for every period of the data: the key figures of each comparison year ask for it
    again, so it is memoised per process and data folder state (copies handed out)."""
    months = _MONTHLY.get((folder_state(data.directory), area.key), lambda: _monthly_costs(data, area))
    return {year: values.copy() for year, values in months.items()}


def _monthly_costs(data, area: Area) -> dict[int, np.ndarray]:
    grouped = monthly_amounts(
        data.directory, None if area.scope is None else SCOPES[area.scope], data.extract.covered_through
    )
    out = {}
    for year in sorted(grouped["year"].unique()):
        last = data.extract.covered_through.month if year == data.extract.covered_through.year else 12
        of_year = grouped.loc[grouped["year"] == year].set_index("month")["amount"]
        out[int(year)] = of_year.reindex(range(1, last + 1), fill_value=0.0).to_numpy(float)
    return out


def area_budget(cost_budget: pd.DataFrame | None, area: Area, year: int) -> float | None:
    if cost_budget is None or cost_budget.empty:
        return None
    rows = cost_budget.loc[(cost_budget["year"] == year) & cost_budget["area"].isin(area.budget_codes), "budget_kr"]
    return float(rows.sum()) if len(rows) else None


def cost_table(data, year: int, tertial: int, cost_budget: pd.DataFrame | None) -> pd.DataFrame:
    """Per area: budget, outcome, deviation, forecast, volume and price, and the decomposition.

    Kronor, costs negative.
    """
    period = year_to_date(year, tertial)
    last_period = period.same_period_last_year()
    months = period.end.month
    # the four areas are one kind: an area with few own years borrows the others' errors
    prognoses = with_intervals(
        {
            area.key: choose_forecast(
                monthly_costs(data, area),
                year,
                months,
                # placements: the forecast from what is known competes with linear and seasonal
                None
                if area.scope is None or months >= 12
                else {"known": known_forecasts(data, area.scope, year, months)},
            )
            for area in AREAS
        }
    )
    volumes = volume_forecasts(data, AREAS, year, tertial)  # households and care days over the year
    rows = []
    for area in AREAS:
        cost1, q1 = area_cost_and_volume(data, area, period)
        cost0, q0 = area_cost_and_volume(data, area, last_period)
        parts = decompose(cost0, q0, cost1, q1)
        budget_year = area_budget(cost_budget, area, year)
        prognosis: Forecast = prognoses[area.key]
        rows.append(
            {
                "area": area.key,
                "label_sv": area.label_sv,
                "budget_year": -budget_year if budget_year is not None else float("nan"),
                "budget_period": -budget_year * months / 12 if budget_year is not None else float("nan"),
                "outcome_period": -cost1,
                "deviation": (-cost1 + budget_year * months / 12) if budget_year is not None else float("nan"),
                "forecast": -prognosis.value,
                "forecast_low": float("nan") if prognosis.high is None else -prognosis.high,  # costs negative
                "forecast_high": float("nan") if prognosis.low is None else -prognosis.low,
                "forecast_deviation": (-prognosis.value + budget_year) if budget_year is not None else float("nan"),
                "outcome_last_year_period": -cost0,
                "individuals": area_individuals(data, area, period),
                "individuals_last_year": area_individuals(data, area, last_period),
                "volume": q1,
                "volume_last_year": q0,
                "volume_unit": area.volume_unit,
                "volume_forecast": volumes[area.key].value,
                "volume_forecast_low": np.nan if volumes[area.key].low is None else volumes[area.key].low,
                "volume_forecast_high": np.nan if volumes[area.key].high is None else volumes[area.key].high,
                "volume_forecast_detail": volumes[area.key].as_manifest(),
                "price": parts.p1,
                "price_last_year": parts.p0,
                "price_unit": area.price_unit,
                "change": -parts.change,
                "volume_effect": -parts.volume_effect,
                "price_effect": -parts.price_effect,
                "forecast_method": prognosis.method,
                "backtest_error": prognosis.backtest_error,
                "forecast_detail": prognosis.as_manifest(),
            }
        )
    return pd.DataFrame(rows)
