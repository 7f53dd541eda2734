"""The economy page: the committee's result, the volume-driven costs, forecasts and drivers."""

from __future__ import annotations

import html

import pandas as pd

from snanalys import charts
from snanalys.economy.figures import area_costs, committee_result, source_tables, table_values, three_year_outlook
from snanalys.economy.forecast import METHOD_LABELS_SV
from snanalys.economy.ledger import account_group_table
from snanalys.economy.three_year import input_years
from snanalys.measures.catalog import BY_ID
from snanalys.narrative import MONTHS_SV, uncertain_forecasts_sentence
from snanalys.pages import PageContext
from snanalys.pages.common import period_text, section
from snanalys.periods import year_to_date
from snanalys.presentation import SUPPRESSED_MARK, format_decimal_sv, format_percent, format_tkr, is_missing
from snanalys.suppression import FOOTNOTE_SV, is_small_count
from snanalys.tables import html_table

TITLE = "Ekonomi"
SIGN_NOTE = (
    "Belopp i tusentals kronor (tkr). Kostnader är negativa och intäkter positiva, som i kommunens egna tabeller; "
    "en positiv avvikelse betyder att utfallet är bättre än budget. Periodens budget är månader/12 av årsbudgeten."
)


def _declared(tables: dict, measure_ids: list[str], index) -> pd.DataFrame:
    """Declared table measures side by side (columns by their Swedish labels), rows by key or ``index``."""
    frame = pd.DataFrame({BY_ID[m].label_sv: table_values(tables, BY_ID[m]) for m in measure_ids})
    if index is not None:
        frame.index = index
    return frame


def _tkr(value) -> str:
    return "–" if is_missing(value) else format_tkr(value)


def _method(row) -> str:
    label = METHOD_LABELS_SV.get(row["forecast_method"], row["forecast_method"])
    error = row["backtest_error"]
    if row["forecast_method"] == "outcome":
        return label
    if is_missing(error):
        return f"{label}; ingen jämförelse bakåt möjlig"
    return f"{label}; fel bakåt {format_percent(100 * error)}"


#: The cost table's columns and the declared measures they print (one cell per area and column).
COST_MEASURES = {
    "budget_period": "cost_budget_tkr",
    "outcome_period": "cost_outcome_tkr",
    "deviation": "cost_deviation_tkr",
    "budget_year": "cost_budget_year_tkr",
    "forecast": "cost_forecast_tkr",
    "forecast_low": "cost_forecast_low_tkr",
    "forecast_high": "cost_forecast_high_tkr",
    "forecast_deviation": "cost_forecast_deviation_tkr",
    "outcome_last_year_period": "cost_outcome_last_year_tkr",
    "volume": "cost_volume",
    "volume_forecast": "cost_volume_forecast",
    "volume_forecast_low": "cost_volume_forecast_low",
    "volume_forecast_high": "cost_volume_forecast_high",
    "volume_last_year": "cost_volume_last_year",
    "price": "cost_price",
    "price_last_year": "cost_price_last_year",
    "change": "cost_change_tkr",
    "volume_effect": "cost_volume_effect_tkr",
    "price_effect": "cost_price_effect_tkr",
}


def _table_label(ctx: PageContext) -> str:
    """The period the report's cells name the cost table by (:func:`snanalys.report_cells.report_cells`)."""
    return year_to_date(ctx.year, ctx.tertial).label


def _cost_hidden(ctx: PageContext, table: pd.DataFrame, column: str) -> list[bool]:
    """Per area row: whether the report's protection hides the cell this column prints."""
    measure = COST_MEASURES[column]
    return [ctx.protection.hides_table_cell(measure, _table_label(ctx), key) for key in table["area"]]


