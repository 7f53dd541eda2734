"""Volume and price effects add up exactly to the change they explain."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snanalys.economy.drivers import AREAS, cost_table, decompose

amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
volumes = st.integers(min_value=0, max_value=10**6)  # households and care days are counts


@settings(max_examples=300, deadline=None)
@given(cost0=amounts, q0=volumes, cost1=amounts, q1=volumes)
def test_midpoint_effects_add_up_to_the_change(cost0, q0, cost1, q1):
    parts = decompose(cost0, q0, cost1, q1)
    scale = max(abs(parts.volume_effect), abs(parts.price_effect), cost0, cost1, 1.0)  # float rounding only
    if q0 and q1:
        assert parts.change == pytest.approx(cost1 - cost0, abs=1e-9 * scale)
    assert parts.volume_effect + parts.price_effect == pytest.approx(parts.change, abs=1e-9 * scale)


def test_by_hand():
    parts = decompose(cost0=100 * 10.0, q0=100, cost1=120 * 12.0, q1=120)
    assert parts.volume_effect == pytest.approx(20 * 11)
    assert parts.price_effect == pytest.approx(2 * 110)
    assert parts.volume_effect + parts.price_effect == pytest.approx(1440 - 1000)


def test_on_the_sample_the_effects_add_up_and_prices_are_the_published_ones(sample):
    table = cost_table(sample, 2025, 3, None).set_index("area")
    assert list(table.index) == [a.key for a in AREAS]
    for area, row in table.iterrows():
        assert row["volume_effect"] + row["price_effect"] == pytest.approx(row["change"], abs=1e-6), area
        assert row["change"] == pytest.approx(row["outcome_period"] - row["outcome_last_year_period"], abs=1e-6)
    eb = table.loc["ekonomiskt_bistand"]
    assert (eb["volume"], round(eb["price"])) == (1123, 85937)
    assert eb["outcome_period"] == pytest.approx(-96_507_251, abs=1)  # "96,5 mnkr" in the annual report


def test_the_memoised_tables_are_the_computed_ones_and_callers_get_copies(sample):
    from snanalys.economy.figures import area_costs, committee_result, cost_budget_or_none
    from snanalys.economy.ledger import result_table

    expected = cost_table(sample, 2025, 2, cost_budget_or_none(sample))
    first = area_costs(sample, 2025, 2)
    pd.testing.assert_frame_equal(first, expected)
    first.loc[:, "volume"] = -1  # a caller changing its copy changes nobody else's
    pd.testing.assert_frame_equal(area_costs(sample, 2025, 2), expected)
    pd.testing.assert_frame_equal(
        committee_result(sample, 2025, 8), result_table(sample.table("ledger"), sample.table("budget"), 2025, 8)
    )


def test_monthly_costs_are_memoised_as_computed(sample):
    from snanalys.economy.drivers import _monthly_costs, monthly_costs

    for area in AREAS:
        first, expected = monthly_costs(sample, area), _monthly_costs(sample, area)
        assert first.keys() == expected.keys() and all((first[y] == expected[y]).all() for y in expected)
        next(iter(first.values()))[:] = -1  # a caller changing its copy changes nobody else's
        assert all((monthly_costs(sample, area)[y] == expected[y]).all() for y in expected)
