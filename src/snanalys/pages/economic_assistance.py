"""The economic-assistance page: households, kronor, persons by sex and reason, long-term."""

from __future__ import annotations

import html

import pandas as pd

from snanalys import charts, codes, socialstyrelsen, targets
from snanalys.kolada.extract import external_dir
from snanalys.measures.catalog import BY_ID
from snanalys.measures.facts import FOR_MONTH_PRELIMINARY_MONTHS, preliminary_for_month
from snanalys.measures.tables import cells, value
from snanalys.narrative import MONTHS_SV
from snanalys.pages import PageContext
from snanalys.pages.common import (
    five_year_cells,
    key_figure_sentence,
    key_figures_over_years,
    period_text,
    protected,
    public_value,
    section,
    trend_chart,
    year_label,
)
from snanalys.periods import calendar_month, tertial_alone, year_to_date
from snanalys.presentation import ROUNDED_FOOTNOTE_SV, format_decimal_sv, format_number
from snanalys.suppression import FOOTNOTE_SV, flag_counts
from snanalys.tables import html_table
from snanalys.trends import comparison_years

TITLE = "Ekonomiskt bistånd"

REASON_LABELS_SV = {
    "ARBETSLOS": "Arbetslöshet",
    "SJUKSKRIVEN": "Sjukskriven med läkarintyg",
    "SOCIALA_SKAL": "Sociala eller medicinska skäl utan läkarintyg",
    "FORALDRALEDIG": "Föräldraledighet",
    "OTILLRACKLIG_INKOMST": "Otillräcklig inkomst",
    "INTRODUKTION": "Etableringsinsatser/introduktion",
    "OVRIGT": "Övrigt",
}


def flagged_html(flagged, *, caption: str, row_header: str, unit: str) -> str:
    display = flagged.to_display(lambda value, column: format_number(value, unit))
    notes = ([FOOTNOTE_SV] if flagged.any_suppressed else []) + ([ROUNDED_FOOTNOTE_SV] if flagged.any_rounded else [])
    return html_table(display, caption=caption, row_header=row_header, footnotes=notes)


#: The overview's charts: (measures and their legend, title, y label, what the text alternative says)
OVERVIEW_CHARTS = (
    ({"eb_households": "Hushåll under perioden", "eb_households_per_month": "Hushåll i genomsnitt per månad"},
     "Hushåll med ekonomiskt bistånd", "hushåll", "antal hushåll med ekonomiskt bistånd"),
    ({"eb_kr_per_household": "Kronor per hushåll"}, "Ekonomiskt bistånd per hushåll", "kr/hushåll",
     "utbetalt ekonomiskt bistånd per hushåll"),
    ({"eb_kr_per_inhabitant": "Kronor per invånare"}, "Utbetalt ekonomiskt bistånd per invånare", "kr/invånare",
     "utbetalt ekonomiskt bistånd per invånare"),
)  # fmt: skip


def overview_section(ctx: PageContext) -> str:
    sentences = [
        key_figure_sentence(ctx, "eb_households", "Antalet hushåll med ekonomiskt bistånd"),
        key_figure_sentence(ctx, "eb_households_per_month", "Antalet hushåll i genomsnitt per månad"),
        key_figure_sentence(ctx, "eb_paid_kr", "Utbetalt ekonomiskt bistånd"),
        key_figure_sentence(ctx, "eb_kr_per_household", "Ekonomiskt bistånd per hushåll"),
    ]
    measures = [
        "eb_households",
        "eb_households_with_children",
        "eb_households_per_month",
        "eb_paid_kr",
        "eb_kr_per_household",
        "eb_persons",
        "eb_adults",
        "eb_children",
        "eb_kr_per_inhabitant",
        "eb_persons_share_of_inhabitants",
    ]
    body = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    body += key_figures_over_years(
        ctx, measures, f"Ekonomiskt bistånd, {period_text(ctx)} och samma period tidigare år"
    )
    for measures_shown, title, ylabel, subject in OVERVIEW_CHARTS:
        body += trend_chart(
            ctx,
            measures_shown,
            title=title,
            ylabel=ylabel,
            alt_subject=f"{subject}, samma period varje år",
            target=_reference_target(ctx, next(iter(measures_shown))),
        )
    body += basis_note(ctx) + scb_noise_note(ctx)
    return section("Hushåll och utbetalt bistånd", body, "oversikt")


