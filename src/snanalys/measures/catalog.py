"""Every measure, declared once: id, Swedish label, unit, computation, base, relations, pages.

A measure is one of:

* an **aggregate** over one fact (:mod:`snanalys.measures.facts`): ``value`` is a SQL
  aggregate whose ``{w}`` is the measure's row condition ``where``; ``individuals`` counts
  the individuals (households, persons, interventions) the value rests on — ``None`` when
  the value is itself such a count;
* a **ratio** of two measures (``scale`` 100 for a share in per cent), resting on the
  individuals of ``base``;
* a **mean over the months** of the period of a per-month measure, resting on its least month.

``dims`` are the fact columns it can be split by (sex, form, provider type, month, reason…);
:data:`PARTITIONS` says which measures are the parts of which total, a ratio names its
numerator and denominator. ``key_figure`` puts it in the key-figure table
(``key_figures()``, ``nyckeltal.csv``/``.xlsx``, the all-municipality table) in the order of
this list; ``sections`` are the page sections that show it. ``when`` limits it to
calendar years (the long-term share).

Adding a measure is one entry here and its test; the engine, the tables and the exports
take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from snanalys import codes
from snanalys.measures.scopes import SCOPES, literal

COUNT_UNITS = ("hushåll", "personer", "insatser", "placeringar")  # a value that is itself a count of individuals


@dataclass(frozen=True)
class Measure:
    id: str
    label_sv: str
    unit: str
    kind: str  # "aggregate" | "ratio" | "mean_over_months" | "table"
    fact: str = ""
    value: str = ""
    where: str = "true"
    individuals: str | None = None
    of: tuple[str, ...] = ()  # ratio: (numerator, denominator); mean: (per-month measure,)
    scale: float = 1.0
    base: str | None = None  # ratio: the measure whose individuals it rests on
    dims: tuple[str, ...] = ()
    #: The splits the report's pages print it by ("sex", "reason × sex" …; see
    #: :func:`snanalys.report_cells.published_cells`): only these are published and protected.
    #: Its other splits are computed for the analyst, never published: a split no page shows
    #: would only give a reader more to subtract.
    printed_by: tuple[str, ...] = ()
    #: The periods beyond the report's and the same period of earlier years its pages print
    #: it for: "tertial" (each tertial on its own), "year" (earlier full years). Only these are
    #: published; a total of another period no page prints would only give more to subtract.
    printed_periods: tuple[str, ...] = ()
    key_figure: bool = True
    full_year_only: bool = False
    zero_when_empty: bool = True  # no rows: 0 (a count or sum), or missing (a percentile, the population)
    source: str = ""  # a table measure: the table it is a column of (see TABLE_SOURCES)
    column: str = ""
    decimals: int | None = None  # shown with this many decimals (None: the unit's rule)
    sections: tuple[str, ...] = ()

    @property
    def is_count(self) -> bool:
        return self.kind == "aggregate" and self.individuals is None


def aggregate(id, label_sv, unit, fact, value, *, where="true", individuals=None, **kw) -> Measure:
    return Measure(id, label_sv, unit, "aggregate", fact, value, where, individuals, **kw)


def ratio(id, label_sv, unit, numerator, denominator, *, scale=1.0, base=None, **kw) -> Measure:
    return Measure(
        id, label_sv, unit, "ratio", of=(numerator, denominator), scale=scale, base=base or denominator, **kw
    )


def mean_over_months(id, label_sv, unit, per_month, **kw) -> Measure:
    return Measure(id, label_sv, unit, "mean_over_months", of=(per_month,), **kw)


def table(id, label_sv, unit, source, column, *, scale=1.0, key_figure=False, **kw) -> Measure:
    """A column of one of :data:`TABLE_SOURCES`, one value per row (``key``), times ``scale``."""
    return Measure(
        id,
        label_sv,
        unit,
        "table",
        source=source,
        column=column,
        scale=scale,
        dims=("key",),
        key_figure=key_figure,
        **kw,
    )


#: Where a table measure's values come from: computed by the economy, the Kolada extract or the
#: targets, each once, in the module named (the declaration here names the column and its scale).
TABLE_SOURCES = {
    "committee": "snanalys.economy.ledger.result_table (per verksamhet; the total row 'Socialnämnden')",
    "costs": "snanalys.economy.drivers.cost_table (per volume-driven area; the total row 'Summa')",
    "cumulative": "snanalys.economy.ledger.cumulative_by_month (per month, the committee's net)",
    "account_groups": "snanalys.economy.ledger.account_group_table (per account group)",
    "kolada": "snanalys.kolada.extract.comparison (per year: the municipality, similar municipalities, the country) "
    "and snanalys.kolada.extract.by_sex (women and men of the municipality and the country, where Kolada splits)",
    "targets": "snanalys.targets.evaluate (per indicator), snanalys.targets.reduction_path (per year)",
    "socialstyrelsen": "snanalys.socialstyrelsen.shown_series (per month: the official households over every origin)",
    "outlook": "snanalys.economy.three_year.outlook_table (per series: the measure it forecasts)",
    "forecast_record": "snanalys.economy.figures.forecast_record (record_table per verksamhet, area_record per "
    "volume-driven area, per earlier year: '<line or area>_<year>')",
}
TKR = 0.001


def _scope(name: str) -> str:
    return SCOPES[name].predicate()


COUNT = "count(*) FILTER (WHERE {w})"
HOUSEHOLDS = "count(*) FILTER (WHERE counted AND {w})"
CARE_DAYS = "sum(care_days) FILTER (WHERE {w})"
COST_KR = "sum(cost_kr) FILTER (WHERE {w})"
PLACED = "count(DISTINCT person) FILTER (WHERE care_days > 0 AND {w})"
PLACED_OR_INVOICED = "count(DISTINCT person) FILTER (WHERE {w})"
PRICED = "(care_days > 0 AND cost_kr > 0)"  # a placement with a price per care day in the period
SPELL_DIMS = ("target_group", "form", "provider_type", "sex")
CARE_COST_ROWS = ("target_group × form × provider_type",)  # the care-cost table's rows


def _percentile(scope: str, q: float, name: str, label: str) -> Measure:
    return aggregate(
        f"kr_per_care_day_{scope}_{name}",
        f"{label}, kronor/vårddygn per placering",
        "kr/vårddygn",
        "f_spells",
        f"quantile_cont(cost_kr / care_days, {q}) FILTER (WHERE {PRICED} AND {{w}})",
        where=_scope(scope),
        individuals=f"count(*) FILTER (WHERE {PRICED} AND {{w}})",
        key_figure=False,
        zero_when_empty=False,
        sections=("care_costs.spread",),
    )


MEASURES: tuple[Measure, ...] = (
    # --- economic assistance: households -------------------------------------------------------
    aggregate("eb_households", "Ekonomiskt bistånd, antal hushåll", "hushåll", "v_households", HOUSEHOLDS,
              dims=("applicant_sex",), printed_by=("applicant_sex",),
              sections=("summary.key_figures", "economic_assistance.overview", "economic_assistance.by_sex"),
              printed_periods=("year",)),  # the full years: the three-year outlook's last year
    aggregate("eb_households_with_children", "varav antal hushåll med barn", "hushåll", "v_households", HOUSEHOLDS,
              where="with_children",
              sections=("summary.key_figures", "economic_assistance.overview")),
    aggregate("eb_households_applicant_women", "Hushåll där sökande är kvinna", "hushåll", "v_households",
              HOUSEHOLDS, where="applicant_sex = 'K'"),
    aggregate("eb_households_applicant_men", "Hushåll där sökande är man", "hushåll", "v_households", HOUSEHOLDS,
              where="applicant_sex = 'M'"),
    mean_over_months("eb_households_per_month", "Hushåll med ekonomiskt bistånd i genomsnitt per månad",
                     "hushåll/månad", "eb_households_in_month",
                     sections=("summary.key_figures", "economic_assistance.overview", "economic_assistance.monthly"), printed_periods=("tertial",)),
    aggregate("eb_households_in_month", "Hushåll med utbetalning under månaden", "hushåll", "v_household_months",
              COUNT, dims=("month",), printed_by=("month",), key_figure=False, sections=("economic_assistance.monthly",)),
    # Socialstyrelsen's basis (the month the assistance is for), whatever the municipality's counting
    # basis: the own series beside its official monthly statistics, printed for real data only
    aggregate("eb_households_for_month", "Hushåll med bistånd avseende månaden", "hushåll",
              "f_household_for_months", COUNT, dims=("month",), printed_by=("month",), key_figure=False,
              sections=("economic_assistance.official",)),
    aggregate("eb_paid_kr", "Utbetalt ekonomiskt bistånd", "kr", "v_households", "sum(kr) FILTER (WHERE {w})",
              individuals="count(*) FILTER (WHERE counted AND {w})",
              sections=("economic_assistance.overview",), printed_periods=("year",)),
    ratio("eb_kr_per_household", "Ekonomiskt bistånd, kronor/hushåll", "kr/hushåll", "eb_paid_kr", "eb_households",
          sections=("summary.key_figures", "economic_assistance.overview"), printed_periods=("year",)),
    # --- economic assistance: persons ----------------------------------------------------------
    aggregate("eb_persons", "Personer i hushåll med ekonomiskt bistånd", "personer", "v_persons", COUNT,
              sections=("economic_assistance.overview",), printed_periods=("year",)),
    aggregate("eb_adults", "varav vuxna", "personer", "v_persons", COUNT, where="adult", dims=("sex",), printed_by=("sex",),
              sections=("economic_assistance.overview", "economic_assistance.by_sex")),
    aggregate("eb_adults_women", "Vuxna, kvinnor", "personer", "v_persons", COUNT, where="adult AND sex = 'K'"),
    aggregate("eb_adults_men", "Vuxna, män", "personer", "v_persons", COUNT, where="adult AND sex = 'M'"),
    aggregate("eb_children", "varav barn", "personer", "v_persons", COUNT, where="NOT adult",
              sections=("economic_assistance.overview",)),
    # the adults with unemployment among their reasons: f_persons holds the flag (no join for the sex)
    aggregate("eb_adults_unemployed", "Vuxna med ekonomiskt bistånd på grund av arbetslöshet", "personer",
              "v_persons", COUNT, where="adult AND unemployed",
              sections=("summary.key_figures", "economic_assistance.by_sex")),
    aggregate("eb_adults_by_reason", "Vuxna efter försörjningshinder", "personer", "v_adult_reasons", COUNT,
              dims=("reason", "sex"), printed_by=("reason", "reason × sex"), key_figure=False,
              sections=("economic_assistance.by_sex",)),
    aggregate("eb_adults_long_term", "Vuxna med bistånd 10–12 månader av kalenderåret", "personer", "v_persons",
              COUNT, where="bit_count(coalesce(adult_months, 0)) >= 10", full_year_only=True, key_figure=False, sections=("economic_assistance.long_term",), printed_periods=("year",)),
    aggregate("eb_adult_recipients_year", "Vuxna biståndsmottagare (18+) under kalenderåret", "personer",
              "v_persons", COUNT, where="coalesce(adult_months, 0) > 0", full_year_only=True, key_figure=False,
              sections=("economic_assistance.long_term",), printed_periods=("year",)),
    ratio("eb_long_term_share", "Långvarigt ekonomiskt bistånd, andel av vuxna biståndsmottagare", "procent",
          "eb_adults_long_term", "eb_adult_recipients_year", scale=100.0, full_year_only=True,
          sections=("economic_assistance.long_term", "comparison.indicators"), printed_periods=("year",)),
    # --- placements ---------------------------------------------------------------------------
    aggregate("care_days_children", "Institution/familjehem barn och unga interna/externa, antal vårddygn",
              "vårddygn", "f_spells", CARE_DAYS, where=_scope("children"), individuals=PLACED, dims=SPELL_DIMS,
              printed_by=("form",), sections=("summary.key_figures", "placements.overview", "placements.children"),
              printed_periods=("year",)),
    aggregate("care_days_adults_external", "Institution/familjehem vuxna externa, antal vårddygn", "vårddygn",
              "f_spells", CARE_DAYS, where=_scope("adults_external"), individuals=PLACED, dims=SPELL_DIMS,
              printed_by=("sex",), sections=("summary.key_figures", "placements.overview", "placements.adults")),
    ratio("kr_per_care_day_children_external",
          "Institution/upphandlade familjehem barn och unga externa, kronor/vårddygn", "kr/vårddygn",
          "care_cost_kr_children_external", "care_days_children_external",
          sections=("summary.key_figures", "care_costs.overview"), printed_periods=("year",)),
    ratio("kr_per_care_day_adults_external", "Institution vuxna externa, kronor/vårddygn", "kr/vårddygn",
          "care_cost_kr_adults_external_institutions", "care_days_adults_external_institutions",
          sections=("summary.key_figures", "care_costs.overview")),
    aggregate("care_days_protected_housing", "Skyddat boende, antal vårddygn", "vårddygn", "f_spells", CARE_DAYS,
              where=_scope("protected_housing"), individuals=PLACED, sections=("placements.overview",)),
    aggregate("children_placed", "Placerade barn och unga", "personer", "f_spells", PLACED,
              where=_scope("children"), dims=SPELL_DIMS, printed_by=("sex",),
              sections=("placements.overview", "placements.children")),
    aggregate("children_placements_started", "Påbörjade placeringar av barn och unga under perioden", "placeringar",
              "f_spells", "count(*) FILTER (WHERE started_in_period AND {w})", where=_scope("children"),
              individuals="count(DISTINCT person) FILTER (WHERE started_in_period AND {w})", dims=SPELL_DIMS,
              sections=("placements.overview",)),
    aggregate("adults_placed_external", "Vuxna i externa placeringar", "personer", "f_spells", PLACED,
              where=_scope("adults_external"), dims=SPELL_DIMS, printed_by=("sex",), key_figure=False,
              sections=("placements.adults",)),
    aggregate("children_interventions_placements", "Placeringar av barn och unga (biståndsbedömda insatser)",
              "insatser", "f_interventions", COUNT, where=f"kind = {literal(codes.INTERVENTION_PLACEMENT)}", sections=("placements.overview",)),
    aggregate("children_interventions_open_care", "Öppenvårdsinsatser för barn och unga (biståndsbedömda)",
              "insatser", "f_interventions", COUNT,
              where=f"coalesce(kind <> {literal(codes.INTERVENTION_PLACEMENT)}, true)", sections=("placements.overview",)),
    aggregate("children_interventions", "Biståndsbedömda insatser för barn och unga (placering och öppenvård)",
              "insatser", "f_interventions", COUNT),
    ratio("children_interventions_placement_share", "Placeringar, andel av insatser för barn och unga", "procent",
          "children_interventions_placements", "children_interventions", scale=100.0,
          sections=("summary.key_figures", "placements.overview")),
    # --- population and per inhabitant --------------------------------------------------------
    aggregate("population", "Antal invånare 31 december", "invånare", "f_population", "sum(inhabitants)",
              individuals="NULL", zero_when_empty=False, printed_periods=("year",)),
    ratio("eb_kr_per_inhabitant", "Utbetalt ekonomiskt bistånd, kronor per invånare", "kr/invånare", "eb_paid_kr",
          "population", base="eb_households", sections=("economic_assistance.overview",)),
    ratio("eb_persons_share_of_inhabitants", "Andel invånare i hushåll med ekonomiskt bistånd", "procent",
          "eb_persons", "population", scale=100.0, base="eb_persons",
          sections=("economic_assistance.overview", "comparison.indicators"), printed_periods=("year",)),
    # --- the parts of the ratios and the page tables (not rows of the key-figure table) ---------
    aggregate("care_days_children_external", "Vårddygn, barn och unga externa (institution/upphandlade familjehem)",
              "vårddygn", "f_spells", CARE_DAYS, where=_scope("children_external"), individuals=PLACED,
              key_figure=False),
    aggregate("care_cost_kr_children_external", "Kostnad, barn och unga externa (institution/upphandlade familjehem)",
              "kr", "f_spells", COST_KR, where=_scope("children_external"), individuals=PLACED_OR_INVOICED,
              key_figure=False),
    aggregate("care_days_adults_external_institutions", "Vårddygn, vuxna på institution, externa", "vårddygn",
              "f_spells", CARE_DAYS, where=_scope("adults_external_institutions"), individuals=PLACED,
              key_figure=False),
    aggregate("care_cost_kr_adults_external_institutions", "Kostnad, vuxna på institution, externa", "kr",
              "f_spells", COST_KR, where=_scope("adults_external_institutions"), individuals=PLACED_OR_INVOICED,
              key_figure=False),
    aggregate("care_days", "Vårddygn", "vårddygn", "f_spells", CARE_DAYS, individuals=PLACED, dims=SPELL_DIMS,
              printed_by=CARE_COST_ROWS, key_figure=False, sections=("care_costs.by_form",)),
    aggregate("care_cost_tkr", "Kostnad för vård under perioden, tkr", "tkr", "f_spells",
              "sum(cost_kr) FILTER (WHERE {w}) / 1000", individuals=PLACED_OR_INVOICED, dims=SPELL_DIMS,
              printed_by=CARE_COST_ROWS, key_figure=False, sections=("care_costs.by_form",)),
    # the care-cost table's kronor (its tkr are these / 1000): the numerator of its kr per care day
    aggregate("care_cost_kr", "Kostnad för vård under perioden", "kr", "f_spells", COST_KR,
              individuals=PLACED_OR_INVOICED, dims=SPELL_DIMS, printed_by=CARE_COST_ROWS, key_figure=False),
    ratio("kr_per_care_day", "Kronor per vårddygn", "kr/vårddygn", "care_cost_kr", "care_days", base="care_cost_kr",
          dims=SPELL_DIMS, printed_by=CARE_COST_ROWS, key_figure=False, sections=("care_costs.by_form",)),
    # --- the economy's volume-driven cost areas (snanalys.economy.drivers.AREAS) --------------
    aggregate("care_days_area_hvb_children", "Vårddygn, barn och unga i HVB, SiS och stödboende", "vårddygn",
              "f_spells", CARE_DAYS, where=_scope("area_hvb_children"), individuals=PLACED, key_figure=False,
              sections=("economy.costs",)),
    aggregate("care_cost_kr_area_hvb_children", "Kostnad, barn och unga i HVB, SiS och stödboende", "kr",
              "f_spells", COST_KR, where=_scope("area_hvb_children"), individuals=PLACED, key_figure=False),
    aggregate("care_days_area_foster_homes", "Vårddygn, barn och unga i familjehem och jourhem", "vårddygn",
              "f_spells", CARE_DAYS, where=_scope("area_foster_homes"), individuals=PLACED, key_figure=False,
              sections=("economy.costs",)),
    aggregate("care_cost_kr_area_foster_homes", "Kostnad, barn och unga i familjehem och jourhem", "kr",
              "f_spells", COST_KR, where=_scope("area_foster_homes"), individuals=PLACED, key_figure=False),
    aggregate("care_days_area_adults", "Vårddygn, vuxna och våldsutsatta, alla placeringsformer", "vårddygn",
              "f_spells", CARE_DAYS, where=_scope("area_adults"), individuals=PLACED, key_figure=False,
              sections=("economy.costs",)),
    aggregate("care_cost_kr_area_adults", "Kostnad, vuxna och våldsutsatta, alla placeringsformer", "kr",
              "f_spells", COST_KR, where=_scope("area_adults"), individuals=PLACED, key_figure=False),
    _percentile("children_external", 0.1, "p10", "P10"),
    _percentile("children_external", 0.5, "median", "Median"),
    _percentile("children_external", 0.9, "p90", "P90"),
    _percentile("adults_external_institutions", 0.1, "p10", "P10"),
    _percentile("adults_external_institutions", 0.5, "median", "Median"),
    _percentile("adults_external_institutions", 0.9, "p90", "P90"),
    aggregate("placements_priced_children_external", "Placeringar med pris per vårddygn, barn och unga externa",
              "placeringar", "f_spells", f"count(*) FILTER (WHERE {PRICED} AND {{w}})",
              where=_scope("children_external"), key_figure=False, sections=("care_costs.spread",)),
    aggregate("placements_priced_adults_external_institutions",
              "Placeringar med pris per vårddygn, vuxna på institution externa", "placeringar", "f_spells",
              f"count(*) FILTER (WHERE {PRICED} AND {{w}})", where=_scope("adults_external_institutions"),
              key_figure=False, sections=("care_costs.spread",)),
    # --- the economy (tkr; costs negative, as in the committee's own tables) ----------------------
    # --- Socialstyrelsen's official monthly statistics (the economic-assistance page) ------------
    table("ss_households_in_month", "Hushåll med ekonomiskt bistånd under månaden, Socialstyrelsen", "hushåll",
          "socialstyrelsen", "households", sections=("economic_assistance.official",)),
    table("official_difference_limit", "Gräns för markerad skillnad mot Socialstyrelsens statistik", "procent",
          "socialstyrelsen", "limit", sections=("economic_assistance.official",)),
    table("economy_outcome_tkr", "Utfall", "tkr", "committee", "outcome_period", scale=TKR, key_figure=True),
    table("economy_budget_tkr", "Budget för perioden", "tkr", "committee", "budget_period", scale=TKR,
          key_figure=True),
    table("economy_forecast_tkr", "Helårsprognos", "tkr", "committee", "forecast", scale=TKR, key_figure=True),
    table("economy_deviation_tkr", "Avvikelse mot budget för perioden", "tkr", "committee", "deviation", scale=TKR),
    table("economy_budget_year_tkr", "Budget helår", "tkr", "committee", "budget_year", scale=TKR),
    table("economy_forecast_deviation_tkr", "Avvikelse prognos mot budget helår", "tkr", "committee",
          "forecast_deviation", scale=TKR),
    table("economy_outcome_last_year_tkr", "Utfall samma period i fjol", "tkr", "committee",
          "outcome_last_year_period", scale=TKR),
    table("economy_forecast_error", "Prognosmetodens fel bakåt", "procent", "committee", "backtest_error",
          scale=100.0),
    # the full-year forecast's 80 % interval (snanalys.economy.forecast.with_intervals)
    table("economy_forecast_low_tkr", "Helårsprognos, 80 % intervall, lägst", "tkr", "committee", "forecast_low",
          scale=TKR),
    table("economy_forecast_high_tkr", "Helårsprognos, 80 % intervall, högst", "tkr", "committee", "forecast_high",
          scale=TKR),
    table("cost_outcome_tkr", "Kostnad", "tkr", "costs", "outcome_period", scale=TKR, key_figure=True),
    table("cost_budget_tkr", "Budget/ersättning för perioden", "tkr", "costs", "budget_period", scale=TKR,
          key_figure=True),
    table("cost_forecast_tkr", "Helårsprognos kostnad", "tkr", "costs", "forecast", scale=TKR, key_figure=True),
    table("cost_volume_effect_tkr", "Volymeffekt mot i fjol", "tkr", "costs", "volume_effect", scale=TKR,
          key_figure=True),
    table("cost_price_effect_tkr", "Priseffekt mot i fjol", "tkr", "costs", "price_effect", scale=TKR,
          key_figure=True),
    table("cost_deviation_tkr", "Avvikelse mot ersättning för perioden", "tkr", "costs", "deviation", scale=TKR),
    table("cost_budget_year_tkr", "Ersättning helår", "tkr", "costs", "budget_year", scale=TKR),
    table("cost_forecast_deviation_tkr", "Avvikelse prognos mot ersättning helår", "tkr", "costs",
          "forecast_deviation", scale=TKR),
    table("cost_outcome_last_year_tkr", "Kostnad samma period i fjol", "tkr", "costs", "outcome_last_year_period",
          scale=TKR),
    table("cost_change_tkr", "Kostnadsförändring mot samma period i fjol", "tkr", "costs", "change", scale=TKR),
    table("cost_volume", "Volym", "", "costs", "volume", decimals=0),
    table("cost_volume_forecast", "Volym helår, prognos", "", "costs", "volume_forecast", decimals=0),
    table("cost_volume_forecast_low", "Volym helår, prognos, 80 % intervall, lägst", "", "costs",
          "volume_forecast_low", decimals=0),
    table("cost_volume_forecast_high", "Volym helår, prognos, 80 % intervall, högst", "", "costs",
          "volume_forecast_high", decimals=0),
    table("cost_volume_last_year", "Volym samma period i fjol", "", "costs", "volume_last_year", decimals=0),
    table("cost_price", "Pris", "", "costs", "price", decimals=0),
    table("cost_price_last_year", "Pris samma period i fjol", "", "costs", "price_last_year", decimals=0),
    table("cost_forecast_error", "Prognosmetodens fel bakåt", "procent", "costs", "backtest_error", scale=100.0),
    table("cost_forecast_low_tkr", "Helårsprognos kostnad, 80 % intervall, lägst", "tkr", "costs", "forecast_low",
          scale=TKR),
    table("cost_forecast_high_tkr", "Helårsprognos kostnad, 80 % intervall, högst", "tkr", "costs", "forecast_high",
          scale=TKR),
    table("cost_volume_increase_tkr", "Kostnadsökning av volym mot i fjol", "tkr", "costs", "volume_effect",
          scale=-TKR),
    table("cost_price_increase_tkr", "Kostnadsökning av pris mot i fjol", "tkr", "costs", "price_effect",
          scale=-TKR),
    # prognossäkerhet: earlier years' T1/T2 forecasts, as published or recomputed as known then, against the
    # outcome, per verksamhet and per volume-driven area (snanalys.economy.record)
    table("record_forecast_t1_tkr", "Helårsprognos vid T1 (publicerad eller omräknad)", "tkr", "forecast_record",
          "forecast_t1", scale=TKR),
    table("record_forecast_t2_tkr", "Helårsprognos vid T2 (publicerad eller omräknad)", "tkr", "forecast_record",
          "forecast_t2", scale=TKR),
    table("record_outcome_tkr", "Helårsutfall", "tkr", "forecast_record", "outcome", scale=TKR),
    table("record_error_t1", "Prognosfel vid T1", "procent", "forecast_record", "error_t1", scale=100.0),
    table("record_error_t2", "Prognosfel vid T2", "procent", "forecast_record", "error_t2", scale=100.0),
    # the three-year outlook (snanalys.economy.three_year): in each series' own unit (hushåll, kr, tkr …)
    table("outlook_last_value", "Senaste hela årets värde", "", "outlook", "last_value", decimals=0),
    table("outlook_value", "Förväntat värde om tre år", "", "outlook", "value", decimals=0),
    table("outlook_low", "Förväntat värde om tre år, 80 % intervall, lägst", "", "outlook", "low", decimals=0),
    table("outlook_high", "Förväntat värde om tre år, 80 % intervall, högst", "", "outlook", "high", decimals=0),
    table("economy_cumulative_outcome_tkr", "Utfall ackumulerat", "tkr", "cumulative", "outcome", scale=TKR),
    table("economy_cumulative_budget_tkr", "Budget ackumulerad", "tkr", "cumulative", "budget", scale=TKR),
    table("economy_cumulative_net_cost_tkr", "Nettokostnad ackumulerad", "tkr", "cumulative", "outcome",
          scale=-TKR),
    table("economy_cumulative_net_budget_tkr", "Budgeterad nettokostnad ackumulerad", "tkr", "cumulative",
          "budget", scale=-TKR),
    table("economy_account_group_tkr", "Utfall per kontogrupp", "tkr", "account_groups", "this_year", scale=TKR),
    table("economy_account_group_last_year_tkr", "Utfall per kontogrupp samma period i fjol", "tkr",
          "account_groups", "last_year", scale=TKR),
    table("economy_account_group_change_tkr", "Förändring per kontogrupp", "tkr", "account_groups", "change",
          scale=TKR),
    # --- Kolada: public comparison series (column = the KPI) -------------------------------------
    table("kolada_N31807", "Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%) av bef.", "procent", "kolada", "N31807",
          decimals=1),
    table("kolada_N31814", "Vuxna biståndsmottagare (18+ år) med långvarigt ekonomiskt bistånd, andel (%) av biståndsmottagare 18+ år", "procent",
          "kolada", "N31814", decimals=1),
    table("kolada_N31816", "Vuxna biståndsmottagare (18+ år) med långvarigt ekonomiskt bistånd, andel (%) av befolkningen", "procent",
          "kolada", "N31816", decimals=1),
    table("kolada_N31849", "Utbetalt ekonomiskt bistånd, kr/hushåll", "kr", "kolada", "N31849", decimals=0),
    table("kolada_N31857_per_inv", "Utbetalt ekonomiskt bistånd, kr/invånare", "kr", "kolada", "N31857_per_inv",
          decimals=0),
    table("kolada_N33816", "Barn och unga 0-20 år som har varit placerade på HVB någon gång under året, antal/1000 inv", "per 1000", "kolada", "N33816", decimals=1),
    table("kolada_N33817", "Barn och unga 0-20 år som har varit placerade på familjehem någon gång under året, antal/1000 inv", "per 1000", "kolada", "N33817", decimals=1),
    table("kolada_N33802", "Invånare 0-20 år som var föremål för individuellt biståndsbedömda öppna insatser, andel (%)", "procent", "kolada", "N33802", decimals=1),
    # --- the committee's targets -------------------------------------------------------------------
    table("target_value", "Målvärde för perioden", "", "targets", "target"),
    # the straight path of a "reduce by a share" target, year by year (snanalys.targets.reduction_path)
    table("target_path", "Målets bana", "", "targets", "path"),
)  # fmt: skip

BY_ID: dict[str, Measure] = {m.id: m for m in MEASURES}
if len(BY_ID) != len(MEASURES):  # pragma: no cover - a declaration error, caught by the tests at import
    raise ValueError("a measure id is declared twice in snanalys.measures.catalog")

#: The seven rows of the published table ("Volymer och nyckeltal"), in its order.
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
class Partition:
    """``total`` = the sum of ``parts`` + a remainder that is not a measure of its own.

    ``remainder_known``: the remainder is zero by definition or published elsewhere
    (households whose applicant's sex is unknown appear as "Uppgift saknas" on the
    economic-assistance page), so a reader may know it; otherwise it is unpublished.
    """

    total: str
    parts: tuple[str, ...]
    remainder_known: bool = True


#: The additive relations between measures (small-count suppression protects them together).
PARTITIONS: tuple[Partition, ...] = (
    Partition("eb_households", ("eb_households_applicant_women", "eb_households_applicant_men")),
    Partition("eb_households", ("eb_households_with_children",), remainder_known=False),
    Partition("eb_persons", ("eb_adults", "eb_children")),
    Partition("eb_adults", ("eb_adults_women", "eb_adults_men")),
    Partition("children_interventions", ("children_interventions_placements", "children_interventions_open_care")),
    Partition("eb_adult_recipients_year", ("eb_adults_long_term",), remainder_known=False),
)


#: The splits the pages show (beyond each declared dimension alone): every published cell is one of these.
PAGE_SPLITS: tuple[tuple[str, ...], ...] = (("reason", "sex"), ("target_group", "form", "provider_type"))


def key_figure_measures(full_year: bool) -> list[Measure]:
    """The computed rows of the key-figure table of a period, in their order (the economy's rows,
    table measures, follow them: :func:`snanalys.economy.figures.economy_rows`)."""
    return [m for m in MEASURES if m.key_figure and m.kind != "table" and (full_year or not m.full_year_only)]
