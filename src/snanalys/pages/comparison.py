"""The comparison page: the municipality against similar municipalities and the country.

Every series on the page is Kolada's — the municipality's own included — so real and
synthetic figures never share a chart. For the synthetic sample the municipality's
series are Nyköping's (0480) real public figures, labelled as such.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from snanalys import charts
from snanalys.kolada import extract as kolada
from snanalys.memo import Memo, folder_state
from snanalys.metrics import economic_assistance as eb
from snanalys.pages import PageContext
from snanalys.pages.common import section
from snanalys.periods import year_to_date
from snanalys.presentation import format_decimal_sv, format_percent, is_missing
from snanalys.tables import html_table
from snanalys.trends import comparison_years

TITLE = "Jämförelser"
KPIS = [
    ("N31807", 1, "procent"),
    ("N31814", 1, "procent"),
    ("N31816", 1, "procent"),
    ("N31849", 0, "kr"),
    ("N31857_per_inv", 0, "kr"),
    ("N33816", 1, "per 1000"),
    ("N33817", 1, "per 1000"),
    ("N33802", 1, "procent"),
]


def external_dir(ctx: PageContext) -> Path:
    """``data/external`` beside the data; the project's own copy when the data folder has none."""
    beside = ctx.data.directory.parent.parent / "external"
    if (beside / kolada.VALUES_FILE).exists():
        return beside
    return Path(__file__).resolve().parents[3] / "data" / "external"


@dataclass(frozen=True)
class _Extract:
    """The shipped Kolada extract as the page uses it: the values split by KPI."""

    by_kpi: dict[str, pd.DataFrame]
    geos: frozenset[str]
    catalog: pd.DataFrame
    names: dict[str, str]


_EXTRACTS = Memo(2)


def _extract(folder: Path) -> _Extract:
    """Read and split once per process and folder state: every report's page reads the same
    extract, and a county run makes many reports in one kernel."""

    def read() -> _Extract:
        all_values = kolada.values(folder)
        by_kpi = {str(kpi): rows for kpi, rows in all_values.groupby("kpi", sort=False)}
        # kr per inhabitant: paid (N31857) × 1 000 / inhabitants (N01951) of the same geo and year
        paid = by_kpi.get("N31857", all_values.iloc[:0]).copy()
        population = by_kpi.get("N01951", all_values.iloc[:0]).set_index(["geo", "year"])["value"]
        paid["value"] = paid["value"] * 1000 / paid.set_index(["geo", "year"]).index.map(population)
        paid["kpi"] = "N31857_per_inv"
        by_kpi["N31857_per_inv"] = paid
        return _Extract(by_kpi, frozenset(all_values["geo"]), kolada.catalog(folder), kolada.municipality_names(folder))

    return _EXTRACTS.get(folder_state(folder), read)


def _rows(extract: _Extract, kpi: str) -> pd.DataFrame:
    """The extract's rows of one KPI (none, with the same columns, for a KPI it lacks)."""
    return extract.by_kpi.get(kpi, extract.by_kpi["N31857_per_inv"].iloc[:0])


def _series(ctx: PageContext, extract: _Extract, kpi: str, peers: list[str]) -> pd.DataFrame:
    return kolada.comparison(_rows(extract, kpi), kpi, ctx.data.extract.municipality_code, peers)


