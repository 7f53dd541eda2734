"""The full-year forecast of the volumes: households with economic assistance, care days per area.

Households are counted once in the year, so the year is not months × 12 / months of the count
so far; care days run on. One method serves both: this year's volume so far × the mean ratio of
the full year to the same months in the earlier full years (the declared volume measures of the
cost table, so the forecast and the table count alike). Its backtest judges each earlier year by
the ratio of the years before it only; the 80 % interval comes from those errors, pooled over the
four areas (:func:`snanalys.economy.forecast.with_intervals`).
"""

from __future__ import annotations

import numpy as np

from snanalys.data import comparison_years
from snanalys.economy.forecast import Forecast, with_intervals
from snanalys.measures.tables import cells
from snanalys.periods import year_to_date

METHOD_SV = "hittills × (helår / samma månader) tidigare år"


def _volumes(data, period, measures: list[str]) -> dict[str, float]:
    table = cells(data, period, measures).set_index("measure")["value"]
    return {m: float(table[m]) for m in measures}


def ratio_forecast(so_far: dict[int, float], full: dict[int, float], year: int) -> Forecast:
    """From the volume so far by year (``year`` included) and the full years' volume."""
    years = sorted(y for y in full if y < year and so_far.get(y, 0) > 0)
    ratios = {y: full[y] / so_far[y] for y in years}
    judged, errors = [], []
    for y in years:
        earlier = [ratios[x] for x in years if x < y]
        if not earlier:
            continue
        predicted = so_far[y] * float(np.mean(earlier))
        if predicted:
            judged.append(y)
            errors.append((full[y] - predicted) / abs(predicted))
    point = so_far[year] * float(np.mean(list(ratios.values()))) if ratios else float("nan")
    mape = float(np.mean([abs(e) * abs(so_far[y] * np.mean([ratios[x] for x in years if x < y])) / full[y]
                          for e, y in zip(errors, judged)])) if judged else None  # fmt: skip
    return Forecast(point, "ratio", mape, tuple(judged), {"ratio": mape}, tuple(errors))


def volume_forecasts(data, areas, year: int, tertial: int) -> dict[str, Forecast]:
    """Per area key: its volume's full-year forecast with an 80 % interval (the outcome at T3)."""

    measures = [a.volume_measure for a in areas]
    if tertial >= 3:
        year_values = _volumes(data, year_to_date(year, 3), measures)
        return with_intervals({a.key: Forecast(year_values[a.volume_measure], "outcome", 0.0, (), {}) for a in areas})
    years = [y for y in comparison_years(data, year) if y < year]
    so_far = {y: _volumes(data, year_to_date(y, tertial), measures) for y in [*years, year]}
    full = {y: _volumes(data, year_to_date(y, 3), measures) for y in years}
    return with_intervals(
        {
            a.key: ratio_forecast(
                {y: v[a.volume_measure] for y, v in so_far.items()},
                {y: v[a.volume_measure] for y, v in full.items()},
                year,
            )
            for a in areas
        }
    )