def _reference_target(ctx: PageContext, measure: str) -> tuple[str, float] | None:
    """A "below the same period of year R" target (targets.toml) as a level: R's public value."""
    year = targets.reference_year(measure)
    if year is None:
        return None
    value, hidden = public_value(ctx, measure, year)
    if value is None or hidden:
        return None
    unit = BY_ID[measure].unit
    return (f"Mål: under {format_number(value, unit)} {unit} (samma period {year})", value)


def _per_month(ctx: PageContext, period) -> pd.Series:
    table = cells(ctx.data, period, ["eb_households_in_month"], by=["month"]).sort_values("month")
    return table["value"].reset_index(drop=True)


_MONTHLY_CAPTION = {
    "payment_date": "Unika hushåll med minst en utbetalning under månaden (utbetalningsdatum).",
    "for_month": "Unika hushåll med minst en utbetalning som avser månaden (den månad biståndet gäller för).",
}


def monthly_section(ctx: PageContext) -> str:
    """Households per month this year and last, and each 4-month tertial on its own."""
    this = _per_month(ctx, ctx.period)
    last = _per_month(ctx, ctx.period.same_period_last_year())
    months = [MONTHS_SV[m.month - 1][:3] for m in ctx.period.months()]
    monthly = pd.DataFrame({str(ctx.year - 1): last.to_numpy(), str(ctx.year): this.to_numpy()}, index=months)
    first_month = {label: m for label, m in zip(months, ctx.period.months())}

    def month_cells(row: str, column: str):  # the calendar month of that year (the report's cells)
        month = first_month[row].replace(year=int(column))
        return [("eb_households_in_month", calendar_month(month), "", "")]

    flagged = protected(ctx, flag_counts(monthly), month_cells)
    public = flagged.public_values()
    ceiling = targets.ceiling("eb_households_per_month")
    limit = None if ceiling is None else f"under {format_number(ceiling, 'hushåll')} hushåll i genomsnitt per månad"
    fig = charts.line_chart(
        public,
        title="Hushåll med utbetalning per månad",
        ylabel="hushåll",
        target=None if ceiling is None else (f"Mål: under {format_number(ceiling, 'hushåll')}", ceiling),
    )
    alt = "Linjediagram: hushåll med ekonomiskt bistånd per månad, " + "; ".join(
        f"{col}: " + ", ".join(f"{m} {format_number(v, 'hushåll')}" for m, v in public[col].items())
        for col in public.columns
    )
    alt += f"; streckad linje: nämndens mål, {limit}" if limit else ""
    chart = charts.figure_html(
        fig,
        alt=alt,
        caption=_MONTHLY_CAPTION[ctx.data.extract.counting_basis]
        + (f" Streckad linje: nämndens mål, {limit}." if limit else ""),
        table_html=flagged_html(flagged.transpose(), caption="Hushåll per månad", row_header="År", unit="hushåll"),
    )
    rows, hidden_any = {}, False
    names = {1: "T1 (jan–apr)", 2: "T2 (maj–aug)", 3: "T3 (sep–dec)"}
    for year in (ctx.year - 1, ctx.year):
        row = {}
        for tertial in range(1, ctx.tertial + 1):
            # a mean of four months would give away a hidden month: hide it with the month
            alone = tertial_alone(year, tertial)
            hidden = flagged.flags[str(year)].iloc[(tertial - 1) * 4 : tertial * 4].ne("").any()
            hidden = hidden or ctx.protection.hides("eb_households_per_month", alone)
            hidden_any |= bool(hidden)
            mean = value(ctx.data, alone, "eb_households_per_month")
            row[names[tertial]] = format_number(mean, "hushåll/månad", suppressed=bool(hidden))
        rows[str(year)] = row
    table = html_table(
        pd.DataFrame.from_dict(rows, orient="index"),
        caption="Hushåll i genomsnitt per månad, varje tertial för sig (fyra månader)",
        row_header="År",
        footnotes=["Genomsnittet av antalet hushåll med utbetalning i var och en av tertialens fyra månader."]
        + ([FOOTNOTE_SV] if hidden_any else []),
    )
    return section("Hushåll per månad", chart + table + basis_note(ctx), "per-manad")


def _split(ctx: PageContext, period, measure: str, by: str) -> dict[str, float]:
    """{dimension value: value} of a measure, and its total under "totalt"."""
    table = cells(ctx.data, period, [measure], by=[by])
    out = dict(zip(table[by].astype(str), table["value"]))
    out["totalt"] = value(ctx.data, period, measure)
    return out


