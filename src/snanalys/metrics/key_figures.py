"""The key-figure table ("Volymer och nyckeltal") for one period.

One row per measure: a stable id, the value, its unit, a Swedish label, and the number
of individuals the value rests on (``base``), which small-count suppression needs.
Every value comes from one function in :mod:`economic_assistance` or :mod:`placements`.
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
class Figure:
    measure: str
    value: float | None
    unit: str
    label_sv: str
    base: int | None = None


def _is_full_year(period: Period) -> bool:
    return period.start == dt.date(period.start.year, 1, 1) and period.end == dt.date(period.start.year, 12, 31)


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
    paid = eb.paid_kr(payments, period)
    per_month = eb.households_per_month(payments, period)
    scope = pl.SCOPES
    children_ext = pl.cost_per_care_day(placements, costs, scope["children_external"], period, extract_date)
    adults_inst = pl.cost_per_care_day(
        placements, costs, scope["adults_external_institutions"], period, extract_date
    )
    placed_interventions, all_interventions = pl.intervention_counts(data.interventions, period)

    figures = [
        Figure("eb_households", households, "hushåll", "Ekonomiskt bistånd, antal hushåll", households),
        Figure(
            "eb_households_with_children",
            eb.households_with_children(payments, members, period),
            "hushåll",
            "varav antal hushåll med barn",
        ),
        Figure(
            "eb_households_applicant_women",
            int(by_sex.get("K", 0)),
            "hushåll",
            "Hushåll där sökande är kvinna",
        ),
        Figure("eb_households_applicant_men", int(by_sex.get("M", 0)), "hushåll", "Hushåll där sökande är man"),
        Figure(
            "eb_households_per_month",
            float(per_month.mean()),
            "hushåll/månad",
            "Hushåll med ekonomiskt bistånd i genomsnitt per månad",
            int(per_month.min()) if len(per_month) else 0,
        ),
        Figure("eb_paid_kr", paid, "kr", "Utbetalt ekonomiskt bistånd", households),
        Figure(
            "eb_kr_per_household",
            paid / households if households else None,
            "kr/hushåll",
            "Ekonomiskt bistånd, kronor/hushåll",
            households,
        ),
        Figure("eb_persons", int(persons["totalt"].sum()), "personer", "Personer i hushåll med ekonomiskt bistånd"),
        Figure("eb_adults", int(persons.loc["vuxna", "totalt"]), "personer", "varav vuxna"),
        Figure("eb_adults_women", int(persons.loc["vuxna", "K"]), "personer", "Vuxna, kvinnor"),
        Figure("eb_adults_men", int(persons.loc["vuxna", "M"]), "personer", "Vuxna, män"),
        Figure("eb_children", int(persons.loc["barn", "totalt"]), "personer", "varav barn"),
        Figure(
            "eb_adults_unemployed",
            eb.adults_with_reason(payments, members, period, codes.REASON_UNEMPLOYED),
            "personer",
            "Vuxna med ekonomiskt bistånd på grund av arbetslöshet",
        ),
    ]
    if _is_full_year(period):
        long_term, adults = eb.long_term_adults(payments, members, period.start.year)
        figures.append(
            Figure(
                "eb_long_term_share",
                _pct(long_term, adults),
                "procent",
                "Långvarigt ekonomiskt bistånd, andel av vuxna biståndsmottagare",
                adults,
            )
        )
    figures += [
        Figure(
            "care_days_children",
            pl.care_days_in_scope(placements, scope["children"], period, extract_date),
            "vårddygn",
            "Institution/familjehem barn och unga interna/externa, antal vårddygn",
            pl.persons_placed(placements, scope["children"], period, extract_date),
        ),
        Figure(
            "care_days_adults_external",
            pl.care_days_in_scope(placements, scope["adults_external"], period, extract_date),
            "vårddygn",
            "Institution/familjehem vuxna externa, antal vårddygn",
            pl.persons_placed(placements, scope["adults_external"], period, extract_date),
        ),
        Figure(
            "kr_per_care_day_children_external",
            _finite(children_ext.kr_per_care_day),
            "kr/vårddygn",
            "Institution/upphandlade familjehem barn och unga externa, kronor/vårddygn",
            children_ext.persons,
        ),
        Figure(
            "kr_per_care_day_adults_external",
            _finite(adults_inst.kr_per_care_day),
            "kr/vårddygn",
            "Institution vuxna externa, kronor/vårddygn",
            adults_inst.persons,
        ),
        Figure(
            "care_days_protected_housing",
            pl.care_days_in_scope(placements, scope["protected_housing"], period, extract_date),
            "vårddygn",
            "Skyddat boende, antal vårddygn",
            pl.persons_placed(placements, scope["protected_housing"], period, extract_date),
        ),
        Figure(
            "children_placed",
            pl.persons_placed(placements, scope["children"], period, extract_date),
            "personer",
            "Placerade barn och unga",
        ),
        Figure(
            "children_interventions_placements",
            placed_interventions,
            "insatser",
            "Placeringar av barn och unga (biståndsbedömda insatser)",
        ),
        Figure(
            "children_interventions_open_care",
            all_interventions - placed_interventions,
            "insatser",
            "Öppenvårdsinsatser för barn och unga (biståndsbedömda)",
        ),
        Figure(
            "children_interventions",
            all_interventions,
            "insatser",
            "Biståndsbedömda insatser för barn och unga (placering och öppenvård)",
        ),
        Figure(
            "children_interventions_placement_share",
            _pct(placed_interventions, all_interventions),
            "procent",
            "Placeringar, andel av insatser för barn och unga",
            all_interventions,
        ),
    ]
    inhabitants = _inhabitants(data.population, period.start.year)
    figures += [
        Figure("population", inhabitants, "invånare", "Antal invånare 31 december"),
        Figure(
            "eb_kr_per_inhabitant",
            paid / inhabitants if inhabitants else None,
            "kr/invånare",
            "Utbetalt ekonomiskt bistånd, kronor per invånare",
            households,
        ),
        Figure(
            "eb_persons_share_of_inhabitants",
            _pct(int(persons["totalt"].sum()), inhabitants) if inhabitants else None,
            "procent",
            "Andel invånare i hushåll med ekonomiskt bistånd",
            int(persons["totalt"].sum()),
        ),
    ]
    from snanalys.economy.figures import economy_rows

    frame = pd.DataFrame([f.__dict__ for f in figures] + economy_rows(data, period), columns=COLUMNS)
    frame["base"] = frame["base"].where(frame["base"].notna(), frame["value"].where(frame["unit"].isin(_COUNT_UNITS)))
    return frame


_COUNT_UNITS = ("hushåll", "personer", "insatser")


def _finite(value: float) -> float | None:
    return None if value != value else value  # NaN → None


def _inhabitants(population: pd.DataFrame, year: int) -> int | None:
    rows = population.loc[population["year"] == year, "inhabitants"]
    return int(rows.sum()) if len(rows) else None
