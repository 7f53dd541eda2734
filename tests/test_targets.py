import pytest

from snanalys import targets as t


def _indicator(**kw):
    base = dict(id="x", title="x", measure="m", source="s", tolerance=0.05)
    base.update(kw)
    return t.Indicator(**base)


def test_the_shipped_configuration_loads():
    goals = t.load_goals()
    assert [g.id for g in goals] == ["ekonomiskt_bistand", "oppna_former"]
    assert goals[0].indicators[0].target == 600


@pytest.mark.parametrize(
    "value, expected", [(599.0, t.GREEN), (600.0, t.YELLOW), (630.0, t.YELLOW), (630.5, t.RED), (None, t.NOT_JUDGED)]
)
def test_ceiling_colours(value, expected):
    ind = _indicator(kind="ceiling", target=600)
    assert t.judge(value, t.period_target(ind, {}, 2026), lower_is_better=True, tolerance=0.05) == expected


def test_reduction_follows_a_straight_path_from_the_baseline():
    ind = _indicator(kind="reduce_by_share", baseline_year=2023, target_year=2026, reduction=0.5)
    values = {2023: 1200.0}
    assert t.period_target(ind, values, 2023) == 1200
    assert t.period_target(ind, values, 2024) == pytest.approx(1000)
    assert t.period_target(ind, values, 2026) == pytest.approx(600)
    assert t.period_target(ind, values, 2030) == pytest.approx(600)
    assert t.period_target(ind, {}, 2026) is None


def test_increase_and_decrease_compare_with_last_year():
    up = _indicator(kind="increase")
    down = _indicator(kind="decrease")
    values = {2024: 100.0, 2025: 96.0}
    assert t.period_target(up, values, 2025) == 100.0
    assert t.judge(96.0, 100.0, lower_is_better=False, tolerance=0.05) == t.YELLOW
    assert t.judge(94.0, 100.0, lower_is_better=False, tolerance=0.05) == t.RED
    assert t.judge(96.0, t.period_target(down, values, 2025), lower_is_better=True, tolerance=0.05) == t.GREEN


def test_goal_met_needs_the_required_number_of_greens():
    goals = t.load_goals()
    values = {
        "eb_households_per_month": {2026: 590.0},
        "eb_kr_per_inhabitant": {2024: 1500.0, 2026: 1600.0},
        "eb_adults_unemployed": {2023: 1200.0, 2026: 500.0},
    }
    results = t.evaluate(goals, values, 2026)
    statuses = {r.indicator.id: r.status for r in results}
    assert statuses["hushall_per_manad"] == t.GREEN
    assert statuses["kostnad_per_invanare"] == t.RED
    assert statuses["arbetsloshet"] == t.GREEN
    assert statuses["placeringar_barn"] == t.NOT_JUDGED
    assert t.goal_met(goals[0], results) and not t.goal_met(goals[1], results)


def test_rule_text_states_numbers_in_swedish_format():
    text = t.rule_text_sv(_indicator(kind="ceiling", target=600))
    assert "under 600" in text and "630" in text and "5 %" in text


def test_a_bad_configuration_is_refused(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(
        '[[goal]]\nid="g"\ntitle="g"\nrequired_green=1\n[[goal.indicator]]\nid="i"\ntitle="i"\n'
        'measure="m"\nsource="s"\nkind="ceiling"\n'
    )
    with pytest.raises(t.TargetConfigError, match="needs target"):
        t.load_goals(path)


def test_the_reduction_target_s_path_is_straight_from_the_baseline_to_the_target_year():
    from snanalys.targets import reduction_path

    path = reduction_path("eb_adults_unemployed", 900.0)
    assert path == pytest.approx({2023: 900.0, 2024: 750.0, 2025: 600.0, 2026: 450.0})
    assert reduction_path("eb_households_per_month", 900.0) is None  # a ceiling, no path