def by_sex_section(ctx: PageContext) -> str:
    """Households by the applicant's legal sex and adults by their own, same period each year."""
    households, adults = {}, {}
    for year in comparison_years(ctx.data, ctx.year):
        period = year_to_date(year, ctx.tertial)
        by_sex = _split(ctx, period, "eb_households", "applicant_sex")
        households[year_label(ctx, year)] = {
            "Kvinnor": int(by_sex.get("K", 0)),
            "Män": int(by_sex.get("M", 0)),
            "Uppgift saknas": int(by_sex.get("okänt", 0)),
            "Totalt": int(by_sex["totalt"]),
        }
        by_sex = _split(ctx, period, "eb_adults", "sex")
        adults[year_label(ctx, year)] = {
            "Kvinnor": int(by_sex.get("K", 0)),
            "Män": int(by_sex.get("M", 0)),
            "Totalt": int(by_sex["totalt"]),
        }
    sexes = {"Kvinnor": "K", "Män": "M", "Uppgift saknas": "okänt"}
    households_table = flagged_html(
        protected(
            ctx,
            flag_counts(pd.DataFrame.from_dict(households, orient="index"), row_total="Totalt"),
            five_year_cells(ctx, "eb_households", "applicant_sex", sexes),
        ),
        caption="Hushåll efter den sökandes juridiska kön",
        row_header="Period",
        unit="hushåll",
    )
    adults_table = flagged_html(
        protected(
            ctx,
            flag_counts(pd.DataFrame.from_dict(adults, orient="index"), row_total="Totalt"),
            five_year_cells(ctx, "eb_adults", "sex", sexes),
        ),
        caption="Vuxna biståndsmottagare efter juridiskt kön",
        row_header="Period",
        unit="personer",
    )
    by_reason_and_sex = cells(ctx.data, ctx.period, ["eb_adults_by_reason"], by=["reason", "sex"])
    totals = cells(ctx.data, ctx.period, ["eb_adults_by_reason"], by=["reason"]).set_index("reason")["value"]
    reasons = by_reason_and_sex.pivot(index="reason", columns="sex", values="value")
    reasons = reasons.reindex(index=list(codes.REASONS), columns=list(codes.LEGAL_SEXES)).fillna(0).astype(int)
    reasons["totalt"] = totals.reindex(reasons.index).fillna(0).astype(int)
    reason_of = {REASON_LABELS_SV[r]: r for r in reasons.index}
    reasons.index = [REASON_LABELS_SV[r] for r in reasons.index]
    reasons.columns = ["Kvinnor", "Män", "Totalt"]

    def reason_cells(row: str, column: str):
        reason = reason_of[row]
        if column == "Totalt":
            return [("eb_adults_by_reason", ctx.period, "reason", reason)]
        return [("eb_adults_by_reason", ctx.period, "reason × sex", f"{reason} × {sexes[column]}")]

    reasons_table = flagged_html(
        protected(ctx, flag_counts(reasons, row_total="Totalt"), reason_cells),
        caption=f"Vuxna efter försörjningshinder och juridiskt kön, {period_text(ctx)}",
        row_header="Försörjningshinder",
        unit="personer",
    )
    sentence = key_figure_sentence(ctx, "eb_adults_unemployed", "Antalet vuxna med bistånd på grund av arbetslöshet")
    note = (
        "<p class='footnote'>En vuxen vars försörjningshinder ändrats under perioden räknas under vart och ett, "
        "så raderna kan summera till fler än antalet vuxna.</p>"
    )
    return section(
        "Kvinnor och män",
        households_table
        + adults_table
        + f"<p>{html.escape(sentence)}</p>"
        + unemployment_chart(ctx)
        + reasons_table
        + note,
        "kon",
    )


def _reduction_target(ctx: PageContext, measure: str) -> tuple[str, dict[int, float]] | None:
    """A "reduce by a share" target (targets.toml) as its path from the baseline year's public value."""
    indicator = targets.reduction_target(measure)
    if indicator is None:
        return None
    baseline, hidden = public_value(ctx, measure, indicator.baseline_year)
    if baseline is None or hidden:
        return None
    path = targets.reduction_path(measure, baseline)
    share = format_decimal_sv(indicator.reduction * 100, 0)
    return (f"Mål: {share} % färre {indicator.target_year} än {indicator.baseline_year}", path)


