"""Prognossäkerhet: what the T1 and T2 full-year forecasts of earlier years said, against the outcome.

No archived report's forecasts are read here: each is recomputed as the report of that tertial
would have made it, with the ledger as known then — the months booked up to the tertial's end
and the years before (:func:`snanalys.economy.forecast.choose_forecast` reads nothing later) —
and the page labels them as recomputed. One row per verksamhet line and earlier full year, and
the committee's total per year (the sum of the lines' forecasts, as the report's total is).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snanalys.codes import VERKSAMHETER
from snanalys.economy.forecast import choose_forecast
from snanalys.economy.ledger import LINE_KEYS, monthly_by_line

TERTIAL_MONTHS = {1: 4, 2: 8}
TOTAL = "Socialnämnden"


def record_table(ledger: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per earlier full year of the ledger (before ``year``) and line: ``year, line, label_sv,
    forecast_t1, forecast_t2, outcome, error_t1, error_t2`` (kronor; errors = |forecast − outcome|
    / |outcome|, NaN for an outcome of zero). Indexed ``<line key>_<year>`` (no '|': a year after a word is no number), the total ``Socialnämnden_<year>``."""
    monthly = monthly_by_line(ledger)
    full_years = sorted(
        {y for series in monthly.values() for y, months in series.items() if y < year and len(months) == 12}
    )
    rows = {}
    for y in full_years:
        total = {"forecast_t1": 0.0, "forecast_t2": 0.0, "outcome": 0.0}
        for code in VERKSAMHETER:
            series = monthly.get(code, {})
            if y not in series:
                continue
            row = {"year": y, "line": LINE_KEYS[code], "label_sv": f"{VERKSAMHETER[code]}, {y}"}
            for tertial, months in TERTIAL_MONTHS.items():
                row[f"forecast_t{tertial}"] = choose_forecast(series, y, months).value
            row["outcome"] = float(np.sum(series[y]))
            for column in total:
                total[column] += row[column]
            rows[f"{LINE_KEYS[code]}_{y}"] = row
        rows[f"{TOTAL}_{y}"] = {"year": y, "line": TOTAL, "label_sv": f"{TOTAL}, {y}", **total}
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["year", "line", "label_sv", "forecast_t1", "forecast_t2", "outcome"]
    )
    for tertial in TERTIAL_MONTHS:
        outcome = table["outcome"].where(table["outcome"] != 0)
        table[f"error_t{tertial}"] = (table[f"forecast_t{tertial}"] - outcome).abs() / outcome.abs()
    return table
