"""The comparison page: the municipality against similar municipalities and the country.

Every series on the page is Kolada's — the municipality's own included — so real and
synthetic figures never share a chart. For the synthetic sample the municipality's
series are Nyköping's (0480) real public figures, labelled as such.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from snanalys import charts
from snanalys.kolada import extract as kolada
from snanalys.measures.catalog import MEASURES
from snanalys.measures.tables import cells
from snanalys.pages import PageContext
from snanalys.pages.common import section
from snanalys.periods import year_to_date
from snanalys.presentation import SUPPRESSED_MARK, format_decimal_sv, format_percent, is_missing
from snanalys.suppression import FOOTNOTE_SV, MIN_COUNT
from snanalys.tables import html_table
from snanalys.trends import comparison_years

TITLE = "Jämförelser"
KOLADA_MEASURES = [m for m in MEASURES if m.kind == "table" and m.source == "kolada"]  # in the page's order


def external_dir(ctx: PageContext) -> Path:
    """``data/external`` beside the data; the project's own copy when the data folder has none."""
    return kolada.external_dir(ctx.data.directory)


def _extract(folder: Path, municipality: str) -> kolada.ComparisonExtract:
    return kolada.comparison_extract(folder, municipality)


def _rows(extract: kolada.ComparisonExtract, kpi: str) -> pd.DataFrame:
    return kolada.kpi_rows(extract, kpi)


def _series(ctx: PageContext, extract: kolada.ComparisonExtract, kpi: str, peers: list[str]) -> pd.DataFrame:
    return kolada.comparison(_rows(extract, kpi), kpi, ctx.data.extract.municipality_code, peers)


def peers_sentence(extract: kolada.ComparisonExtract, code: str) -> tuple[list[str], str]:
    """The peers and how the page names them (configured, Kolada's group, or nearest in population)."""
    chosen = kolada.peers(extract, code)
    listed = ", ".join(extract.names.get(p, p) for p in chosen.codes)
    if chosen.how == "configured":
        text = f"medianen för de jämförelsekommuner som är valda i {kolada.PEERS_FILE} ({listed})"
    elif chosen.how == "kolada_group":
        text = f"medianen för Koladas jämförelsegrupp ”{chosen.group_title}” ({listed})"
    else:
        text = f"medianen för de sex kommuner som är närmast i folkmängd ({listed})"
    return chosen.codes, text


def age_sentence(extract: kolada.ComparisonExtract, code: str) -> str:
    """How old the data is: the fetch date and the newest year, and whether some values are preliminary."""
    latest = kolada.latest_year(extract, code)
    newest = f"senaste år {latest}" if latest else "inga år med värden"
    if extract.fetched_on:
        text = f"Kolada-data hämtade {extract.fetched_on}, {newest}"
        if extract.preliminary:
            text += "; preliminära värden markerade (prel.)"
        return text + "."
    return f"Kolada-data ur projektets medföljande extrakt (hämtat ur Kolada {kolada.SHIPPED_PULLED}), {newest}."