def unemployment_chart(ctx: PageContext) -> str:
    """Adults with unemployment among their reasons, the same period each year, against the target's path."""
    measure = "eb_adults_unemployed"
    return trend_chart(
        ctx,
        {measure: "Vuxna med bistånd på grund av arbetslöshet"},
        title="Vuxna med ekonomiskt bistånd på grund av arbetslöshet",
        ylabel="personer",
        alt_subject="vuxna med ekonomiskt bistånd på grund av arbetslöshet, samma period varje år",
        target=_reduction_target(ctx, measure),
    )


def long_term_section(ctx: PageContext) -> str:
    """Long-term assistance: defined for full calendar years only (Kolada N31814)."""
    years = [y for y in comparison_years(ctx.data, ctx.year) if y < ctx.year or ctx.tertial == 3]
    rows, shares = {}, {}
    for year in years:
        table = cells(
            ctx.data, year_to_date(year, 3), ["eb_adults_long_term", "eb_adult_recipients_year", "eb_long_term_share"]
        ).set_index("measure")["value"]
        rows[str(year)] = {
            "Långvarigt (10–12 mån)": int(table["eb_adults_long_term"]),
            "Alla vuxna mottagare": int(table["eb_adult_recipients_year"]),
        }
        shares[str(year)] = table["eb_long_term_share"]
    frame = pd.DataFrame.from_dict(rows, orient="index")
    measure_of = {"Långvarigt (10–12 mån)": "eb_adults_long_term", "Alla vuxna mottagare": "eb_adult_recipients_year"}
    flagged = protected(
        ctx,
        flag_counts(frame),
        lambda row, column: [(measure_of[column], year_to_date(int(row), 3), "", "")],
    )
    display = flagged.to_display(lambda value, column: format_number(value, "personer"))
    # the share of a hidden or rounded count would give it back: hidden with it
    display["Andel långvarigt"] = [
        "X"
        if flagged.flags.loc[year].ne("").any()
        or ctx.protection.hides("eb_long_term_share", year_to_date(int(year), 3))
        else format_number(shares[year], "procent")
        for year in frame.index
    ]
    note = (
        "Långvarigt bistånd: vuxna (18+) med bistånd 10–12 månader under kalenderåret, som andel av alla vuxna "
        "mottagare samma år (Kolada N31814). Redovisas bara för hela kalenderår"
        + ("; innevarande år redovisas i helårsrapporten." if ctx.tertial != 3 else ".")
    )
    return section(
        "Långvarigt ekonomiskt bistånd",
        html_table(
            display,
            caption="Långvarigt ekonomiskt bistånd, helår",
            row_header="År",
            footnotes=[note]
            + ([FOOTNOTE_SV] if flagged.any_suppressed or "X" in display["Andel långvarigt"].tolist() else [])
            + ([ROUNDED_FOOTNOTE_SV] if flagged.any_rounded else []),
        ),
        "langvarigt",
    )


#: How each counting basis is said on the pages (the municipality's setting, data/raw/README.md).
BASIS_SV = {
    "payment_date": "efter utbetalningsdatum (kassamässigt): ett hushåll räknas i den månad biståndet betalas ut",
    "for_month": (
        "efter den kalendermånad biståndet avser, som Socialstyrelsens statistik (HSLF-FS 2015:30, 3 §): "
        "ett hushåll räknas i den månad biståndet gäller för, också om det betalas ut senare"
    ),
}
OFFICIAL_MARKS_SV = "X = sekretess och -- = uppgift saknas i Socialstyrelsens statistik (visas aldrig som noll)."


def basis_note(ctx: PageContext) -> str:
    """The sentence that says which counting basis the page's households use."""
    basis = ctx.data.extract.counting_basis
    note = f"Hushållen räknas {BASIS_SV[basis]}."
    if basis == "for_month":
        note += (
            f" De senaste månaderna är preliminära tills biståndet för dem betalats ut "
            f"(en månad räknas som slutlig när uppgifterna når {_months_sv(FOR_MONTH_PRELIMINARY_MONTHS)} efter den)."
        )
        pending = [m for m in ctx.period.months() if preliminary_for_month(m, ctx.data.extract.covered_through)]
        if pending:
            note += " Preliminära i denna rapport: " + ", ".join(_month_label(m) for m in pending) + "."
    return f"<p class='footnote'>{html.escape(note)}</p>"


def _months_sv(n: int) -> str:
    return {1: "en månad", 2: "två månader", 3: "tre månader"}.get(n, f"{n} månader")


def _month_label(month) -> str:
    return f"{MONTHS_SV[month.month - 1][:3]} {month.year}"


