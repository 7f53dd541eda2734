"""Placements (one row per spell) and their monthly invoices.

Children and young people are placed in *episodes*: chains of consecutive spells
(jourhem → familjehem, SiS → HVB, HVB → stödboende, a family home that breaks down
→ another). Adults in addiction care have short stays, mostly in the municipality's
own HVB, some bought (HVB, SiS under LVM, a rare family home). Adults exposed to
violence stay weeks in protected housing.

Calibration, year by year so that later years never disturb earlier ones:

* the number of new episodes is what the year's count of placed children (and of
  adults' placements) needs, given the episodes still running;
* care days are then made exact by moving the outer dates of episodes that start or
  end inside the year (never a date between two spells of a chain, so no gaps or
  overlaps appear);
* prices: every provider has its own daily price that rises each year; within a
  published price measure, the year's price level is scaled so that invoiced kronor
  by care month / care days is the published figure, and the öre left by rounding
  prices to whole kronor goes onto an extra invoice.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from snanalys import codes
from snanalys.sample import _calendar as cal
from snanalys.sample import calibration as target
from snanalys.sample.economic_assistance import distribute
from snanalys.sample.people import birth_days_for_ages

EXTRACT_DAY = cal.day(2026, 11, 5)
DATA_START = cal.day(2022, 1, 1)
OPEN = cal.MISSING

SCOPE_CHILDREN_EXT = "children_external"
SCOPE_ADULTS_EXT_INST = "adults_external_institutions"

# The measures' selections (brief: "Which placements each published row counts").
CHILD_EXT_FORMS = (codes.FORM_HVB, codes.FORM_SIS, codes.FORM_FOSTER_CONSULTANT, codes.FORM_SUPPORTED_HOUSING)
ADULT_EXT_FORMS = (codes.FORM_HVB, codes.FORM_SIS, codes.FORM_FOSTER_OWN, codes.FORM_FOSTER_CONSULTANT)
ADULT_EXT_INST_FORMS = (codes.FORM_HVB, codes.FORM_SIS)


# ---------------------------------------------------------------------------------
# Providers and prices


@dataclass(frozen=True)
class Provider:
    provider_id: str
    price_2022: float  # kronor per care day
    growth: float  # yearly price increase


def _providers(rng: np.random.Generator) -> dict[tuple[str, str, str], list[Provider]]:
    """Several providers per (target group, form, regi), prices differing by provider."""
    spec = {
        # (group, form, regi): (id prefix, count, lowest and highest 2022 price)
        (codes.TARGET_CHILDREN, codes.FORM_HVB, "EXTERN"): ("HVB-BU", 10, 3200, 8200),
        (codes.TARGET_CHILDREN, codes.FORM_SIS, "EXTERN"): ("SIS-UNG", 3, 5600, 6400),
        (codes.TARGET_CHILDREN, codes.FORM_FOSTER_CONSULTANT, "EXTERN"): ("FHK", 5, 1500, 2300),
        (codes.TARGET_CHILDREN, codes.FORM_SUPPORTED_HOUSING, "EXTERN"): ("STOD-BU", 4, 1300, 2200),
        (codes.TARGET_CHILDREN, codes.FORM_HVB, "INTERN"): ("KOMMUN-HVB-UNG", 1, 2900, 2900),
        (codes.TARGET_CHILDREN, codes.FORM_SUPPORTED_HOUSING, "INTERN"): ("KOMMUN-STOD", 1, 1150, 1150),
        (codes.TARGET_CHILDREN, codes.FORM_EMERGENCY_HOME, "INTERN"): ("KOMMUN-JOUR", 1, 1250, 1250),
        (codes.TARGET_CHILDREN, codes.FORM_FOSTER_OWN, "INTERN"): ("KOMMUN-FH", 1, 780, 780),
        (codes.TARGET_ADULTS, codes.FORM_HVB, "EXTERN"): ("HVB-VB", 6, 1700, 3300),
        (codes.TARGET_ADULTS, codes.FORM_SIS, "EXTERN"): ("SIS-LVM", 3, 4500, 5300),
        (codes.TARGET_ADULTS, codes.FORM_FOSTER_CONSULTANT, "EXTERN"): ("FHK-VB", 2, 1500, 1900),
        (codes.TARGET_ADULTS, codes.FORM_HVB, "INTERN"): ("KOMMUN-HVB-VB", 1, 1700, 1700),
        (codes.TARGET_VIOLENCE, codes.FORM_PROTECTED_HOUSING, "EXTERN"): ("SKB", 3, 1600, 2900),
        (codes.TARGET_VIOLENCE, codes.FORM_PROTECTED_HOUSING, "INTERN"): ("KOMMUN-SKB", 1, 1300, 1300),
    }
    out = {}
    for key, (prefix, count, low, high) in spec.items():
        prices = np.sort(rng.uniform(low, high, count)) if count > 1 else np.array([low])
        growth = rng.uniform(0.02, 0.06, count)
        ids = [f"UTF-{prefix}-{i + 1:02d}" if count > 1 else f"UTF-{prefix}" for i in range(count)]
        out[key] = [Provider(i, float(p), float(g)) for i, p, g in zip(ids, prices, growth, strict=True)]
    return out


# ---------------------------------------------------------------------------------
# Episodes


@dataclass
class Spell:
    person: int
    episode: int
    group: str
    form: str
    legal: str
    regi: str
    provider: Provider
    start: int
    end: int  # departure day, or OPEN
    price_2022: float = 0.0


@dataclass
class _Builder:
    rng: np.random.Generator
    providers: dict
    persons: list[tuple[int, str]] = field(default_factory=list)  # (birth day, sex)
    spells: list[Spell] = field(default_factory=list)
    next_episode: int = 0

    def person(self, birth: int, sex: str) -> int:
        self.persons.append((birth, sex))
        return len(self.persons) - 1

    def provider(self, group: str, form: str, regi: str, pricey: float = 0.0) -> Provider:
        """A provider of the kind; ``pricey`` > 0 leans towards the dearer ones."""
        options = self.providers[(group, form, regi)]
        weights = np.exp(pricey * np.linspace(-1, 1, len(options)))
        return options[int(self.rng.choice(len(options), p=weights / weights.sum()))]

    def add(self, person, episode, group, form, legal, regi, start, end, pricey=0.0) -> Spell:
        provider = self.provider(group, form, regi, pricey)
        price = provider.price_2022
        if form == codes.FORM_FOSTER_OWN:  # own family homes: each family's fee and expenses differ
            price = float(self.rng.uniform(560, 1050))
        spell = Spell(person, episode, group, form, legal, regi, provider, int(start), int(end), price)
        self.spells.append(spell)
        return spell


def _days(rng: np.random.Generator, median: float, sigma: float, low: int, high: int) -> int:
    return int(np.clip(round(rng.lognormal(np.log(median), sigma)), low, high))


def _age_years(rng: np.random.Generator, low: int, high: int, weights=None) -> int:
    ages = np.arange(low, high + 1)
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return int(rng.choice(ages, p=p))


def _birth_for_age(rng: np.random.Generator, age: int, on: int) -> int:
    return int(birth_days_for_ages(rng, np.array([age]), on)[0])


# Children's episode kinds and how their mix moves towards institutions over the years.
_CHILD_KINDS = ("foster", "hvb", "sis", "jour", "stod", "hvb_int")
_CHILD_MIX = {
    "early": [0.46, 0.14, 0.03, 0.16, 0.14, 0.07],
    2022: [0.40, 0.20, 0.05, 0.15, 0.13, 0.07],
    2023: [0.30, 0.31, 0.07, 0.14, 0.12, 0.06],
    2024: [0.25, 0.38, 0.09, 0.13, 0.10, 0.05],
    2025: [0.22, 0.42, 0.10, 0.13, 0.09, 0.04],
    2026: [0.22, 0.42, 0.10, 0.13, 0.09, 0.04],
}
# Share of family-home placements bought from consultant-supported agencies (falling: own homes recruited).
_CONSULTANT_SHARE = {"early": 0.36, 2022: 0.30, 2023: 0.15, 2024: 0.10, 2025: 0.10, 2026: 0.10}
# Heavier cases over the years: longer HVB stays, dearer (more specialised) homes.
_HVB_MEDIAN_DAYS = {"early": 200, 2022: 200, 2023: 220, 2024: 250, 2025: 260, 2026: 260}
_CHILD_PRICEY = {"early": -1.0, 2022: -1.0, 2023: -0.3, 2024: 0.6, 2025: 1.3, 2026: 0.3}


def _child_episode(b: _Builder, kind: str, start: int, year: int | str) -> None:
    """One child's episode: a chain of consecutive spells starting on ``start``."""
    rng = b.rng
    ep = b.next_episode
    b.next_episode += 1
    if kind == "foster":
        age = _age_years(rng, 0, 14, weights=np.linspace(1.6, 0.6, 15))
    elif kind in ("hvb", "hvb_int"):
        age = _age_years(rng, 12, 17)
    elif kind == "sis":
        age = _age_years(rng, 14, 17)
    elif kind == "jour":
        age = _age_years(rng, 0, 13)
    else:
        age = _age_years(rng, 16, 19)
    male_share = 0.62 if kind in ("hvb", "sis", "hvb_int") else 0.5
    sex = "M" if rng.random() < male_share else "K"
    birth = _birth_for_age(rng, age, start)
    person = b.person(birth, sex)
    age18 = int(cal.nth_birthday(np.array([birth]), 18)[0])
    age21 = int(cal.nth_birthday(np.array([birth]), 21)[0])
    lvu = rng.random() < {"foster": 0.4, "hvb": 0.35, "sis": 1.0, "jour": 0.25}.get(kind, 0.0)
    pricey = _CHILD_PRICEY[year]
    consultant = _CONSULTANT_SHARE[year]
    C = codes.TARGET_CHILDREN

    def legal(day: int) -> str:
        return "LVU" if lvu and day < age18 else "SOL"

    def add(form: str, regi: str, s: int, length: int, cap: int) -> int | None:
        if s >= cap:
            return None
        e = min(s + length, cap)
        b.add(person, ep, C, form, legal(s), regi, s, e, pricey if regi == "EXTERN" else 0.0)
        return e

    day = start
    if kind == "foster":
        if rng.random() < 0.5:
            day = add(codes.FORM_EMERGENCY_HOME, "INTERN", day, _days(rng, 45, 0.6, 7, 150), age18)
        extended = rng.random() < 0.2  # a placement prolonged past 18 while the young person finishes school
        cap = age21 - int(rng.integers(1, 500)) if extended else age18
        for _ in range(2):
            if day is None:
                break
            own = rng.random() >= consultant
            form = codes.FORM_FOSTER_OWN if own else codes.FORM_FOSTER_CONSULTANT
            day = add(form, "INTERN" if own else "EXTERN", day, _days(rng, 800, 0.75, 90, 5000), cap)
            if rng.random() > 0.12:  # most family homes last; some break down and a new one follows
                break
    elif kind == "hvb":
        day = add(codes.FORM_HVB, "EXTERN", day, _days(rng, _HVB_MEDIAN_DAYS[year], 0.5, 30, 720), age21)
        if day is not None and day > age18 - 700:
            r = rng.random()
            if r < 0.35:
                regi = "EXTERN" if rng.random() < 0.5 else "INTERN"
                add(codes.FORM_SUPPORTED_HOUSING, regi, day, _days(rng, 280, 0.4, 60, 700), age21)
            elif r < 0.5:
                add(codes.FORM_FOSTER_CONSULTANT, "EXTERN", day, _days(rng, 400, 0.5, 60, 1500), age21)
    elif kind == "sis":
        day = add(codes.FORM_SIS, "EXTERN", day, _days(rng, 120, 0.4, 20, 300), age21)
        if day is not None and rng.random() < 0.75:
            add(codes.FORM_HVB, "EXTERN", day, _days(rng, 180, 0.5, 30, 600), age21)
    elif kind == "jour":
        length = 0 if rng.random() < 0.12 else _days(rng, 25, 0.8, 1, 120)  # some go home the same day
        add(codes.FORM_EMERGENCY_HOME, "INTERN", day, length, age18)
    elif kind == "stod":
        regi = "EXTERN" if rng.random() < 0.55 else "INTERN"
        add(codes.FORM_SUPPORTED_HOUSING, regi, day, _days(rng, 300, 0.4, 60, 730), age21)
    else:  # the municipality's own HVB for young people
        day = add(codes.FORM_HVB, "INTERN", day, _days(rng, 150, 0.5, 30, 500), age21)
        if day is not None and rng.random() < 0.3:
            add(codes.FORM_SUPPORTED_HOUSING, "INTERN", day, _days(rng, 240, 0.4, 60, 600), age21)


