"""Full-year forecasts from year-to-date outcome, chosen per line by backtested error.

Two methods, both documented on the economy page:

- **linear**: outcome so far × 12 / months — right when costs run evenly;
- **seasonal**: last year's monthly profile applied to this year's level —
  outcome so far × (last year's full year / last year's same months) — right when the
  year has a shape (summer, year-end accruals).

For each line the method is chosen by its backtest: the same forecast made at the
same month in each earlier year the data covers, compared with that year's actual
outcome; the error is the mean absolute percentage error over those years.

Each forecast carries an 80 % interval built from the same backtest: the relative errors
(actual − forecast) / |forecast| of the chosen method at the same month of earlier years.
A municipality's own ledger holds only a few years, so a line with fewer than
:data:`MIN_OWN_ERRORS` own errors takes its interval from the errors pooled over the
lines of its kind (the committee's verksamhet lines, or the volume-driven areas), each
at its own chosen method: :func:`with_intervals`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

METHODS = ("linear", "seasonal")
METHOD_LABELS_SV = {
    "linear": "linjär (utfall × 12 / månader)",
    "seasonal": "säsong (fjolårets månadsprofil)",
    "outcome": "helårsutfall",
    "known": "kända placeringar (pågående × återstående dagar × dagens pris + förväntade nya)",
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


#: The interval's nominal coverage and the quantiles of the relative errors it spans.
LEVEL = 0.8
#: Below this many own errors a line's interval rests on the errors pooled over its kind.
MIN_OWN_ERRORS = 5


@dataclass(frozen=True)
class Forecast:
    value: float
    method: str
    backtest_error: float | None  # mean absolute percentage error, 0–1, of the chosen method
    backtest_years: tuple[int, ...]
    errors: dict[str, float | None]
    #: the chosen method's relative errors (actual − forecast) / |forecast| at the same month, by year
    relative_errors: tuple[float, ...] = ()
    low: float | None = None  # the 80 % interval (None: no earlier errors to build it from)
    high: float | None = None
    interval_basis: str = ""  # "own", "pooled" or "outcome"
    interval_errors: int = 0  # how many errors the interval rests on

    def as_manifest(self) -> dict:
        return {
            "method": self.method,
            "backtest_mape": None if self.backtest_error is None else round(self.backtest_error, 4),
            "backtest_years": list(self.backtest_years),
            "errors": {k: (None if v is None else round(v, 4)) for k, v in self.errors.items()},
            "value": round(self.value, 0),
            "interval_80": None if self.low is None else [round(self.low, 0), round(self.high, 0)],
            "interval_basis": self.interval_basis,
            "interval_errors": self.interval_errors,
        }


def relative_errors(monthly_by_year: Mapping[int, np.ndarray], year: int, months: int, method: str) -> tuple:
    """(actual − forecast) / |forecast| of ``method`` at month ``months`` in the years before ``year``
    (the years :func:`backtest` judges, where the forecast is not zero)."""
    out = []
    for y in sorted(monthly_by_year):
        if y >= year or len(monthly_by_year[y]) != 12:
            continue
        if y - 1 not in monthly_by_year or len(monthly_by_year[y - 1]) != 12:
            continue
        predicted = forecast(method, monthly_by_year[y][:months], monthly_by_year[y - 1])
        if math.isnan(predicted) or predicted == 0:
            continue
        out.append((float(np.sum(monthly_by_year[y])) - predicted) / abs(predicted))
    return tuple(out)


def interval(point: float, errors: Sequence[float], level: float = LEVEL) -> tuple[float, float] | None:
    """The central ``level`` interval of ``point`` × (1 + error) over the empirical errors; it always
    holds the point. None without at least two errors."""
    if len(errors) < 2 or math.isnan(point):
        return None
    lo_q, hi_q = np.quantile(np.asarray(errors, float), [(1 - level) / 2, (1 + level) / 2])
    low, high = point + abs(point) * lo_q, point + abs(point) * hi_q
    return min(low, point), max(high, point)


def with_intervals(forecasts: Mapping[str, Forecast]) -> dict[str, Forecast]:
    """Each forecast with its 80 % interval.

    A line with :data:`MIN_OWN_ERRORS` own errors uses them. Otherwise the errors of all
    ``forecasts`` (the lines of one kind) are pooled, and scaled to the line's own volatility
    shrunk toward the pool's: root mean square ``s² = (n·own² + k·pool²) / (n + k)``, ``k`` =
    :data:`MIN_OWN_ERRORS`, so a line whose two own years happened to hit still gets an honest
    width, and a volatile line a wider one than a steady line.
    """
    pooled = np.asarray([e for f in forecasts.values() for e in f.relative_errors], float)
    pool_ms = float(np.mean(pooled**2)) if len(pooled) else 0.0
    out = {}
    for key, f in forecasts.items():
        if f.method == "outcome":
            out[key] = replace(f, low=f.value, high=f.value, interval_basis="outcome")
            continue
        own = np.asarray(f.relative_errors, float)
        if len(own) >= MIN_OWN_ERRORS:
            errors, basis = own, "own"
        else:
            n, k = len(own), MIN_OWN_ERRORS
            scale = math.sqrt((n * float(np.mean(own**2) if n else 0.0) + k * pool_ms) / (n + k))
            errors = pooled * (scale / math.sqrt(pool_ms)) if pool_ms > 0 else pooled
            basis = "pooled"
        bounds = interval(f.value, errors)
        out[key] = replace(
            f,
            low=None if bounds is None else bounds[0],
            high=None if bounds is None else bounds[1],
            interval_basis=basis,
            interval_errors=len(errors) if bounds is not None else 0,
        )
    return out


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


def choose_forecast(
    monthly_by_year: Mapping[int, np.ndarray],
    year: int,
    months: int,
    extra: Mapping[str, Mapping[int, float]] | None = None,
) -> Forecast:
    """The full-year forecast for ``year`` after ``months`` months, by the method that backtests best.

    ``extra``: further methods' forecasts at the same month, by year (the placements' forecast from
    what is known, :mod:`snanalys.economy.known`), judged on the same earlier years."""
    this = np.asarray(monthly_by_year.get(year, np.zeros(0)))[:months]
    if months >= 12:
        return Forecast(float(np.sum(this)), "outcome", 0.0, (), {})
    last = monthly_by_year.get(year - 1)
    errors, years = {}, ()
    for method in METHODS:
        errors[method], years = backtest(monthly_by_year, year, months, method)
    values = {m: forecast(m, this, last) for m in METHODS}
    misses: dict[str, tuple] = {m: relative_errors(monthly_by_year, year, months, m) for m in METHODS}
    for name, by_year in (extra or {}).items():
        own, apes = [], []
        for y in years:  # the years the others are judged on
            predicted, actual = by_year.get(y, float("nan")), float(np.sum(monthly_by_year[y]))
            if not math.isnan(predicted) and actual and predicted:
                own.append((actual - predicted) / abs(predicted))
                apes.append(abs(predicted - actual) / abs(actual))
        # judged only where it forecast every one of those years, as the others did
        errors[name] = float(np.mean(apes)) if apes and len(apes) == len(years) else None
        values[name] = float(by_year.get(year, float("nan")))
        misses[name] = tuple(own)
    candidates = [m for m in values if errors.get(m) is not None and not math.isnan(values[m])]
    method = min(candidates, key=lambda m: errors[m]) if candidates else "linear"
    return Forecast(values[method], method, errors.get(method), years, errors, misses[method])