def _official_display(row) -> str:
    return row["mark"] if row["mark"] else format_number(row["households"], "hushåll")


def official_section(ctx: PageContext, external=None) -> str:
    """Socialstyrelsen's official monthly households beside the municipality's own, both by the
    month the assistance is for; for the synthetic sample, a real official series in its own chart."""
    external = external_dir(ctx.data.directory) if external is None else external
    months = list(ctx.period.months())
    code = ctx.data.extract.municipality_code
    official = socialstyrelsen.shown_series(external, code, ctx.synthetic, months)
    source = (
        "Källa: Socialstyrelsens statistikdatabas, ekonomiskt bistånd per månad (hushåll, summa över "
        "hushållens ursprung; en månad där en del är markerad har ingen summa). " + OFFICIAL_MARKS_SV
    )
    if ctx.synthetic:
        return section("Officiell statistik per månad", _example_series(official, source), "officiell-statistik")
    return section(
        "Officiell statistik per månad", _own_beside_official(ctx, months, official, source), "officiell-statistik"
    )


def _example_series(official: pd.DataFrame, source: str) -> str:
    """The sample: Nyköping's real official months alone, and why (real and synthetic never share a chart)."""
    why = (
        "Exempelkommunens uppgifter är syntetiska: Socialstyrelsens statistik för samma månader kan inte finnas, "
        "och verkliga och syntetiska uppgifter visas aldrig i samma diagram. Som exempel på avsnittet visas i "
        "stället den officiella statistiken för Nyköpings kommun (kommunkod 0480), i ett eget diagram."
    )
    if official.empty:
        return f"<p>{html.escape(why)}</p><p>Socialstyrelsens statistik finns inte i underlaget.</p>"
    index = [_month_label(pd.Timestamp(year=y, month=m, day=1)) for y, m in zip(official["year"], official["month"])]
    values = pd.DataFrame({"Socialstyrelsen, Nyköping": official["households"].to_numpy()}, index=index)
    display = pd.DataFrame({"Hushåll": [_official_display(r) for _, r in official.iterrows()]}, index=index)
    fig = charts.line_chart(values, title="Hushåll per månad, Nyköping (officiell statistik)", ylabel="hushåll")
    alt = (
        "Linjediagram: Socialstyrelsens officiella statistik, hushåll med ekonomiskt bistånd per månad i Nyköping: "
        + ", ".join(f"{label} {text}" for label, text in zip(index, display["Hushåll"]))
    )
    chart = charts.figure_html(
        fig,
        alt=alt,
        caption="Hushåll med ekonomiskt bistånd per månad efter den månad biståndet avser, Nyköping. "
        "Månader med X eller -- saknar värde i diagrammet.",
        table_html=html_table(
            display, caption="Officiell statistik per månad, Nyköping", row_header="Månad", footnotes=[source]
        ),
    )
    return f"<p>{html.escape(why)}</p>" + chart


def own_for_month_measure(counting_basis: str) -> str:
    """The measure of the own households per month beside the official ones: on the basis of the month
    paid for, the monthly section's own (the same numbers: one cell each, not two unlinked ones)."""
    return "eb_households_in_month" if counting_basis == "for_month" else "eb_households_for_month"


