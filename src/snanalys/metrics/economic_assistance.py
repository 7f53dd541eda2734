"""Economic assistance (ekonomiskt bistånd): households, persons, kronor, long-term share.

Definitions follow Socialstyrelsen and the brief: a household counts in a period when
it has at least one **positive** payment dated in the period (payment date, not the
month the assistance is for). Corrections and repayments are negative rows: they
reduce the kronor paid but never make a household count on their own.
Persons are the members of a household whose membership is valid on the date of
one of its positive payments in the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snanalys.codes import ADULT_ROLES, ROLE_APPLICANT, ROLE_CHILD
from snanalys.periods import Period


def _in_period(dates: pd.Series, period: Period) -> pd.Series:
    return dates.between(pd.Timestamp(period.start), pd.Timestamp(period.end))


def payments_in(payments: pd.DataFrame, period: Period) -> pd.DataFrame:
    """All payment rows (negative ones included) dated in ``period``."""
    return payments.loc[_in_period(payments["payment_date"], period)]


def positive_payments_in(payments: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Payments that make a household count: positive amount, dated in ``period``."""
    paid = payments_in(payments, period)
    return paid.loc[paid["amount_kr"] > 0]


def households(payments: pd.DataFrame, period: Period) -> int:
    """Unique households with at least one positive payment dated in the period."""
    return int(positive_payments_in(payments, period)["household_key"].nunique())


def paid_kr(payments: pd.DataFrame, period: Period) -> float:
    """Kronor paid in the period, net of corrections and repayments."""
    return float(payments_in(payments, period)["amount_kr"].sum())


def kr_per_household(payments: pd.DataFrame, period: Period) -> float:
    """Kronor paid in the period divided by the households counted in it (NaN if none)."""
    n = households(payments, period)
    return paid_kr(payments, period) / n if n else float("nan")


def households_per_month(payments: pd.DataFrame, period: Period) -> pd.Series:
    """Unique households paid in each calendar month of the period (index: month start)."""
    paid = positive_payments_in(payments, period)
    month = paid["payment_date"].dt.to_period("M").dt.to_timestamp()
    counts = paid.groupby(month)["household_key"].nunique()
    index = pd.DatetimeIndex([pd.Timestamp(m) for m in period.months()], name="month")
    return counts.reindex(index, fill_value=0).astype(np.int64)


def mean_households_per_month(payments: pd.DataFrame, period: Period) -> float:
    """"Hushåll i genomsnitt per månad": the mean over the period's months."""
    return float(households_per_month(payments, period).mean())


