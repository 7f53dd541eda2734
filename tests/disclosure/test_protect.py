"""The leaks of issue 14, tried as an attacker would on a tiny municipality's cells: each one is
caught by the audit when only the small cell is hidden (what table-by-table suppression did),
and cannot be worked back once the report-wide protection has chosen what else to hide."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_municipality import MAY_AUG, T1, T2, cell, frame

from snanalys.disclosure.audit import Knowledge, audit, passes
from snanalys.disclosure.linked import COUNT, link
from snanalys.disclosure.protect import choose, individuals_of, protect_report


def table_only(cells, hidden_ids):
    """What table-by-table suppression published: only the small cells hidden."""
    table = link(cells, 2025, 2)
    unknown = np.zeros(table.n, dtype=bool)
    unknown[len(table.cells) :] = True
    for cell_id in hidden_ids:
        unknown[table.var(cell_id)] = True
    return table, unknown


def worked_back(cells, hidden_ids):
    """The protected quantities an attacker pins, given the hidden cells."""
    table, unknown = table_only(cells, hidden_ids)
    return [f for f in audit(table, unknown, individuals_of(table)) if not f.passed]


def persons_cells():
    return frame(
        cell("eb_persons", 40),
        cell("eb_adults", 36),
        cell("eb_children", 4),
        cell("eb_adults_women", 20),
        cell("eb_adults_men", 16),
    )


def test_children_as_persons_minus_adults_is_caught_and_then_protected():
    cells = persons_cells()
    leaks = worked_back(cells, ["eb_children|2025-01-01|2025-08-31||"])
    assert [f.quantity.name for f in leaks] == ["eb_children|2025-01-01|2025-08-31||"]
    assert leaks[0].low == leaks[0].high == 4  # children = persons − adults

    protection = protect_report(cells, 2025, 2)
    assert "eb_children|2025-01-01|2025-08-31||" in protection.hidden
    assert all(f.passed for f in protection.findings)
    # adults by sex still pin the adults when the adults are hidden: the protection must know it
    table = protection.table
    know = Knowledge(table, _unknown(protection))
    low, high = know.range_of(next(f.quantity for f in protection.findings if "eb_children" in f.quantity.name))
    assert low <= 1 and high >= 5


def _unknown(protection):
    table = protection.table
    unknown = np.zeros(table.n, dtype=bool)
    unknown[len(table.cells) :] = True
    for cell_id in protection.hidden:
        unknown[table.var(cell_id)] = True
    return unknown


def care_days_by_form():
    forms = {"FAMILJEHEM": (5000, 12, 9_000_000), "HVB": (259, 2, 1_873_000), "SIS": (0, 0, 0), "STODBOENDE": (0, 0, 0)}
    rows = [cell("care_days", sum(d for d, _, _ in forms.values()), base=14)]
    rows += [cell("care_cost_kr", sum(c for _, _, c in forms.values()), base=14)]
    rows += [cell("children_placed", 14)]
    for form, (days, persons, cost) in forms.items():
        rows += [
            cell("care_days", days, by="form", key=form, base=persons),
            cell("care_cost_kr", cost, by="form", key=form, base=persons),
            cell("children_placed", persons, by="form", key=form),
        ]
        if days:
            rows.append(cell("kr_per_care_day", cost / days, by="form", key=form, base=persons))
    rows.append(cell("kr_per_care_day", 10_873_000 / 5259, base=14))
    return frame(*rows)


def test_care_days_of_a_small_form_as_total_minus_visible_forms():
    cells = care_days_by_form()
    small = [f"{m}|2025-01-01|2025-08-31|form|HVB" for m in ("care_days", "care_cost_kr", "children_placed")]
    small.append("kr_per_care_day|2025-01-01|2025-08-31|form|HVB")
    leaks = {f.quantity.name for f in worked_back(cells, small)}
    assert "care_days|2025-01-01|2025-08-31|form|HVB" in leaks  # 5 259 − 5 000 = 259
    assert "care_cost_kr|2025-01-01|2025-08-31|form|HVB" in leaks

    protection = protect_report(cells, 2025, 2)
    assert set(small) <= set(protection.hidden)
    assert all(f.passed for f in protection.findings), protection.audit_frame()
    # the zeros beside it stay shown: a zero is not a count of 1–4
    assert "children_placed|2025-01-01|2025-08-31|form|SIS" not in protection.hidden


def test_mean_times_count_gives_back_the_hidden_kronor():
    """Kronor per care day × care days = the kronor of 2 placements hidden alone."""
    cells = care_days_by_form()
    leaks = {f.quantity.name for f in worked_back(cells, ["care_cost_kr|2025-01-01|2025-08-31|form|HVB"])}
    assert "care_cost_kr|2025-01-01|2025-08-31|form|HVB" in leaks
    protection = protect_report(cells, 2025, 2)
    assert "kr_per_care_day|2025-01-01|2025-08-31|form|HVB" in protection.hidden  # a mean over 2 placements
    assert all(f.passed for f in protection.findings)


def test_a_mean_over_few_households_is_hidden_with_what_pins_it():
    cells = frame(
        cell("eb_households", 3),
        cell("eb_paid_kr", 90_000, base=3),
        cell("eb_kr_per_household", 30_000, base=3),
    )
    protection = protect_report(cells, 2025, 2)
    assert set(protection.hidden) == {
        "eb_households|2025-01-01|2025-08-31||",
        "eb_paid_kr|2025-01-01|2025-08-31||",
        "eb_kr_per_household|2025-01-01|2025-08-31||",
    }
    assert all(f.passed for f in protection.findings)


def test_t2_minus_t1_of_a_cumulative_count_is_a_protected_increment():
    cells = frame(
        cell("eb_households", 40, span=T1),
        cell("eb_households", 42, span=T2),
    )
    leaks = worked_back(cells, [])
    assert [f.quantity.why for f in leaks] == ["rest/ökning"]  # 2 new households, shown by subtraction
    assert leaks[0].low == leaks[0].high == 2
    protection = protect_report(cells, 2025, 2)
    assert all(f.passed for f in protection.findings)
    assert protection.hidden or protection.rounded


def test_placements_started_are_counts_of_placements_resting_on_their_children():
    """Found 2026-12-03 in the public files: placements started (a count of placements, with the
    children they rest on as its base) were not protected at all, and T2 − T1 by form gave back
    one to four new placements. One placement of one child, six placements of three children
    and the three placements started between T1 and T2 are each hidden or kept unknown."""
    measure = "children_placements_started"
    one = f"{measure}|2025-01-01|2025-08-31|form|SIS"
    six = f"{measure}|2025-01-01|2025-08-31|form|HVB"
    cells = frame(
        cell(measure, 20, base=18),
        cell(measure, 1, by="form", key="SIS", base=1),
        cell(measure, 6, by="form", key="HVB", base=3),
        cell(measure, 13, by="form", key="FAMILJEHEM_EGET", base=12),
        cell(measure, 10, span=T1, by="form", key="FAMILJEHEM_EGET", base=10),
    )
    assert {f.quantity.why for f in worked_back(cells, [])} >= {"rest/ökning"}  # 13 − 10 new placements
    protection = protect_report(cells, 2025, 2)
    assert {one, six} <= set(protection.hidden)
    assert all(f.passed for f in protection.findings)
    increment = next(f for f in protection.findings if f.quantity.why == "rest/ökning")
    assert increment.low <= 1 and increment.high >= 5


def test_795_797_the_later_count_is_rounded_not_hidden():
    """T1 published 795 households; T2 has 797: "ca 800" keeps the 2 new households unknown."""
    cells = frame(cell("eb_households", 795, span=T1), cell("eb_households", 797, span=T2))
    table = link(cells, 2025, 2)
    frozen = np.zeros(table.n, dtype=bool)
    frozen[table.var("eb_households|2025-01-01|2025-04-30||")] = True  # the T1 report is out
    protection = choose(table, 2025, 2, frozen=frozen)
    assert protection.rounded == {"eb_households|2025-01-01|2025-08-31||": 800.0}
    assert not protection.hidden
    assert all(f.passed for f in protection.findings)
    increment = next(f for f in protection.findings if f.quantity.why == "rest/ökning")
    assert increment.low <= 1 and increment.high >= 5


def test_additive_months_tile_the_tertial():
    """Care days of Jan–Apr and May–Aug add up to Jan–Aug: one of three pins no other."""
    cells = frame(
        cell("care_days", 300, span=T1, base=3),
        cell("care_days", 900, span=T2, base=8),
        cell("care_days", 600, span=MAY_AUG, base=7),
    )
    leaks = worked_back(cells, ["care_days|2025-01-01|2025-04-30||"])
    assert leaks and leaks[0].low == leaks[0].high == 300  # Jan–Aug − May–Aug
    protection = protect_report(cells, 2025, 2)
    assert all(f.passed for f in protection.findings)
    assert len(protection.hidden) >= 2


@pytest.mark.parametrize(
    ("kind", "true", "low", "high", "ok"),
    [
        (COUNT, 3, 1, 5, True),
        (COUNT, 3, 1.2, 7, False),  # whole numbers: 1.2 cannot be, 2 is the least: fails below
        (COUNT, 3, 2, 9, False),
        (COUNT, 3, 0, 4.9, False),
        ("amount", 1000, 750, 1250, True),
        ("amount", 1000, 800, 1300, False),
        ("amount", -1000, -1300, -700, True),
    ],
)
def test_the_rule(kind, true, low, high, ok):
    assert passes(kind, true, low, high) is ok


def test_adults_by_sex_against_their_total_when_no_one_is_counted_twice():
    """Distinct persons by sex add up when no one changed sex: a reader who assumes it is right."""
    cells = frame(
        cell("eb_adults", 24),
        cell("eb_adults", 14, by="sex", key="K"),
        cell("eb_adults", 10, by="sex", key="M"),
        cell("eb_persons", 27),
        cell("eb_children", 3),
    )
    hidden = ["eb_children|2025-01-01|2025-08-31||", "eb_adults|2025-01-01|2025-08-31||"]
    leaks = {f.quantity.name: f for f in worked_back(cells, hidden)}
    child = leaks["eb_children|2025-01-01|2025-08-31||"]  # persons − (women + men) = 3
    assert child.low == pytest.approx(3) and child.high == pytest.approx(3)
    protection = protect_report(cells, 2025, 2)
    assert "eb_children|2025-01-01|2025-08-31||" in protection.hidden
    assert all(f.passed for f in protection.findings), protection.audit_frame()


def test_someone_in_two_parts_leaves_the_parts_as_bounds():
    """A person placed in two forms: the forms sum to more than the total, a reader cannot add them."""
    cells = frame(
        cell("children_placed", 10),
        cell("children_placed", 8, by="form", key="FAMILJEHEM"),
        cell("children_placed", 3, by="form", key="HVB"),
    )
    table, unknown = table_only(cells, ["children_placed|2025-01-01|2025-08-31|form|HVB"])
    low, high = Knowledge(table, unknown).range_of(next(q for q in audit_quantities(table, unknown) if "HVB" in q.name))
    assert low <= 2 and high >= 10  # within the total, not total − 8 = 2


def audit_quantities(table, unknown):
    from snanalys.disclosure.audit import quantities

    return quantities(table, unknown, individuals_of(table))


def test_a_total_of_two_hidden_non_zero_parts_needs_only_reach_two():
    """Zeros are shown, so a reader knows each X is at least 1: two placed children in two forms
    are at least 2 whatever is hidden; the rule's lower side asks for that, not for 1."""
    cells = frame(
        cell("children_placed", 2),
        cell("children_placed", 1, by="form", key="FAMILJEHEM"),
        cell("children_placed", 1, by="form", key="HVB"),
        cell("children_placed", 0, by="form", key="SIS"),
        cell("children_placed", 2, by="sex", key="M"),
        cell("children_placed", 0, by="sex", key="K"),
    )
    protection = protect_report(cells, 2025, 2)
    by_name = {f.quantity.name: f for f in protection.findings}
    for name in ("children_placed|2025-01-01|2025-08-31||", "children_placed|2025-01-01|2025-08-31|sex|M"):
        assert by_name[name].low >= 2 - 1e-9 and by_name[name].passed, name  # 2 is all a reader can know
    assert not protection.unresolved


