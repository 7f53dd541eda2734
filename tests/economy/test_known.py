"""The placements' forecast from what is known: hand-made placements and invoices."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from snanalys.economy.known import care_days, known_forecast

T = pd.Timestamp


def placements(*spells) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "placement_key": [f"p{i}" for i in range(len(spells))],
            "start_date": [T(s) for s, _ in spells],
            "end_date": [T(e) if e else pd.NaT for _, e in spells],
        }
    )


def invoices(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "placement_key": pd.Series([r[0] for r in rows], dtype="object"),
            "care_month": pd.to_datetime(pd.Series([r[1] for r in rows], dtype="object")),
            "amount_kr": pd.Series([r[2] for r in rows], dtype="float64"),
        }
    )


def test_care_days_count_start_to_the_day_before_departure_and_open_spells_to_the_end():
    p = placements(("2024-01-01", "2024-01-11"), ("2024-01-05", None), ("2024-01-07", "2024-01-07"))
    days = care_days(p, T("2024-01-01"), T("2024-01-31"))
    assert list(days) == [10, 27, 1]


def test_ongoing_placements_times_remaining_days_times_the_current_price():
    # one placement open all year at 1 000 kr a day, invoiced per care month; no earlier year
    p = placements(("2024-01-01", None))
    months = pd.date_range("2024-01-01", "2024-04-01", freq="MS")
    costs = invoices([("p0", m, 1000.0 * m.days_in_month) for m in months])
    value = known_forecast(p, costs, 2024, 4, first_year=2024)
    so_far = 1000.0 * (31 + 29 + 31 + 30)
    assert value == pytest.approx(so_far + 1000.0 * (T("2024-12-31") - T("2024-04-30")).days)


def test_earlier_years_give_retention_and_new_placements():
    # 2023: two placements ongoing at the end of April, one leaves at once; one new starts 1 October
    p = placements(("2023-01-01", None), ("2023-01-01", "2023-05-01"), ("2023-10-01", None), ("2024-01-01", None))
    costs = invoices([("p3", "2024-04-01", 30 * 500.0), ("p0", "2024-04-01", 30 * 500.0)])
    rest_2023 = (T("2023-12-31") - T("2023-04-30")).days  # 245
    stayed = rest_2023 / (2 * rest_2023)  # p0 stayed every day, p1 none
    new_days = (T("2024-01-01") - T("2023-10-01")).days  # 92
    rest_2024 = (T("2024-12-31") - T("2024-04-30")).days
    so_far = 2 * 30 * 500.0
    # ongoing at the end of April 2024: p0, p2, p3 (price 500 from the April invoices of p0 and p3 over 90 days)
    price = 2 * 30 * 500.0 / 90
    expected = so_far + (3 * rest_2024 * stayed + new_days) * price
    assert known_forecast(p, costs, 2024, 4, first_year=2023) == pytest.approx(expected)


def test_no_care_in_the_last_month_gives_no_price_and_no_forecast():
    p = placements(("2024-06-01", None))
    assert math.isnan(known_forecast(p, invoices([]), 2024, 4, first_year=2024))