def _money_table(
    table: pd.DataFrame, *, caption: str, row_header: str, total: pd.Series | None, hidden=None, hidden_total=None
) -> str:
    """``total``: the table's total row as the economy's source tables hold it (``label_sv`` its label);
    ``hidden(column)``: per row, whether the column's cell is X (the cost table's protection);
    ``hidden_total(column)``: whether the total row's is."""
    columns = {
        "budget_period": "Budget perioden",
        "outcome_period": "Utfall perioden",
        "deviation": "Avvikelse",
        "budget_year": "Budget helår",
        "forecast": "Prognos helår",
        "forecast_deviation": "Avvikelse prognos",
        "outcome_last_year_period": "Utfall samma period i fjol",
    }
    display = table.set_index("label_sv")[list(columns)].apply(lambda col: col.map(_tkr))
    any_hidden = False
    if hidden is not None:
        for column in columns:
            flags = hidden(column)
            display[column] = [SUPPRESSED_MARK if h else v for v, h in zip(display[column], flags)]
            any_hidden |= any(flags)
    display.columns = list(columns.values())
    if total is not None:
        flags = [hidden_total(c) if hidden_total is not None else False for c in columns]
        display.loc[total["label_sv"]] = [SUPPRESSED_MARK if h else _tkr(total[c]) for c, h in zip(columns, flags)]
        any_hidden |= any(flags)
    intervals, interval_hidden = {}, False
    for column, title in (("forecast", "Prognos helår"), ("forecast_low", "80 % intervall, från"),
                          ("forecast_high", "80 % intervall, till")):  # fmt: skip
        # an interval is worked out from the forecast: hidden with it, as well as by its own cell
        flags = (
            [a or b for a, b in zip(hidden(column), hidden("forecast"))] if hidden is not None else [False] * len(table)
        )
        intervals[title] = [SUPPRESSED_MARK if h else _tkr(v) for v, h in zip(table[column], flags)]
        interval_hidden |= any(flags)
    forecasts = pd.DataFrame(intervals, index=table["label_sv"])
    bases = _bases(table)
    methods = {"Prognosmetod": list(table.apply(_method, axis=1))}
    method_notes = []
    if len(set(bases)) > 1:  # a column only where the rows differ: a tablet has no room for a repeated phrase
        methods["Intervallet bygger på"] = bases
    elif bases:
        method_notes.append(f"Samtliga intervall bygger på {bases[0]}.")
    notes = [SIGN_NOTE] + ([FOOTNOTE_SV] if any_hidden else [])
    return (
        html_table(display, caption=caption, row_header=row_header, footnotes=notes)
        + html_table(
            forecasts,
            caption=f"{caption}: prognos helår (80 % intervall)",
            row_header=row_header,
            footnotes=[INTERVAL_NOTE] + ([FOOTNOTE_SV] if interval_hidden else []),
        )
        + html_table(
            pd.DataFrame(methods, index=table["label_sv"]),
            caption=f"{caption}: prognosmetod per rad",
            row_header=row_header,
            footnotes=method_notes,
        )
    )


INTERVAL_NOTE = (
    "Intervallet är det spann där helårsutfallet hamnar med 80 % sannolikhet, bedömt från hur långt samma "
    "metod vid samma månad tidigare år låg från det faktiska utfallet. Har raden för få egna år lånas felen "
    "från alla rader av samma slag (verksamheterna, respektive de volymdrivna områdena)."
)


def _bases(table: pd.DataFrame) -> list[str]:
    """What each row's interval rests on, in words (counts of years are not figures of the data)."""
    words = {"own": "radens egna år", "pooled": "alla rader av samma slag", "outcome": "helårets utfall"}
    return [
        "inget underlag" if is_missing(low) and basis != "outcome" else words.get(basis, "")
        for low, basis in zip(table["forecast_low"], table["forecast_detail"].map(lambda d: d["interval_basis"]))
    ]


