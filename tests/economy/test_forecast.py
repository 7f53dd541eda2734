"""Both forecast methods at each tertial, and the choice by backtested error."""

import numpy as np
import pytest

from snanalys.economy.forecast import (
    Forecast,
    backtest,
    choose_forecast,
    interval,
    linear,
    relative_errors,
    seasonal,
    with_intervals,
)

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


# --- the 80 % interval ---------------------------------------------------------------------


def test_relative_errors_are_the_chosen_methods_misses_at_the_same_month():
    history = years(np.ones(12), [100, 100, 100, 100])
    history[2022] = np.r_[np.ones(4), np.ones(8) * 1.5] * 100  # the year ran 1/3 over the linear forecast
    errors = relative_errors(history, 2023, 4, "linear")
    assert errors == pytest.approx((0.0, 1 / 3))  # 2020 has no year before it: not judged


def test_interval_spans_the_central_80_percent_of_the_errors_and_holds_the_point():
    errors = np.linspace(-0.2, 0.2, 11)
    low, high = interval(-1000.0, errors)  # a cost: negative, the errors scale by its size
    assert low == pytest.approx(-1000 - 1000 * 0.16) and high == pytest.approx(-1000 + 1000 * 0.16)
    assert interval(100.0, [0.1, 0.2]) == pytest.approx((100.0, 100 + 100 * 0.19))  # all above: the point is the floor
    assert interval(100.0, [0.1]) is None  # one error is no spread


def _forecast(value, errors):
    return Forecast(value, "linear", None, (), {}, tuple(errors))


def test_a_line_with_enough_own_years_uses_its_own_errors():
    own = [-0.1, -0.05, 0.0, 0.05, 0.1]
    out = with_intervals({"a": _forecast(100.0, own), "b": _forecast(100.0, [0.5, -0.5])})
    assert out["a"].interval_basis == "own" and out["a"].interval_errors == len(own)
    assert (out["a"].low, out["a"].high) == pytest.approx(interval(100.0, own))


def test_short_lines_pool_their_kind_and_a_volatile_line_gets_a_wider_interval():
    out = with_intervals({"steady": _forecast(100.0, [0.01, -0.01]), "volatile": _forecast(100.0, [0.3, -0.3])})
    steady, volatile = out["steady"], out["volatile"]
    assert steady.interval_basis == volatile.interval_basis == "pooled"
    assert steady.interval_errors == volatile.interval_errors == 4
    assert steady.low < 100 < steady.high and volatile.low < 100 < volatile.high
    assert volatile.high - volatile.low > steady.high - steady.low
    # the shrinkage keeps a line that happened to hit twice from a zero-width interval
    lucky = with_intervals({"lucky": _forecast(100.0, [0.0, 0.0]), "other": _forecast(100.0, [0.2, -0.2])})["lucky"]
    assert lucky.high - lucky.low > 0


def test_no_errors_anywhere_gives_no_interval_and_t3_the_outcome():
    out = with_intervals({"a": _forecast(100.0, []), "t3": Forecast(50.0, "outcome", 0.0, (), {})})
    assert out["a"].low is None and out["a"].interval_errors == 0
    assert (out["t3"].low, out["t3"].high, out["t3"].interval_basis) == (50.0, 50.0, "outcome")
    assert out["a"].as_manifest()["interval_80"] is None
    assert out["t3"].as_manifest()["interval_80"] == [50.0, 50.0]