def test_a_scoped_key_figure_is_the_sum_of_its_rows_protected_housing():
    """Found by the release of care-cost rows on the sample, 2025 T2: protected housing 407 care
    days (a key figure) is its two rows, internal 39 days on 2 persons and external 368 on 6;
    printing the external row gives the internal one by subtraction. The relation is declared
    from the scope (target group × form × provider types), so the audit catches it."""
    fine = "target_group × form × provider_type"
    cells = frame(
        cell("care_days_protected_housing", 407, base=8),
        cell("care_days", 39, by=fine, key="VALDSUTSATTA × SKYDDAT_BOENDE × INTERN", base=2),
        cell("care_days", 368, by=fine, key="VALDSUTSATTA × SKYDDAT_BOENDE × EXTERN", base=6),
    )
    intern = (
        "care_days|2025-01-01|2025-08-31|target_group × form × provider_type|VALDSUTSATTA × SKYDDAT_BOENDE × INTERN"
    )
    extern = intern.replace("INTERN", "EXTERN")
    leaks = worked_back(cells, [intern])
    assert [f.quantity.name for f in leaks] == [intern] and leaks[0].low == leaks[0].high == 39
    protection = protect_report(cells, 2025, 2)
    assert intern in protection.hidden and extern in protection.hidden
    assert "care_days_protected_housing|2025-01-01|2025-08-31||" not in protection.hidden  # the key figure stays
    assert all(f.passed for f in protection.findings)
