"""The committee's result per verksamhet: budget for the period, outcome, deviation, forecast.

Amounts stay in kronor, with costs negative and income positive as in the
municipality's own tables; they are rounded to tkr only for display. The budget for a
period is months/12 of the year's budget (budgets are split linearly over months).
Deviation = outcome − budget, so a positive deviation is money left over.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snanalys.codes import ACCOUNT_GROUPS, VERKSAMHETER
from snanalys.economy.forecast import Forecast, choose_forecast, with_intervals

# The keys of the published result table's rows, as the key-figure ids use them.
LINE_KEYS = {
    "NAMND": "namnd",
    "FORFOGANDE": "till_namndens_forfogande",
    "CIVILSAMHALLE": "samarbete_civilsamhalle",
    "FAMILJERADGIVNING": "familjeradgivning",
    "BARN_UNGA": "barn_och_unga",
    "VUXNA_BEROENDE": "vuxna_och_beroende",
    "FLYKTING_INTEGRATION": "flyktingmottagning_integration",
    "ARBETE_FORSORJNING": "arbete_och_forsorjning",
    "MYNDIGHET_GEMENSAMT": "myndighet_och_gemensamma_funktioner",
    "OVRIGT": "ovrigt",
}
ACCOUNT_GROUP_LABELS_SV = {
    "INTAKTER": "Intäkter",
    "PERSONAL": "Personalkostnader",
    "KOP_AV_VERKSAMHET": "Köp av verksamhet",
    "LAMNADE_BIDRAG": "Lämnade bidrag",
    "LOKALER": "Lokalkostnader",
    "OVRIGA_KOSTNADER": "Övriga kostnader",
}


def monthly_by_line(ledger: pd.DataFrame, by: str = "verksamhet") -> dict[str, dict[int, np.ndarray]]:
    """Outcome per line, year and month: ``{line: {year: array of its months}}``.

    A year's array holds the months the ledger has for it (12 for a closed year).
    """
    table = ledger.groupby([by, "year", "month"], observed=True)["amount_kr"].sum()
    out: dict[str, dict[int, np.ndarray]] = {}
    for (line, year), series in table.groupby(level=[0, 1]):
        months = series.droplevel([0, 1])
        last = int(months.index.max())
        out.setdefault(line, {})[int(year)] = months.reindex(range(1, last + 1), fill_value=0.0).to_numpy(float)
    return out


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def result_table(ledger: pd.DataFrame, budget: pd.DataFrame, year: int, months: int) -> pd.DataFrame:
    """One row per verksamhet (all ten lines, in the table's order), amounts in kronor.

    Columns: budget_period, outcome_period, deviation, budget_year, forecast,
    forecast_deviation, outcome_last_year_period, forecast_method, backtest_error, and the
    forecast's 80 % interval forecast_low … forecast_high (NaN where no errors to build it).
    """
    monthly = monthly_by_line(ledger)
    year_budget = budget.loc[budget["year"] == year].groupby("verksamhet")["budget_kr"].sum()
    prognoses = with_intervals(
        {
            code: choose_forecast(monthly[code], year, months)
            if code in monthly
            else Forecast(0.0, "linear", None, (), {})
            for code in VERKSAMHETER
        }
    )  # the verksamhet lines are one kind: a line with few own years borrows the others' errors
    rows = []
    for code in VERKSAMHETER:
        series = monthly.get(code, {})
        this = series.get(year, np.zeros(0))[:months]
        last = series.get(year - 1, np.zeros(0))[:months]
        budget_year = float(year_budget.get(code, 0.0))
        budget_period = budget_year * months / 12
        outcome = float(np.sum(this))
        prognosis: Forecast = prognoses[code]
        rows.append(
            {
                "verksamhet": code,
                "key": LINE_KEYS[code],
                "label_sv": VERKSAMHETER[code],
                "budget_period": budget_period,
                "outcome_period": outcome,
                "deviation": outcome - budget_period,
                "budget_year": budget_year,
                "forecast": prognosis.value,
                "forecast_low": _or_nan(prognosis.low),
                "forecast_high": _or_nan(prognosis.high),
                "forecast_deviation": prognosis.value - budget_year,
                "outcome_last_year_period": float(np.sum(last)) if len(last) else float("nan"),
                "forecast_method": prognosis.method,
                "backtest_error": prognosis.backtest_error,
                "forecast_detail": prognosis.as_manifest(),
            }
        )
    return pd.DataFrame(rows)


AMOUNT_COLUMNS = ["budget_period", "outcome_period", "deviation", "budget_year", "forecast", "forecast_deviation",
                  "outcome_last_year_period"]  # fmt: skip


#: Columns whose total is missing when a line's is: a forecast of some lines is no forecast of the whole,
#: and its deviation would take every line's budget against those lines' forecasts only.
WHOLE_OR_NOTHING_COLUMNS = ("forecast", "forecast_deviation")


def total_row(table: pd.DataFrame, label: str = "Socialnämnden") -> pd.Series:
    """The sum of the lines (the committee's total), so the totals always add up: the total forecast
    and its deviation only where every line has a forecast (else missing, as the line's own is)."""
    total = table[AMOUNT_COLUMNS].sum(min_count=1).astype(object)
    for column in WHOLE_OR_NOTHING_COLUMNS:
        if table[column].isna().any():
            total[column] = float("nan")
    total["label_sv"] = label
    return total


def account_group_table(ledger: pd.DataFrame, year: int, months: int) -> pd.DataFrame:
    """Outcome per account group for the period, this year and the same period last year."""
    rows = {}
    for group in ACCOUNT_GROUPS:
        part = ledger.loc[(ledger["account_group"] == group) & (ledger["month"] <= months)]
        rows[ACCOUNT_GROUP_LABELS_SV[group]] = {
            "this_year": float(part.loc[part["year"] == year, "amount_kr"].sum()),
            "last_year": float(part.loc[part["year"] == year - 1, "amount_kr"].sum()),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["change"] = table["this_year"] - table["last_year"]
    return table


def cumulative_by_month(ledger: pd.DataFrame, budget: pd.DataFrame, year: int, months: int) -> pd.DataFrame:
    """Cumulative outcome and budget (months/12 of the year) of the whole committee, by month."""
    outcome = ledger.loc[(ledger["year"] == year) & (ledger["month"] <= months)].groupby("month")["amount_kr"].sum()
    outcome = outcome.reindex(range(1, months + 1), fill_value=0.0).cumsum()
    year_budget = float(budget.loc[budget["year"] == year, "budget_kr"].sum())
    planned = pd.Series([year_budget * m / 12 for m in range(1, months + 1)], index=outcome.index)
    return pd.DataFrame({"outcome": outcome, "budget": planned})
