"""The committee's result table reproduces the annual report 2025 from the ledger records."""

import pandas as pd
import pytest

from snanalys.economy.ledger import LINE_KEYS, account_group_table, cumulative_by_month, result_table, total_row

# "Årets ekonomiska resultat", annual report 2025 (../shared/BRIEF.md), tkr, costs negative
PUBLISHED_2025 = {
    "namnd": (-2147, -2150, 3, -2125),
    "till_namndens_forfogande": (-694, -1000, 306, -164),
    "samarbete_civilsamhalle": (-6144, -5802, -342, -6320),
    "familjeradgivning": (-542, -900, 358, -1048),
    "barn_och_unga": (-124613, -124613, 0, -127928),
    "vuxna_och_beroende": (-42937, -42937, 0, -44604),
    "flyktingmottagning_integration": (1084, 1284, -200, 1414),
    "arbete_och_forsorjning": (-109224, -109424, 200, -105916),
    "myndighet_och_gemensamma_funktioner": (-14558, -14558, 0, None),
    "ovrigt": (0, 0, 0, 0),
}


def test_2025_t3_reproduces_every_row_and_the_total(sample):
    table = result_table(sample.table("ledger"), sample.table("budget"), 2025, 12).set_index("key")
    assert list(table.index) == list(LINE_KEYS.values())
    for key, (outcome, budget, deviation, last_year) in PUBLISHED_2025.items():
        row = table.loc[key]
        assert row["outcome_period"] / 1000 == pytest.approx(outcome, abs=1), key
        assert row["budget_period"] / 1000 == pytest.approx(budget, abs=1), key
        assert row["deviation"] / 1000 == pytest.approx(deviation, abs=1), key
        if last_year is None:
            assert row["outcome_last_year_period"] != row["outcome_last_year_period"]  # new row in 2025
        elif key != "ovrigt":
            assert row["outcome_last_year_period"] / 1000 == pytest.approx(last_year, abs=1), key
    total = total_row(table)
    assert round(total["outcome_period"] / 1000) == -299775
    assert round(total["budget_period"] / 1000) == -300100
    assert round(total["deviation"] / 1000) == 325


@pytest.mark.parametrize("tertial, months", [(1, 4), (2, 8)])
def test_period_budget_is_months_twelfths_and_forecast_has_a_backtest(sample, tertial, months):
    table = result_table(sample.table("ledger"), sample.table("budget"), 2025, months).set_index("key")
    row = table.loc["barn_och_unga"]
    assert row["budget_period"] == pytest.approx(row["budget_year"] * months / 12)
    assert row["forecast_method"] in ("linear", "seasonal")
    assert row["forecast_detail"]["backtest_years"] == [2023, 2024]


def test_account_groups_and_cumulative_outcome_add_up(sample):
    groups = account_group_table(sample.table("ledger"), 2025, 8)
    cumulative = cumulative_by_month(sample.table("ledger"), sample.table("budget"), 2025, 8)
    assert groups["this_year"].sum() == pytest.approx(cumulative["outcome"].iloc[-1])
    assert cumulative["budget"].iloc[-1] == pytest.approx(cumulative["budget"].iloc[0] * 8)


def test_the_total_forecast_is_missing_when_a_line_has_none():
    """A forecast of some lines is no forecast of the whole: the total forecast and its deviation are
    missing (the budget still adds up), never the other lines' forecasts against every line's budget."""
    table = pd.DataFrame(
        {
            "budget_period": [-10.0, -20.0],
            "outcome_period": [-9.0, -21.0],
            "deviation": [1.0, -1.0],
            "budget_year": [-30.0, -60.0],
            "forecast": [-27.0, float("nan")],
            "forecast_deviation": [3.0, float("nan")],
            "outcome_last_year_period": [-8.0, -19.0],
        }
    )
    total = total_row(table, "Summa")
    assert total["budget_year"] == -90.0 and total["outcome_period"] == -30.0
    assert pd.isna(total["forecast"]) and pd.isna(total["forecast_deviation"])
    both = total_row(table.fillna({"forecast": -62.0, "forecast_deviation": -2.0}), "Summa")
    assert both["forecast"] == -89.0 and both["forecast_deviation"] == 1.0
    assert both["forecast_deviation"] == both["forecast"] - both["budget_year"]
