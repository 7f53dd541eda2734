import datetime as dt

import pytest

from snanalys.periods import (
    Period,
    PeriodError,
    calendar_month,
    covered_through,
    latest_closed_tertial,
    missing_months,
    require_covered,
    tertial_alone,
    year_to_date,
)


def test_tertials_are_cumulative_year_to_date():
    assert year_to_date(2025, 1).start == dt.date(2025, 1, 1)
    assert year_to_date(2025, 1).end == dt.date(2025, 4, 30)
    assert year_to_date(2025, 2).end == dt.date(2025, 8, 31)
    assert year_to_date(2025, 3).end == dt.date(2025, 12, 31)
    assert year_to_date(2024, 3).days == 366


def test_tertial_alone_is_four_months():
    assert (tertial_alone(2025, 2).start, tertial_alone(2025, 2).end) == (dt.date(2025, 5, 1), dt.date(2025, 8, 31))
    assert tertial_alone(2025, 3).start == dt.date(2025, 9, 1)
    assert len(tertial_alone(2025, 1).months()) == 4


def test_same_period_last_year():
    last = year_to_date(2025, 2).same_period_last_year()
    assert (last.start, last.end, last.label) == (dt.date(2024, 1, 1), dt.date(2024, 8, 31), "2024-T2")


def test_the_same_period_in_another_year():
    assert year_to_date(2025, 2).in_year(2022) == year_to_date(2022, 2)
    assert year_to_date(2025, 2).in_year(2022).label == "2022-T2"
    assert tertial_alone(2025, 3).in_year(2026) == tertial_alone(2026, 3)
    february = calendar_month(dt.date(2025, 2, 1))
    assert february.in_year(2024).end == dt.date(2024, 2, 29)  # a month's last day stays its last day
    assert february.in_year(2024).in_year(2025) == february
    some_days = Period(dt.date(2025, 2, 3), dt.date(2025, 2, 20), "x")
    assert some_days.in_year(2024) == Period(dt.date(2024, 2, 3), dt.date(2024, 2, 20), "x")


@pytest.mark.parametrize("tertial", [0, 4, -1])
def test_unknown_tertial_is_an_error(tertial):
    with pytest.raises(PeriodError, match="unknown tertial"):
        year_to_date(2025, tertial)


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2026-11-22", (2026, 2)),
        ("2026-08-31", (2026, 2)),
        ("2026-08-30", (2026, 1)),
        ("2026-04-30", (2026, 1)),
        ("2026-04-29", (2025, 3)),
        ("2027-01-10", (2026, 3)),
        ("2026-12-31", (2026, 3)),
    ],
)
def test_latest_closed_tertial(as_of, expected):
    assert latest_closed_tertial(dt.date.fromisoformat(as_of)) == expected


def test_covered_through_is_the_last_complete_month():
    assert covered_through(dt.date(2026, 11, 5)) == dt.date(2026, 10, 31)
    assert covered_through(dt.date(2026, 10, 31)) == dt.date(2026, 10, 31)
    assert covered_through(dt.date(2026, 11, 1)) == dt.date(2026, 10, 31)


def test_a_period_the_data_does_not_cover_names_the_missing_months():
    period = year_to_date(2026, 3)
    data_from, through = dt.date(2022, 1, 1), dt.date(2026, 10, 31)
    assert missing_months(period, data_from, through) == ["2026-11", "2026-12"]
    with pytest.raises(PeriodError, match="2026-11, 2026-12"):
        require_covered(period, data_from, through)
    require_covered(year_to_date(2026, 2), data_from, through)
    assert missing_months(year_to_date(2021, 1), data_from, through) == ["2021-01", "2021-02", "2021-03", "2021-04"]
