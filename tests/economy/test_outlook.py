"""The outlook's methods, and the rolling-origin backtest that chooses them (hand-made panels:
straight lines, random walks; the real Kolada run is benchmarks/forecast_backtest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snanalys.economy import outlook as o


def panel_of(series: dict[str, dict[int, float]], kpi: str = "N31849") -> pd.DataFrame:
    rows = [(geo, year, value) for geo, values in series.items() for year, value in values.items()]
    frame = pd.DataFrame(rows, columns=["geo", "year", kpi]).set_index(["geo", "year"])
    frame["N01951"] = 10_000.0
    return frame


def test_methods_by_hand():
    y = np.array([100.0, 110, 121, 133.1, 146.41])
    assert o.last_value(y, 3) == 146.41
    assert o.growth(y, 2) == pytest.approx(146.41 * 1.1**2)
    assert o.damped(y, 2) == pytest.approx(146.41 * 1.1 * 1.05)
    assert o.trend(np.array([1.0, 2, 3, 4, 5]), 3) == pytest.approx(8.0)
    national = y * 10
    assert o.national_share(y, 1, national) == pytest.approx(0.1 * 1464.1 * 1.1)
    assert np.isnan(o.national_share(y, 1, None))
    assert o.combined(y, 1, national) == pytest.approx((o.damped(y, 1) + o.national_share(y, 1, national)) / 2)


def test_a_forecast_reads_nothing_of_its_target_year():
    years = range(2010, 2020)
    panel = panel_of({"0001": {y: 100.0 + y - 2010 for y in years}, "0002": {y: 50.0 for y in years}})
    national = pd.DataFrame({"N31849": {y: 150.0 + y for y in years}})
    before = o.forecasts(panel, national, "N31849")
    changed, national2 = panel.copy(), national.copy()
    changed.loc[("0001", 2019), "N31849"] = 1e6
    national2.loc[2019, "N31849"] = 1e6
    after = o.forecasts(changed, national2, "N31849")
    keep = before["origin"] + before["horizon"] < 2019
    assert before.loc[keep, "forecast"].to_numpy() == pytest.approx(after.loc[keep, "forecast"].to_numpy(), nan_ok=True)
    target = (after["origin"] + after["horizon"] == 2019) & (after["geo"] == "0001")
    assert target.any() and (after.loc[target, "actual"] == 1e6).all()


def random_walks(n: int = 300, years=range(2000, 2023), drift: float = 0.0, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    series = {}
    for i in range(n):
        sigma = rng.choice([0.02, 0.05, 0.12])  # steady, ordinary, volatile municipalities
        steps = rng.normal(drift, sigma, len(years))
        series[f"{i:04d}"] = dict(zip(years, 1000 * np.exp(np.cumsum(steps))))
    panel = panel_of(series)
    panel["N01951"] = np.repeat(rng.integers(3_000, 900_000, n), len(years)).astype(float)
    return panel


def test_a_random_walk_keeps_last_years_value_and_the_interval_holds_its_level():
    panel = random_walks()
    national = pd.DataFrame({"N31849": panel["N31849"].groupby(level="year").sum()})
    frame = o.forecasts(panel, national, "N31849")
    evaluated = o.rolling_origin(frame)
    # on a walk without drift nothing beats last year's value but by chance
    assert (evaluated["method"] == "last_value").mean() > 0.5
    coverage = o.chosen_table(evaluated).set_index("horizon")
    for h in o.HORIZONS:
        assert 0.74 <= coverage.loc[h, "coverage"] <= 0.86
        fifths = coverage.loc[h, [f"coverage_fifth_{i}" for i in range(1, 6)]]
        assert fifths.between(0.65, 0.95).all()


def test_a_steady_trend_is_chosen_over_last_years_value():
    years = range(2000, 2023)
    rng = np.random.default_rng(1)
    panel = panel_of({f"{i:04d}": {y: 1000 + 40 * (y - 2000) + rng.normal(0, 2) for y in years} for i in range(150)})
    national = pd.DataFrame({"N31849": panel["N31849"].groupby(level="year").sum()})
    frame = o.forecasts(panel, national, "N31849")
    choice = o.choose(frame.loc[frame["horizon"] == 1])
    assert choice.method != "last_value"
    assert o.choose(frame.loc[frame["horizon"] == 1], exclude=(choice.method,)).method != choice.method


def test_the_choice_at_an_origin_uses_only_errors_known_then():
    panel = random_walks(n=200, seed=3)
    national = pd.DataFrame({"N31849": panel["N31849"].groupby(level="year").sum()})
    frame = o.forecasts(panel, national, "N31849")
    first = o.rolling_origin(frame)
    spoiled = frame.copy()
    late = spoiled["origin"] + spoiled["horizon"] > 2015
    spoiled.loc[late, "actual"] *= 3  # outcomes after 2015 change, forecasts do not
    second = o.rolling_origin(spoiled)
    early = lambda f: f.loc[f["origin"] <= 2015].sort_values(["geo", "origin", "horizon"])  # noqa: E731
    pd.testing.assert_frame_equal(
        early(first)[["low", "high", "method"]].reset_index(drop=True),
        early(second)[["low", "high", "method"]].reset_index(drop=True),
    )


def test_too_few_earlier_errors_make_no_choice():
    frame = pd.DataFrame(
        {"method": ["last_value"] * 3, "forecast": [1.0, 2, 3], "actual": [1.0, 2, 3], "volatility": 0.1,
         "median_volatility": 0.1, "change_rms": 0.1, "median_change_rms": 0.1, "population": [1.0, 2, 3],
         "origin": 2010, "geo": ["a", "b", "c"]}
    )  # fmt: skip
    assert o.choose(frame) is None


def test_the_bounds_are_a_shared_year_effect_plus_the_own_scaled_residual():
    residuals = np.linspace(-2, 2, 101)
    low, high = o.log_bounds(np.array([0.0]), residuals, np.array([0.1, 0.2]), level=0.8)
    assert low == pytest.approx([-0.16, -0.32]) and high == pytest.approx([0.16, 0.32])
    shifted = o.log_bounds(np.array([0.05]), residuals, np.array([0.1]), level=0.8)
    assert (shifted[0][0], shifted[1][0]) == pytest.approx((-0.11, 0.21))
    # a steady municipality (scale near 0) still gets the shocks every municipality shared: a normal
    # with the year effects' median and robust spread
    effects = np.array([-0.1, -0.05, -0.02, 0.0, 0.0, 0.01, 0.02, 0.03, 0.05, 0.1])
    centre, spread = 0.005, 1.4826 * np.median(np.abs(effects - 0.005))
    low, high = o.log_bounds(effects, residuals, np.array([0.0, 1e-3]))
    assert low[0] == pytest.approx(centre - 1.2816 * spread, abs=0.03 * spread)
    assert high[0] == pytest.approx(centre + 1.2816 * spread, abs=0.03 * spread)
    assert low[1] < low[0] < 0 < high[0] < high[1]
    # one year of crisis does not set the width
    crisis = o.log_bounds(np.append(effects, -0.6), residuals, np.array([0.0]))
    assert crisis[1][0] - crisis[0][0] == pytest.approx(high[0] - low[0], rel=0.25)
    shocks = effects
    # many scales: computed at 65 of them, the rest interpolated between neighbours
    scales = np.linspace(0.01, 0.3, 500)
    many = o.log_bounds(shocks, residuals, scales)
    exact = [o.log_bounds(shocks, residuals, np.array([x])) for x in scales[::37]]
    assert many[0][::37] == pytest.approx([e[0][0] for e in exact], abs=2e-3)


def test_the_outlook_of_a_series_and_its_interval():
    series = {2020 + i: 100.0 * 1.05**i for i in range(5)}
    series[2022] *= 1.03  # some volatility
    effects, residuals = (-0.02, 0.0, 0.03), tuple(np.linspace(-2, 2.5, 100))
    out = o.outlook(series, 3, "last_value", effects, residuals, own_weight=1.0)
    assert out.year == 2027 and out.value == pytest.approx(series[2024])
    sigma = o.volatility(np.array(list(series.values())), centred=False)  # last year's value misses the changes
    low, high = o.log_bounds(np.array(effects), np.array(residuals), np.array([sigma]))
    assert (out.low, out.high) == pytest.approx((out.value * np.exp(low[0]), out.value * np.exp(high[0])))
    assert out.low < out.value < out.high
    with pytest.raises(ValueError, match="needs 4 years"):  # the quantiles would be another method's
        o.outlook({2023: 5.0, 2024: 6.0}, 1, "damped", effects, residuals)
    short = o.outlook({2023: 5.0, 2024: 6.0}, 1, "last_value", effects, residuals)
    assert short.method == "last_value" and short.low is None  # no volatility from two years, no median
    median = o.outlook({2023: 5.0, 2024: 6.0}, 1, "last_value", effects, residuals, median_volatility=0.1)
    assert median.volatility_from == "median"
    low, high = o.log_bounds(np.array(effects), np.array(residuals), np.array([0.1]))
    assert (median.low, median.high) == pytest.approx((6 * np.exp(low[0]), 6 * np.exp(high[0])))
    assert o.outlook(series, 1, "last_value").low is None  # no backtest quantiles: no interval
    with pytest.raises(ValueError, match="national level"):
        o.outlook(series, 1, "national_share", effects, residuals)


def test_a_steady_fall_is_not_a_steady_series_for_last_years_value():
    falling = 1000 * 0.97 ** np.arange(8)
    assert o.volatility(falling) == pytest.approx(0, abs=1e-9)  # no spread around the mean change
    assert o.volatility(falling, centred=False) == pytest.approx(-np.log(0.97))  # but 3 % missed each year
    frame = pd.DataFrame(
        {"volatility": [0.0, 0.1], "median_volatility": 0.05, "change_rms": [0.03, 0.1], "median_change_rms": 0.06}
    )
    assert o.scale(frame, 1.0, "last_value").to_numpy() == pytest.approx([0.03, 0.1])
    assert o.scale(frame, 1.0, "damped").to_numpy() == pytest.approx([0.0, 0.1])
    assert o.scale(frame, 0.0, "last_value").to_numpy() == pytest.approx([0.06, 0.06])
    effects, residuals = (0.0,), tuple(np.linspace(-2, 2, 100))
    series = dict(zip(range(2017, 2025), falling))
    kept = o.outlook(series, 1, "last_value", effects, residuals)
    followed = o.outlook(series, 1, "damped", effects, residuals)
    assert kept.low < kept.value * 0.97 < kept.value  # the fall it does not follow is inside its interval
    assert followed.high - followed.low == pytest.approx(0, abs=1e-6 * followed.value)  # a method that follows it


def test_steady_falls_beside_random_walks_are_covered_by_last_years_value():
    panel = random_walks(n=300, seed=11)
    rng = np.random.default_rng(5)
    years = range(2000, 2023)
    for i in range(30):  # steady falls and rises: little spread around their mean change
        drift = rng.choice([-0.04, -0.02, 0.02, 0.04])
        steps = rng.normal(drift, 0.004, len(years))
        panel.loc[(f"{i:04d}", list(years)), "N31849"] = 1000 * np.exp(np.cumsum(steps))
    national = pd.DataFrame({"N31849": panel["N31849"].groupby(level="year").sum()})
    frame = o.forecasts(panel, national, "N31849")
    evaluated = o.rolling_origin(frame)
    evaluated = evaluated.loc[(evaluated["horizon"] == 1) & (evaluated["method"] == "last_value")]
    assert len(evaluated) > 3000  # last year's value is chosen a year ahead at most origins
    steady = evaluated["geo"].astype(int) < 30
    # their error is the change they miss, about the same every year: inside the interval (with the
    # changes' standard deviation as their scale, 77 %)
    assert evaluated.loc[steady, "covered"].mean() >= 0.9
    assert 0.74 <= evaluated.loc[~steady, "covered"].mean() <= 0.86


def test_a_method_needs_its_years_and_reads_no_more_of_them():
    assert o.method_for("damped", 4) == "damped" and o.method_for("damped", 3) == "last_value"
    assert o.method_for("trend", 4) == "last_value" and o.method_for("trend", 5) == "trend"
    assert o.method_for("last_value", 1) == "last_value"
    long = np.array([50.0, 70, 60, 100, 110, 121, 133.1])
    for method, years in o.METHOD_YEARS.items():
        if method not in o.NATIONAL_METHODS:  # four years forecast as the backtest's five or more do
            assert o.METHODS[method](long[-years:], 3) == pytest.approx(o.METHODS[method](long, 3))


def test_a_long_series_is_measured_over_the_years_the_backtest_measured():
    long = np.array([100.0, 300, 80, 250, 100, 103, 99, 104, 101])  # wild early years, then calm
    assert o.volatility(long) == pytest.approx(o.volatility(long[-o.MIN_HISTORY :]))
    assert o.volatility(long, centred=False) == pytest.approx(o.volatility(long[-o.MIN_HISTORY :], centred=False))
    assert o.volatility(long) < 0.1
