"""The summary page: "Volymer och nyckeltal" over years and the committee's targets."""

from __future__ import annotations

import html

import pandas as pd

from snanalys import targets
from snanalys.measures.catalog import PUBLISHED_MEASURES
from snanalys.pages import PageContext
from snanalys.pages.common import key_figure_sentence, key_figures_over_years, period_text, section
from snanalys.presentation import format_number
from snanalys.tables import html_table

TITLE = "Sammanfattning"
CONTEXT_MEASURES = ["eb_households_per_month", "eb_adults_unemployed", "children_interventions_placement_share"]

STATUS_SYMBOLS = {targets.GREEN: "●", targets.YELLOW: "▲", targets.RED: "■", targets.NOT_JUDGED: "○"}
#: The status cell's colour (style.css; the shape stays, for greyscale print and colour blindness)
STATUS_CLASSES = {
    targets.GREEN: "status status-green",
    targets.YELLOW: "status status-yellow",
    targets.RED: "status status-red",
    targets.NOT_JUDGED: "status status-none",
}


def key_figures_section(ctx: PageContext) -> str:
    sentences = [
        key_figure_sentence(ctx, "eb_households", "Antalet hushåll med ekonomiskt bistånd"),
        key_figure_sentence(ctx, "eb_kr_per_household", "Ekonomiskt bistånd per hushåll"),
        key_figure_sentence(ctx, "care_days_children", "Antalet vårddygn för barn och unga"),
        key_figure_sentence(ctx, "care_days_adults_external", "Antalet externa vårddygn för vuxna"),
    ]
    body = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    body += key_figures_over_years(
        ctx,
        list(PUBLISHED_MEASURES) + CONTEXT_MEASURES,
        f"Volymer och nyckeltal, {period_text(ctx)} jämfört med samma period tidigare år",
    )
    return section("Volymer och nyckeltal", body, "nyckeltal")


def same_period_values(ctx: PageContext) -> dict[str, dict[int, float | None]]:
    """Public values of every measure for the same period of each year."""
    long = ctx.public_key_figures_by_year
    out: dict[str, dict[int, float | None]] = {}
    for row in long.itertuples(index=False):
        out.setdefault(row.measure, {})[int(row.year)] = None if row.suppressed else row.value
    return out


def targets_section(ctx: PageContext) -> str:
    goals = targets.load_goals()
    results = targets.evaluate(goals, same_period_values(ctx), ctx.year)
    units = ctx.key_figures_by_year.drop_duplicates("measure").set_index("measure")["unit"]
    tables = []
    for goal in goals:
        rows, classes = {}, {}
        for r in (r for r in results if r.goal.id == goal.id):
            unit = units.get(r.indicator.measure, "")
            rows[r.indicator.title] = {
                "Utfall": format_number(r.value, unit),
                "Målvärde för perioden": format_number(r.target, unit),
                "Status": f"{STATUS_SYMBOLS[r.status]} {targets.STATUS_LABELS_SV[r.status]}",
            }
            classes[r.indicator.title] = {"Utfall": "", "Målvärde för perioden": "", "Status": STATUS_CLASSES[r.status]}
        sources = sorted({r.indicator.source for r in results if r.goal.id == goal.id})
        tables.append(
            f"<h3>{html.escape(goal.title)}</h3>"
            + html_table(
                pd.DataFrame.from_dict(rows, orient="index"),
                caption=f"Indikatorer, {period_text(ctx)}",
                row_header="Indikator",
                footnotes=[f"Källa: {'; '.join(sources)}."],
                classes=pd.DataFrame.from_dict(classes, orient="index"),
            )
        )
    table = "".join(tables) + (
        "<p class='footnote'>Status: ● grön = målet nås eller utvecklingen är i fas, ▲ gul = mindre avvikelse "
        "(högst 5 %), ■ röd = större avvikelse, ○ kan inte bedömas.</p>"
    )
    goal_lines = []
    for goal in goals:
        greens = targets.green_count(goal, results)
        met = "uppfyllt" if targets.goal_met(goal, results) else "inte uppfyllt"
        goal_lines.append(
            f"<li>{html.escape(goal.title)}: {greens} av {len(goal.indicators)} indikatorer gröna "
            f"(krav {goal.required_green}) – målet är {met} för perioden.</li>"
        )
    rules = "".join(
        f"<li><strong>{html.escape(ind.title)}.</strong> {html.escape(targets.rule_text_sv(ind))}</li>"
        for goal in goals
        for ind in goal.indicators
    )
    body = (
        table
        + f"<ul class='goals'>{''.join(goal_lines)}</ul>"
        + "<h3>Så bedöms målen vid T1, T2 och T3</h3>"
        + f"<ul class='rules'>{rules}</ul>"
    )
    return section("Måluppfyllelse", body, "mal")
