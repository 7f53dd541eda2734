"""The key-figure table ("Volymer och nyckeltal") for one period.

One row per measure: a stable id, the value, its unit, a Swedish label, and the number
of individuals the value rests on (``base``), which small-count suppression needs.
Every value comes from one function in :mod:`economic_assistance` or :mod:`placements`;
units and labels from :data:`CATALOG`, which :mod:`national` (all municipalities at
once) shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from snanalys import codes
from snanalys.data import MunicipalityData
from snanalys.metrics import economic_assistance as eb
from snanalys.metrics import placements as pl
from snanalys.periods import Period

COLUMNS = ["measure", "value", "unit", "label_sv", "base"]

# The seven rows of the published table, in its order.
PUBLISHED_MEASURES = (
    "eb_households",
    "eb_households_with_children",
    "care_days_adults_external",
    "care_days_children",
    "eb_kr_per_household",
    "kr_per_care_day_adults_external",
    "kr_per_care_day_children_external",
)


@dataclass(frozen=True)
class Measure:
    """What a measure's value is counted in and how the table names it."""

    unit: str
    label_sv: str


#: Every non-economy measure of the key-figure table, in the table's order: the one place
#: units and labels are written, shared by :func:`key_figures` and :mod:`snanalys.metrics.national`.
CATALOG: dict[str, Measure] = {
    "eb_households": Measure("hushåll", "Ekonomiskt bistånd, antal hushåll"),
    "eb_households_with_children": Measure("hushåll", "varav antal hushåll med barn"),
    "eb_households_applicant_women": Measure("hushåll", "Hushåll där sökande är kvinna"),
    "eb_households_applicant_men": Measure("hushåll", "Hushåll där sökande är man"),
    "eb_households_per_month": Measure("hushåll/månad", "Hushåll med ekonomiskt bistånd i genomsnitt per månad"),
    "eb_paid_kr": Measure("kr", "Utbetalt ekonomiskt bistånd"),
    "eb_kr_per_household": Measure("kr/hushåll", "Ekonomiskt bistånd, kronor/hushåll"),
    "eb_persons": Measure("personer", "Personer i hushåll med ekonomiskt bistånd"),
    "eb_adults": Measure("personer", "varav vuxna"),
    "eb_adults_women": Measure("personer", "Vuxna, kvinnor"),
    "eb_adults_men": Measure("personer", "Vuxna, män"),
    "eb_children": Measure("personer", "varav barn"),
    "eb_adults_unemployed": Measure("personer", "Vuxna med ekonomiskt bistånd på grund av arbetslöshet"),
    "eb_long_term_share": Measure("procent", "Långvarigt ekonomiskt bistånd, andel av vuxna biståndsmottagare"),
    "care_days_children": Measure(
        "vårddygn", "Institution/familjehem barn och unga interna/externa, antal vårddygn"
    ),
    "care_days_adults_external": Measure("vårddygn", "Institution/familjehem vuxna externa, antal vårddygn"),
    "kr_per_care_day_children_external": Measure(
        "kr/vårddygn", "Institution/upphandlade familjehem barn och unga externa, kronor/vårddygn"
    ),
    "kr_per_care_day_adults_external": Measure("kr/vårddygn", "Institution vuxna externa, kronor/vårddygn"),
    "care_days_protected_housing": Measure("vårddygn", "Skyddat boende, antal vårddygn"),
    "children_placed": Measure("personer", "Placerade barn och unga"),
    "children_interventions_placements": Measure(
        "insatser", "Placeringar av barn och unga (biståndsbedömda insatser)"
    ),
    "children_interventions_open_care": Measure(
        "insatser", "Öppenvårdsinsatser för barn och unga (biståndsbedömda)"
    ),
    "children_interventions": Measure(
        "insatser", "Biståndsbedömda insatser för barn och unga (placering och öppenvård)"
    ),
    "children_interventions_placement_share": Measure("procent", "Placeringar, andel av insatser för barn och unga"),
    "population": Measure("invånare", "Antal invånare 31 december"),
    "eb_kr_per_inhabitant": Measure("kr/invånare", "Utbetalt ekonomiskt bistånd, kronor per invånare"),
    "eb_persons_share_of_inhabitants": Measure("procent", "Andel invånare i hushåll med ekonomiskt bistånd"),
}

#: Units whose value is itself a number of individuals: a row without its own base rests on its value.
COUNT_UNITS = ("hushåll", "personer", "insatser")


@dataclass(frozen=True)
class Figure:
    measure: str
    value: float | None
    base: int | None = None

    def row(self) -> dict:
        """The table row, with unit and label from :data:`CATALOG`."""
        entry = CATALOG[self.measure]
        return {
            "measure": self.measure,
            "value": self.value,
            "unit": entry.unit,
            "label_sv": entry.label_sv,
            "base": self.base,
        }


