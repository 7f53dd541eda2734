"""Reporting periods: tertials year to date, the tertial alone, and coverage.

The committee follows up three times a year. T1 = Jan–Apr, T2 = Jan–Aug, T3 = the
whole year, each **cumulative year to date** and compared with the same period last
year. Every period is a closed interval of whole days, so care days and payments can
be clipped to it exactly and adjacent periods add up (T1 + May–Aug = T2).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from dataclasses import dataclass

TERTIAL_LAST_MONTH = {1: 4, 2: 8, 3: 12}
TERTIAL_NAMES_SV = {1: "T1 (januari–april)", 2: "T2 (januari–augusti)", 3: "T3 (helår)"}


class PeriodError(ValueError):
    """A period that does not exist, or that the data does not cover."""


@dataclass(frozen=True, order=True)
class Period:
    """A closed interval of whole days ``start`` … ``end`` (both included)."""

    start: dt.date
    end: dt.date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[dt.date]:
        """First day of each calendar month the period touches, in order."""
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    def same_period_last_year(self) -> Period:
        return Period(shift_year(self.start, -1), shift_year(self.end, -1), _shift_label(self.label, -1))

    def in_year(self, year: int) -> Period:
        """The same period in ``year`` (its start year): one ending on a month's last day ends on
        that month's last day (so February ends on the 29th in a leap year)."""
        shift = year - self.start.year
        if not shift:
            return self
        end = shift_year(self.end, shift)
        if self.end == month_end(self.end):
            end = month_end(end)
        return Period(shift_year(self.start, shift), end, _shift_label(self.label, shift))


def add_months(month: dt.date, n: int) -> dt.date:
    """First day of the month ``n`` months after ``month``'s month."""
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def shift_year(day: dt.date, years: int) -> dt.date:
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def _shift_label(label: str, years: int) -> str:
    if len(label) >= 4 and label[:4].isdigit():
        return f"{int(label[:4]) + years}{label[4:]}"
    return label


def validate_tertial(tertial: int) -> int:
    if tertial not in TERTIAL_LAST_MONTH:
        raise PeriodError(f"unknown tertial {tertial!r}: expected 1 (Jan–Apr), 2 (Jan–Aug) or 3 (the year)")
    return int(tertial)


def year_to_date(year: int, tertial: int = 3) -> Period:
    """The report period: 1 January to the last day of the tertial."""
    tertial = validate_tertial(tertial)
    end = month_end(dt.date(year, TERTIAL_LAST_MONTH[tertial], 1))
    return Period(dt.date(year, 1, 1), end, f"{year}-T{tertial}")


def tertial_alone(year: int, tertial: int) -> Period:
    """The four months of the tertial on its own (Jan–Apr, May–Aug, Sep–Dec)."""
    tertial = validate_tertial(tertial)
    first = dt.date(year, TERTIAL_LAST_MONTH[tertial] - 3, 1)
    end = month_end(dt.date(year, TERTIAL_LAST_MONTH[tertial], 1))
    return Period(first, end, f"{year}-T{tertial} (4 mån)")


def calendar_month(month: dt.date) -> Period:
    first = month.replace(day=1)
    return Period(first, month_end(first), first.strftime("%Y-%m"))


TODAY_ENV = "SNANALYS_TODAY"


def today() -> dt.date:
    """Today's date, or ``SNANALYS_TODAY`` (YYYY-MM-DD) when set: what "today" means for the
    extract-date check and ``report --latest``, fixed in tests and for re-running a past day."""
    text = os.environ.get(TODAY_ENV, "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{TODAY_ENV} is not a date (YYYY-MM-DD): {text!r}") from None


def latest_closed_tertial(as_of: dt.date) -> tuple[int, int]:
    """(year, tertial) of the last tertial that ended on or before ``as_of``.

    Whether the data covers it is a separate question (:func:`require_covered`):
    there is never a silent fall-back to an earlier period.
    """
    for tertial in (3, 2, 1):
        if year_to_date(as_of.year, tertial).end <= as_of:
            return as_of.year, tertial
    return as_of.year - 1, 3


def covered_through(extract_date: dt.date) -> dt.date:
    """Last day of the last complete month in an extract taken on ``extract_date``."""
    if extract_date == month_end(extract_date):
        return extract_date
    return extract_date.replace(day=1) - dt.timedelta(days=1)


def missing_months(period: Period, data_from: dt.date, data_through: dt.date) -> list[str]:
    """Months (``YYYY-MM``) of ``period`` outside the data's complete months."""
    return [m.strftime("%Y-%m") for m in period.months() if month_end(m) > data_through or m < data_from.replace(day=1)]


def require_covered(period: Period, data_from: dt.date, data_through: dt.date) -> None:
    """Raise :class:`PeriodError` naming the missing months if the data does not cover ``period``."""
    missing = missing_months(period, data_from, data_through)
    if missing:
        raise PeriodError(
            f"the data does not cover {period.label or period}: missing months {', '.join(missing)} "
            f"(data covers {data_from:%Y-%m} – {data_through:%Y-%m})"
        )