def _members_at_payments(payments: pd.DataFrame, members: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Membership rows valid on the date of a positive payment of their household.

    One row per (member row, distinct payment date); columns of ``members`` plus
    ``payment_date``.
    """
    paid = positive_payments_in(payments, period)[["household_key", "payment_date"]].drop_duplicates()
    joined = paid.merge(members, on="household_key", how="inner")
    valid = (joined["valid_from"] <= joined["payment_date"]) & (
        joined["valid_to"].isna() | (joined["payment_date"] <= joined["valid_to"])
    )
    return joined.loc[valid]


def _age_at(birth_date: pd.Series, day: pd.Series) -> pd.Series:
    """Completed years of age on ``day`` (birthday counted on the day itself)."""
    years = day.dt.year - birth_date.dt.year
    before_birthday = (day.dt.month < birth_date.dt.month) | (
        (day.dt.month == birth_date.dt.month) & (day.dt.day < birth_date.dt.day)
    )
    return years - before_birthday.astype(np.int64)


def households_with_children(payments: pd.DataFrame, members: pd.DataFrame, period: Period) -> int:
    """Households with a child under 18 in the household at any of its payments in the period."""
    at = _members_at_payments(payments, members, period)
    children = at.loc[(at["role"] == ROLE_CHILD) & (_age_at(at["birth_date"], at["payment_date"]) < 18)]
    return int(children["household_key"].nunique())


def households_by_applicant_sex(payments: pd.DataFrame, members: pd.DataFrame, period: Period) -> pd.Series:
    """Households counted by the legal sex of the applicant (at the household's last payment).

    Households with no applicant on record count under ``"okänt"`` so that the parts
    always add up to :func:`households`.
    """
    at = _members_at_payments(payments, members, period)
    applicants = at.loc[at["role"] == ROLE_APPLICANT].sort_values(["household_key", "payment_date"])
    sex = applicants.groupby("household_key")["legal_sex"].last().astype(str)
    all_households = positive_payments_in(payments, period)["household_key"].unique()
    sex = sex.reindex(all_households).fillna("okänt")
    return sex.value_counts().rename_axis("legal_sex").rename("households")


def persons(payments: pd.DataFrame, members: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Unique persons of the paid households by role group (adults, children) and legal sex.

    Returns a frame with index ``group`` (``vuxna``/``barn``) and columns ``K``, ``M``,
    ``totalt``.
    """
    at = _members_at_payments(payments, members, period)
    people = at[["person_key", "role", "legal_sex"]].drop_duplicates("person_key")
    group = np.where(people["role"].isin(ADULT_ROLES), "vuxna", "barn")
    table = pd.crosstab(pd.Series(group, name="group"), people["legal_sex"].astype(str).to_numpy())
    table = table.reindex(index=["vuxna", "barn"], columns=["K", "M"], fill_value=0)
    table["totalt"] = table.sum(axis=1)
    table.columns.name = None
    return table.astype(np.int64)


def adults_by_reason(payments: pd.DataFrame, members: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Unique adults of the paid households by their own reason (försörjningshinder) and legal sex.

    An adult whose reason changed within the period counts under each of their
    reasons (as Socialstyrelsen's monthly statistics do), so the reasons may add up
    to more than the number of adults.
    """
    at = _members_at_payments(payments, members, period)
    adults = at.loc[at["role"].isin(ADULT_ROLES), ["person_key", "reason", "legal_sex"]].drop_duplicates(
        ["person_key", "reason"]
    )
    table = pd.crosstab(adults["reason"].astype(str).to_numpy(), adults["legal_sex"].astype(str).to_numpy())
    table.index.name = "reason"
    table = table.reindex(columns=["K", "M"], fill_value=0)
    table["totalt"] = table.sum(axis=1)
    table.columns.name = None
    return table.astype(np.int64)


def adults_with_reason(payments: pd.DataFrame, members: pd.DataFrame, period: Period, reason: str) -> int:
    table = adults_by_reason(payments, members, period)
    return int(table["totalt"].get(reason, 0))


def adult_recipient_months(payments: pd.DataFrame, members: pd.DataFrame, year: int) -> pd.Series:
    """Distinct months of ``year`` in which each adult (18+) recipient had assistance."""
    period = Period(pd.Timestamp(year, 1, 1).date(), pd.Timestamp(year, 12, 31).date(), str(year))
    at = _members_at_payments(payments, members, period)
    adults = at.loc[at["role"].isin(ADULT_ROLES) & (_age_at(at["birth_date"], at["payment_date"]) >= 18)]
    months = pd.DataFrame({"person_key": adults["person_key"], "month": adults["payment_date"].dt.month})
    return months.drop_duplicates().groupby("person_key", observed=True).size().rename("months")


def long_term_share(payments: pd.DataFrame, members: pd.DataFrame, year: int) -> float:
    """Share (0–1) of adult recipients with assistance in 10–12 months of ``year`` (Kolada N31814).

    Defined for full calendar years only; the caller decides whether the year is complete.
    """
    months = adult_recipient_months(payments, members, year)
    return float((months >= 10).mean()) if len(months) else float("nan")


def long_term_adults(payments: pd.DataFrame, members: pd.DataFrame, year: int) -> tuple[int, int]:
    """(long-term adult recipients, all adult recipients) of ``year``: the share's parts."""
    months = adult_recipient_months(payments, members, year)
    return int((months >= 10).sum()), int(len(months))
