"""Day and month arithmetic on integer arrays, so the generator never loops over days.

Days are ``int64`` day numbers since 1970-01-01 and months are ``year * 12 + month - 1``
("month index"). Both convert to and from ``datetime64`` without Python loops, and the
age rule is the metrics' rule (a birthday on 29 February counts from 1 March in a
non-leap year), so the generator's own counts agree with the ingest and metrics.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

_EPOCH_MONTH = 1970 * 12


def day(year: int, month: int, day_: int) -> int:
    """The day number of a calendar date."""
    return (dt.date(year, month, day_) - dt.date(1970, 1, 1)).days


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_start(months: np.ndarray | int) -> np.ndarray:
    """Day number of the first day of each month index."""
    m = np.asarray(months, dtype=np.int64) - _EPOCH_MONTH
    return m.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def month_of(days: np.ndarray | int) -> np.ndarray:
    """Month index of each day number."""
    d = np.asarray(days, dtype=np.int64)
    return d.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) + _EPOCH_MONTH


def year_of(days: np.ndarray | int) -> np.ndarray:
    return month_of(days) // 12


def days_in_month(months: np.ndarray | int) -> np.ndarray:
    m = np.asarray(months, dtype=np.int64)
    return month_start(m + 1) - month_start(m)


def components(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month 1–12, day 1–31) of each day number."""
    d = np.asarray(days, dtype=np.int64)
    mi = month_of(d)
    return mi // 12, mi % 12 + 1, d - month_start(mi) + 1


def nth_birthday(birth: np.ndarray, years: int) -> np.ndarray:
    """First day on which a person born on ``birth`` is ``years`` old (29 Feb → 1 Mar)."""
    y, m, d = components(birth)
    target = (y + years) * 12 + m - 1
    first = month_start(target)
    # A day that does not exist in the target month (29 Feb) rolls over to the next month's first day.
    return np.where(d <= days_in_month(target), first + d - 1, month_start(target + 1))


def age_at(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years of age on ``on`` (the metrics' rule, see :mod:`snanalys.measures.facts`)."""
    by, bm, bd = components(birth)
    oy, om, od = components(on)
    before = (om < bm) | ((om == bm) & (od < bd))
    return oy - by - before.astype(np.int64)


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def to_weekday_before(days: np.ndarray) -> np.ndarray:
    """Move a Saturday or Sunday to the Friday before (payments and bookings run on weekdays)."""
    d = np.asarray(days, dtype=np.int64)
    wd = weekday(d)
    return d - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def iso_dates(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` strings; a negative sentinel (missing) becomes an empty string."""
    d = np.asarray(days, dtype=np.int64)
    out = d.astype("datetime64[D]").astype(str).astype(object)
    out[d == MISSING] = ""
    return out


def iso_months(months: np.ndarray) -> np.ndarray:
    m = np.asarray(months, dtype=np.int64) - _EPOCH_MONTH
    return m.astype("datetime64[M]").astype(str).astype(object)


MISSING = np.iinfo(np.int64).min  # a missing day (an open spell) in int64 day arrays
