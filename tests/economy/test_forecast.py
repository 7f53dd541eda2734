"""Both forecast methods at each tertial, and the choice by backtested error."""

import numpy as np
import pytest

from snanalys.economy.forecast import backtest, choose_forecast, linear, seasonal

SHAPE = np.array([1.0, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 3])  # summer and year-end peaks


def years(shape, levels):
    return {2020 + i: shape * level for i, level in enumerate(levels)}


@pytest.mark.parametrize("months", [4, 8])
def test_linear_and_seasonal_by_hand(months):
    this = np.arange(1, months + 1, dtype=float)
    assert linear(this) == pytest.approx(this.sum() * 12 / months)
    last = np.ones(12) * 2
    assert seasonal(this, last) == pytest.approx(this.sum() / (2 * months) * 24)


@pytest.mark.parametrize("months", [4, 8])
def test_seasonal_wins_when_the_year_has_a_shape(months):
    history = years(SHAPE, [100, 110, 120, 130])
    chosen = choose_forecast(history, 2023, months)
    assert chosen.method == "seasonal"
    assert chosen.backtest_error == pytest.approx(0.0, abs=1e-12)
    assert chosen.value == pytest.approx(SHAPE.sum() * 130)
    assert chosen.backtest_years == (2021, 2022)
    assert chosen.errors["linear"] > 0


@pytest.mark.parametrize("months", [4, 8])
def test_linear_wins_when_costs_run_evenly_but_last_year_was_odd(months):
    history = years(np.ones(12), [100, 100, 100, 100])
    history[2020] = SHAPE * 100  # an odd year spoils the seasonal method's backtest
    history[2021] = history[2021].copy()
    chosen = choose_forecast(history, 2023, months)
    assert chosen.method == "linear"
    assert chosen.value == pytest.approx(1200)


def test_at_t3_the_forecast_is_the_outcome():
    history = years(SHAPE, [100, 110])
    chosen = choose_forecast(history, 2021, 12)
    assert chosen.method == "outcome" and chosen.value == pytest.approx(SHAPE.sum() * 110)


def test_backtest_without_earlier_years_gives_no_error_and_falls_back_to_linear():
    history = {2025: np.ones(8)}
    assert backtest(history, 2025, 4, "linear") == (None, ())
    chosen = choose_forecast(history, 2025, 8)
    assert chosen.method == "linear" and chosen.backtest_error is None and chosen.value == 12