def is_full_year(period: Period) -> bool:
    """Whether ``period`` is a calendar year: the long-term share is defined for those only."""
    return period.start == dt.date(period.start.year, 1, 1) and period.end == dt.date(period.start.year, 12, 31)


def fill_base(frame: pd.DataFrame) -> pd.DataFrame:
    """A count without its own base rests on itself (``base`` = ``value`` for the count units)."""
    frame["base"] = frame["base"].where(frame["base"].notna(), frame["value"].where(frame["unit"].isin(COUNT_UNITS)))
    return frame


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def key_figures(data: MunicipalityData, period: Period) -> pd.DataFrame:
    """All key figures of ``period`` (year to date) for one municipality."""
    extract_date = data.extract.extract_date
    payments = data.payments
    members = data.members
    placements = data.placements
    costs = data.placement_costs

    households = eb.households(payments, period)
    by_sex = eb.households_by_applicant_sex(payments, members, period)
    persons = eb.persons(payments, members, period)
    persons_total = int(persons["totalt"].sum())
    paid = eb.paid_kr(payments, period)
    per_month = eb.households_per_month(payments, period)
    scope = pl.SCOPES
    children_ext = pl.cost_per_care_day(placements, costs, scope["children_external"], period, extract_date)
    adults_inst = pl.cost_per_care_day(
        placements, costs, scope["adults_external_institutions"], period, extract_date
    )
    placed_interventions, all_interventions = pl.intervention_counts(data.interventions, period)

    def care_days(name: str) -> tuple[int, int]:
        """(care days, persons placed) of one scope: the value and the base of its row."""
        days = pl.care_days_in_scope(placements, scope[name], period, extract_date)
        return days, pl.persons_placed(placements, scope[name], period, extract_date)

    children_days, children_placed = care_days("children")

    figures = [
        Figure("eb_households", households, households),
        Figure("eb_households_with_children", eb.households_with_children(payments, members, period)),
        Figure("eb_households_applicant_women", int(by_sex.get("K", 0))),
        Figure("eb_households_applicant_men", int(by_sex.get("M", 0))),
        Figure("eb_households_per_month", float(per_month.mean()), int(per_month.min()) if len(per_month) else 0),
        Figure("eb_paid_kr", paid, households),
        Figure("eb_kr_per_household", paid / households if households else None, households),
        Figure("eb_persons", persons_total),
        Figure("eb_adults", int(persons.loc["vuxna", "totalt"])),
        Figure("eb_adults_women", int(persons.loc["vuxna", "K"])),
        Figure("eb_adults_men", int(persons.loc["vuxna", "M"])),
        Figure("eb_children", int(persons.loc["barn", "totalt"])),
        Figure(
            "eb_adults_unemployed", eb.adults_with_reason(payments, members, period, codes.REASON_UNEMPLOYED)
        ),
    ]
    if is_full_year(period):
        long_term, adults = eb.long_term_adults(payments, members, period.start.year)
        figures.append(Figure("eb_long_term_share", _pct(long_term, adults), adults))
    inhabitants = _inhabitants(data.population, period.start.year)
    figures += [
        Figure("care_days_children", children_days, children_placed),
        Figure("care_days_adults_external", *care_days("adults_external")),
        Figure("kr_per_care_day_children_external", _finite(children_ext.kr_per_care_day), children_ext.persons),
        Figure("kr_per_care_day_adults_external", _finite(adults_inst.kr_per_care_day), adults_inst.persons),
        Figure("care_days_protected_housing", *care_days("protected_housing")),
        Figure("children_placed", children_placed),
        Figure("children_interventions_placements", placed_interventions),
        Figure("children_interventions_open_care", all_interventions - placed_interventions),
        Figure("children_interventions", all_interventions),
        Figure(
            "children_interventions_placement_share",
            _pct(placed_interventions, all_interventions),
            all_interventions,
        ),
        Figure("population", inhabitants),
        Figure("eb_kr_per_inhabitant", paid / inhabitants if inhabitants else None, households),
        Figure(
            "eb_persons_share_of_inhabitants",
            _pct(persons_total, inhabitants) if inhabitants else None,
            persons_total,
        ),
    ]
    from snanalys.economy.figures import economy_rows

    frame = pd.DataFrame([f.row() for f in figures] + economy_rows(data, period), columns=COLUMNS)
    return fill_base(frame)


def _finite(value: float) -> float | None:
    return None if value != value else value  # NaN → None


def _inhabitants(population: pd.DataFrame, year: int) -> int | None:
    rows = population.loc[population["year"] == year, "inhabitants"]
    return int(rows.sum()) if len(rows) else None
