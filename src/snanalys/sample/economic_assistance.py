"""Economic assistance (ekonomiskt bistånd): households, their members and payments.

The sample is built in three layers, each calibrated year by year so that the
published figures come out exactly by the brief's definitions:

1. *Spells of assistance* on a month grid (the months in which a household has a
   positive payment). Each year the spells still open from the year before are given
   a fate (end in month e, or continue), and exactly as many new households start as
   the year's household count needs. The fates and the new spells' lengths are then
   nudged until the year's paid household-months (mean households per month × 12)
   and the number of households paid in 10–12 months (long-term assistance) hit
   their plan. Spells cross year ends, so a year's choices only ever touch that year.
2. *Members*: when a household first appears its members are drawn, including
   future events (children ageing out at 18, births, a co-applicant moving in or
   out, a changed reason for assistance) that happen from the next year on. The
   count of households with children and of unemployed adults in a year is then
   known exactly for the households seen before, and the new households make up the
   difference.
3. *Payments*: dates (the regular run around the 25th pays next month's assistance;
   first payments and supplements fall on other days), amounts from the household's
   composition on the day, negative corrections of earlier payments, and finally a
   per-year scale so that kronor per household is exact.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from snanalys import codes
from snanalys.sample import _calendar as cal
from snanalys.sample import calibration as target
from snanalys.sample.people import birth_days_for_ages

FIRST_MONTH = cal.month_index(2022, 1)
LAST_MONTH = cal.month_index(2026, 10)  # the last month with payments (extract 2026-11-05)
LAST_PAYMENT_DAY = cal.day(2026, 10, 31)
EXTRACT_DAY = cal.day(2026, 11, 5)
INITIAL_OPEN = 700  # households already receiving assistance when the data starts
# Many couples: the report's 1 113 unemployed adults in 1 029 households needs ~1.5 adults each.
TWO_ADULTS = 0.46
# Co-applicants moving in or out during a year have fewer paid months than their household;
# the household-level long-term target is raised by this much (share points) to make up for it.
_EVENT_BIAS = 0.003


@dataclass(frozen=True)
class YearPlan:
    """What one year's spells and members must give (``None``: left to chance)."""

    months: int
    households: int
    month_sum: int  # household-months paid = mean households per month × months
    long_term: int | None  # households paid in 10–12 months of the year
    open_at_end: int | None  # spells continuing into the next year
    with_children: int | None
    unemployed: int | None
    return_share: float  # share of the year's new spells that are returning households
    p_long_new: float  # chance that a new spell is a long one


def _plan() -> dict[int, YearPlan]:
    hh = target.PUBLISHED["eb_households"]
    hc = target.PUBLISHED["eb_households_with_children"]
    plans = {}
    open_at_end = {2022: 630, 2023: 618, 2024: 645, 2025: 678}
    for year in target.YEARS:
        plans[year] = YearPlan(
            months=12,
            households=hh[year],
            month_sum=12 * target.EB_HOUSEHOLDS_PER_MONTH[year],
            long_term=round(target.EB_LONG_TERM_SHARE[year] * hh[year]),
            open_at_end=open_at_end[year],
            with_children=hc[year],
            unemployed=target.EB_UNEMPLOYED_ADULTS[year],
            return_share=0.0 if year == 2022 else 0.14,
            p_long_new=0.30,
        )
    # January–October 2026: a plausible continuation of 2025.
    plans[2026] = YearPlan(10, 1075, 10 * 702, None, 640, None, None, 0.15, 0.30)
    return plans


PLAN = _plan()

# Seasonality: new spells start a little more often in winter and in the summer.
_START_WEIGHTS = np.array([1.3, 1.05, 0.95, 0.85, 0.85, 1.1, 1.25, 1.1, 0.85, 0.9, 1.1, 1.3])
# Spells that end early mostly end in spring and early autumn, when jobs start.
_EARLY_END_WEIGHTS = np.array([0.06, 0.08, 0.14, 0.16, 0.14, 0.08, 0.07, 0.13, 0.14])
_SHORT_LENGTHS = np.arange(1, 10)
_SHORT_WEIGHTS = np.array([0.17, 0.17, 0.16, 0.13, 0.11, 0.09, 0.07, 0.05, 0.05])


def distribute(
    rng: np.random.Generator, value: np.ndarray, low: np.ndarray, high: np.ndarray, delta: int
) -> tuple[np.ndarray, int]:
    """Add ``delta`` unit steps to ``value`` within [low, high], spread over random items.

    Returns the new values and what could not be placed (0 when the bounds allow it).
    """
    value = value.copy()
    step = 1 if delta > 0 else -1
    left = abs(int(delta))
    while left:
        room = (high - value) if step > 0 else (value - low)
        eligible = np.flatnonzero(room > 0)
        if eligible.size == 0:
            break
        k = min(left, eligible.size)
        picked = rng.choice(eligible, size=k, replace=False)
        value[picked] += step
        left -= k
    return value, step * left