_ADULT_KINDS = ("hvb_int", "hvb", "sis", "fh")
_ADULT_MIX = {
    2022: [0.66, 0.22, 0.065, 0.01],
    2023: [0.56, 0.40, 0.035, 0.01],
    2024: [0.51, 0.45, 0.03, 0.01],
    2025: [0.79, 0.11, 0.075, 0.01],
    2026: [0.75, 0.15, 0.07, 0.01],
}
_ADULT_PRICEY = {2022: 0.0, 2023: -0.3, 2024: -0.8, 2025: 1.2, 2026: 0.0}


def _adult_episode(b: _Builder, kind: str, start: int, year: int) -> None:
    rng = b.rng
    ep = b.next_episode
    b.next_episode += 1
    age = _age_years(rng, 18, 20) if rng.random() < 0.05 else _age_years(rng, 21, 68)
    sex = "M" if rng.random() < 0.7 else "K"
    person = b.person(_birth_for_age(rng, age, start), sex)
    pricey = _ADULT_PRICEY[year]
    A = codes.TARGET_ADULTS
    if kind == "hvb_int":
        b.add(person, ep, A, codes.FORM_HVB, "SOL", "INTERN", start, start + _days(rng, 21, 0.7, 2, 150))
    elif kind == "hvb":
        b.add(person, ep, A, codes.FORM_HVB, "SOL", "EXTERN", start, start + _days(rng, 38, 0.6, 5, 240), pricey)
    elif kind == "sis":
        end = start + _days(rng, 75, 0.4, 14, 180)  # LVM care lasts at most six months
        b.add(person, ep, A, codes.FORM_SIS, "LVM", "EXTERN", start, end, pricey)
        if rng.random() < 0.4:  # LVM care continued outside the LVM home (27 § LVM)
            b.add(person, ep, A, codes.FORM_HVB, "LVM", "EXTERN", end, end + _days(rng, 40, 0.5, 10, 120), pricey)
    else:
        b.add(person, ep, A, codes.FORM_FOSTER_CONSULTANT, "SOL", "EXTERN", start, start + _days(rng, 90, 0.5, 30, 300))


