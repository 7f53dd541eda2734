"""Care days (vårddygn) by interval arithmetic — never by expanding spells into days.

Definition (binding, from the brief): a spell from start date S to departure date E
counts the days S … E−1; the departure day is not counted and a same-day placement
counts 1. An open spell counts every day up to and including the period's last day,
or up to and including the extract date if that is earlier. A departure date after the
extract date is a planned end, not yet known to be true: the spell is read as open
(counted up to the extract date). Everything is clipped to the period, so adjacent
periods add up exactly.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from snanalys.periods import Period


def day_numbers(values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Dates as int64 days since 1970-01-01; missing dates become ``-1 << 62``."""
    arr = np.asarray(pd.to_datetime(values), dtype="datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = np.iinfo(np.int64).min >> 1
    return out


def _day_number(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def care_days_per_spell(
    start: pd.Series, end: pd.Series, period: Period, extract_date: dt.date
) -> np.ndarray:
    """Care days in ``period`` for each spell (an int64 array aligned with ``start``)."""
    s = day_numbers(start)
    e_raw = np.asarray(pd.to_datetime(end), dtype="datetime64[D]")
    e = e_raw.astype(np.int64)
    is_open = np.isnat(e_raw) | (e > _day_number(extract_date))  # a planned end: open as of the extract
    p0 = _day_number(period.start)
    p1_excl = _day_number(period.end) + 1
    open_until_excl = min(_day_number(period.end), _day_number(extract_date)) + 1
    end_excl = np.where(is_open, open_until_excl, np.maximum(e, s + 1))
    days = np.minimum(end_excl, p1_excl) - np.maximum(s, p0)
    return np.clip(days, 0, None)


def care_days(placements: pd.DataFrame, period: Period, extract_date: dt.date) -> int:
    """Total care days of ``placements`` (columns start_date, end_date) in ``period``."""
    if placements.empty:
        return 0
    return int(care_days_per_spell(placements["start_date"], placements["end_date"], period, extract_date).sum())
