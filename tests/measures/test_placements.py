"""Which placements each published row counts, and cost per care day by care month."""

import datetime as dt

import pandas as pd
import pytest

from snanalys.measures.tables import cells
from snanalys.periods import tertial_alone, year_to_date

from through_engine import figure, municipality, scope_figures, split

EXTRACT = dt.date(2026, 11, 5)
Y2025 = year_to_date(2025, 3)


def _placements(rows):
    cols = ["placement_key", "person_key", "target_group", "form", "provider_type", "start_date", "end_date"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


PLACEMENTS = _placements(
    [
        ("p1", "c1", "BARN_UNGA", "HVB", "EXTERN", "2025-01-01", "2025-01-11"),  # 10 days
        ("p2", "c2", "BARN_UNGA", "FAMILJEHEM_EGET", "INTERN", "2025-01-01", "2025-01-21"),  # 20
        ("p3", "c3", "BARN_UNGA", "JOURHEM", "EXTERN", "2025-02-01", "2025-02-05"),  # 4, not in external price
        ("p4", "a1", "VUXNA", "HVB", "EXTERN", "2025-03-01", "2025-03-08"),  # 7
        ("p5", "a2", "VUXNA", "FAMILJEHEM_KONSULENT", "EXTERN", "2025-03-01", "2025-03-31"),  # 30
        ("p6", "a3", "VUXNA", "HVB", "INTERN", "2025-03-01", "2025-03-31"),  # internal: not counted
        ("p7", "v1", "VALDSUTSATTA", "SKYDDAT_BOENDE", "EXTERN", "2025-05-01", "2025-05-03"),  # 2
    ]
)


def test_each_published_row_counts_what_the_brief_says():
    figures = scope_figures(PLACEMENTS, Y2025, extract_date=EXTRACT)
    days = {name: figures[name]["days"] for name in figures if not name.startswith("area_")}
    assert days == {
        "children": 34,
        "children_external": 10,
        "adults_external": 37,
        "adults_external_institutions": 7,
        "protected_housing": 2,
    }


def test_cost_per_care_day_counts_care_month_not_booking_date():
    costs = pd.DataFrame(
        {
            "placement_key": ["p1", "p1", "p4", "p2"],
            "care_month": pd.to_datetime(["2025-01-01", "2024-12-01", "2025-03-01", "2025-01-01"]),
            "booking_date": pd.to_datetime(["2025-06-15", "2025-01-10", "2025-04-10", "2025-02-10"]),
            "amount_kr": [40_000.0, 99_999.0, 21_000.0, 5_000.0],
        }
    )
    tables = {"placements": PLACEMENTS, "placement_costs": costs}
    assert figure(Y2025, "care_cost_kr_children_external", **tables) == 40_000.0
    assert figure(Y2025, "care_days_children_external", **tables) == 10
    assert figure(Y2025, "kr_per_care_day_children_external", **tables) == pytest.approx(4_000.0)
    assert figure(Y2025, "kr_per_care_day_adults_external", **tables) == pytest.approx(3_000.0)
    by_form = split(Y2025, "kr_per_care_day", "form", **tables)
    assert by_form["HVB"] == pytest.approx((40_000.0 + 21_000.0) / (10 + 7 + 30))
    assert by_form["FAMILJEHEM_EGET"] == pytest.approx(5_000.0 / 20)


def test_persons_placed_and_started():
    assert figure(Y2025, "children_placed", placements=PLACEMENTS) == 3
    assert split(Y2025, "children_placed", "form", placements=PLACEMENTS) == {
        "HVB": 1,
        "FAMILJEHEM_EGET": 1,
        "JOURHEM": 1,
    }


def test_placement_share_of_interventions():
    interventions = pd.DataFrame(
        {
            "kind": ["PLACERING", "OPPENVARD", "OPPENVARD", "OPPENVARD", "PLACERING"],
            "start_date": pd.to_datetime(["2024-05-01", "2025-02-01", "2024-01-01", "2025-12-31", "2026-01-01"]),
            "end_date": pd.to_datetime([None, "2025-03-01", "2024-12-31", None, None]),
        }
    )
    assert figure(Y2025, "children_interventions_placements", interventions=interventions) == 1
    assert figure(Y2025, "children_interventions", interventions=interventions) == 3
    assert figure(Y2025, "children_interventions_open_care", interventions=interventions) == 2
    assert figure(Y2025, "children_interventions_placement_share", interventions=interventions) == pytest.approx(
        100 / 3
    )


def test_placements_started_in_the_period():
    """Spells of children that start in the period (a second spell of the same child counts too)."""
    second = _placements([("p8", "c1", "BARN_UNGA", "HVB", "EXTERN", "2025-06-01", None)])
    placements = pd.concat([PLACEMENTS, second], ignore_index=True)
    assert figure(year_to_date(2025, 1), "children_placements_started", placements=placements) == 3
    assert figure(Y2025, "children_placements_started", placements=placements) == 4
    assert figure(tertial_alone(2025, 2), "children_placements_started", placements=placements) == 1
    data = municipality(placements=placements)
    started = cells(data, Y2025, ["children_placements_started"]).iloc[0]
    assert started["base"] == 3  # four placements of three children
    assert split(Y2025, "children_placements_started", "form", placements=placements) == {
        "HVB": 2,
        "FAMILJEHEM_EGET": 1,
        "JOURHEM": 1,
    }
