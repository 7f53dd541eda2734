"""Synthetic but formally valid personnummer, unique across the whole sample.

``YYYYMMDD-NNNC``: the birth date, a three-digit serial whose last digit is odd for
men and even for women (legal sex), and the Luhn check digit computed on the ten
digits ``YYMMDDNNN``. Numbers are made at run time from the seed and never stored in
the repository; the ingest pseudonymises them like real ones.
"""

from __future__ import annotations

import numpy as np

from snanalys.sample import _calendar as cal

_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2], dtype=np.int64)


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit of ``YYMMDDNNN`` (Luhn, weights 2,1,2,… from the left)."""
    total = 0
    for digit, weight in zip(nine_digits, _LUHN_WEIGHTS, strict=True):
        product = int(digit) * int(weight)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _check_digits(nine: np.ndarray) -> np.ndarray:
    """Vectorised :func:`luhn_check_digit` for an array of 9-digit integers."""
    powers = 10 ** np.arange(8, -1, -1, dtype=np.int64)
    digits = (np.asarray(nine, dtype=np.int64)[:, None] // powers) % 10
    products = digits * _LUHN_WEIGHTS
    total = (products // 10 + products % 10).sum(axis=1)
    return (10 - total % 10) % 10


class PersonRegistry:
    """Issues personnummer and remembers them, so no two persons share a number."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._issued: set[int] = set()  # YYYYMMDDNNN as an integer

    def issue(self, birth_days: np.ndarray, sexes: np.ndarray) -> np.ndarray:
        """One new personnummer per (birth day, legal sex ``K``/``M``)."""
        birth_days = np.asarray(birth_days, dtype=np.int64)
        male = np.asarray(sexes) == "M"
        y, m, d = cal.components(birth_days)
        ymd = y * 10000 + m * 100 + d
        serial = np.zeros(len(birth_days), dtype=np.int64)
        pending = np.arange(len(birth_days))
        while pending.size:
            first_two = self._rng.integers(0, 100, size=pending.size)
            last = self._rng.integers(0, 5, size=pending.size) * 2 + male[pending]
            candidate = first_two * 10 + last
            keys = ymd[pending] * 1000 + candidate
            retry = []
            for i, key in zip(pending.tolist(), keys.tolist(), strict=True):
                if key in self._issued:
                    retry.append(i)
                else:
                    self._issued.add(key)
                    serial[i] = key % 1000
            pending = np.array(retry, dtype=np.int64)
        check = _check_digits((ymd % 1000000) * 1000 + serial)
        tail = np.char.zfill((serial * 10 + check).astype(str), 4)
        return np.char.add(np.char.add(ymd.astype(str), "-"), tail).astype(object)


def birth_days_for_ages(rng: np.random.Generator, ages: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Birth days of persons who are exactly ``ages`` whole years old on day ``on``."""
    ages = np.asarray(ages, dtype=np.int64)
    on = np.broadcast_to(np.asarray(on, dtype=np.int64), ages.shape)
    oy, om, od = cal.components(on)
    month = (oy - ages) * 12 + om - 1
    # Born on this day ``ages`` years before (28 Feb for 29 Feb), or up to 364 days earlier.
    anniversary = cal.month_start(month) + np.minimum(od, cal.days_in_month(month)) - 1
    return anniversary - rng.integers(0, 365, size=ages.shape)


class PersonTable:
    """Every person of the sample (birth day, legal sex), numbered as they are added.

    The modules add their persons here and keep the returned numbers; the
    personnummer are issued once for all at the end, so they are unique across files
    (a child may appear both in a household with assistance and in open care).
    """

    def __init__(self) -> None:
        self._births: list[np.ndarray] = []
        self._sexes: list[np.ndarray] = []
        self.size = 0

    def add(self, births: np.ndarray, sexes: np.ndarray) -> np.ndarray:
        births = np.asarray(births, dtype=np.int64)
        ids = np.arange(self.size, self.size + births.size)
        self._births.append(births)
        self._sexes.append(np.asarray(sexes, dtype=object))
        self.size += births.size
        return ids

    def issue(self, rng: np.random.Generator) -> np.ndarray:
        """Personnummer for persons 0 … size−1, in order."""
        if not self.size:
            return np.array([], dtype=object)
        return PersonRegistry(rng).issue(np.concatenate(self._births), np.concatenate(self._sexes))
