"""The page "Definitioner och metod" (the PDF's appendix): how the report counts, from the declarations.

Every entry of the measures section is :func:`snanalys.measures.definitions.definitions`, built
from the measure catalog; the method section's rules quote the constants the code counts by
(the suppression threshold, the targets' rules), so the page cannot say one thing while the
figures do another.
"""

from __future__ import annotations

import html
from itertools import groupby

from snanalys import targets
from snanalys.measures.definitions import definitions
from snanalys.pages import PageContext
from snanalys.pages.common import section
from snanalys.presentation import ROUNDED_FOOTNOTE_SV
from snanalys.suppression import FOOTNOTE_SV, MIN_COUNT

TITLE = "Definitioner och metod"


def _paragraphs(items: list[tuple[str, str]]) -> str:
    return "".join(f"<h3>{html.escape(h)}</h3><p>{html.escape(t)}</p>" for h, t in items)


#: The economic-assistance rule by the municipality's counting basis (``raknegrund`` in uttag.json).
_COUNTING_BASIS_SV = {
    "payment_date": "Ett hushåll räknas under perioden om det har minst en utbetalning daterad under perioden, "
    "oavsett hur många. En rättelse eller återbetalning är en negativ utbetalning, inte ett nytt hushåll. "
    "Socialstyrelsens officiella statistik räknar i stället efter den kalendermånad biståndet avser "
    "(HSLF-FS 2015:30, 3 §), så kommunens egna tal och den officiella statistiken kan skilja sig något; "
    "jämförelsen med den räknar de egna hushållen på samma sätt.",
    "for_month": "Ett hushåll räknas under perioden om det har minst en utbetalning som avser en månad i perioden, "
    "oavsett när den betalades ut, som Socialstyrelsens officiella statistik räknar (HSLF-FS 2015:30, 3 §). "
    "En rättelse eller återbetalning är en negativ utbetalning, inte ett nytt hushåll. Periodens sista "
    "månader är preliminära tills biståndet för dem betalats ut.",
}


def method_section(ctx: PageContext) -> str:
    """Periods, counting bases, care days, the protection of small numbers and the targets' rules."""
    items = [
        (
            "Perioder",
            "Tertial 1 avser januari–april, tertial 2 januari–augusti och tertial 3 hela året. Alla värden är "
            "ackumulerade från årets början och jämförs med samma period tidigare år.",
        ),
        (
            "Ekonomiskt bistånd",
            _COUNTING_BASIS_SV[ctx.data.extract.counting_basis],
        ),
        (
            "Vårddygn och kostnad per vårddygn",
            "Ett vårddygn är en kalenderdag i placering: från inskrivningsdagen till dagen före utskrivningsdagen; "
            "en placering som börjar och slutar samma dag ger ett vårddygn. En pågående placering räknas till och "
            "med periodens sista dag. Vårddygnen räknas inom perioden, så att perioder som följer på varandra kan "
            "läggas ihop. Kostnaden per vårddygn är kostnaden för den vård som gavs under perioden (efter den månad "
            "vården avsåg, inte bokföringsdagen) delad med vårddygnen under perioden.",
        ),
        (
            "Skydd av små tal",
            f"Rapporten är en allmän handling och får inte göra det möjligt att identifiera en person. {FOOTNOTE_SV} "
            f"Ett medelvärde eller en andel som bygger på färre än {MIN_COUNT} visas inte heller. Skyddet väljs för "
            "hela rapporten på en gång och tar hänsyn till det som tidigare rapporter samma år har publicerat, så "
            f"att ingen skillnad mellan två rapporter avslöjar 1–{MIN_COUNT - 1} personer. {ROUNDED_FOOTNOTE_SV}",
        ),
    ]
    if ctx.synthetic:
        items.insert(0, ("Exempeldata", "Rapporten bygger på syntetiska exempeldata – inga verkliga personer."))
    rules = "".join(
        f"<li><strong>{html.escape(i.title)}</strong>: {html.escape(targets.rule_text_sv(i))}</li>"
        for goal in targets.load_goals()
        for i in goal.indicators
    )
    body = _paragraphs(items) + (
        "<h3>Mål och färger</h3><p>Grön = målet nås, gul = nära målet, röd = längre från målet; symbolen "
        f"visar samma sak i svartvitt.</p><ul>{rules}</ul>"
    )
    return section("Metod", body, "metod")


def measures_section(ctx: PageContext) -> str:
    """Each figure the report shows: what it counts, its unit, source and protection."""
    parts = [
        "<p>Varje uppgift i rapporten, per område: vad den räknar, enhet, källa och när den visas som X. "
        "Varje uppgift visas dessutom som X där den annars skulle kunna räknas fram ur andra uppgifter i "
        "rapporten eller i rapporter som redan publicerats samma år (se Metod).</p>"
    ]
    for area, entries in groupby(definitions(), key=lambda d: d.area):
        items = "".join(
            f"<dt>{html.escape(d.label)}</dt><dd><p>{html.escape(d.counts)}</p><p class='definition-facts'>"
            + (f"Enhet: {html.escape(d.unit)} · " if d.unit else "")
            + f"Källa: {html.escape(d.source)} · Skydd: {html.escape(d.protection)}</p></dd>"
            for d in entries
        )
        parts.append(f"<h3>{html.escape(area)}</h3><dl class='definitions'>{items}</dl>")
    return section("Definitioner", "".join(parts), "definitioner")