def committee_section(ctx: PageContext) -> str:
    months = ctx.period.end.month
    ledger = ctx.data.table("ledger")
    table = committee_result(ctx.data, ctx.year, months)
    tables = source_tables(ctx.data, ctx.year, None, months)
    total = tables["committee"].loc["Socialnämnden"]
    verdict = "bättre" if total["deviation"] >= 0 else "sämre"
    sentence = (
        f"Nämndens utfall för {period_text(ctx)} är {format_tkr(total['outcome_period'])} tkr, "
        f"{format_tkr(abs(total['deviation']))} tkr {verdict} än budget för perioden. "
        f"Prognosen för helåret är {format_tkr(total['forecast'])} tkr mot en budget på "
        f"{format_tkr(total['budget_year'])} tkr."
    )
    body = f"<p>{html.escape(sentence)}</p>" + _money_table(
        table,
        caption=f"Nämndens resultat per verksamhet, {period_text(ctx)}",
        row_header="Verksamhet",
        total=total,
    )
    months_sv = [MONTHS_SV[m - 1][:3] for m in tables["cumulative"].index]
    cumulative = _declared(tables, ["economy_cumulative_outcome_tkr", "economy_cumulative_budget_tkr"], months_sv)
    net_cost = _declared(tables, ["economy_cumulative_net_cost_tkr", "economy_cumulative_net_budget_tkr"], months_sv)
    net_cost.columns = cumulative.columns  # the chart's legend: outcome and budget
    fig = charts.line_chart(net_cost, title="Nämndens kostnad netto, ackumulerat", ylabel="tkr")
    alt = "Linjediagram: nämndens nettokostnad ackumulerad per månad mot budget. " + "; ".join(
        f"{m}: utfall {format_decimal_sv(o, 0)} tkr, budget {format_decimal_sv(b, 0)} tkr"
        for m, (o, b) in net_cost.iterrows()
    )
    body += charts.figure_html(
        fig,
        alt=alt,
        caption="Nettokostnad (kostnader minus intäkter) ackumulerat per månad, tkr.",
        table_html=html_table(
            cumulative.map(lambda v: format_decimal_sv(v, 0)), caption="Ackumulerat, tkr", row_header="Månad"
        ),
    )
    groups = account_group_table(ledger, ctx.year, months)
    groups_display = groups.map(_tkr)
    groups_display.columns = [f"{period_text(ctx)}", f"Samma period {ctx.year - 1}", "Förändring"]
    body += "<h3>Kostnader och intäkter per kontogrupp</h3>" + html_table(
        groups_display,
        caption=f"Utfall per kontogrupp, tkr, {period_text(ctx)}",
        row_header="Kontogrupp",
        footnotes=[SIGN_NOTE],
    )
    return section("Nämndens resultat", body, "resultat")


