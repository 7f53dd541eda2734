"""Placements: which spells each published row counts, care days, cost per care day.

The published rows' names are vague ("Institution/familjehem barn och unga
interna/externa"); :data:`SCOPES` makes them exact, as the brief's table does, so
that two people computing a care day get the same number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from snanalys import codes
from snanalys.metrics.care_days import care_days_per_spell
from snanalys.periods import Period


@dataclass(frozen=True)
class Scope:
    """A set of placements: target groups × forms × provider types."""

    target_groups: tuple[str, ...]
    forms: tuple[str, ...]
    provider_types: tuple[str, ...]
    description_sv: str

    def select(self, placements: pd.DataFrame) -> pd.DataFrame:
        mask = (
            placements["target_group"].isin(self.target_groups)
            & placements["form"].isin(self.forms)
            & placements["provider_type"].isin(self.provider_types)
        )
        return placements.loc[mask]


_CHILD_FORMS = (
    codes.FORM_HVB,
    codes.FORM_SIS,
    codes.FORM_FOSTER_OWN,
    codes.FORM_EMERGENCY_HOME,
    codes.FORM_FOSTER_CONSULTANT,
    codes.FORM_SUPPORTED_HOUSING,
)

SCOPES: dict[str, Scope] = {
    "children": Scope(
        (codes.TARGET_CHILDREN,),
        _CHILD_FORMS,
        codes.PROVIDER_TYPES,
        "Institution/familjehem barn och unga, interna och externa",
    ),
    "children_external": Scope(
        (codes.TARGET_CHILDREN,),
        (codes.FORM_HVB, codes.FORM_SIS, codes.FORM_FOSTER_CONSULTANT, codes.FORM_SUPPORTED_HOUSING),
        (codes.PROVIDER_EXTERNAL,),
        "Institution/upphandlade familjehem barn och unga, externa",
    ),
    "adults_external": Scope(
        (codes.TARGET_ADULTS,),
        (codes.FORM_HVB, codes.FORM_SIS, *codes.FOSTER_FORMS),
        (codes.PROVIDER_EXTERNAL,),
        "Institution/familjehem vuxna, externa",
    ),
    "adults_external_institutions": Scope(
        (codes.TARGET_ADULTS,),
        (codes.FORM_HVB, codes.FORM_SIS),
        (codes.PROVIDER_EXTERNAL,),
        "Institution vuxna, externa",
    ),
    "protected_housing": Scope(
        (codes.TARGET_VIOLENCE,),
        (codes.FORM_PROTECTED_HOUSING,),
        codes.PROVIDER_TYPES,
        "Skyddat boende, våldsutsatta vuxna",
    ),
}


def care_days_in_scope(placements: pd.DataFrame, scope: Scope, period: Period, extract_date: dt.date) -> int:
    chosen = scope.select(placements)
    if chosen.empty:
        return 0
    return int(care_days_per_spell(chosen["start_date"], chosen["end_date"], period, extract_date).sum())


def persons_placed(placements: pd.DataFrame, scope: Scope, period: Period, extract_date: dt.date) -> int:
    """Unique persons with at least one care day in the period in ``scope``."""
    chosen = scope.select(placements)
    days = care_days_per_spell(chosen["start_date"], chosen["end_date"], period, extract_date)
    return int(chosen.loc[days > 0, "person_key"].nunique())


def placements_started(placements: pd.DataFrame, scope: Scope, period: Period) -> int:
    """Spells in ``scope`` that started in the period."""
    chosen = scope.select(placements)
    return int(chosen["start_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end)).sum())


def cost_by_placement(costs: pd.DataFrame, period: Period) -> pd.Series:
    """Invoiced kronor per placement for care given in the period (by care month, not booking date)."""
    in_period = costs["care_month"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    return costs.loc[in_period].groupby("placement_key", observed=True)["amount_kr"].sum()


@dataclass(frozen=True)
class CostPerCareDay:
    """Cost per care day with its parts, so the reader can check it and suppression can judge it."""

    cost_kr: float
    care_days: int
    persons: int

    @property
    def kr_per_care_day(self) -> float:
        return self.cost_kr / self.care_days if self.care_days else float("nan")


def cost_per_care_day(
    placements: pd.DataFrame, costs: pd.DataFrame, scope: Scope, period: Period, extract_date: dt.date
) -> CostPerCareDay:
    """Cost of the care given in the period to placements in ``scope`` / their care days."""
    chosen = scope.select(placements)
    days = care_days_per_spell(chosen["start_date"], chosen["end_date"], period, extract_date)
    cost = cost_by_placement(costs, period)
    cost_kr = float(cost.reindex(chosen["placement_key"].unique()).fillna(0).sum()) if len(chosen) else 0.0
    return CostPerCareDay(cost_kr, int(days.sum()), int(chosen.loc[days > 0, "person_key"].nunique()))


def cost_per_care_day_by(
    placements: pd.DataFrame,
    costs: pd.DataFrame,
    period: Period,
    extract_date: dt.date,
    by: tuple[str, ...] = ("target_group", "form", "provider_type"),
) -> pd.DataFrame:
    """Care days, cost, persons and kr per care day for every combination of ``by``."""
    frame = placements[[*by, "placement_key", "person_key"]].copy()
    frame["care_days"] = care_days_per_spell(placements["start_date"], placements["end_date"], period, extract_date)
    frame["cost_kr"] = frame["placement_key"].map(cost_by_placement(costs, period)).fillna(0.0).astype(float)
    frame = frame.loc[(frame["care_days"] > 0) | (frame["cost_kr"] != 0)]
    grouped = frame.groupby(list(by), observed=True)
    table = grouped.agg(care_days=("care_days", "sum"), cost_kr=("cost_kr", "sum"), persons=("person_key", "nunique"))
    table["kr_per_care_day"] = table["cost_kr"] / table["care_days"].where(table["care_days"] > 0)
    return table.reset_index()


def active_interventions(interventions: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Interventions in force on at least one day of the period."""
    starts_before_end = interventions["start_date"] <= pd.Timestamp(period.end)
    ends_after_start = interventions["end_date"].isna() | (interventions["end_date"] >= pd.Timestamp(period.start))
    return interventions.loc[starts_before_end & ends_after_start]


def intervention_counts(interventions: pd.DataFrame, period: Period) -> tuple[int, int]:
    """(placement interventions, all interventions) for children and young people in the period."""
    active = active_interventions(interventions, period)
    return int((active["kind"] == codes.INTERVENTION_PLACEMENT).sum()), int(len(active))


def placement_share_of_interventions(interventions: pd.DataFrame, period: Period) -> float:
    """Placements as a share (0–1) of all needs-assessed interventions for children in the period."""
    placed, total = intervention_counts(interventions, period)
    return placed / total if total else float("nan")



def care_days_by_group(
    placements: pd.DataFrame, scope: Scope, period: Period, extract_date: dt.date, by: str = "legal_sex"
) -> pd.DataFrame:
    """Care days and persons placed in ``scope`` per value of ``by`` (e.g. legal sex, form)."""
    chosen = scope.select(placements)
    frame = pd.DataFrame(
        {
            "group": chosen[by].astype(str).to_numpy(),
            "person_key": chosen["person_key"].to_numpy(),
            "care_days": care_days_per_spell(chosen["start_date"], chosen["end_date"], period, extract_date),
        }
    )
    frame = frame.loc[frame["care_days"] > 0]
    table = frame.groupby("group").agg(care_days=("care_days", "sum"), persons=("person_key", "nunique"))
    table.index.name = by
    return table
