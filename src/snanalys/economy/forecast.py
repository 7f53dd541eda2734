"""Full-year forecasts from year-to-date outcome, chosen per line by backtested error.

Two methods, both documented on the economy page:

- **linear**: outcome so far × 12 / months — right when costs run evenly;
- **seasonal**: last year's monthly profile applied to this year's level —
  outcome so far × (last year's full year / last year's same months) — right when the
  year has a shape (summer, year-end accruals).

For each line the method is chosen by its backtest: the same forecast made at the
same month in each earlier year the data covers, compared with that year's actual
outcome; the error is the mean absolute percentage error over those years.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

METHODS = ("linear", "seasonal")
METHOD_LABELS_SV = {
    "linear": "linjär (utfall × 12 / månader)",
    "seasonal": "säsong (fjolårets månadsprofil)",
    "outcome": "helårsutfall",
}


def linear(months_so_far: np.ndarray) -> float:
    m = len(months_so_far)
    return float(np.sum(months_so_far) * 12 / m) if m else float("nan")


def seasonal(months_so_far: np.ndarray, last_year: np.ndarray | None) -> float:
    """This year's level on last year's shape; falls back to linear without a usable profile."""
    m = len(months_so_far)
    if last_year is None or len(last_year) != 12 or m == 0:
        return float("nan")
    base = float(np.sum(last_year[:m]))
    if base == 0:
        return float("nan")
    return float(np.sum(months_so_far) / base * np.sum(last_year))


def forecast(method: str, months_so_far: np.ndarray, last_year: np.ndarray | None) -> float:
    if method == "linear":
        return linear(months_so_far)
    if method == "seasonal":
        return seasonal(months_so_far, last_year)
    raise ValueError(f"unknown forecast method {method!r}; expected one of {', '.join(METHODS)}")


@dataclass(frozen=True)
class Forecast:
    value: float
    method: str
    backtest_error: float | None  # mean absolute percentage error, 0–1, of the chosen method
    backtest_years: tuple[int, ...]
    errors: dict[str, float | None]

    def as_manifest(self) -> dict:
        return {
            "method": self.method,
            "backtest_mape": None if self.backtest_error is None else round(self.backtest_error, 4),
            "backtest_years": list(self.backtest_years),
            "errors": {k: (None if v is None else round(v, 4)) for k, v in self.errors.items()},
        }


def backtest(
    monthly_by_year: Mapping[int, np.ndarray], year: int, months: int, method: str
) -> tuple[float | None, tuple]:
    """Mean absolute percentage error of ``method`` at month ``months`` over the years before ``year``."""
    errors, years = [], []
    for y in sorted(monthly_by_year):
        if y >= year or len(monthly_by_year[y]) != 12:
            continue
        if y - 1 not in monthly_by_year or len(monthly_by_year[y - 1]) != 12:
            continue  # both methods are judged on the same years: seasonal needs the year before
        actual = float(np.sum(monthly_by_year[y]))
        predicted = forecast(method, monthly_by_year[y][:months], monthly_by_year[y - 1])
        if actual == 0 or math.isnan(predicted):
            continue
        errors.append(abs(predicted - actual) / abs(actual))
        years.append(y)
    return (float(np.mean(errors)) if errors else None), tuple(years)


def choose_forecast(monthly_by_year: Mapping[int, np.ndarray], year: int, months: int) -> Forecast:
    """The full-year forecast for ``year`` after ``months`` months, by the method that backtests best."""
    this = np.asarray(monthly_by_year.get(year, np.zeros(0)))[:months]
    if months >= 12:
        return Forecast(float(np.sum(this)), "outcome", 0.0, (), {})
    last = monthly_by_year.get(year - 1)
    errors, years = {}, ()
    for method in METHODS:
        errors[method], years = backtest(monthly_by_year, year, months, method)
    candidates = [m for m in METHODS if errors[m] is not None and not math.isnan(forecast(m, this, last))]
    method = min(candidates, key=lambda m: errors[m]) if candidates else "linear"
    return Forecast(forecast(method, this, last), method, errors.get(method), years, errors)
