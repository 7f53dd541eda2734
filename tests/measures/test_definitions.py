""" "Definitioner och metod" is built from the declarations: every figure shown has an entry that says
what it counts, and a new measure with a condition of its own cannot appear without one."""

from __future__ import annotations

from snanalys.measures.catalog import BY_ID, MEASURES
from snanalys.measures.definitions import CONDITIONS_SV, definitions, is_shown, protection_sv
from snanalys.measures.scopes import SCOPES


def test_every_measure_the_report_shows_is_defined_once():
    entries = definitions()
    ids = [d.measure for d in entries]
    assert len(ids) == len(set(ids))
    own_entries = ("kolada", "socialstyrelsen")  # public statistics: one entry per series
    shown = {m.id if m.kind != "table" or m.source in own_entries else m.source for m in MEASURES if is_shown(m)}
    assert set(ids) == shown
    for d in entries:
        assert d.label and d.counts.endswith(".") and d.source and d.protection, d


def test_a_measure_narrowed_by_a_condition_says_what_the_condition_means():
    scopes = {s.predicate() for s in SCOPES.values()}
    unexplained = [
        m.id
        for m in MEASURES
        if m.kind == "aggregate" and is_shown(m) and m.where not in ("true", *scopes) and m.id not in CONDITIONS_SV
    ]
    assert unexplained == []
    assert set(CONDITIONS_SV) <= set(BY_ID)


def test_the_entries_follow_the_report_order_and_name_the_parts_of_a_ratio():
    entries = definitions()
    areas = list(dict.fromkeys(d.area for d in entries))
    assert areas == ["Ekonomiskt bistånd", "Placeringar", "Kostnad per vårddygn", "Ekonomi", "Jämförelser"]
    per_household = next(d for d in entries if d.measure == "eb_kr_per_household")
    assert BY_ID["eb_paid_kr"].label_sv in per_household.counts
    assert BY_ID["eb_households"].label_sv.lower() in per_household.counts
    care_days = next(d for d in entries if d.measure == "care_days_children")
    assert "dagen före utskrivningsdagen" in care_days.counts and SCOPES["children"].description_sv in care_days.counts


def test_the_protection_rule_follows_the_kind_of_figure():
    assert "1–4" in protection_sv(BY_ID["eb_households"])
    assert "månader" in protection_sv(BY_ID["eb_households_per_month"])
    assert "täljaren eller nämnaren" in protection_sv(BY_ID["eb_kr_per_household"])
    assert "Kolada" in protection_sv(BY_ID["kolada_N31807"])