def kolada_section(ctx: PageContext) -> str:
    code = ctx.data.extract.municipality_code
    extract = _extract(external_dir(ctx), code)
    catalog, names = extract.catalog, extract.names
    own_name = names.get(code, code)
    if code not in extract.geos:
        text = (
            f"Kolada-extraktet i data/external har inga uppgifter för kommunkod {code}, så jämförelsen kan inte "
            "visas. Hämta kommunens värden med kommandot snanalys external update."
        )
        return section("Kolada: kommunen, liknande kommuner och riket", f"<p>{html.escape(text)}</p>", "kolada")
    peers, peers_text = peers_sentence(extract, code)
    intro = (
        f"Diagrammen jämför {own_name} ({code}) med {peers_text} och med riket. Alla serier är Kolada-data "
        f"(verkliga offentliga uppgifter), även kommunens egen. {age_sentence(extract, code)}"
    )
    if ctx.synthetic:
        intro += (
            f" Rapporten i övrigt bygger på syntetiska exempeldata; här visas i stället de verkliga offentliga "
            f"uppgifterna för kommunkod {code} ({own_name}), så att verkliga och syntetiska tal aldrig står i samma "
            "diagram."
        )
    body = f"<p>{html.escape(intro)}</p>"
    for measure in KOLADA_MEASURES:
        kpi, decimals, unit = measure.column, measure.decimals, measure.unit
        series = _series(ctx, extract, kpi, peers)
        base_kpi = kpi.split("_")[0]
        if kpi == "N31857_per_inv":
            title = "Utbetalt ekonomiskt bistånd, kr/invånare"
            note = "Beräknat som N31857 × 1 000 / N01951 (invånare)."
        else:
            title = str(catalog.loc[kpi, "title"])
            note = ""
        published = catalog.loc[base_kpi, "publication_date"] if base_kpi in catalog.index else None
        prel_year = extract.preliminary.get(kpi)
        data = series[["municipality", "peers_median", "country"]].rename(
            columns={"municipality": own_name, "peers_median": "Liknande kommuner (median)", "country": "Riket"}
        )
        fig = charts.line_chart(data, title="", ylabel=unit, decimals=decimals)  # the h3 above names it
        points = "; ".join(
            f"{col}: " + ", ".join(f"{y} {_fmt(v, decimals, unit)}" for y, v in data[col].items() if not is_missing(v))
            for col in data.columns
        )
        shown = data.map(lambda v, d=decimals, u=unit: _fmt(v, d, u))
        footnotes = ["– = uppgift saknas i Kolada."]
        if prel_year in shown.index:
            shown.loc[prel_year] = [f"{v} prel." if v != "–" else v for v in shown.loc[prel_year]]
            footnotes.append(f"prel. = preliminärt värde; {prel_year} års värden är ännu inte slutliga i Kolada.")
        table = html_table(shown, caption=title, row_header="År", footnotes=footnotes)
        sexes = kolada.by_sex(extract, kpi, code)
        sexes = sexes.loc[sexes.index.isin(series.index)]
        if sexes.empty:
            split = "Kolada redovisar inte nyckeltalet uppdelat på kön."
        else:
            split = "Uppdelningen på kvinnor och män står i tabellen under diagrammet."
        caption = (
            f"{title} ({base_kpi}). {kolada.SOURCE_SV}; senaste publicering enligt Kolada "
            f"{published if isinstance(published, str) else 'okänd'}. {split} {note}"
        ).strip()
        body += f"<h3>{html.escape(title)}</h3>" + charts.figure_html(
            fig, alt=f"Linjediagram: {title}. {points}.", caption=caption, table_html=table
        )
        if not sexes.empty:
            labels = {
                f"{who}_{sex}": f"{where}, {label.lower()}"
                for who, where in (("municipality", own_name), ("country", "Riket"))
                for sex, label in kolada.SEXES.items()
            }
            body += html_table(
                sexes.rename(columns=labels).map(lambda v, d=decimals, u=unit: _fmt(v, d, u)),
                caption=f"{title}, efter kön",
                row_header="År",
                footnotes=["– = uppgift saknas i Kolada. Kön enligt Kolada (juridiskt kön)."],
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
        table = cells(
            ctx.data,
            year_to_date(year, 3),
            ["eb_persons_share_of_inhabitants", "eb_long_term_share", "eb_adults_long_term"],
        ).set_index("measure")
        persons = table.loc["eb_persons_share_of_inhabitants", "base"]
        share[year] = table.loc["eb_persons_share_of_inhabitants", "value"] if persons >= MIN_COUNT else None
        long_term_adults, adults = table.loc["eb_adults_long_term", "value"], table.loc["eb_long_term_share", "base"]
        shown = adults >= MIN_COUNT and (long_term_adults == 0 or long_term_adults >= MIN_COUNT)
        long_term[year] = table.loc["eb_long_term_share", "value"] if shown else None
        # and X wherever the report's protection hides the share (chosen over the whole report)
        for measure, values in (("eb_persons_share_of_inhabitants", share), ("eb_long_term_share", long_term)):
            if ctx.protection.hides(measure, year_to_date(year, 3)):
                values[year] = SUPPRESSED_MARK
    rows["Invånare med ekonomiskt bistånd, andel (%) (jfr Kolada N31807)"] = {
        **{str(y): _pct(v) for y, v in share.items()},
        "Källa": source,
    }
    rows["Vuxna med långvarigt ekonomiskt bistånd, andel (%) av vuxna mottagare (jfr Kolada N31814)"] = {
        **{str(y): _pct(v) for y, v in long_term.items()},
        "Källa": source,
    }
    any_hidden = SUPPRESSED_MARK in [*share.values(), *long_term.values()]
    table = html_table(
        pd.DataFrame.from_dict(rows, orient="index"),
        caption="Nämndens indikatorer, helår",
        row_header="Indikator",
        footnotes=[
            "Varje rad hämtar alla sina värden från en och samma källa. Projektets egna beräkningar används där "
            "indikatorn kan räknas fram ur underlaget; Kolada används bara där den inte kan det."
            + (
                " För exempeldata visas bara egna beräkningar, så att verkliga och syntetiska värden aldrig står "
                "på samma rad."
                if ctx.synthetic
                else ""
            )
        ]
        + ([FOOTNOTE_SV] if any_hidden else []),
    )
    return section("Nämndens indikatorer", table, "indikatorer")


def _pct(value) -> str:
    if isinstance(value, str):  # the mark of a hidden value
        return value
    return "–" if is_missing(value) else format_percent(value)
