"""Which placements each published row counts, and cost per care day by care month."""

import datetime as dt

import pandas as pd
import pytest

from snanalys.metrics import placements as pl
from snanalys.periods import year_to_date

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
    days = {name: pl.care_days_in_scope(PLACEMENTS, scope, Y2025, EXTRACT) for name, scope in pl.SCOPES.items()}
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
    child = pl.cost_per_care_day(PLACEMENTS, costs, pl.SCOPES["children_external"], Y2025, EXTRACT)
    assert (child.cost_kr, child.care_days, child.persons) == (40_000.0, 10, 1)
    assert child.kr_per_care_day == pytest.approx(4_000.0)
    adult = pl.cost_per_care_day(PLACEMENTS, costs, pl.SCOPES["adults_external_institutions"], Y2025, EXTRACT)
    assert adult.kr_per_care_day == pytest.approx(3_000.0)
    table = pl.cost_per_care_day_by(PLACEMENTS, costs, Y2025, EXTRACT)
    hvb_child = table.query("target_group == 'BARN_UNGA' and form == 'HVB'").iloc[0]
    assert hvb_child["kr_per_care_day"] == pytest.approx(4_000.0)


def test_persons_placed_and_started():
    assert pl.persons_placed(PLACEMENTS, pl.SCOPES["children"], Y2025, EXTRACT) == 3
    assert pl.placements_started(PLACEMENTS, pl.SCOPES["children"], year_to_date(2025, 1)) == 3


def test_placement_share_of_interventions():
    interventions = pd.DataFrame(
        {
            "kind": ["PLACERING", "OPPENVARD", "OPPENVARD", "OPPENVARD", "PLACERING"],
            "start_date": pd.to_datetime(["2024-05-01", "2025-02-01", "2024-01-01", "2025-12-31", "2026-01-01"]),
            "end_date": pd.to_datetime([None, "2025-03-01", "2024-12-31", None, None]),
        }
    )
    assert pl.intervention_counts(interventions, Y2025) == (1, 3)
    assert pl.placement_share_of_interventions(interventions, Y2025) == pytest.approx(1 / 3)
