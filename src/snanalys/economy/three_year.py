"""The report's three-year outlook ("Förväntad utveckling på tre års sikt").

Each series is the municipality's own full years before the report's year, forecast three years
past the last of them by the method the Kolada backtest chose (docs/forecasts.md), among those
that need no national level (Kolada has no national figures for the report's years), or by last
year's value where the series has too few years for that method, with the backtest's interval
quantiles of the method used (``outlook_calibration.json``, written by
``benchmarks/forecast_backtest.py``). Kolada has no care-day figures: care days borrow the
households' calibration (a volume) and kronor per care day that of kronor per household (a
price), which the page says.

A series any of whose years rests on 1–4 individuals gets no outlook (a forecast equal to a
year's value would give back a suppressed one); the page also hides a row whose inputs the
report's protection hides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from snanalys.data import comparison_years
from snanalys.economy.outlook import METHOD_LABELS_SV, method_for, outlook
from snanalys.measures.tables import cells
from snanalys.periods import year_to_date
from snanalys.suppression import is_small_count

HORIZON = 3


@dataclass(frozen=True)
class Series:
    measure: str  # the declared full-year measure the series is
    label_sv: str
    unit: str  # as printed
    scale: float  # printed = value × scale
    calibration: str  # the Kolada KPI whose backtest it takes
    proxy: bool  # True: Kolada has no such figure; the calibration is a stated stand-in


SERIES = (
    Series("eb_households", "Hushåll med ekonomiskt bistånd", "hushåll", 1.0, "N31910", False),
    Series("eb_kr_per_household", "Utbetalt ekonomiskt bistånd per hushåll", "kr/hushåll", 1.0, "N31849", False),
    Series("eb_paid_kr", "Utbetalt ekonomiskt bistånd", "tkr", 0.001, "N31857", False),
    Series("care_days_children", "Vårddygn, barn och unga", "vårddygn", 1.0, "N31910", True),
    Series("kr_per_care_day_children_external", "Kronor per vårddygn, barn och unga externt", "kr/vårddygn", 1.0,
           "N31849", True),
)  # fmt: skip


@cache
def calibration() -> dict:
    """The backtest's choice per Kolada KPI and horizon (what ``benchmarks/forecast_backtest.py`` wrote)."""
    text = resources.files("snanalys.economy").joinpath("outlook_calibration.json").read_text(encoding="utf-8")
    return json.loads(text)


def input_years(data, year: int) -> list[int]:
    """The full years before ``year`` the outlook rests on."""

    return [y for y in comparison_years(data, year) if y < year]


def outlook_table(data, year: int) -> pd.DataFrame:
    """One row per series (index: its measure): ``label_sv, unit, first_year, last_year, last_value,
    year, value, low, high, method, method_sv, relative_width, proxy, volatility_from`` (printed units)."""
    years = input_years(data, year)
    measures = [s.measure for s in SERIES]
    by_year = {y: cells(data, year_to_date(y, 3), measures).set_index("measure") for y in years}
    rows = {}
    for s in SERIES:
        values = {y: float(by_year[y].loc[s.measure, "value"]) * s.scale for y in years}
        small = any(is_small_count(by_year[y].loc[s.measure, "base"]) for y in years)
        of_kpi = calibration()[s.calibration][str(HORIZON)]
        chosen = of_kpi["without_national"]
        if method_for(chosen["method"], len(years)) != chosen["method"]:  # too few years: last year's value,
            chosen = of_kpi["last_value"]  # with its own errors' interval
        result = None if small or not years else outlook(
            values, HORIZON, chosen["method"], chosen["year_effects"], chosen["residual_quantiles"], chosen["own_weight"],
            chosen["median_volatility"],
        )  # fmt: skip
        nan = float("nan")
        rows[s.measure] = {
            "label_sv": s.label_sv,
            "unit": s.unit,
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
            "last_value": values[years[-1]] if years and not small else nan,
            "year": result.year if result else (years[-1] + HORIZON if years else None),
            "value": result.value if result else nan,
            "low": result.low if result and result.low is not None else nan,
            "high": result.high if result and result.high is not None else nan,
            "method": result.method if result else "",
            "method_sv": METHOD_LABELS_SV.get(result.method, "") if result else "",
            "relative_width": (result.high - result.low) / abs(result.value)
            if result and result.low is not None and result.value
            else nan,
            "proxy": s.proxy,
            "volatility_from": result.volatility_from if result else "",
        }
    return pd.DataFrame.from_dict(rows, orient="index")
