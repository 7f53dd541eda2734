"""The economy page: the committee's result, the volume-driven costs, forecasts and drivers."""

from __future__ import annotations

import html

import pandas as pd

from snanalys import charts
from snanalys.economy.figures import area_costs, committee_result, source_tables, table_values
from snanalys.economy.forecast import METHOD_LABELS_SV
from snanalys.economy.ledger import account_group_table, total_row
from snanalys.measures.catalog import BY_ID
from snanalys.narrative import MONTHS_SV
from snanalys.pages import PageContext
from snanalys.pages.common import period_text, section
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


def _money_table(table: pd.DataFrame, *, caption: str, row_header: str, total_label: str | None) -> str:
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
    display.columns = list(columns.values())
    if total_label:
        total = total_row(table, total_label)
        display.loc[total_label] = [_tkr(total[c]) for c in columns]
    methods = pd.DataFrame({"Prognosmetod": list(table.apply(_method, axis=1))}, index=table["label_sv"])
    return html_table(display, caption=caption, row_header=row_header, footnotes=[SIGN_NOTE]) + html_table(
        methods, caption=f"{caption}: prognosmetod per rad", row_header=row_header
    )


def committee_section(ctx: PageContext) -> str:
    months = ctx.period.end.month
    ledger = ctx.data.table("ledger")
    table = committee_result(ctx.data, ctx.year, months)
    total = total_row(table)
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
        total_label="Socialnämnden",
    )
    tables = source_tables(ctx.data, ctx.year, None, months)
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
        total_label="Summa",
    )
    # a volume or price resting on 1–4 households or persons describes them: shown as X
    hide_now = table["individuals"].map(is_small_count).to_numpy()
    hide_before = table["individuals_last_year"].map(is_small_count).to_numpy()

    def shown(values, hide):
        return [SUPPRESSED_MARK if h else format_decimal_sv(v, 0) for v, h in zip(values, hide)]

    drivers = pd.DataFrame(
        {
            "Volym i fjol": shown(table["volume_last_year"], hide_before),
            "Volym i år": shown(table["volume"], hide_now),
            "Enhet": table["volume_unit"].to_numpy(),
            "Pris i fjol": shown(table["price_last_year"], hide_before),
            "Pris i år": shown(table["price"], hide_now),
            "Prisenhet": table["price_unit"].to_numpy(),
            "Förändring, tkr": [_tkr(v) for v in table["change"]],
            "varav volym, tkr": [_tkr(v) for v in table["volume_effect"]],
            "varav pris, tkr": [_tkr(v) for v in table["price_effect"]],
        },
        index=table["label_sv"],
    )
    body += "<h3>Volym eller pris?</h3>" + html_table(
        drivers,
        caption=f"Kostnadsförändring mot samma period {ctx.year - 1}, uppdelad på volym och pris",
        row_header="Område",
        footnotes=[
            "Kostnad = volym × pris (hushåll × kr per hushåll, vårddygn × kr per vårddygn). Förändringen delas med "
            "mittpunktsmetoden: volymeffekt = volymförändring × genomsnittligt pris, priseffekt = prisförändring × "
            "genomsnittlig volym; de summerar exakt till förändringen. Negativt belopp = ökad kostnad."
        ]
        + ([FOOTNOTE_SV] if hide_now.any() or hide_before.any() else []),
    )
    areas = source_tables(ctx.data, ctx.year, ctx.tertial, ctx.period.end.month)
    effects = _declared(areas, ["cost_volume_increase_tkr", "cost_price_increase_tkr"], None).loc[table["area"]]
    effects.index = table["label_sv"].to_numpy()
    effects.columns = ["Volymeffekt", "Priseffekt"]
    fig = charts.bar_chart(effects, title="Kostnadsökning mot i fjol: volym och pris", ylabel="tkr")
    alt = "Stapeldiagram: kostnadsökning mot samma period i fjol per område, uppdelad på volym och pris. " + "; ".join(
        f"{name}: volym {format_decimal_sv(v, 0)} tkr, pris {format_decimal_sv(p, 0)} tkr"
        for name, (v, p) in effects.iterrows()
    )
    body += charts.figure_html(
        fig,
        alt=alt,
        caption="Positivt värde = högre kostnad än samma period i fjol, tkr.",
        table_html=html_table(
            effects.map(lambda v: format_decimal_sv(v, 0)), caption="Kostnadsökning, tkr", row_header="Område"
        ),
    )
    return section("Volymdrivna kostnader", body, "kostnader")


def forecast_note_section(ctx: PageContext) -> str:
    text = (
        "Helårsprognosen görs per rad med en av två metoder: linjär (utfallet hittills × 12 / antal månader) eller "
        "säsong (fjolårets månadsprofil tillämpad på årets nivå). För varje rad väljs den metod som träffat bäst när "
        "samma prognos gjordes vid samma tidpunkt tidigare år; felet anges som genomsnittlig procentuell avvikelse "
        "från årets faktiska utfall. Vid T3 är prognosen helårets utfall."
    )
    return section("Så görs prognosen", f"<p>{html.escape(text)}</p>", "prognos")
