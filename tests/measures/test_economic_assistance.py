"""Economic-assistance measures, through the one code path, agree with plain loops over the rows."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snanalys.measures.tables import cells
from snanalys.periods import Period, tertial_alone, year_to_date

import oracle
from through_engine import figure, municipality, split

YEAR0 = dt.date(2024, 1, 1)


def _payments(rows):
    return pd.DataFrame(
        {
            "household_key": pd.Series([r[0] for r in rows], dtype="str"),
            "payment_date": pd.to_datetime([r[1] for r in rows]),
            "amount_kr": pd.Series([float(r[2]) for r in rows], dtype="float64"),
        }
    )


def _members(rows):
    return pd.DataFrame(
        {
            "household_key": pd.Series([r[0] for r in rows], dtype="str"),
            "person_key": pd.Series([r[1] for r in rows], dtype="str"),
            "role": pd.Series([r[2] for r in rows], dtype="str"),
            "legal_sex": pd.Series([r[3] for r in rows], dtype="str"),
            "birth_date": pd.to_datetime([r[4] for r in rows]),
            "reason": [r[5] for r in rows],
            "valid_from": pd.to_datetime([r[6] for r in rows]),
            "valid_to": pd.to_datetime([r[7] for r in rows]),
        }
    )


Y2024 = year_to_date(2024, 3)


def test_a_repayment_is_not_a_new_household_and_reduces_kronor():
    payments = _payments(
        [("a", "2024-02-25", 8000), ("a", "2024-03-25", -500), ("b", "2024-03-10", -1200), ("c", "2023-12-24", 5000)]
    )
    assert figure(Y2024, "eb_households", payments=payments) == 1
    assert figure(Y2024, "eb_paid_kr", payments=payments) == 8000 - 500 - 1200
    assert figure(Y2024, "eb_kr_per_household", payments=payments) == pytest.approx(6300.0)


def test_households_counted_by_payment_date_not_the_month_paid_for():
    payments = _payments([("a", "2024-12-27", 7000)])
    assert figure(year_to_date(2024, 3), "eb_households", payments=payments) == 1
    assert figure(year_to_date(2025, 1), "eb_households", payments=payments) == 0


def test_households_per_month_mean_covers_every_month_of_the_period():
    payments = _payments([("a", "2024-01-25", 1), ("b", "2024-01-26", 1), ("a", "2024-03-25", 1)])
    per_month = split(year_to_date(2024, 1), "eb_households_in_month", "month", payments=payments)
    assert list(per_month.values()) == [2, 0, 1, 0]
    assert figure(year_to_date(2024, 1), "eb_households_per_month", payments=payments) == 0.75


def test_child_counts_only_while_under_18_and_in_the_household():
    payments = _payments([("a", "2024-03-25", 5000), ("b", "2024-03-25", 5000), ("c", "2024-05-25", 5000)])
    members = _members(
        [
            ("a", "pa", "SOKANDE", "K", "1990-01-01", "ARBETSLOS", "2020-01-01", None),
            ("a", "ca", "BARN", "M", "2006-03-26", None, "2020-01-01", None),  # 17 on 2024-03-25
            ("b", "cb", "BARN", "K", "2006-03-25", None, "2020-01-01", None),  # 18 on the day
            ("c", "cc", "BARN", "K", "2015-01-01", None, "2024-06-01", None),  # moves in after the payment
        ]
    )
    assert figure(Y2024, "eb_households_with_children", payments=payments, household_members=members) == 1


def test_households_by_applicant_sex_add_up():
    payments = _payments([("a", "2024-03-25", 1), ("b", "2024-03-25", 1), ("c", "2024-03-25", 1)])
    members = _members(
        [
            ("a", "pa", "SOKANDE", "K", "1990-01-01", "ARBETSLOS", "2020-01-01", None),
            ("b", "pb", "SOKANDE", "M", "1990-01-01", "SJUKSKRIVEN", "2020-01-01", None),
            ("b", "qb", "MEDSOKANDE", "K", "1990-01-01", "ARBETSLOS", "2020-01-01", None),
        ]
    )
    tables = {"payments": payments, "household_members": members}
    assert split(Y2024, "eb_households", "applicant_sex", **tables) == {"K": 1, "M": 1, "okänt": 1}
    assert split(Y2024, "eb_adults", "sex", **tables) == {"K": 2, "M": 1}
    assert figure(Y2024, "eb_adults_unemployed", **tables) == 2


def test_long_term_needs_ten_distinct_months():
    rows = [("a", f"2024-{m:02d}-25", 100) for m in range(1, 11)] + [
        ("b", f"2024-{m:02d}-25", 100) for m in range(1, 10)
    ]
    rows.append(("b", "2024-09-26", 100))  # a second payment in month 9 is not a tenth month
    members = _members(
        [
            ("a", "pa", "SOKANDE", "K", "1980-01-01", "ARBETSLOS", "2020-01-01", None),
            ("b", "pb", "SOKANDE", "M", "1980-01-01", "ARBETSLOS", "2020-01-01", None),
        ]
    )
    tables = {"payments": _payments(rows), "household_members": members}
    year = year_to_date(2024, 3)
    assert figure(year, "eb_adults_long_term", **tables) == 1
    assert figure(year, "eb_adult_recipients_year", **tables) == 2
    assert figure(year, "eb_long_term_share", **tables) == 50.0


# ---- property tests against the oracle ---------------------------------------------------------

households_keys = st.sampled_from([f"h{i}" for i in range(8)])
day = st.integers(min_value=0, max_value=730).map(lambda n: YEAR0 + dt.timedelta(days=n))
amount = st.sampled_from([-3000, -150, 0, 200, 4500, 9100])


@st.composite
def households_data(draw):
    pay_rows = draw(st.lists(st.tuples(households_keys, day, amount), max_size=40))
    member_rows = []
    for i, household in enumerate(sorted({r[0] for r in pay_rows})):
        for j in range(draw(st.integers(0, 3))):
            role = draw(st.sampled_from(["SOKANDE", "MEDSOKANDE", "BARN"]))
            birth = dt.date(draw(st.integers(1960, 2024)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
            start = draw(day) - dt.timedelta(days=300)
            end = draw(st.one_of(st.none(), day))
            if end is not None and end < start:
                start, end = end, start
            member_rows.append((household, f"p{i}-{j}", role, "K", birth, "ARBETSLOS", start, end))
    return _payments(pay_rows), _members(member_rows)


@st.composite
def year_periods(draw):
    year = draw(st.sampled_from([2024, 2025]))
    kind = draw(st.sampled_from(["ytd", "alone"]))
    tertial = draw(st.sampled_from([1, 2, 3]))
    return year_to_date(year, tertial) if kind == "ytd" else tertial_alone(year, tertial)


@settings(max_examples=40, deadline=None)
@given(data=households_data(), period=year_periods())
def test_household_figures_equal_the_oracle(data, period: Period):
    payments, members = data
    assert figure(period, "eb_households", payments=payments) == oracle.households(payments, period.start, period.end)
    assert figure(period, "eb_paid_kr", payments=payments) == pytest.approx(
        oracle.paid_kr(payments, period.start, period.end)
    )
    assert figure(period, "eb_households_per_month", payments=payments) == pytest.approx(
        oracle.households_per_month_mean(payments, period.months())
    )
    assert figure(
        period, "eb_households_with_children", payments=payments, household_members=members
    ) == oracle.households_with_children(payments, members, period.start, period.end)


@settings(max_examples=30, deadline=None)
@given(data=households_data(), year=st.sampled_from([2024, 2025]))
def test_long_term_share_equals_the_oracle(data, year):
    payments, members = data
    expected = oracle.long_term_share(payments, members, year)
    got = figure(year_to_date(year, 3), "eb_long_term_share", payments=payments, household_members=members) / 100
    assert (got != got and expected != expected) or got == pytest.approx(expected)


def _with_for_month(rows):
    """Payments (household, payment date, month the assistance is for, kronor)."""
    frame = _payments([(r[0], r[1], r[3]) for r in rows])
    return frame.assign(for_month=pd.to_datetime([r[2] for r in rows]))


#: A hand-made case where the two bases differ: assistance for January paid in February, one for
#: February paid in February, one for March paid in April.
LATE_PAYMENTS = [
    ("a", "2024-01-25", "2024-01-01", 6000),
    ("b", "2024-02-03", "2024-01-01", 4000),  # for January, paid in February
    ("b", "2024-02-26", "2024-02-01", 4000),
    ("c", "2024-04-02", "2024-03-01", 5000),  # for March, paid in April
    ("d", "2024-02-10", "2024-02-01", -300),  # a repayment counts no household on either basis
]


def test_households_per_month_by_payment_date_and_by_the_month_paid_for():
    payments = _with_for_month(LATE_PAYMENTS)
    t1 = year_to_date(2024, 1)
    by_payment = split(t1, "eb_households_in_month", "month", payments=payments)
    by_for_month = split(t1, "eb_households_in_month", "month", counting_basis="for_month", payments=payments)
    assert list(by_payment.values()) == [1, 1, 0, 1]  # Jan: a; Feb: b; Mar: none; Apr: c
    assert list(by_for_month.values()) == [2, 1, 1, 0]  # Jan: a, b; Feb: b; Mar: c
    # Socialstyrelsen's basis whatever the setting: the series the official statistics are compared with
    for basis in ("payment_date", "for_month"):
        official_basis = split(t1, "eb_households_for_month", "month", counting_basis=basis, payments=payments)
        assert list(official_basis.values()) == [2, 1, 1, 0]


def test_the_counting_basis_decides_the_period_a_payment_counts_in():
    """Assistance for December paid in January counts in the year it is for on Socialstyrelsen's basis."""
    payments = _with_for_month([("a", "2025-01-05", "2024-12-01", 7000)])
    y2024, t1_2025 = year_to_date(2024, 3), year_to_date(2025, 1)
    assert figure(y2024, "eb_households", payments=payments) == 0
    assert figure(t1_2025, "eb_households", payments=payments) == 1
    data = municipality(counting_basis="for_month", payments=payments)
    assert cells(data, y2024, ["eb_households", "eb_paid_kr"])["value"].tolist() == [1, 7000]
    assert cells(data, t1_2025, ["eb_households"])["value"].iloc[0] == 0
