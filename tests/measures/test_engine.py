"""The engine refuses what a declaration does not allow; the declared functions of two periods."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from snanalys.measures.engine import MeasureError, change_on_last_year, difference, evaluate, facts_read
from snanalys.measures.facts import build_facts
from snanalys.measures.tables import cells
from snanalys.periods import year_to_date

from through_engine import municipality

T2 = year_to_date(2025, 2)


def test_a_split_the_measure_does_not_declare_is_refused():
    with pytest.raises(MeasureError, match="cannot be split by form"):
        cells(municipality(), T2, ["eb_households"], by=["form"])


def test_an_unknown_or_a_table_measure_is_refused():
    with pytest.raises(MeasureError, match="unknown measure"):
        cells(municipality(), T2, ["eb_househods"])
    with pytest.raises(MeasureError, match="committee"):
        cells(municipality(), T2, ["economy_outcome_tkr"])


def test_facts_a_caller_does_not_read_are_not_built_and_not_evaluated(sample):
    reading = facts_read(["eb_households", "care_days_children"])
    assert reading == {"v_households", "f_spells"}
    with build_facts([sample.directory], [sample.extract], T2, reading=reading) as facts:
        tables = set(facts.query("SELECT table_name FROM information_schema.tables")["table_name"])
        assert {"f_adult_reasons", "v_adult_reasons"}.isdisjoint(tables) and "f_households" in tables
        households = evaluate(facts, ["eb_households"])
        with pytest.raises(MeasureError, match="v_adult_reasons not built"):
            evaluate(facts, ["eb_adults_by_reason"])
    with build_facts([sample.directory], [sample.extract], T2) as facts:
        pd.testing.assert_frame_equal(evaluate(facts, ["eb_households"]), households)
        reasons = evaluate(facts, ["eb_adults_by_reason"], by=["reason"])
    with build_facts([sample.directory], [sample.extract], T2, reading={"v_adult_reasons"}) as facts:
        assert len(reasons) > 1
        pd.testing.assert_frame_equal(evaluate(facts, ["eb_adults_by_reason"], by=["reason"]), reasons)


def test_change_on_last_year_is_per_cent_or_points():
    assert change_on_last_year(110, 100, "hushåll") == pytest.approx((10.0, "procent"))
    assert change_on_last_year(4.5, 4.0, "procent") == pytest.approx((0.5, "procentenheter"))
    assert change_on_last_year(5, 0, "hushåll") == (None, "")
    assert change_on_last_year(None, 3, "hushåll") == (None, "")
    assert change_on_last_year(math.nan, 3, "kr") == (None, "")
    assert difference(3, 5) == -2 and difference(3, None) is None


@pytest.mark.parametrize("country", [False, True])
@pytest.mark.parametrize("by", [[], ["sex"], ["form", "provider_type"]])
def test_persons_counted_per_person_first_equal_the_distinct_count(sample, monkeypatch, country, by):
    """The two-step count of placed persons (per person, then per group) is the one-step distinct count."""
    import snanalys.measures.engine as engine

    ids = ["children_placed", "adults_placed_external", "care_days_children", "care_cost_kr"]
    with build_facts([sample.directory], [sample.extract], T2, country=country) as facts:
        two_steps = evaluate(facts, ids, by)
        assert "bool_or" in engine._aggregate_sql("f_spells", [engine.BY_ID[i] for i in ids], by, country)
        monkeypatch.setattr(engine, "_per_person", lambda unique: None)
        one_step = evaluate(facts, ids, by)
    assert len(two_steps) > 0 and two_steps["value"].sum() > 0
    keys = ["municipality_code", "period", "measure", *by]
    pd.testing.assert_frame_equal(
        two_steps.sort_values(keys).reset_index(drop=True), one_step.sort_values(keys).reset_index(drop=True)
    )