def costs_section(ctx: PageContext) -> str:
    table = area_costs(ctx.data, ctx.year, ctx.tertial)
    body = (
        "<p>De volymdrivna kostnaderna räknas fram ur utbetalningar och fakturor för placeringar och jämförs med "
        "ersättningen (budgeten) för varje område.</p>"
    )
    body += _money_table(
        table,
        caption=f"Volymdrivna kostnader mot ersättning, {period_text(ctx)}",
        row_header="Område",
        total=source_tables(ctx.data, ctx.year, ctx.tertial, ctx.period.end.month)["costs"].loc["Summa"],
        hidden=lambda column: _cost_hidden(ctx, table, column),
        hidden_total=lambda column: ctx.protection.hides_table_cell(COST_MEASURES[column], _table_label(ctx), "Summa"),
    )
    # a volume or price resting on 1–4 households or persons describes them: shown as X, and so
    # is every cell the report's protection hides (the volume/price split gives back the rest)
    hide_now = table["individuals"].map(is_small_count).to_numpy()
    hide_before = table["individuals_last_year"].map(is_small_count).to_numpy()

    def shown(column, hide, as_text):
        flags = [h or p for h, p in zip(hide, _cost_hidden(ctx, table, column))]
        return [SUPPRESSED_MARK if f else as_text(v) for v, f in zip(table[column], flags)], any(flags)

    def number(v):
        return format_decimal_sv(v, 0)

    none = [False] * len(table)
    drivers, any_hidden = {}, False
    for title, column, hide, as_text in (
        ("Volym i fjol", "volume_last_year", hide_before, number),
        ("Volym i år", "volume", hide_now, number),
        ("Pris i fjol", "price_last_year", hide_before, number),
        ("Pris i år", "price", hide_now, number),
        ("Förändring, tkr", "change", none, _tkr),
        ("varav volym, tkr", "volume_effect", none, _tkr),
        ("varav pris, tkr", "price_effect", none, _tkr),
    ):
        drivers[title], flagged = shown(column, hide, as_text)
        any_hidden |= flagged
    drivers = pd.DataFrame(drivers, index=table["label_sv"])
    drivers.insert(2, "Enhet", table["volume_unit"].to_numpy())
    drivers.insert(5, "Prisenhet", table["price_unit"].to_numpy())
    body += "<h3>Volym eller pris?</h3>" + html_table(
        drivers,
        caption=f"Kostnadsförändring mot samma period {ctx.year - 1}, uppdelad på volym och pris",
        row_header="Område",
        footnotes=[
            "Kostnad = volym × pris (hushåll × kr per hushåll, vårddygn × kr per vårddygn). Förändringen delas med "
            "mittpunktsmetoden: volymeffekt = volymförändring × genomsnittligt pris, priseffekt = prisförändring × "
            "genomsnittlig volym; de summerar exakt till förändringen. Negativt belopp = ökad kostnad."
        ]
        + ([FOOTNOTE_SV] if any_hidden else []),
    )
    # the volumes over the year: a forecast of 1–4 households or persons' volume is theirs, X
    volume_hidden = [h or v for h, v in zip(hide_now, _cost_hidden(ctx, table, "volume"))]
    volumes, any_volume_hidden = {"Enhet": table["volume_unit"].to_numpy()}, False
    for title, column in (("Volym hittills", "volume"), ("Prognos helår", "volume_forecast"),
                          ("80 % intervall, från", "volume_forecast_low"), ("till", "volume_forecast_high")):  # fmt: skip
        flags = [a or b for a, b in zip(volume_hidden, _cost_hidden(ctx, table, column))]
        volumes[title] = [
            SUPPRESSED_MARK if f else ("–" if is_missing(v) else number(v)) for v, f in zip(table[column], flags)
        ]
        any_volume_hidden |= any(flags)
    body += "<h3>Volym över året</h3>" + html_table(
        pd.DataFrame(volumes, index=table["label_sv"]),
        caption=f"Hushåll och vårddygn helår {ctx.year}: prognos (80 % intervall)",
        row_header="Område",
        footnotes=[
            "Prognosen är volymen hittills × kvoten mellan helår och samma månader tidigare år (hushåll räknas en "
            "gång per år, så antalet växer långsammare än månaderna). Intervallet bygger på hur långt samma metod "
            "missade tidigare år, för alla områden tillsammans."
        ]
        + ([FOOTNOTE_SV] if any_volume_hidden else []),
    )
    areas = source_tables(ctx.data, ctx.year, ctx.tertial, ctx.period.end.month)
    effects = _declared(areas, ["cost_volume_increase_tkr", "cost_price_increase_tkr"], None).loc[table["area"]]
    for measure, column in (("cost_volume_increase_tkr", "volume_effect"), ("cost_price_increase_tkr", "price_effect")):
        hide = [ctx.protection.hides_table_cell(measure, _table_label(ctx), key) for key in table["area"]]
        hide = [a or b for a, b in zip(hide, _cost_hidden(ctx, table, column))]
        effects.loc[hide, BY_ID[measure].label_sv] = float("nan")  # no bar, and X in its table
    effects.index = table["label_sv"].to_numpy()
    effects.columns = ["Volymeffekt", "Priseffekt"]
    fig = charts.bar_chart(effects, title="Kostnadsökning mot i fjol: volym och pris", ylabel="tkr")

    def effect(v) -> str:
        return SUPPRESSED_MARK if is_missing(v) else format_decimal_sv(v, 0)

    alt = "Stapeldiagram: kostnadsökning mot samma period i fjol per område, uppdelad på volym och pris. " + "; ".join(
        f"{name}: volym {effect(v)} tkr, pris {effect(p)} tkr" for name, (v, p) in effects.iterrows()
    )
    body += charts.figure_html(
        fig,
        alt=alt,
        caption="Positivt värde = högre kostnad än samma period i fjol, tkr.",
        table_html=html_table(effects.map(effect), caption="Kostnadsökning, tkr", row_header="Område"),
    )
    return section("Volymdrivna kostnader", body, "kostnader")


#: Relative width (high − low) / point above which the outlook says the forecast is uncertain.
WIDE = 0.3


def _plain(value) -> str:
    return "–" if is_missing(value) else format_decimal_sv(value, 0)


