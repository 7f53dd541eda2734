"""Care days by interval arithmetic agree exactly with spells expanded into days."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snanalys.periods import Period, calendar_month, tertial_alone, year_to_date

import oracle
from through_engine import care_days, spell_days

EXTRACT = dt.date(2026, 11, 5)


def _spells(rows):
    return pd.DataFrame(
        {
            "start_date": pd.to_datetime([r[0] for r in rows]),
            "end_date": pd.to_datetime([r[1] for r in rows]),
        }
    )


def _one(start, end, period, extract=EXTRACT):
    return care_days(_spells([(start, end)]), period, extract)


Y2025 = year_to_date(2025, 3)
T1_2025 = year_to_date(2025, 1)


@pytest.mark.parametrize(
    "start, end, period, expected, why",
    [
        ("2025-03-01", "2025-03-11", Y2025, 10, "departure day not counted"),
        ("2025-03-01", "2025-03-01", Y2025, 1, "same-day placement counts 1"),
        ("2024-12-30", "2025-01-03", Y2025, 2, "across a year end: Jan 1 and 2"),
        ("2024-12-30", "2025-01-03", year_to_date(2024, 3), 2, "Dec 30 and 31"),
        ("2025-04-29", "2025-05-03", T1_2025, 2, "across a tertial end: Apr 29, 30"),
        ("2025-04-29", "2025-05-03", tertial_alone(2025, 2), 2, "May 1 and 2"),
        ("2024-06-01", "2025-01-01", Y2025, 0, "departure on the first day of the period"),
        ("2025-12-31", None, Y2025, 1, "open, starts on the period's last day"),
        ("2025-12-31", "2026-01-05", Y2025, 1, "starts on the period's last day"),
        ("2025-01-01", None, Y2025, 365, "open all year"),
        ("2026-10-01", None, year_to_date(2026, 3), 36, "open: up to and including the extract date"),
        ("2026-12-01", None, year_to_date(2026, 3), 0, "starts after the extract date"),
        ("2026-10-01", "2026-12-20", year_to_date(2026, 3), 36, "a planned end after the extract date: open"),
        ("2026-10-01", "2026-11-06", year_to_date(2026, 3), 36, "departs the day after the extract date"),
        ("2026-10-01", "2026-11-05", year_to_date(2026, 3), 35, "departs on the extract date (not a care day)"),
        ("2025-12-31", "2025-12-31", Y2025, 1, "same day on the last day"),
        ("2024-12-31", "2024-12-31", Y2025, 0, "same day before the period"),
    ],
)
def test_boundaries(start, end, period, expected, why):
    assert _one(start, end, period) == expected, why


def test_a_planned_end_counts_only_up_to_the_extract_date():
    """Hand case, interval arithmetic: extract 2026-11-05, spells Oct 1 → Dec 20 (planned) and Nov 1 → Nov 3."""
    spells = _spells([("2026-10-01", "2026-12-20"), ("2026-11-01", "2026-11-03")])
    per_spell = spell_days(spells, year_to_date(2026, 3), EXTRACT)
    # Oct 1 … Nov 5 = 31 + 5 days (not Oct 1 … Dec 19 = 80); Nov 1, 2 (departure Nov 3 not counted)
    assert list(per_spell) == [36, 2]
    assert care_days(spells, calendar_month(dt.date(2026, 11, 1)), EXTRACT) == 5 + 2  # November: Nov 1 … 5


def test_adjacent_periods_add_up():
    spells = _spells([("2024-11-20", None), ("2025-04-30", "2025-05-01"), ("2025-08-31", "2025-09-02")])
    t1 = care_days(spells, year_to_date(2025, 1), EXTRACT)
    t2_alone = care_days(spells, tertial_alone(2025, 2), EXTRACT)
    t3_alone = care_days(spells, tertial_alone(2025, 3), EXTRACT)
    assert t1 + t2_alone == care_days(spells, year_to_date(2025, 2), EXTRACT)
    assert t1 + t2_alone + t3_alone == care_days(spells, Y2025, EXTRACT)


DAY0 = dt.date(2023, 6, 1)
day_offsets = st.integers(min_value=0, max_value=1400)


@st.composite
def spell_frames(draw):
    n = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for _ in range(n):
        start = DAY0 + dt.timedelta(days=draw(day_offsets))
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=500)))
        end = None if length is None else start + dt.timedelta(days=length)
        rows.append((start, end))
    return _spells(rows) if rows else pd.DataFrame({"start_date": pd.to_datetime([]), "end_date": pd.to_datetime([])})


@st.composite
def periods(draw):
    start = DAY0 + dt.timedelta(days=draw(st.integers(min_value=-100, max_value=1500)))
    end = start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=800)))
    return Period(start, end)


@settings(max_examples=60, deadline=None)
@given(spells=spell_frames(), period=periods(), extract_offset=st.integers(min_value=0, max_value=1600))
def test_interval_arithmetic_equals_expanded_days(spells, period, extract_offset):
    extract = DAY0 + dt.timedelta(days=extract_offset)
    # spells cannot start after the extract was taken
    spells = spells.loc[spells["start_date"] <= pd.Timestamp(extract)]
    assert care_days(spells, period, extract) == oracle.care_days(spells, period.start, period.end, extract)


@settings(max_examples=25, deadline=None)
@given(spells=spell_frames(), split=st.integers(min_value=0, max_value=1000), length=st.integers(0, 700))
def test_split_periods_add_up(spells, split, length):
    start = DAY0 + dt.timedelta(days=split)
    mid = start + dt.timedelta(days=length // 2)
    end = start + dt.timedelta(days=length) + dt.timedelta(days=1)
    whole = care_days(spells, Period(start, end), EXTRACT)
    parts = care_days(spells, Period(start, mid), EXTRACT) + care_days(
        spells, Period(mid + dt.timedelta(days=1), end), EXTRACT
    )
    assert whole == parts


def test_per_spell_is_aligned_and_non_negative():
    spells = _spells([("2025-01-01", "2025-01-11"), ("2020-01-01", "2020-02-01"), ("2025-06-01", None)])
    days = spell_days(spells, Y2025, EXTRACT)
    assert list(days) == [10, 0, 214]