def _violence_episode(b: _Builder, start: int) -> None:
    rng = b.rng
    ep = b.next_episode
    b.next_episode += 1
    sex = "K" if rng.random() < 0.9 else "M"
    person = b.person(_birth_for_age(rng, _age_years(rng, 18, 62), start), sex)
    regi = "EXTERN" if rng.random() < 0.8 else "INTERN"
    length = _days(rng, 35, 0.8, 2, 200)
    b.add(person, ep, codes.TARGET_VIOLENCE, codes.FORM_PROTECTED_HOUSING, "SOL", regi, start, start + length)


# ---------------------------------------------------------------------------------
# Care days by interval arithmetic


def care_interval(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[first care day, last care day + 1) of each spell (the brief's care-day rule)."""
    start = np.asarray(start, np.int64)
    end = np.asarray(end, np.int64)
    stop = np.where(end == OPEN, EXTRACT_DAY + 1, np.maximum(end, start + 1))
    return start, stop


def care_days(start: np.ndarray, end: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Care days of each spell in the closed day interval [lo, hi]."""
    s, e = care_interval(start, end)
    return np.clip(np.minimum(e, hi + 1) - np.maximum(s, lo), 0, None)


def _frame(spells: list[Spell]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": [s.person for s in spells],
            "episode": [s.episode for s in spells],
            "group": [s.group for s in spells],
            "form": [s.form for s in spells],
            "legal": [s.legal for s in spells],
            "regi": [s.regi for s in spells],
            "provider": [s.provider.provider_id for s in spells],
            "growth": [s.provider.growth for s in spells],
            "price_2022": [s.price_2022 for s in spells],
            "start": np.array([s.start for s in spells], dtype=np.int64),
            "end": np.array([s.end for s in spells], dtype=np.int64),
        }
    )


def _year_bounds(year: int) -> tuple[int, int]:
    return cal.day(year, 1, 1), cal.day(year, 12, 31)


def _persons_with_days(frame: pd.DataFrame, year: int) -> int:
    lo, hi = _year_bounds(year)
    days = care_days(frame["start"], frame["end"], lo, hi)
    return int(frame.loc[days > 0, "person"].nunique())


def _close_future(frame: pd.DataFrame) -> pd.DataFrame:
    """Departures after the extract date are unknown: those spells are open."""
    frame = frame.copy()
    frame.loc[frame["end"] > EXTRACT_DAY, "end"] = OPEN
    return frame


# ---------------------------------------------------------------------------------
# Exact care days: move the outer dates of episodes inside the year


def calibrate_care_days(
    rng: np.random.Generator, frame: pd.DataFrame, in_scope: np.ndarray, year: int, target_days: int, cap: int = 60
) -> int:
    """Move episode start/end dates inside ``year`` until the scope's care days are ``target_days``.

    Only dates inside the year move, so other years keep their care days; an episode
    keeps at least one care day in the year, so counts of persons do not change.
    Returns what could not be placed (0 on success). ``frame`` is changed in place.
    """
    lo, hi = _year_bounds(year)
    start = frame["start"].to_numpy()
    end = frame["end"].to_numpy()
    episode = frame["episode"].to_numpy()
    order = np.lexsort((start, episode))
    first = np.zeros(len(frame), bool)
    last = np.zeros(len(frame), bool)
    ep_sorted = episode[order]
    first[order[np.r_[True, ep_sorted[1:] != ep_sorted[:-1]]]] = True
    last[order[np.r_[ep_sorted[1:] != ep_sorted[:-1], True]]] = True
    limit = frame["limit"].to_numpy()  # latest allowed departure (age limits, extract date)

    same_day = (end != OPEN) & (end == start)
    # End knobs: closed last spells departing inside the year (departure day lo+1 … hi).
    e_idx = np.flatnonzero(in_scope & last & ~same_day & (end != OPEN) & (end > lo) & (end <= hi))
    e_min = np.maximum(np.maximum(start[e_idx], lo) + 1, end[e_idx] - cap)
    e_max = np.minimum(np.minimum(hi, limit[e_idx]), end[e_idx] + cap)
    e_max = np.maximum(e_max, end[e_idx])
    # Start knobs: first spells starting inside the year, unless the same spell is an end knob.
    not_end_knob = ~np.isin(np.arange(len(frame)), e_idx)
    s_idx = np.flatnonzero(in_scope & first & ~same_day & (start >= lo) & (start <= hi) & not_end_knob)
    s_stop = np.where(end[s_idx] == OPEN, np.minimum(hi, EXTRACT_DAY), np.minimum(end[s_idx] - 1, hi))
    s_min = np.maximum(lo, start[s_idx] - cap)
    s_max = np.maximum(np.minimum(s_stop, start[s_idx] + cap), start[s_idx])
    # Express both as "days added": +1 = end one day later / start one day earlier.
    value = np.zeros(e_idx.size + s_idx.size, dtype=np.int64)
    low = np.concatenate([e_min - end[e_idx], start[s_idx] - s_max])
    high = np.concatenate([e_max - end[e_idx], start[s_idx] - s_min])
    current = int(care_days(start[in_scope], end[in_scope], lo, hi).sum())
    value, left = distribute(rng, value, low, high, target_days - current)
    end = end.copy()
    start = start.copy()
    end[e_idx] += value[: e_idx.size]
    start[s_idx] -= value[e_idx.size :]
    frame["start"] = start
    frame["end"] = end
    return left


# ---------------------------------------------------------------------------------
# Generation


@dataclass
class Placements:
    spells: pd.DataFrame  # one row per spell, integer days, person = index into persons
    persons: pd.DataFrame  # birth (day), sex
    invoices: pd.DataFrame  # spell, care month, booking day, amount (öre)


def _quota(rng: np.random.Generator, kinds: tuple[str, ...], shares: list[float], n: int) -> list[str]:
    """``n`` kinds in the given shares (largest remainders), in random order.

    Quotas rather than independent draws keep a year's mix close to its plan, so the
    price calibration has little to correct.
    """
    p = np.asarray(shares, float) / np.sum(shares)
    counts = np.floor(p * n).astype(int)
    rest = p * n - counts
    extra = np.argsort(-(rest + rng.random(p.size) * 1e-9), kind="stable")[: n - counts.sum()]
    counts[extra] += 1
    out = np.repeat(np.array(kinds, dtype=object), counts)
    return [str(k) for k in rng.permutation(out)]


def _uniform_days(rng: np.random.Generator, n: int, lo: int, hi: int) -> np.ndarray:
    return np.sort(rng.integers(lo, hi + 1, n))


def _generate_spells(rng: np.random.Generator) -> _Builder:
    b = _Builder(rng, _providers(rng))
    # Children: episodes started before the data (some still running in 2022), then year by year.
    for year in range(2012, 2022):
        lo, hi = _year_bounds(year)
        n = int(rng.poisson(55))
        for start, kind in zip(_uniform_days(rng, n, lo, hi), _quota(rng, _CHILD_KINDS, _CHILD_MIX["early"], n)):
            _child_episode(b, kind, int(start), "early")
    b.spells = [s for s in b.spells if s.end > DATA_START or s.end == OPEN]
    planned_children = dict(target.CHILDREN_PLACED) | {2026: 150}
    for year in range(2022, 2027):
        lo, hi = _year_bounds(year)
        hi = min(hi, EXTRACT_DAY)
        frame = _frame([s for s in b.spells if s.group == codes.TARGET_CHILDREN])
        need = planned_children[year] - _persons_with_days(frame, year)
        need = max(need, 0)
        for start, kind in zip(_uniform_days(rng, need, lo, hi), _quota(rng, _CHILD_KINDS, _CHILD_MIX[year], need)):
            _child_episode(b, kind, int(start), year)
    # Adults in addiction care: about 97 placements with care in each year.
    planned_adults = dict(target.ADULT_ADDICTION_PLACEMENTS) | {2026: 80}
    for year in range(2022, 2027):
        lo, hi = _year_bounds(year)
        hi = min(hi, EXTRACT_DAY)
        adults = [s for s in b.spells if s.group == codes.TARGET_ADULTS]
        if adults:
            f = _frame(adults)
            running = int((care_days(f["start"], f["end"], lo, hi) > 0).sum())
        else:
            running = 0
        n = planned_adults[year] - running
        n = max(n, 0)
        for start, kind in zip(_uniform_days(rng, n, lo, hi), _quota(rng, _ADULT_KINDS, _ADULT_MIX[year], n)):
            _adult_episode(b, kind, int(start), year)
        # Protected housing for adults exposed to violence: a few stays a year.
        for start in _uniform_days(rng, int(rng.integers(5, 10)), lo, hi):
            _violence_episode(b, int(start))
    return b


def _limits(frame: pd.DataFrame, persons: pd.DataFrame) -> np.ndarray:
    """Latest departure day of each spell: the extract date, and the age limits for children.

    Children and young people are placed until 21 at most; LVU in a family home or
    jourhem ends at 18 (only an HVB or SiS stay under LVU 3 § may go on to 21).
    """
    birth = persons["birth"].to_numpy()[frame["person"].to_numpy()]
    lvu_until_18 = (frame["legal"].to_numpy() == "LVU") & ~frame["form"].isin(ADULT_EXT_INST_FORMS).to_numpy()
    child_limit = np.where(lvu_until_18, cal.nth_birthday(birth, 18), cal.nth_birthday(birth, 21))
    child = frame["group"].to_numpy() == codes.TARGET_CHILDREN
    return np.where(child, np.minimum(child_limit, EXTRACT_DAY), EXTRACT_DAY)


def generate(rng: np.random.Generator) -> Placements:
    b = _generate_spells(rng)
    persons = pd.DataFrame(b.persons, columns=["birth", "sex"])
    frame = _frame(b.spells)
    frame = _close_future(frame.loc[frame["start"] <= EXTRACT_DAY].reset_index(drop=True))
    frame["limit"] = _limits(frame, persons)

    # Exact care days, year by year.
    children = (frame["group"] == codes.TARGET_CHILDREN).to_numpy()
    adults_ext = (
        (frame["group"] == codes.TARGET_ADULTS) & frame["form"].isin(ADULT_EXT_FORMS) & (frame["regi"] == "EXTERN")
    ).to_numpy()
    for year in target.YEARS:
        for name, mask in (("care_days_children", children), ("care_days_adults_external", adults_ext)):
            left = calibrate_care_days(rng, frame, mask, year, target.PUBLISHED[name][year])
            if left:
                left = calibrate_care_days(rng, frame, mask, year, target.PUBLISHED[name][year], cap=400)
            if left:
                warnings.warn(f"sample: {name} {year} is {left:+d} days off its target", RuntimeWarning, stacklevel=2)
    frame = frame.drop(columns="limit")
    choose_providers(rng, frame, b.providers)
    invoices = build_invoices(rng, frame)
    return Placements(frame, persons, invoices)


# ---------------------------------------------------------------------------------
# Invoices


def scope_of(frame: pd.DataFrame) -> np.ndarray:
    """Which published price measure each spell belongs to ('' for none)."""
    g, f, r = frame["group"].to_numpy(), frame["form"].to_numpy(), frame["regi"].to_numpy()
    child_ext = (g == codes.TARGET_CHILDREN) & np.isin(f, CHILD_EXT_FORMS) & (r == "EXTERN")
    adult_inst = (g == codes.TARGET_ADULTS) & np.isin(f, ADULT_EXT_INST_FORMS) & (r == "EXTERN")
    return np.where(child_ext, SCOPE_CHILDREN_EXT, np.where(adult_inst, SCOPE_ADULTS_EXT_INST, ""))


# The designed price level of each measure's providers (on top of each provider's own rise);
# the providers of the year's new placements are then chosen so that the published kronor
# per care day comes out, and only a sliver is left for the final scale.
PRICE_LEVEL = {
    SCOPE_CHILDREN_EXT: {2022: 1.00, 2023: 1.03, 2024: 1.06, 2025: 1.09, 2026: 1.12},
    SCOPE_ADULTS_EXT_INST: {2022: 1.00, 2023: 1.03, 2024: 1.06, 2025: 1.09, 2026: 1.12},
}


def choose_providers(rng: np.random.Generator, frame: pd.DataFrame, providers: dict) -> None:
    """Pick the providers of each year's new placements so the year's mean price fits.

    Year by year: the placements that start in the year (and, in 2022, those already
    running) may change provider within their group, form and regi; a greedy pass in
    random order takes for each the provider that brings the year's cost closest to
    published kronor per care day × care days. ``frame`` is changed in place.
    """
    scope = scope_of(frame)
    start = frame["start"].to_numpy()
    keys = list(zip(frame["group"], frame["form"], frame["regi"], strict=True))
    for sc, measure in _PRICE_TARGET.items():
        for y in target.YEARS:
            lo, hi = _year_bounds(y)
            days = care_days(frame["start"], frame["end"], lo, hi)
            in_scope = (scope == sc) & (days > 0)
            price = frame["price_2022"].to_numpy() * (1 + frame["growth"].to_numpy()) ** (y - 2022)
            gap = (
                target.PUBLISHED[measure][y] * float(days[in_scope].sum())
                - float((days[in_scope] * price[in_scope]).sum()) * PRICE_LEVEL[sc][y]
            )
            free = np.flatnonzero(in_scope & ((start >= lo) | (y == 2022)))
            for i in rng.permutation(free):
                options = providers[keys[i]]
                if len(options) < 2:
                    continue
                own = price[i] * PRICE_LEVEL[sc][y]
                prices = np.array([p.price_2022 * (1 + p.growth) ** (y - 2022) for p in options])
                deltas = days[i] * (prices * PRICE_LEVEL[sc][y] - own)
                best = int(np.argmin(np.abs(gap - deltas)))
                if abs(gap - deltas[best]) < abs(gap):
                    chosen = options[best]
                    frame.loc[i, "provider"] = chosen.provider_id
                    frame.loc[i, "price_2022"] = chosen.price_2022
                    frame.loc[i, "growth"] = chosen.growth
                    gap -= deltas[best]


_PRICE_TARGET = {
    SCOPE_CHILDREN_EXT: "kr_per_care_day_children_external",
    SCOPE_ADULTS_EXT_INST: "kr_per_care_day_adults_external",
}


def build_invoices(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly invoices per spell: care days of the month × the provider's price, plus extras."""
    s, e = care_interval(frame["start"], frame["end"])
    s = np.maximum(s, DATA_START)
    has = e > s
    idx = np.flatnonzero(has)
    m0, m1 = cal.month_of(s[idx]), cal.month_of(e[idx] - 1)
    n_months = m1 - m0 + 1
    spell = np.repeat(idx, n_months)
    month = np.repeat(m0, n_months) + np.arange(n_months.sum()) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    ms = cal.month_start(month)
    days = np.minimum(e[spell], cal.month_start(month + 1)) - np.maximum(s[spell], ms)
    year = month // 12
    growth = frame["growth"].to_numpy()[spell]
    base_price = frame["price_2022"].to_numpy()[spell] * (1 + growth) ** (year - 2022)
    scope = scope_of(frame)[spell]
    n = spell.size

    # Extras (extra staffing, travel, an assessment) and credit notes (absence, a wrong rate).
    extra = rng.random(n) < 0.05
    credit = (rng.random(n) < 0.02) & ~extra
    extra_kr = np.where(extra, np.clip(rng.lognormal(np.log(6000), 0.8, n), 800, 60000), 0.0)
    credit_share = np.where(credit, rng.uniform(0.05, 0.4, n), 0.0)

    # The year's price level per measure, so that kronor per care day is the published figure.
    level = np.ones(n)
    levels = {}
    for sc, measure in _PRICE_TARGET.items():
        for y in range(2022, 2027):
            mask = (scope == sc) & (year == y)
            if y in target.YEARS:
                # Close to the designed level after choose_providers; exact here.
                base_cost = float((days[mask] * base_price[mask] * (1 - credit_share[mask]) + extra_kr[mask]).sum())
                levels[(sc, y)] = target.PUBLISHED[measure][y] * int(days[mask].sum()) / base_cost
            else:
                levels[(sc, y)] = PRICE_LEVEL[sc][y] * levels[(sc, 2025)] / PRICE_LEVEL[sc][2025]
            level[mask] = levels[(sc, y)]
    price = np.round(base_price * level)  # whole kronor per day
    main = np.round(days * price * 100).astype(np.int64)
    extra_ore = np.round(extra_kr * level * 100).astype(np.int64)
    credit_ore = -np.round(main * credit_share).astype(np.int64)

    rows = pd.DataFrame(
        {
            "spell": np.concatenate([spell, spell[extra], spell[credit]]),
            "month": np.concatenate([month, month[extra], month[credit]]),
            "amount": np.concatenate([main, extra_ore[extra], credit_ore[credit]]),
            "scope": np.concatenate([scope, scope[extra], scope[credit]]),
            "kind": np.repeat(["MAIN", "EXTRA", "CREDIT"], [n, int(extra.sum()), int(credit.sum())]),
        }
    )
    # Rounding to whole-kronor prices leaves a few kronor: settle them on the year's largest extra.
    for sc, measure in _PRICE_TARGET.items():
        for y in target.YEARS:
            sel = (rows["scope"] == sc) & (rows["month"] // 12 == y)
            days_y = int(days[(scope == sc) & (year == y)].sum())
            residual = target.PUBLISHED[measure][y] * days_y * 100 - int(rows.loc[sel, "amount"].sum())
            pool = rows.index[sel & (rows["kind"] == "EXTRA")]
            if pool.empty:
                pool = rows.index[sel]
            at = rows.loc[pool, "amount"].idxmax()
            rows.loc[at, "amount"] += residual

    # Booking: usually the month after; some invoices come 2–6 months late.
    m = len(rows)
    late = rng.random(m) < 0.12
    book_month = rows["month"].to_numpy() + np.where(late, rng.integers(2, 7, m), 1)
    book_day = cal.to_weekday_before(cal.month_start(book_month) + rng.integers(2, 26, m))
    rows["booked"] = book_day
    rows = rows.loc[rows["booked"] <= EXTRACT_DAY].reset_index(drop=True)
    rows.attrs["levels"] = levels
    return rows.sort_values(["booked", "spell", "month", "kind"], kind="stable").reset_index(drop=True)