# ---------------------------------------------------------------------------------
# 1. Spells of assistance


def build_spells(rng: np.random.Generator, plans: dict[int, YearPlan]) -> tuple[pd.DataFrame, np.ndarray]:
    """Spells as (household, first paid month, last paid month), month indices inclusive.

    Also returns the number of adults (1 or 2) of each household, drawn here because
    the long-term share is a share of adults: the long-term households are chosen so
    that their adults, not just their number, make the planned share.
    """
    starts, ends, owners = [], [], []
    # Open spells carried from year to year: household, first month, planned last month.
    o_hh = np.arange(INITIAL_OPEN)
    o_start = np.full(INITIAL_OPEN, FIRST_MONTH)
    long_stock = rng.random(INITIAL_OPEN) < 0.78
    o_planned = FIRST_MONTH + np.where(long_stock, rng.integers(6, 60, INITIAL_OPEN), rng.integers(0, 6, INITIAL_OPEN))
    next_hh = INITIAL_OPEN
    adults = 1 + (rng.random(INITIAL_OPEN) < TWO_ADULTS).astype(np.int64)
    last_end = np.full(INITIAL_OPEN, -1)  # last paid month of each household's closed spells

    for year, plan in plans.items():
        y0, nm = cal.month_index(year, 1), plan.months
        n_open = o_hh.size
        n_new = plan.households - n_open
        if n_new < 0:
            raise RuntimeError(f"{year}: more open spells ({n_open}) than households ({plan.households})")
        # New spells: returning households (a closed spell ended at least two months ago) and new ones.
        pool = np.flatnonzero((last_end >= 0) & (last_end <= y0 - 2))
        pool = np.setdiff1d(pool, o_hh)
        n_ret = min(round(plan.return_share * n_new), pool.size)
        returning = np.sort(rng.choice(pool, size=n_ret, replace=False)) if n_ret else np.array([], int)
        fresh = np.arange(next_hh, next_hh + n_new - n_ret)
        next_hh += fresh.size
        last_end = np.concatenate([last_end, np.full(fresh.size, -1)])
        adults = np.concatenate([adults, 1 + (rng.random(fresh.size) < TWO_ADULTS).astype(np.int64)])
        n_hh = np.concatenate([returning, fresh])
        w = _START_WEIGHTS[:nm] / _START_WEIGHTS[:nm].sum()
        s = rng.choice(nm, size=n_new, p=w)
        is_long = rng.random(n_new) < plan.p_long_new
        length = np.where(
            is_long,
            rng.integers(10, 60, n_new),
            rng.choice(_SHORT_LENGTHS, size=n_new, p=_SHORT_WEIGHTS / _SHORT_WEIGHTS.sum()),
        )
        n_open_new = s + length - 1 >= nm
        n_months = np.where(n_open_new, nm - s, length)

        # Fates of the open spells: continue, end late (10–12 months: long-term), or end early.
        planned = np.maximum(o_planned - y0, 0)
        order = np.argsort(-(planned + rng.normal(0, 3, n_open)), kind="stable")
        o_months = np.zeros(n_open, dtype=np.int64)
        o_cont = np.zeros(n_open, dtype=bool)
        if plan.long_term is not None:
            # Long-term adults needed from the open spells, taken in rank order.
            w_all = int(adults[o_hh].sum() + adults[n_hh].sum())
            w_new = int(adults[n_hh][n_months >= 10].sum())
            share = plan.long_term / plan.households + (_EVENT_BIAS if year > 2022 else 0.0)
            need = round(share * w_all) - w_new
            cum = np.cumsum(adults[o_hh][order])
            n_lt = int(np.searchsorted(cum, need, side="right"))
            if n_lt < n_open and (cum[n_lt - 1] if n_lt else 0) < need:
                # One adult short: bring forward the next one-adult household in rank order.
                ones = np.flatnonzero(adults[o_hh][order][n_lt:] == 1)
                if ones.size:
                    j = n_lt + ones[0]
                    order = np.r_[order[:n_lt], order[j], np.delete(order[n_lt:], ones[0])]
                    n_lt += 1
            lt_floor = 10
        else:
            n_lt = n_open
            lt_floor = nm + 1  # no long-term threshold to respect
        n_cont = int(np.clip(plan.open_at_end - n_open_new.sum(), 0, n_lt))
        cont, late, early = order[:n_cont], order[n_cont:n_lt], order[n_lt:]
        o_cont[cont] = True
        o_months[cont] = nm
        # Late enders (10–12 months) mostly leave at the year end; early ones through the year.
        p_late = planned[late]
        if plan.long_term is not None:
            late_month = rng.choice([9, 10, 11], size=late.size, p=[0.1, 0.15, 0.75])
            o_months[late] = np.where((p_late >= 9) & (p_late < nm), p_late, late_month) + 1
        else:  # no long-term target: spells end as planned
            o_months[late] = np.where(p_late < nm, p_late, rng.integers(0, nm, late.size)) + 1
        p_early = planned[early]
        early_month = rng.choice(9, size=early.size, p=_EARLY_END_WEIGHTS / _EARLY_END_WEIGHTS.sum())
        o_months[early] = np.where(p_early <= 8, p_early, early_month) + 1

        # Nudge lengths until the year's household-months match the plan, keeping counts.
        value = np.concatenate([o_months, n_months])
        fixed = np.concatenate([o_cont, np.zeros(n_new, bool)])  # continuing open spells stay
        upper_new = np.where(n_open_new, nm, nm - s)
        upper = np.concatenate([np.full(n_open, nm), upper_new])
        lt = value >= lt_floor
        low = np.where(fixed, value, np.where(lt, lt_floor, 1))
        high = np.where(fixed, value, np.where(lt, upper, np.minimum(upper, lt_floor - 1)))
        value, _ = distribute(rng, value, low, high, plan.month_sum - int(value.sum()))
        o_months, n_months = value[:n_open], value[n_open:]
        # New open spells keep crossing the year end: their start moves instead of their end.
        s = np.where(n_open_new, nm - n_months, s)

        # Record closed spells; carry the open ones.
        closed_o = ~o_cont
        starts.append(o_start[closed_o])
        ends.append(y0 + o_months[closed_o] - 1)
        owners.append(o_hh[closed_o])
        last_end[o_hh[closed_o]] = y0 + o_months[closed_o] - 1
        closed_n = ~n_open_new
        starts.append(y0 + s[closed_n])
        ends.append(y0 + s[closed_n] + n_months[closed_n] - 1)
        owners.append(n_hh[closed_n])
        last_end[n_hh[closed_n]] = y0 + s[closed_n] + n_months[closed_n] - 1

        # Spells kept open against their plan get a new planned end a little later.
        later = y0 + nm + rng.integers(0, 8, int(o_cont.sum()))
        keep_planned = np.where(o_planned[o_cont] - y0 >= nm, o_planned[o_cont], later)
        o_hh = np.concatenate([o_hh[o_cont], n_hh[n_open_new]])
        o_start = np.concatenate([o_start[o_cont], y0 + s[n_open_new]])
        o_planned = np.concatenate([keep_planned, y0 + s[n_open_new] + length[n_open_new] - 1])

    # Spells still open at the extract: paid up to the last complete month.
    starts.append(o_start)
    ends.append(np.full(o_hh.size, LAST_MONTH))
    owners.append(o_hh)
    spells = pd.DataFrame({"hh": np.concatenate(owners), "start": np.concatenate(starts), "end": np.concatenate(ends)})
    return spells.sort_values(["hh", "start"], kind="stable").reset_index(drop=True), adults