def outlook_section(ctx: PageContext) -> str:
    """Förväntad utveckling på tre års sikt: a point and an 80 % interval per series, in words built
    from the values; a row whose inputs the report's protection hides is X."""
    table = three_year_outlook(ctx.data, ctx.year)
    label = _table_label(ctx)
    years = input_years(ctx.data, ctx.year)
    hidden = {
        key: ctx.protection.hides_table_cell("outlook_value", label, key)
        or any(ctx.protection.hides(key, year_to_date(y, 3)) for y in years)
        for key in table.index
    }
    rows, sentences, wide = {}, [], []
    for key, r in table.iterrows():
        if hidden[key] or is_missing(r["value"]):
            rows[r["label_sv"]] = [r["unit"], SUPPRESSED_MARK if hidden[key] else "–", "–", "–", "–"]
            continue
        rows[r["label_sv"]] = [
            r["unit"],
            _plain(r["last_value"]),
            _plain(r["value"]),
            _plain(r["low"]),
            _plain(r["high"]),
        ]
        if is_missing(r["low"]):
            sentences.append(f"{r['label_sv']} väntas {r['year']} vara {_plain(r['value'])} {r['unit']}.")
            continue
        text = (
            f"{r['label_sv']} väntas {r['year']} vara {_plain(r['value'])} {r['unit']}, mellan {_plain(r['low'])} "
            f"och {_plain(r['high'])} med 80 % sannolikhet."
        )
        if r["relative_width"] > WIDE:
            wide.append(r["label_sv"])
        sentences.append(text)
    first = table["first_year"].dropna()
    last = table["last_year"].dropna()
    if first.empty:
        return section("Förväntad utveckling på tre års sikt", "<p>Det finns inga hela år att bygga på.</p>", "utsikt")
    target = int(table["year"].dropna().iloc[0])
    display = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=["Enhet", f"Utfall {int(last.iloc[0])}", f"Prognos {target}", "80 % intervall, från", "till"],
    )
    median_only = (table["volatility_from"] == "median").any()
    unchanged = (table["method"] == "last_value").all()
    basis = (
        f"Prognosen bygger på kommunens egna hela år {int(first.iloc[0])}–{int(last.iloc[0])}"
        + (
            " och på oförändrad nivå (fjolårets värde): i en genomgång av alla Sveriges kommuners historik i Kolada "
            "gick den inte att slå för antal hushåll och utbetalda kronor, och för en trend behövs fler egna år"
            if unchanged
            else " och på den metod som träffat bäst i en genomgång av alla Sveriges kommuners historik i Kolada"
        )
        + ". Intervallet bygger på hur långt samma metod har missat i alla kommuner tidigare år: dels det som alla "
        "kommuner missade samma år (som när antalet hushåll föll i hela landet efter pandemin), dels det som var "
        "kommunens eget, anpassat till hur mycket kommunens egna värden brukar svänga"
        + (" (med för få egna år: hur mycket en typisk kommuns värden svänger)" if median_only else "")
        + ". Kolada har inga vårddygn: vårddygn bedöms som antal hushåll och kronor per vårddygn som kronor per "
        "hushåll. En chock större än de som alla kommuner haft tidigare år ryms inte i intervallet."
    )
    methods = "; ".join(f"{r['label_sv']}: {r['method_sv']}" for _, r in table.iterrows() if r["method_sv"])
    uncertain = uncertain_forecasts_sentence(wide, int(table["low"].notna().sum()))
    body = (
        "<ul>"
        + "".join(f"<li>{html.escape(text)}</li>" for text in sentences)
        + "</ul>"
        + (f"<p>{html.escape(uncertain)}</p>" if uncertain else "")
        + html_table(
            display,
            caption=f"Förväntad utveckling till {target}, prognos (80 % intervall)",
            row_header="Mått",
            footnotes=[basis, f"Metod: {methods}."] + ([FOOTNOTE_SV] if any(hidden.values()) else []),
        )
    )
    return section("Förväntad utveckling på tre års sikt", body, "utsikt")


RECORD_NOTE = (
    "Publicerad = den helårsprognos som tertialrapporten det året visade för nämnden (den senaste versionen om "
    "rapporten reviderades); en prognos som rapporten visade som X är dold även här. Omräknad = det finns ingen "
    "sådan rapport, så prognosen är gjord i efterhand med samma metod som rapporten använder och med det som var "
    "känt vid slutet av månaden efter tertialet (31 maj respektive 30 september): huvudboken till och med "
    "tertialets sista månad, fakturor för placeringar som var bokförda då och utbetalningar av ekonomiskt bistånd "
    "efter utbetalningsdag. Fel = prognosens avvikelse från helårets utfall i procent av utfallet."
)


