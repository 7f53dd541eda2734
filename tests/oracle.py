"""Brute-force oracles: the definitions computed the slow, obvious way.

Spells are expanded into days and households counted by plain loops, so that the
vectorised metric functions can be checked against an independent reading of the
brief's definitions.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

ONE_DAY = dt.timedelta(days=1)


def _date(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def spell_days(start: dt.date, end: dt.date | None, period_end: dt.date, extract_date: dt.date) -> set[dt.date]:
    """Every calendar day a spell counts, before clipping to the period (an end after the
    extract date is planned, not known: the spell is open)."""
    if end is None or end > extract_date:
        last = min(period_end, extract_date)
    elif end == start:
        last = start
    else:
        last = end - ONE_DAY
    days, day = set(), start
    while day <= last:
        days.add(day)
        day += ONE_DAY
    return days


def care_days(spells: pd.DataFrame, period_start, period_end, extract_date) -> int:
    total = 0
    for row in spells.itertuples(index=False):
        days = spell_days(_date(row.start_date), _date(row.end_date), period_end, extract_date)
        total += sum(1 for d in days if period_start <= d <= period_end)
    return total


def households(payments: pd.DataFrame, period_start, period_end) -> int:
    seen = set()
    for row in payments.itertuples(index=False):
        if period_start <= _date(row.payment_date) <= period_end and row.amount_kr > 0:
            seen.add(row.household_key)
    return len(seen)


def paid_kr(payments: pd.DataFrame, period_start, period_end) -> float:
    total = 0.0
    for row in payments.itertuples(index=False):
        if period_start <= _date(row.payment_date) <= period_end:
            total += row.amount_kr
    return total


def households_per_month_mean(payments: pd.DataFrame, months: list[dt.date]) -> float:
    counts = []
    for month in months:
        seen = set()
        for row in payments.itertuples(index=False):
            day = _date(row.payment_date)
            if (day.year, day.month) == (month.year, month.month) and row.amount_kr > 0:
                seen.add(row.household_key)
        counts.append(len(seen))
    return sum(counts) / len(counts)


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def households_with_children(payments, members, period_start, period_end) -> int:
    by_household: dict = {}
    for m in members.itertuples(index=False):
        by_household.setdefault(m.household_key, []).append(m)
    found = set()
    for row in payments.itertuples(index=False):
        day = _date(row.payment_date)
        if not (period_start <= day <= period_end and row.amount_kr > 0):
            continue
        for m in by_household.get(row.household_key, []):
            valid_to = _date(m.valid_to)
            if (
                m.role == "BARN"
                and _date(m.valid_from) <= day
                and (valid_to is None or day <= valid_to)
                and _age(_date(m.birth_date), day) < 18
            ):
                found.add(row.household_key)
    return len(found)


def long_term_share(payments, members, year: int) -> float:
    by_household: dict = {}
    for m in members.itertuples(index=False):
        by_household.setdefault(m.household_key, []).append(m)
    months: dict = {}
    for row in payments.itertuples(index=False):
        day = _date(row.payment_date)
        if day.year != year or row.amount_kr <= 0:
            continue
        for m in by_household.get(row.household_key, []):
            valid_to = _date(m.valid_to)
            if (
                m.role in ("SOKANDE", "MEDSOKANDE")
                and _date(m.valid_from) <= day
                and (valid_to is None or day <= valid_to)
                and _age(_date(m.birth_date), day) >= 18
            ):
                months.setdefault(m.person_key, set()).add(day.month)
    if not months:
        return float("nan")
    return sum(1 for s in months.values() if len(s) >= 10) / len(months)


def _valid(m, day) -> bool:
    valid_to = _date(m.valid_to)
    return _date(m.valid_from) <= day and (valid_to is None or day <= valid_to)


def _members_at_positive_payments(payments, members, period_start, period_end):
    """(household, payment day, member row) for every member row valid at a positive payment in the period;
    households paid positively with no valid member give (household, day, None)."""
    by_household: dict = {}
    for m in members.itertuples(index=False):
        by_household.setdefault(m.household_key, []).append(m)
    for row in payments.itertuples(index=False):
        day = _date(row.payment_date)
        if not (period_start <= day <= period_end and row.amount_kr > 0):
            continue
        yield row.household_key, day, None
        for m in by_household.get(row.household_key, []):
            if _valid(m, day):
                yield row.household_key, day, m


def persons(payments, members, period_start, period_end) -> dict:
    """person → (adult, sex) by the latest record: the membership row valid at the person's latest
    positive payment in the period (then the later valid-from, then an adult row before a child row)."""
    latest: dict = {}
    for _, day, m in _members_at_positive_payments(payments, members, period_start, period_end):
        if m is None:
            continue
        adult = m.role in ("SOKANDE", "MEDSOKANDE")
        key = (day, _date(m.valid_from), adult, m.legal_sex)
        if m.person_key not in latest or key > latest[m.person_key][0]:
            latest[m.person_key] = (key, (adult, m.legal_sex))
    return {person: value for person, (_, value) in latest.items()}


def applicants(payments, members, period_start, period_end) -> dict:
    """household → applicant person key at its latest positive payment that has one (None: no applicant)."""
    out: dict = {}
    for household, day, m in _members_at_positive_payments(payments, members, period_start, period_end):
        out.setdefault(household, (None, None))
        if m is not None and m.role == "SOKANDE":
            key = (day, _date(m.valid_from), m.person_key)
            if out[household][0] is None or key > out[household][0]:
                out[household] = (key, m.person_key)
    return {h: person for h, (_, person) in out.items()}