# ---------------------------------------------------------------------------------
# 2. Payment dates (amounts come later, from the household's composition)


def _weekday_in_month(days: np.ndarray) -> np.ndarray:
    """A weekend day moves to the Friday before, or to Monday if that leaves the month."""
    back = cal.to_weekday_before(days)
    forward = days + np.where(cal.weekday(days) == 5, 2, np.where(cal.weekday(days) == 6, 1, 0))
    return np.where(cal.month_of(back) == cal.month_of(days), back, forward)


def _run_day(months: np.ndarray) -> np.ndarray:
    """The regular payment run: the 25th (the 20th in December, before the holidays)."""
    dom = np.where(months % 12 == 11, 20, 25)
    return _weekday_in_month(cal.month_start(months) + dom - 1)


def payment_schedule(rng: np.random.Generator, spells: pd.DataFrame) -> pd.DataFrame:
    """Positive payments: household, day, month the assistance is for, kind.

    ``REG`` is the monthly payment, ``INIT`` the first payment of a spell (for the
    current month), ``SUPP`` a supplementary payment (e.g. dental care, a deposit).
    """
    length = (spells["end"] - spells["start"] + 1).to_numpy()
    hh = np.repeat(spells["hh"].to_numpy(), length)
    start = np.repeat(spells["start"].to_numpy(), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    month = start + offset
    first = offset == 0
    ongoing_at_data_start = first & (month == FIRST_MONTH) & (hh < INITIAL_OPEN)
    initial = first & ~ongoing_at_data_start
    n = month.size

    ms = cal.month_start(month)
    dim = cal.days_in_month(month)
    # First payments: any day of the month, for the current month.
    init_day = _weekday_in_month(ms + rng.integers(0, 28, n))
    # The regular payment: mostly the run day, some on an individual day.
    on_run = (rng.random(n) < 0.8) | initial
    reg_day = np.where(on_run, _run_day(month), _weekday_in_month(ms + rng.integers(0, 28, n)))
    reg_day = np.where(initial & (reg_day <= init_day), _run_day(month), reg_day)
    has_reg = ~initial | (cal.components(init_day)[2] < 20)
    reg_for = np.where(on_run | (cal.components(reg_day)[2] >= 20), month + 1, month)
    # Supplementary payments in about one household-month in eleven.
    has_supp = rng.random(n) < 0.09
    supp_day = _weekday_in_month(ms + np.minimum(rng.integers(0, 31, n), dim - 1))

    parts = [
        pd.DataFrame({"hh": hh[initial], "day": init_day[initial], "for_month": month[initial], "kind": "INIT"}),
        pd.DataFrame({"hh": hh[has_reg], "day": reg_day[has_reg], "for_month": reg_for[has_reg], "kind": "REG"}),
        pd.DataFrame({"hh": hh[has_supp], "day": supp_day[has_supp], "for_month": month[has_supp], "kind": "SUPP"}),
    ]
    pays = pd.concat(parts, ignore_index=True)
    return pays.sort_values(["day", "hh", "kind"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------
# 3. Members


_MEMBER_COLUMNS = [
    "hh",
    "pid",
    "role",
    "sex",
    "birth",
    "reason",
    "nyanland",
    "valid_from",
    "valid_to",
    "adult_of_creation",
]
_OTHER_REASONS = np.array(
    ["SJUKSKRIVEN", "SOCIALA_SKAL", "OTILLRACKLIG_INKOMST", "INTRODUKTION", "FORALDRALEDIG", "OVRIGT"]
)
_OTHER_WEIGHTS = np.array([0.28, 0.2, 0.2, 0.12, 0.07, 0.13])
_ADULT_AGES = np.arange(18, 76)
_ADULT_AGE_WEIGHTS = np.interp(_ADULT_AGES, [18, 22, 30, 40, 50, 60, 65, 75], [3.0, 3.4, 3.0, 2.4, 1.9, 1.3, 0.4, 0.15])


def _valid(frame: pd.DataFrame) -> np.ndarray:
    vt = frame["valid_to"].to_numpy()
    return (frame["valid_from"].to_numpy() <= frame["day"].to_numpy()) & (
        (vt == cal.MISSING) | (frame["day"].to_numpy() <= vt)
    )


def _members_at(members: pd.DataFrame, paid_days: pd.DataFrame) -> pd.DataFrame:
    """Membership rows valid on a payment day of their household (one row per pair)."""
    joined = paid_days.merge(members, on="hh", how="inner")
    return joined.loc[_valid(joined)]


def households_with_children(members: pd.DataFrame, paid_days: pd.DataFrame) -> int:
    """Households with a child (role BARN, under 18) in the household on a payment day."""
    at = _members_at(members.loc[members["role"] == codes.ROLE_CHILD], paid_days)
    young = cal.age_at(at["birth"].to_numpy(), at["day"].to_numpy()) < 18
    return int(at.loc[young, "hh"].nunique())


def unemployed_adults(members: pd.DataFrame, paid_days: pd.DataFrame) -> int:
    """Adults whose own reason is unemployment on a payment day of their household."""
    rows = members.loc[members["role"].isin(codes.ADULT_ROLES) & (members["reason"] == codes.REASON_UNEMPLOYED)]
    return int(_members_at(rows, paid_days)["pid"].nunique())


class _MemberBuilder:
    """Draws the members of new households, with their future events."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.next_pid = 0
        self.frames: list[pd.DataFrame] = []
        self.ovrigt: dict[int, bool] = {}

    def _pids(self, n: int) -> np.ndarray:
        out = np.arange(self.next_pid, self.next_pid + n)
        self.next_pid += n
        return out

    def members(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=_MEMBER_COLUMNS)
        return pd.concat(self.frames, ignore_index=True)

    def add_households(
        self,
        year: int,
        hh: np.ndarray,
        first_day: np.ndarray,
        with_children: np.ndarray,
        stock: np.ndarray,
        two_adults: np.ndarray,
    ) -> pd.DataFrame:
        """Members of households first paid in ``year``; initial adults get no reason yet."""
        rng, n = self.rng, hh.size
        creation = np.where(stock, first_day - rng.integers(30, 2200, n), first_day - rng.integers(0, 45, n))
        for h, flag in zip(hh.tolist(), (two_adults & (rng.random(n) < 0.07)).tolist(), strict=True):
            self.ovrigt[h] = flag
        # Children: ages on the first payment day, youngest 0–15, siblings 1–4 years apart.
        n_kids = np.where(with_children, rng.choice([1, 2, 3, 4, 5], size=n, p=[0.26, 0.30, 0.22, 0.13, 0.09]), 0)
        youngest = rng.integers(0, 16, n)
        kid_hh_idx = np.repeat(np.arange(n), n_kids)
        rank = np.arange(kid_hh_idx.size) - np.repeat(np.cumsum(n_kids) - n_kids, n_kids)
        gaps = rng.integers(1, 5, kid_hh_idx.size) * (rank > 0)
        kid_age = np.minimum(youngest[kid_hh_idx] + _group_cumsum(gaps, kid_hh_idx), 17)
        eldest = np.zeros(n, dtype=np.int64)
        np.maximum.at(eldest, kid_hh_idx, kid_age)
        # Adults.
        free_age = rng.choice(_ADULT_AGES, size=n, p=_ADULT_AGE_WEIGHTS / _ADULT_AGE_WEIGHTS.sum())
        parent_age = np.clip(eldest + rng.integers(20, 36, n), 20, 62)
        app_age = np.where(with_children, parent_age, free_age)
        single_with_kids = with_children & ~two_adults
        p_woman = np.where(single_with_kids, 0.82, np.where(two_adults, 0.32, 0.40))
        app_sex = np.where(rng.random(n) < p_woman, "K", "M")
        co_sex = np.where(rng.random(n) < 0.96, np.where(app_sex == "K", "M", "K"), app_sex)
        co_age = np.maximum(app_age + rng.integers(-6, 7, n), 18)

        e0 = cal.day(year + 1, 1, 1)  # events happen from the next year on
        has_events = e0 <= LAST_PAYMENT_DAY

        def event_day(size: int, lo: np.ndarray | int) -> np.ndarray:
            lo = np.maximum(np.broadcast_to(lo, (size,)), e0)
            span = np.maximum(LAST_PAYMENT_DAY - lo, 0)
            return lo + (rng.random(size) * (span + 1)).astype(np.int64)

        # Adults of creation.
        a_idx = np.concatenate([np.arange(n), np.flatnonzero(two_adults)])
        a_role = np.array([codes.ROLE_APPLICANT] * n + [codes.ROLE_CO_APPLICANT] * int(two_adults.sum()), dtype=object)
        a_sex = np.concatenate([app_sex, co_sex[two_adults]])
        a_age = np.concatenate([app_age, co_age[two_adults]])
        a_birth = birth_days_for_ages(rng, a_age, first_day[a_idx])
        a_to = np.full(a_idx.size, cal.MISSING)
        if has_events:
            leaves = (a_role == codes.ROLE_CO_APPLICANT) & (rng.random(a_idx.size) < 0.06)
            a_to[leaves] = event_day(int(leaves.sum()), e0)
        adults = pd.DataFrame(
            {
                "hh": hh[a_idx],
                "pid": self._pids(a_idx.size),
                "role": a_role,
                "sex": a_sex,
                "birth": a_birth,
                "reason": "",
                "nyanland": "",
                "valid_from": creation[a_idx],
                "valid_to": a_to,
                "adult_of_creation": True,
            }
        )
        # Children of creation: in the household until the day before they turn 18, mostly.
        k_birth = birth_days_for_ages(rng, kid_age, first_day[kid_hh_idx])
        k_sex = np.where(rng.random(kid_age.size) < 0.5, "K", "M")
        k_to = cal.nth_birthday(k_birth, 18) - 1
        stays = rng.random(kid_age.size) < 0.15
        k_to = np.where(stays, k_to + rng.integers(30, 600, kid_age.size), k_to)
        if has_events:
            moves = rng.random(kid_age.size) < 0.03
            move_day = event_day(int(moves.sum()), e0)
            k_to[moves] = np.minimum(k_to[moves], np.maximum(move_day, e0))
        k_to = np.where(k_to > EXTRACT_DAY, cal.MISSING, k_to)
        kids = pd.DataFrame(
            {
                "hh": hh[kid_hh_idx],
                "pid": self._pids(kid_age.size),
                "role": codes.ROLE_CHILD,
                "sex": k_sex,
                "birth": k_birth,
                "reason": "",
                "nyanland": "",
                "valid_from": np.maximum(creation[kid_hh_idx], k_birth),
                "valid_to": k_to,
                "adult_of_creation": False,
            }
        )
        frames = [adults, kids]
        if has_events:
            # Births in households with a woman of 19–40.
            woman = (a_sex == "K") & (a_age >= 19) & (a_age <= 40)
            mothers = np.unique(a_idx[woman])
            born = mothers[rng.random(mothers.size) < 0.12]
            b_day = event_day(born.size, e0)
            b_to = cal.nth_birthday(b_day, 18) - 1
            frames.append(
                pd.DataFrame(
                    {
                        "hh": hh[born],
                        "pid": self._pids(born.size),
                        "role": codes.ROLE_CHILD,
                        "sex": np.where(rng.random(born.size) < 0.5, "K", "M"),
                        "birth": b_day,
                        "reason": "",
                        "nyanland": "",
                        "valid_from": b_day,
                        "valid_to": np.where(b_to > EXTRACT_DAY, cal.MISSING, b_to),
                        "adult_of_creation": False,
                    }
                )
            )
            # A co-applicant moving in to a one-adult household.
            joins = np.flatnonzero(~two_adults & (rng.random(n) < 0.04))
            j_day = event_day(joins.size, e0)
            j_sex = np.where(rng.random(joins.size) < 0.95, np.where(app_sex[joins] == "K", "M", "K"), app_sex[joins])
            j_age = np.maximum(app_age[joins] + rng.integers(-6, 7, joins.size), 18)
            frames.append(
                pd.DataFrame(
                    {
                        "hh": hh[joins],
                        "pid": self._pids(joins.size),
                        "role": codes.ROLE_CO_APPLICANT,
                        "sex": j_sex,
                        "birth": birth_days_for_ages(rng, j_age, j_day),
                        "reason": self._other_reasons(joins.size, with_children[joins], p_unemployed=0.62),
                        "nyanland": "",
                        "valid_from": j_day,
                        "valid_to": cal.MISSING,
                        "adult_of_creation": False,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def _other_reasons(self, size: int, with_children: np.ndarray, p_unemployed: float = 0.0) -> np.ndarray:
        reasons = self.rng.choice(_OTHER_REASONS, size=size, p=_OTHER_WEIGHTS / _OTHER_WEIGHTS.sum()).astype(object)
        reasons[(reasons == "FORALDRALEDIG") & ~np.asarray(with_children, bool)] = "OTILLRACKLIG_INKOMST"
        if p_unemployed:
            reasons[self.rng.random(size) < p_unemployed] = codes.REASON_UNEMPLOYED
        return reasons

    def assign_reasons(self, new: pd.DataFrame, n_unemployed: int, with_children_hh: set[int]) -> pd.DataFrame:
        """Reasons of the new households' first adults: exactly ``n_unemployed`` unemployed."""
        rng = self.rng
        first = np.flatnonzero(new["adult_of_creation"].to_numpy())
        kids = np.array([h in with_children_hh for h in new["hh"].to_numpy()[first]])
        reasons = self._other_reasons(first.size, kids)
        age = cal.age_at(new["birth"].to_numpy()[first], new["valid_from"].to_numpy()[first] + 45)
        weight = np.where(age >= 65, 0.05, np.where(reasons == "INTRODUKTION", 1.6, 1.0))
        if not 0 <= n_unemployed <= first.size:
            warnings.warn("sample: unemployed adults cannot be met exactly", RuntimeWarning, stacklevel=2)
        k = int(np.clip(n_unemployed, 0, first.size))
        chosen = rng.choice(first.size, size=k, replace=False, p=weight / weight.sum())
        reasons[chosen] = codes.REASON_UNEMPLOYED
        reason_col = new["reason"].to_numpy().copy()
        reason_col[first] = reasons
        new = new.assign(reason=reason_col)
        adult = new["role"].isin(codes.ADULT_ROLES).to_numpy()
        r = new["reason"].to_numpy()
        p_new = np.where(r == "INTRODUKTION", 1.0, np.where(r == codes.REASON_UNEMPLOYED, 0.30, 0.08))
        new["nyanland"] = np.where(adult, np.where(rng.random(len(new)) < p_new, "J", "N"), "")
        return new

    def reason_changes(self, year: int, new: pd.DataFrame) -> pd.DataFrame:
        """Split some adults' rows where their reason changes (from the next year on)."""
        rng = self.rng
        e0 = cal.day(year + 1, 1, 1)
        if e0 > LAST_PAYMENT_DAY:
            return new
        adult = np.flatnonzero(new["role"].isin(codes.ADULT_ROLES).to_numpy())
        change = adult[rng.random(adult.size) < 0.09]
        lo = np.maximum(new["valid_from"].to_numpy()[change] + 90, e0)
        day_ = lo + (rng.random(change.size) * np.maximum(LAST_PAYMENT_DAY - lo + 1, 1)).astype(np.int64)
        vt = new["valid_to"].to_numpy()[change]
        ok = (day_ <= LAST_PAYMENT_DAY) & ((vt == cal.MISSING) | (vt > day_))
        change, day_ = change[ok], day_[ok]
        old_reason = new["reason"].to_numpy()[change]
        reasons = self._other_reasons(change.size, np.ones(change.size, bool), p_unemployed=0.45)
        same = reasons == old_reason
        reasons[same] = np.where(old_reason[same] == codes.REASON_UNEMPLOYED, "SJUKSKRIVEN", codes.REASON_UNEMPLOYED)
        later = new.iloc[change].copy()
        later["reason"] = reasons
        later["valid_from"] = day_
        later["nyanland"] = np.where(reasons == "INTRODUKTION", "J", later["nyanland"].to_numpy())
        later["adult_of_creation"] = False
        vt_col = new["valid_to"].to_numpy().copy()
        vt_col[change] = day_ - 1
        return pd.concat([new.assign(valid_to=vt_col), later], ignore_index=True)


def _group_cumsum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Cumulative sum within consecutive groups."""
    total = np.cumsum(values)
    if values.size == 0:
        return total
    starts = np.r_[True, groups[1:] != groups[:-1]]
    base = np.maximum.accumulate(np.where(starts, np.arange(values.size), 0))
    return total - total[base] + values[base]


def build_members(
    rng: np.random.Generator,
    plans: dict[int, YearPlan],
    spells: pd.DataFrame,
    adults: np.ndarray,
    pays: pd.DataFrame,
) -> tuple[pd.DataFrame, dict]:
    """Members of every household, calibrated year by year (children, unemployment)."""
    builder = _MemberBuilder(rng)
    first_spell = spells.groupby("hh")["start"].min()
    first_year = (first_spell // 12).clip(lower=2022)
    first_day = pays.groupby("hh")["day"].min()
    for year, plan in plans.items():
        lo, hi = cal.day(year, 1, 1), cal.day(year, 12, 31)
        in_year = pays.loc[(pays["day"] >= lo) & (pays["day"] <= hi), ["hh", "day"]].drop_duplicates()
        new_hh = np.sort(first_year.index[first_year.to_numpy() == year].to_numpy())
        existing = builder.members()
        e_children = households_with_children(existing, in_year) if len(existing) else 0
        if plan.with_children is not None:
            need = plan.with_children - e_children
        else:
            need = round(0.285 * new_hh.size)
        if not 0 <= need <= new_hh.size:
            warnings.warn(
                f"sample: {year} households with children cannot be met exactly", RuntimeWarning, stacklevel=2
            )
            need = int(np.clip(need, 0, new_hh.size))
        two_adults = adults[new_hh] == 2
        with_children = np.zeros(new_hh.size, bool)
        weight = np.where(two_adults, 1.3, 1.0)
        with_children[rng.choice(new_hh.size, size=need, replace=False, p=weight / weight.sum())] = True
        stock = (first_spell.loc[new_hh].to_numpy() == FIRST_MONTH) & (new_hh < INITIAL_OPEN)
        new = builder.add_households(year, new_hh, first_day.loc[new_hh].to_numpy(), with_children, stock, two_adults)
        e_unemployed = unemployed_adults(existing, in_year) if len(existing) else 0
        if plan.unemployed is not None:
            n_unemployed = plan.unemployed - e_unemployed
        else:
            n_unemployed = round(0.60 * int(new["adult_of_creation"].sum()))
        new = builder.assign_reasons(new, n_unemployed, set(new_hh[with_children].tolist()))
        new = builder.reason_changes(year, new)
        builder.frames.append(new.astype({"valid_to": np.int64, "valid_from": np.int64, "birth": np.int64}))
    members = builder.members()
    return members.sort_values(["hh", "valid_from", "pid"], kind="stable").reset_index(drop=True), builder.ovrigt


# ---------------------------------------------------------------------------------
# 4. Amounts, corrections and the exact yearly totals

# Monthly need before income, kronor at 2022 level: personal norm plus housing.
_NORM_ADULT, _NORM_COUPLE, _NORM_CHILD = 3300.0, 5900.0, 2500.0
_RENT_ONE, _RENT_TWO, _RENT_PER_CHILD = 5400.0, 6400.0, 650.0
_LEVEL = {2022: 0.80, 2023: 0.89, 2024: 0.98, 2025: 1.06, 2026: 1.11}


def household_types(members: pd.DataFrame, pays: pd.DataFrame, ovrigt: dict[int, bool]) -> pd.DataFrame:
    """Adults and children under 18 in the household on each payment day, and its type."""
    keys = pays[["hh", "day"]].drop_duplicates()
    at = _members_at(members, keys)
    adult = at["role"].isin(codes.ADULT_ROLES).to_numpy()
    child = (~adult) & (cal.age_at(at["birth"].to_numpy(), at["day"].to_numpy()) < 18)
    counts = (
        pd.DataFrame({"hh": at["hh"], "day": at["day"], "adults": adult.astype(int), "children": child.astype(int)})
        .groupby(["hh", "day"], as_index=False)[["adults", "children"]]
        .sum()
    )
    comp = keys.merge(counts, on=["hh", "day"], how="left").fillna({"adults": 1, "children": 0})
    comp["adults"] = comp["adults"].clip(lower=1).astype(int)
    comp["children"] = comp["children"].astype(int)
    other = comp["hh"].map(ovrigt).fillna(False).to_numpy(bool) & (comp["adults"] >= 2)
    kids = comp["children"].to_numpy() > 0
    comp["type"] = np.where(
        other,
        "OVRIGT",
        np.where(
            comp["adults"] >= 2,
            np.where(kids, "SAMBO_MED_BARN", "SAMBO_UTAN_BARN"),
            np.where(kids, "ENSAM_MED_BARN", "ENSAM_UTAN_BARN"),
        ),
    )
    return comp


def build_payments(
    rng: np.random.Generator, pays: pd.DataFrame, members: pd.DataFrame, ovrigt: dict[int, bool]
) -> pd.DataFrame:
    """Payment rows with amounts in öre, negative corrections, and exact yearly totals."""
    comp = household_types(members, pays, ovrigt)
    rows = pays.merge(comp, on=["hh", "day"], how="left")
    n = len(rows)
    households = np.unique(rows["hh"].to_numpy())
    hh_factor = pd.Series(rng.lognormal(0.0, 0.22, households.size), index=households)
    partial = rng.random(households.size) < 0.35
    hh_income = pd.Series(np.where(partial, rng.uniform(0.3, 0.9, households.size), 1.0), index=households)
    adults, children = rows["adults"].to_numpy(), rows["children"].to_numpy()
    need = np.where(adults >= 2, _NORM_COUPLE + _RENT_TWO, _NORM_ADULT + _RENT_ONE) + children * (
        _NORM_CHILD + _RENT_PER_CHILD
    )
    level = np.vectorize(_LEVEL.get)(np.minimum(rows["for_month"].to_numpy() // 12, 2026))
    monthly = (
        need
        * level
        * hh_factor.loc[rows["hh"]].to_numpy()
        * hh_income.loc[rows["hh"]].to_numpy()
        * rng.lognormal(0.0, 0.06, n)
    )
    kind = rows["kind"].to_numpy()
    supp = np.clip(rng.lognormal(np.log(1500), 0.8, n), 200, 15000)
    amount = np.where(kind == "REG", monthly, np.where(kind == "INIT", monthly * rng.uniform(0.35, 1.0, n), supp))
    rows["amount"] = np.round(amount * 100).astype(np.int64)

    # Corrections and repayments: negative rows after an earlier positive payment.
    n_neg = int(0.035 * n)
    src = np.sort(rng.choice(n, size=n_neg, replace=False))
    neg_day = _weekday_in_month(rows["day"].to_numpy()[src] + rng.integers(5, 80, n_neg))
    ok = (neg_day > rows["day"].to_numpy()[src]) & (neg_day <= LAST_PAYMENT_DAY)
    src, neg_day = src[ok], neg_day[ok]
    share = np.where(rng.random(src.size) < 0.3, 1.0, rng.uniform(0.05, 0.6, src.size))
    negatives = rows.iloc[src].copy()
    negatives["day"] = neg_day
    negatives["amount"] = -np.round(negatives["amount"].to_numpy() * share).astype(np.int64)
    negatives["kind"] = "NEG"
    rows = pd.concat([rows, negatives], ignore_index=True)

    # Exact totals: kronor per household × households, per payment year.
    year = cal.year_of(rows["day"].to_numpy())
    amount = rows["amount"].to_numpy().astype(np.int64)
    factors = {}
    for y in range(2022, 2027):
        mask = year == y
        if y in target.YEARS:
            total = target.PUBLISHED["eb_kr_per_household"][y] * target.PUBLISHED["eb_households"][y] * 100
        else:
            total = None
        current = int(amount[mask].sum())
        f = total / current if total is not None else factors[y - 1] * 1.03
        factors[y] = f
        scaled = np.round(amount[mask] * f).astype(np.int64)
        if total is not None:
            idx = np.flatnonzero(mask)
            scaled[np.argmax(scaled)] += total - int(scaled.sum())
            amount[idx] = scaled
        else:
            amount[mask] = scaled
    rows["amount"] = amount
    rows.attrs["scale"] = factors
    return rows.sort_values(["day", "hh", "kind"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------


def adult_long_term_share(members: pd.DataFrame, pays: pd.DataFrame, year: int) -> float:
    """Share of adult recipients paid in 10–12 months of ``year`` (Kolada N31814)."""
    lo, hi = cal.day(year, 1, 1), cal.day(year, 12, 31)
    keys = pays.loc[(pays["day"] >= lo) & (pays["day"] <= hi), ["hh", "day"]].drop_duplicates()
    at = _members_at(members.loc[members["role"].isin(codes.ADULT_ROLES)], keys)
    at = at.loc[cal.age_at(at["birth"].to_numpy(), at["day"].to_numpy()) >= 18]
    months = pd.DataFrame({"pid": at["pid"], "month": cal.month_of(at["day"].to_numpy())}).drop_duplicates()
    per_person = months.groupby("pid").size()
    return float((per_person >= 10).mean())


@dataclass
class EconomicAssistance:
    spells: pd.DataFrame
    members: pd.DataFrame  # integer days, pid (person index)
    payments: pd.DataFrame  # integer days, amounts in öre


def generate(rng: np.random.Generator) -> EconomicAssistance:
    """Build the whole economic-assistance sample."""
    spells, adults = build_spells(rng, PLAN)
    pays = payment_schedule(rng, spells)
    members, ovrigt = build_members(rng, PLAN, spells, adults, pays)
    payments = build_payments(rng, pays, members, ovrigt)
    return EconomicAssistance(spells, members, payments)