def _own_beside_official(ctx: PageContext, months: list, official: pd.DataFrame, source: str) -> str:
    """Real data: own households by the month the assistance is for beside the official figures, the
    difference flagged above the limit; an own month the statistics mark X is hidden too (the own total
    less the official parts shown would give their hidden part back)."""
    measure = own_for_month_measure(ctx.data.extract.counting_basis)
    own = cells(ctx.data, ctx.period, [measure], by=["month"]).sort_values("month")["value"]
    labels = [_month_label(m) for m in months]
    of_month = dict(zip(labels, months))
    by_month = {(int(y), int(m)): r for (_, r), y, m in zip(official.iterrows(), official["year"], official["month"])}
    frame = pd.DataFrame({"Egna uppgifter": own.to_numpy()}, index=labels)

    def own_cells(row: str, column: str):
        return [(measure, calendar_month(of_month[row]), "", "")]

    flagged = protected(ctx, flag_counts(frame), own_cells)
    flags = flagged.flags.copy()
    for label, month in of_month.items():
        if (
            by_month.get((month.year, month.month), {"mark": ""})["mark"] == "X"
            and flags.at[label, "Egna uppgifter"] == ""
        ):
            flags.at[label, "Egna uppgifter"] = "secondary"
    flagged = type(flagged)(flagged.values, flags)
    shown = flagged.to_display(lambda v, column: format_number(v, "hushåll"))["Egna uppgifter"]
    public = flagged.public_values()["Egna uppgifter"]
    limit = socialstyrelsen.DIFFERENCE_LIMIT_PCT
    rows, official_values, preliminary_any = {}, [], False
    for label, month in of_month.items():
        row = by_month.get((month.year, month.month))
        official_text = "ingen uppgift ännu" if row is None else _official_display(row)
        official_value = float("nan") if row is None or row["mark"] else float(row["households"])
        official_values.append(official_value)
        own_value = public[label]
        flag = ""
        if pd.notna(own_value) and pd.notna(official_value) and official_value > 0:
            change = (own_value - official_value) / official_value * 100
            if abs(change) > limit:
                flag = f"mer än {format_number(limit, 'procent')} {'högre' if change > 0 else 'lägre'}"
        preliminary = preliminary_for_month(month, ctx.data.extract.covered_through)
        preliminary_any |= preliminary
        name = label + (" (preliminär)" if preliminary else "")
        rows[name] = {"Egna uppgifter": shown[label], "Socialstyrelsen": official_text, "Skillnad": flag}
    display = pd.DataFrame.from_dict(rows, orient="index")
    notes = [
        "Egna uppgifter: unika hushåll med minst en positiv utbetalning som avser månaden, oavsett när den "
        "betalades ut (Socialstyrelsens räknegrund, HSLF-FS 2015:30, 3 §). Skillnad markeras när de egna "
        f"uppgifterna avviker mer än {format_number(limit, 'procent')} från Socialstyrelsens.",
        source,
    ]
    if preliminary_any:
        notes.append(
            f"Preliminär: biståndet för månaden kan ännu betalas ut; en månad är slutlig när uppgifterna når "
            f"{_months_sv(FOR_MONTH_PRELIMINARY_MONTHS)} efter den."
        )
    if flagged.any_suppressed:
        notes.append(FOOTNOTE_SV)
    if flagged.any_rounded:
        notes.append(ROUNDED_FOOTNOTE_SV)
    table = html_table(
        display, caption="Egna uppgifter och Socialstyrelsens statistik per månad", row_header="Månad", footnotes=notes
    )
    both = pd.DataFrame(
        {"Egna uppgifter": public.to_numpy(dtype=float), "Socialstyrelsen": official_values}, index=labels
    )
    if official.empty:
        intro = (
            "Socialstyrelsens statistik för periodens månader finns ännu inte i underlaget "
            "(hämtas med snanalys external update); de egna uppgifterna visas ensamma."
        )
        both = both[["Egna uppgifter"]]
    else:
        intro = "De egna uppgifterna räknas här på samma sätt som Socialstyrelsens statistik, efter den månad biståndet avser."
    fig = charts.line_chart(both, title="Hushåll per månad: egna uppgifter och Socialstyrelsen", ylabel="hushåll")
    alt = "Linjediagram: hushåll med ekonomiskt bistånd per månad efter den månad biståndet avser; " + "; ".join(
        f"{name}: egna {r['Egna uppgifter']}, Socialstyrelsen {r['Socialstyrelsen']}" for name, r in rows.items()
    )
    chart = charts.figure_html(
        fig,
        alt=alt,
        caption="Hushåll per månad efter den månad biståndet avser. Dolda och markerade månader saknar värde i diagrammet.",
        table_html=table,
    )
    return f"<p>{html.escape(intro)}</p>" + chart


#: From reference year 2025 SCB protects its population statistics with the cell-key method.
SCB_NOISE_FROM = 2025


def scb_noise_note(ctx: PageContext) -> str:
    """A footnote where the per-inhabitant figures shown rest on SCB's population from 2025 on (noise
    added by the cell-key method: parts need not add up to totals); nothing where none does."""
    years = [
        y
        for y in comparison_years(ctx.data, ctx.year)
        if y >= SCB_NOISE_FROM and value(ctx.data, year_to_date(y, ctx.tertial), "population") is not None
    ]
    if not years:
        return ""
    which = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    note = (
        f"Kronor per invånare och andel av invånarna för {which} bygger på SCB:s befolkningsstatistik, som från "
        f"referensåret {SCB_NOISE_FROM} skyddas med ett litet slumpmässigt brus (cell-key-metoden): delar behöver "
        "inte summera till totalen, och talen kan skilja sig något från ett exakt invånarantal."
    )
    return f"<p class='footnote'>{html.escape(note)}</p>"
