"""What each measure counts, in Swedish for the board: built from the catalog's declarations.

The page "Definitioner och metod" (:mod:`snanalys.pages.definitions`, also the PDF's appendix)
prints :func:`definitions`: for each measure the pages show, what it counts, its unit, its
source, how it is counted and how small numbers are protected. The parts are the
declarations themselves (the fact a measure counts, the placements of its scope, the
numerator and denominator of a ratio, the table it is a column of); what a declaration
cannot say (what "med barn" or "på grund av arbetslöshet" means) is :data:`CONDITIONS_SV`,
one sentence per measure that needs one, checked complete by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from snanalys.measures.catalog import BY_ID, MEASURES, Measure
from snanalys.measures.scopes import SCOPES
from snanalys.suppression import MIN_COUNT

#: What one row of a fact is, and where it comes from (see :mod:`snanalys.measures.facts`).
FACTS_SV: dict[str, tuple[str, str]] = {
    "v_households": (
        "hushåll med minst en utbetalning av ekonomiskt bistånd daterad under perioden, vart och ett räknat en "
        "gång; en rättelse eller återbetalning är en negativ utbetalning, inte ett nytt hushåll",
        "Verksamhetssystemet: utbetalningar och hushållens sammansättning",
    ),
    "v_household_months": (
        "hushåll med minst en utbetalning under månaden, efter kommunens räknegrund (utbetalningsdatum, "
        "eller den månad biståndet avser)",
        "Verksamhetssystemet: utbetalningar",
    ),
    "f_household_for_months": (
        "hushåll med minst en utbetalning som avser månaden, oavsett när den betalades ut (Socialstyrelsens "
        "räknegrund, HSLF-FS 2015:30, 3 §)",
        "Verksamhetssystemet: utbetalningar",
    ),
    "v_persons": (
        "vuxna och barn i hushåll som fått ekonomiskt bistånd under perioden, enligt hushållets sammansättning "
        "vid den senaste utbetalningen; varje person räknas en gång",
        "Verksamhetssystemet: utbetalningar och hushållens sammansättning",
    ),
    "v_adult_reasons": (
        "vuxna i hushåll med ekonomiskt bistånd efter sina egna försörjningshinder; den som har flera räknas "
        "under vart och ett",
        "Verksamhetssystemet: försörjningshinder",
    ),
    "f_spells": (
        "placeringar med vårddygn eller fakturerad vård under perioden",
        "Verksamhetssystemet: placeringar; ekonomisystemet: fakturor efter vårdmånad",
    ),
    "f_interventions": (
        "biståndsbedömda insatser för barn och unga som pågått någon gång under perioden",
        "Verksamhetssystemet: beslut om insatser",
    ),
    "f_population": ("invånare i kommunen den 31 december", "SCB: befolkningsstatistik"),
}

#: What a measure counts where its fact alone does not say it (the fact's rows narrowed by the
#: measure's condition): a whole definition, in place of the fact's.
CONDITIONS_SV: dict[str, str] = {
    "eb_households_with_children": "Hushåll med ekonomiskt bistånd under perioden som hade minst ett barn under 18 år "
    "vid någon utbetalning.",
    "eb_households_applicant_women": "Hushåll med ekonomiskt bistånd under perioden där den sökande är kvinna.",
    "eb_households_applicant_men": "Hushåll med ekonomiskt bistånd under perioden där den sökande är man.",
    "eb_paid_kr": "Summan av utbetalt ekonomiskt bistånd under perioden; rättelser och återbetalningar är avräknade.",
    "eb_adults": "Personer 18 år eller äldre i hushåll med ekonomiskt bistånd under perioden, var och en en gång.",
    "eb_adults_women": "Kvinnor 18 år eller äldre i hushåll med ekonomiskt bistånd under perioden.",
    "eb_adults_men": "Män 18 år eller äldre i hushåll med ekonomiskt bistånd under perioden.",
    "eb_children": "Barn under 18 år i hushåll med ekonomiskt bistånd under perioden, var och ett en gång.",
    "eb_adults_unemployed": "Vuxna i hushåll med ekonomiskt bistånd under perioden som har arbetslöshet bland sina "
    "försörjningshinder, var och en en gång.",
    "eb_adults_long_term": "Vuxna som fått ekonomiskt bistånd 10–12 av kalenderårets månader; bara hela kalenderår.",
    "eb_adult_recipients_year": "Vuxna som fått ekonomiskt bistånd någon månad av kalenderåret; bara hela kalenderår.",
    "children_placements_started": "Placeringar av barn och unga som började under perioden (institution och "
    "familjehem, interna och externa).",
    "children_placed": "Barn och unga med minst ett vårddygn i placering under perioden (institution och "
    "familjehem, interna och externa), var och en en gång.",
    "adults_placed_external": "Vuxna med minst ett vårddygn i extern placering på institution eller i familjehem "
    "under perioden, var och en en gång.",
    "children_interventions_placements": "Biståndsbedömda insatser för barn och unga under perioden som är "
    "placeringar.",
    "children_interventions_open_care": "Biståndsbedömda insatser för barn och unga under perioden i öppenvård "
    "(alla insatser som inte är placeringar).",
    "placements_priced_children_external": "Placeringar med både vårddygn och kostnad under perioden, så att de har "
    "ett pris per vårddygn.",
    "placements_priced_adults_external_institutions": "Placeringar med både vårddygn och kostnad under perioden, så "
    "att de har ett pris per vårddygn.",
}

_CARE_DAY_RULE_SV = (
    "Ett vårddygn är en kalenderdag i placering: från inskrivningsdagen till dagen före utskrivningsdagen (en "
    "placering som börjar och slutar samma dag ger ett vårddygn), räknat inom perioden."
)

#: A table measure's source, for the board (the modules are :data:`~snanalys.measures.catalog.TABLE_SOURCES`).
TABLE_SOURCES_SV = {
    "committee": "Ekonomisystemet: utfall och budget per verksamhet",
    "costs": "Ekonomisystemet och verksamhetssystemet: de volymdrivna kostnaderna",
    "cumulative": "Ekonomisystemet: utfall och budget per månad",
    "account_groups": "Ekonomisystemet: utfall per kontogrupp",
    "kolada": "Kolada (RKA), offentlig statistik",
    "socialstyrelsen": "Socialstyrelsens statistikdatabas, ekonomiskt bistånd per månad, offentlig statistik",
    "targets": "Nämndens mål (targets.toml)",
    "outlook": "Verksamhetssystemet (kommunens hela år) och Kolada (RKA): prognosmetod och intervall",
    "forecast_record": "Tidigare tertialrapporter (publicerade prognoser), annars ekonomisystemet och "
    "verksamhetssystemet: prognoser omräknade med det som var bokfört vid slutet av månaden efter tertialet",
}

#: The tables of the economy page: one entry each (their columns are the table measures).
TABLES_SV = {
    "committee": (
        "Resultat per verksamhet",
        "Utfall och budget för perioden per verksamhet och för nämnden, helårsprognos och avvikelser; budgeten är "
        "fördelad jämnt över årets månader.",
    ),
    "costs": (
        "Volymdrivna kostnader",
        "Kostnader som beror på antal vårddygn: volym (vårddygn), pris (kronor per vårddygn) och deras effekter "
        "mot samma period i fjol.",
    ),
    "cumulative": ("Utfall och budget per månad", "Nämndens utfall och budget, ackumulerat månad för månad."),
    "account_groups": ("Utfall per kontogrupp", "Nämndens utfall per kontogrupp mot samma period i fjol."),
    "outlook": (
        "Förväntad utveckling på tre års sikt",
        "Prognos tre år efter det senaste hela året, med det intervall där värdet hamnar med 80 % sannolikhet.",
    ),
    "forecast_record": (
        "Prognossäkerhet",
        "Vad helårsprognosen vid T1 och T2 tidigare år sade mot årets utfall, per verksamhet och per volymdrivet "
        "område: den prognos som tertialrapporten då publicerade (den senaste versionen om rapporten reviderades), "
        "annars omräknad med det som var känt vid slutet av månaden efter tertialet (31 maj respektive 30 "
        "september): fakturor för placeringar efter bokföringsdag, ekonomiskt bistånd efter utbetalningsdag.",
    ),
}

#: The areas of the appendix, in the report's order: the page whose sections show a measure first.
AREAS_SV = {
    "summary": "Ekonomiskt bistånd",
    "economic_assistance": "Ekonomiskt bistånd",
    "placements": "Placeringar",
    "care_costs": "Kostnad per vårddygn",
    "economy": "Ekonomi",
    "comparison": "Jämförelser",
}
_AREA_ORDER = ("Ekonomiskt bistånd", "Placeringar", "Kostnad per vårddygn", "Ekonomi", "Jämförelser")


@dataclass(frozen=True)
class Definition:
    """One entry of "Definitioner och metod"."""

    measure: str
    area: str
    label: str
    counts: str  # what it counts
    unit: str
    source: str
    protection: str  # how small numbers are protected


def _scope_of(m: Measure) -> str | None:
    for name, scope in SCOPES.items():
        if m.where == scope.predicate():
            return name
    return None


def _area(m: Measure) -> str:
    if m.sections:
        page = m.sections[0].split(".")[0]
        if page == "summary":
            page = next((s.split(".")[0] for s in m.sections[1:]), "summary")
        return AREAS_SV.get(page, AREAS_SV["summary"])
    if m.kind == "table":
        return "Jämförelser" if m.source == "kolada" else "Ekonomi"
    if m.fact == "f_spells" or m.of and BY_ID[m.of[0]].fact == "f_spells":
        return "Placeringar"
    return "Ekonomiskt bistånd"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def counts_sv(m: Measure) -> str:
    """What ``m`` counts, in one or two sentences built from its declaration."""
    if m.kind == "ratio":
        numerator, denominator = (BY_ID[x] for x in m.of)
        scale = ", i procent" if m.scale == 100 else ""
        return f"{numerator.label_sv} delat med {_lower_first(denominator.label_sv)}{scale}."
    if m.kind == "mean_over_months":
        per_month = BY_ID[m.of[0]]
        return f"{per_month.label_sv} ({_lower_first(counts_sv(per_month))[:-1]}), i genomsnitt över periodens månader."
    if m.kind == "table":
        if m.source == "kolada":
            kpi = m.column.split("_")[0]
            text = f"Kolada-nyckeltalet {kpi} per kalenderår"
            if m.column != kpi:
                text += f", räknat om per invånare: {kpi} × 1 000 / N01951 (invånare)"
            text += (
                ", för kommunen, medianen för jämförelsekommunerna (en lista som nämnden valt, annars Koladas "
                "grupp Liknande kommuner IFO för året, annars de sex kommuner som ligger närmast i folkmängd) och riket"
            )
            return text + "; för kvinnor och män där Kolada redovisar nyckeltalet efter kön."
        if m.source == "socialstyrelsen":
            return {
                "households": "Socialstyrelsens officiella antal hushåll med ekonomiskt bistånd under månaden, efter "
                "den månad biståndet avser, summerat över hushållens ursprung.",
                "limit": "Den skillnad mellan egna uppgifter och Socialstyrelsens statistik över vilken en månad "
                "markeras.",
            }[m.column]
        return TABLES_SV[m.source][1]
    scope = _scope_of(m)
    if m.id.startswith("kr_per_care_day_") and scope:
        q = {"p10": "10:e percentilen", "median": "Medianen", "p90": "90:e percentilen"}[m.id.rsplit("_", 1)[1]]
        return (
            f"{q[:1].upper() + q[1:]} av kronor per vårddygn bland placeringarna med både vårddygn och kostnad "
            f"under perioden ({SCOPES[scope].description_sv})."
        )
    if m.id in CONDITIONS_SV:
        text = CONDITIONS_SV[m.id]
    else:
        what = FACTS_SV[m.fact][0]
        text = what[:1].upper() + what[1:] + "."
    if scope and m.id not in CONDITIONS_SV:
        text = text[:-1] + f" ({SCOPES[scope].description_sv})."
    if m.unit == "vårddygn":
        text += " " + _CARE_DAY_RULE_SV
    elif m.unit in ("kr", "tkr") and m.fact == "f_spells":
        text += " Kostnaden är den fakturerade vården efter den månad vården avsåg, inte bokföringsdagen."
    return text


def protection_sv(m: Measure) -> str:
    """The rule that hides ``m`` where it is small (each figure is also hidden where it could be worked
    out from others, in this report or earlier ones of the year: said once, on the page)."""
    small = f"1–{MIN_COUNT - 1}"
    if m.kind == "table":
        if m.source == "kolada":
            return "Kolada publicerar inte värden som omfattas av sekretess; de visas som saknade."
        if m.source == "socialstyrelsen":
            return "Socialstyrelsen visar sekretessbelagda värden som X och saknade som --; en egen uppgift för en "
            "månad som Socialstyrelsen visar som X visas också som X."
        if m.source == "costs":
            return f"X där en kostnad, volym eller ett pris bygger på {small} placerade."
        if m.source == "outlook":
            return f"X där något av åren prognosen bygger på är dolt eller bygger på {small} personer eller hushåll."
        if m.source == "forecast_record":
            return (
                f"X för ett områdes år där något av årets tertial bygger på {small} placerade eller hushåll, och "
                "där den rapport som publicerade prognosen visade den som X."
            )
        return "Summor för hela verksamheter, som inte avser enskilda personer."
    if m.id == "population":
        return "Offentlig statistik, som inte avser enskilda personer."
    if m.is_count:
        return f"X för ett antal {small}."
    if m.kind == "mean_over_months":
        return f"X om någon av periodens månader har {small} hushåll."
    if m.kind == "ratio":
        return "X om täljaren eller nämnaren är dold."
    return f"X om värdet bygger på {small} personer, hushåll eller placeringar."


def source_sv(m: Measure) -> str:
    if m.kind == "table":
        return TABLE_SOURCES_SV[m.source]
    if m.kind in ("ratio", "mean_over_months"):
        sources = dict.fromkeys(source_sv(BY_ID[x]) for x in m.of)
        return "; ".join(sources)
    return FACTS_SV[m.fact][1]


def is_shown(m: Measure) -> bool:
    """Whether the report shows ``m``: on a page, in the key-figure table or in a page's table."""
    return bool(m.sections) or m.key_figure or m.kind == "table" and m.source != "targets"


def definitions(measures=MEASURES) -> list[Definition]:
    """The entries of "Definitioner och metod", by area in the report's order, then as declared.

    The economy's tables are one entry each (their columns listed), Kolada's series one each."""
    entries, tables = [], set()
    for m in measures:
        if not is_shown(m):
            continue
        if m.kind == "table" and m.source in TABLES_SV:
            if m.source in tables:
                continue
            tables.add(m.source)
            columns = [c.label_sv for c in measures if c.kind == "table" and c.source == m.source]
            name, about = TABLES_SV[m.source]
            counts = f"{about} Kolumner: {', '.join(_lower_first(c) if i else c for i, c in enumerate(columns))}."
            entries.append(Definition(m.source, "Ekonomi", name, counts, "tkr", source_sv(m), protection_sv(m)))
            continue
        entries.append(Definition(m.id, _area(m), m.label_sv, counts_sv(m), m.unit, source_sv(m), protection_sv(m)))
    return sorted(entries, key=lambda d: _AREA_ORDER.index(d.area))