def _record_tables(
    ctx: PageContext, record: pd.DataFrame, *, caption: str, row_header: str, method_notes: bool = True
) -> str:
    """The record's forecasts with their source per tertial, then outcome and errors: two narrow tables,
    so that a tablet reads them without scrolling sideways. A cell the report's protection hides is X.
    ``method_notes``: the notes on sources and signs (said once on the page)."""
    label = _table_label(ctx)

    def shown(measure: str, column: str, as_text) -> tuple[list[str], bool]:
        flags = [ctx.protection.hides_table_cell(measure, label, key) for key in record.index]
        return [SUPPRESSED_MARK if f else as_text(v) for v, f in zip(record[column], flags)], any(flags)

    def percent(v) -> str:
        return "–" if is_missing(v) else format_percent(100 * v)

    source = {"publicerad": "publicerad", "dold": "publicerad", "omräknad": "omräknad"}
    forecasts, outcomes, any_hidden = {}, {}, False
    for tertial in (1, 2):
        forecasts[f"Prognos T{tertial}"], hidden = shown(
            f"record_forecast_t{tertial}_tkr", f"forecast_t{tertial}", _tkr
        )
        forecasts[f"Källa T{tertial}"] = [source[b] for b in record[f"basis_t{tertial}"]]
        any_hidden |= hidden
    outcomes["Utfall helår"], hidden = shown("record_outcome_tkr", "outcome", _tkr)
    any_hidden |= hidden
    for tertial in (1, 2):
        outcomes[f"Fel T{tertial}"], hidden = shown(f"record_error_t{tertial}", f"error_t{tertial}", percent)
        any_hidden |= hidden
    index = record["label_sv"].to_numpy()
    notes = ([RECORD_NOTE, SIGN_NOTE] if method_notes else []) + ([FOOTNOTE_SV] if any_hidden else [])
    return html_table(
        pd.DataFrame(forecasts, index=index),
        caption=f"{caption}: helårsprognos vid T1 och T2, tkr",
        row_header=row_header,
        footnotes=notes,
    ) + html_table(
        pd.DataFrame(outcomes, index=index),
        caption=f"{caption}: helårets utfall, tkr, och prognosens fel",
        row_header=row_header,
        footnotes=[FOOTNOTE_SV] if any_hidden else [],
    )


def record_section(ctx: PageContext) -> str:
    """Prognossäkerhet: the earlier years' T1 and T2 forecasts (as published, else recomputed as known then)
    against the outcome, per verksamhet line and per volume-driven area."""
    tables = source_tables(ctx.data, ctx.year, None, ctx.period.end.month)
    record = tables.get("forecast_record")
    if record is None or record.empty:
        return section("Prognossäkerhet", "<p>Det finns inga tidigare hela år att jämföra med.</p>", "prognossakerhet")
    label = _table_label(ctx)
    words = []
    for key, r in record.loc[record["kind"] == "total"].iterrows():

        def said(tertial: int, key=key, r=r) -> str:
            if ctx.protection.hides_table_cell(f"record_forecast_t{tertial}_tkr", label, key):
                return f"vid T{tertial} en prognos som inte kan visas"
            basis = "publicerad" if r[f"basis_t{tertial}"] == "publicerad" else "omräknad"
            return f"vid T{tertial} {_tkr(r[f'forecast_t{tertial}'])} tkr ({basis})"

        words.append(f"För {int(r.year)} sade prognosen {said(1)} och {said(2)}; utfallet blev {_tkr(r.outcome)} tkr.")
    lines = record.loc[record["kind"].isin(["line", "total"])]
    areas = record.loc[record["kind"] == "area"]
    body = f"<p>{html.escape(' '.join(words))}</p>" if words else ""
    if len(lines):
        body += _record_tables(ctx, lines, caption="Prognossäkerhet per verksamhet", row_header="Verksamhet, år")
    if len(areas):
        body += "<h3>Volymdrivna kostnader</h3>" + _record_tables(
            ctx,
            areas,
            caption="Prognossäkerhet per volymdrivet område",
            row_header="Område, år",
            method_notes=not len(lines),
        )
    return section("Prognossäkerhet", body, "prognossakerhet")


def forecast_note_section(ctx: PageContext) -> str:
    text = (
        "Helårsprognosen görs per rad med en av två metoder: linjär (utfallet hittills × 12 / antal månader) eller "
        "säsong (fjolårets månadsprofil tillämpad på årets nivå). För placeringarna prövas också en tredje: kända "
        "placeringar, det vill säga kostnaden hittills plus pågående placeringar × återstående dagar × dagens pris, "
        "justerat för hur länge pågående placeringar brukat stanna, plus de nya placeringar som brukar tillkomma "
        "under resten av året. För varje rad väljs den metod som träffat bäst när samma prognos gjordes vid samma "
        "tidpunkt tidigare år; felet anges som genomsnittlig procentuell avvikelse från årets faktiska utfall. "
        "Intervallet visar var helårsutfallet hamnar med 80 % sannolikhet, bedömt från samma metods tidigare fel. "
        "Vid T3 är prognosen helårets utfall."
    )
    return section("Så görs prognosen", f"<p>{html.escape(text)}</p>", "prognos")