def kolada_section(ctx: PageContext) -> str:
    extract = _extract(external_dir(ctx))
    catalog, names = extract.catalog, extract.names
    code = ctx.data.extract.municipality_code
    own_name = names.get(code, code)
    if code not in extract.geos:
        text = (
            f"Kolada-extraktet i data/external har inga uppgifter för kommunkod {code}, så jämförelsen kan inte "
            "visas. Hämta kommunens värden med Kolada-klienten eller komplettera extraktet."
        )
        return section("Kolada: kommunen, liknande kommuner och riket", f"<p>{html.escape(text)}</p>", "kolada")
    peers = kolada.similar_size_peers(_rows(extract, "N01951"), code)
    intro = (
        f"Diagrammen jämför {own_name} ({code}) med medianen för de sex kommuner som är närmast i folkmängd "
        f"({', '.join(names.get(p, p) for p in peers)}) och med riket. Alla serier är Kolada-data (verkliga "
        "offentliga uppgifter), även kommunens egen."
    )
    if ctx.synthetic:
        intro += (
            f" Rapporten i övrigt bygger på syntetiska exempeldata; här visas i stället de verkliga offentliga "
            f"uppgifterna för kommunkod {code} ({own_name}), så att verkliga och syntetiska tal aldrig står i samma "
            "diagram."
        )
    body = f"<p>{html.escape(intro)}</p>"
    for kpi, decimals, unit in KPIS:
        series = _series(ctx, extract, kpi, peers)
        if kpi == "N31857_per_inv":
            title = "Utbetalt ekonomiskt bistånd, kr/invånare"
            published = catalog.loc["N31857", "publication_date"]
            note = "Beräknat som N31857 × 1 000 / N01951 (invånare)."
        else:
            title = str(catalog.loc[kpi, "title"])
            published = catalog.loc[kpi, "publication_date"]
            note = ""
        data = series[["municipality", "peers_median", "country"]].rename(
            columns={"municipality": own_name, "peers_median": "Liknande kommuner (median)", "country": "Riket"}
        )
        fig = charts.line_chart(data, title="", ylabel=unit, decimals=decimals)  # the h3 above names it
        points = "; ".join(
            f"{col}: " + ", ".join(f"{y} {_fmt(v, decimals, unit)}" for y, v in data[col].items() if not is_missing(v))
            for col in data.columns
        )
        table = html_table(
            data.map(lambda v: _fmt(v, decimals, unit)), caption=title, row_header="År",
            footnotes=["– = uppgift saknas i Kolada."],
        )
        caption = (
            f"{title} ({kpi.split('_')[0]}). {kolada.SOURCE_SV}; senaste publicering enligt Kolada "
            f"{published if isinstance(published, str) else 'okänd'}. Uppgifterna avser hela befolkningen, inte "
            f"uppdelat på kön (extraktet saknar könsuppdelning). {note}"
        )
        body += f"<h3>{html.escape(title)}</h3>" + charts.figure_html(
            fig, alt=f"Linjediagram: {title}. {points}.", caption=caption, table_html=table
        )
    return section("Kolada: kommunen, liknande kommuner och riket", body, "kolada")


def _fmt(value, decimals: int, unit: str = "") -> str:
    if is_missing(value):
        return "–"
    return format_percent(value, decimals) if unit == "procent" else format_decimal_sv(value, decimals)


def indicators_section(ctx: PageContext) -> str:
    """The committee's indicator rows; each row's values come from one named source."""
    years = [y for y in comparison_years(ctx.data, ctx.year) if y < ctx.year or ctx.tertial == 3]
    source = "Egen beräkning" + (" (syntetiska exempeldata)" if ctx.synthetic else "")
    rows = {}
    share, long_term = {}, {}
    for year in years:
        period = year_to_date(year, 3)
        persons = int(eb.persons(ctx.data.payments, ctx.data.members, period)["totalt"].sum())
        population = ctx.data.population
        inhabitants = int(population.loc[population["year"] == year, "inhabitants"].sum())
        share[year] = 100 * persons / inhabitants if inhabitants and persons >= 5 else None
        lt, adults = eb.long_term_adults(ctx.data.payments, ctx.data.members, year)
        long_term[year] = 100 * lt / adults if adults >= 5 and (lt == 0 or lt >= 5) else None
    rows["Invånare med ekonomiskt bistånd, andel (%) (jfr Kolada N31807)"] = {
        **{str(y): _pct(v) for y, v in share.items()}, "Källa": source}
    rows["Vuxna med långvarigt ekonomiskt bistånd, andel (%) av vuxna mottagare (jfr Kolada N31814)"] = {
        **{str(y): _pct(v) for y, v in long_term.items()}, "Källa": source}
    table = html_table(
        pd.DataFrame.from_dict(rows, orient="index"),
        caption="Nämndens indikatorer, helår",
        row_header="Indikator",
        footnotes=[
            "Varje rad hämtar alla sina värden från en och samma källa. Projektets egna beräkningar används där "
            "indikatorn kan räknas fram ur underlaget; Kolada används bara där den inte kan det."
            + (" För exempeldata visas bara egna beräkningar, så att verkliga och syntetiska värden aldrig står "
               "på samma rad." if ctx.synthetic else "")
        ],
    )
    return section("Nämndens indikatorer", table, "indikatorer")


def _pct(value) -> str:
    return "–" if value is None else format_percent(value)
