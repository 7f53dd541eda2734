"""The summary page: "Volymer och nyckeltal" over years and the committee's targets."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from snanalys import charts, targets
from snanalys.measures.catalog import BY_ID, PUBLISHED_MEASURES
from snanalys.measures.engine import change_on_last_year
from snanalys.narrative import change_phrase, period_phrase
from snanalys.pages import PageContext
from snanalys.pages.common import (
    key_figure_sentence,
    key_figures_over_years,
    period_text,
    public_value,
    section,
    year_label,
)
from snanalys.pages.group_labels import group_label
from snanalys.presentation import decimals_of, format_number
from snanalys.suppression import MIN_COUNT
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


APPLICANT_LABELS_SV = {"K": "sökande kvinna", "M": "sökande man", "okänt": "sökandes kön saknas"}

#: At most this many changes open the summary, one per area of the report.
LARGEST_CHANGES = 5
MIN_BASE = MIN_COUNT  # a change of a figure resting on fewer individuals is not singled out


def largest_changes(ctx: PageContext) -> list[tuple[str, float, float, str, float]]:
    """The key figures that changed most against the same period last year, in per cent, from
    the public values alone (both years shown, each resting on at least :data:`MIN_BASE`
    individuals), at most one per area of the report (its first page section):
    (measure, this year, last year, unit, change in per cent), the largest first."""
    rows = ctx.public_rows
    best: dict[str, tuple] = {}
    for m in BY_ID.values():
        area = next((sec.split(".")[0] for sec in m.sections if not sec.startswith("summary.")), None)
        this, last = rows.get((m.id, ctx.year)), rows.get((m.id, ctx.year - 1))
        if not m.key_figure or area is None or this is None or last is None:
            continue
        if this["suppressed"] or last["suppressed"] or this["unit"] == "procent":
            continue  # a share changes in points, not in per cent
        if not (this["base"] >= MIN_BASE and last["base"] >= MIN_BASE):
            continue
        change, _ = change_on_last_year(this["value"], last["value"], this["unit"])
        if change is None:
            continue
        candidate = (m.id, float(this["value"]), float(last["value"]), this["unit"], change)
        if area not in best or abs(change) > abs(best[area][4]):
            best[area] = candidate
    return sorted(best.values(), key=lambda c: -abs(c[4]))[:LARGEST_CHANGES]


def changes_summary(ctx: PageContext) -> str:
    """ "Störst förändring mot samma period i fjol": a list worded from the public values."""
    items = []
    for measure, this, last, unit, _change in largest_changes(ctx):
        label = ctx.public_rows[(measure, ctx.year)]["label_sv"]
        unit_word = "" if unit in ("kr", "") else f"\u00a0{unit}"
        items.append(
            f"<li><strong>{html.escape(label)}</strong>: {format_number(this, unit)}{unit_word}, "
            f"{html.escape(change_phrase(this, last, unit))} än samma period {ctx.year - 1}.</li>"
        )
    if not items:
        return ""
    return (
        f"<p>Störst förändring mot samma period {ctx.year - 1}, en per område (bland nyckeltal som bygger på "
        f"minst {MIN_BASE} personer eller hushåll):</p><ul class='changes'>{''.join(items)}</ul>"
    )


def revisions_list(ctx: PageContext) -> str:
    """ "Reviderat sedan förra rapporten": the figures the replaced report of this period printed with
    another value (the protection's ``revised``; both values public), or nothing. A revision too
    small to change the printed value is left to the files; a figure revised for several periods
    (a comparison series after a change of peers) is one row."""
    by_figure: dict[str, list[tuple[str, str, str]]] = {}
    for cell_id, (then, now) in sorted(ctx.protection.revised.items()):
        parts = cell_id.split("|")
        m = BY_ID.get(parts[0])
        if m is None:
            continue
        by, key = parts[-2], parts[-1]
        group = APPLICANT_LABELS_SV.get(key, key) if by == "applicant_sex" else group_label(key)
        what = m.label_sv + (f", {group}" if key else "")
        if len(parts) == 5:  # a declared measure's days
            first, last = dt.date.fromisoformat(parts[1]), dt.date.fromisoformat(parts[2])
            period = period_phrase(first.month, last.month, last.year)
        else:  # a table's cell: its period as labelled (a year, a report)
            period = parts[1]
        printed = format_number(float(then), m.unit), format_number(float(now), m.unit)
        if printed[0] != printed[1]:
            by_figure.setdefault(what, []).append((period, *printed))
    if not by_figure:
        return ""
    rows = []
    for what, revisions in by_figure.items():
        if len(revisions) == 1:
            rows.append((what, *revisions[0]))
        else:
            periods = f"{revisions[0][0]}–{revisions[-1][0]} ({len(revisions)} värden)"
            rows.append((what, periods, "se tabelldata", "se tabelldata"))
    frame = pd.DataFrame(rows, columns=["Uppgift", "Period", "Tidigare", "Nu"]).set_index("Uppgift")
    one = len(rows) == 1 and len(next(iter(by_figure.values()))) == 1
    intro = (
        f"{'Uppgiften' if one else 'Uppgifterna'} nedan har ändrats sedan förra rapporten för perioden, till "
        "exempel efter rättade registreringar eller ett annat urval av jämförelsekommuner. Alla reviderade "
        "uppgifter är markerade ”reviderad” i tabelldata och Excel-filen."
    )
    return (
        f"<div class='revisions'><h3>Reviderat sedan förra rapporten</h3><p>{html.escape(intro)}</p>"
        + html_table(frame, caption="Reviderade uppgifter", row_header="Uppgift")
        + "</div>"
    )


def key_figures_section(ctx: PageContext) -> str:
    sentences = [
        key_figure_sentence(ctx, "eb_households", "Antalet hushåll med ekonomiskt bistånd"),
        key_figure_sentence(ctx, "eb_kr_per_household", "Ekonomiskt bistånd per hushåll"),
        key_figure_sentence(ctx, "care_days_children", "Antalet vårddygn för barn och unga"),
        key_figure_sentence(ctx, "care_days_adults_external", "Antalet externa vårddygn för vuxna"),
    ]
    body = changes_summary(ctx) + revisions_list(ctx) + "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    body += key_figures_over_years(
        ctx,
        list(PUBLISHED_MEASURES) + CONTEXT_MEASURES,
        f"Volymer och nyckeltal, {period_text(ctx)} jämfört med samma period tidigare år",
    )
    body += trends_at_a_glance(ctx, list(PUBLISHED_MEASURES))
    return section("Volymer och nyckeltal", body, "nyckeltal")


def trends_at_a_glance(ctx: PageContext, measures: list[str]) -> str:
    """A small trend chart per key figure (public values, the same period of each year), with
    its data table and a text alternative; the latest period stands out."""
    years = sorted(int(y) for y in ctx.public_key_figures_by_year["year"].unique())
    labels = [year_label(ctx, y) for y in years]
    panels, table, points = [], {}, []
    for measure in measures:
        row = ctx.public_rows.get((measure, ctx.year))
        if row is None:
            continue
        values = pd.Series([public_value(ctx, measure, y)[0] for y in years], index=labels, dtype="float64")
        panels.append((row["label_sv"], values, decimals_of(row["unit"])))
        shown = [format_number(v, row["unit"], suppressed=pd.isna(v)) for v in values]
        table[row["label_sv"]] = dict(zip(labels, shown))
        points.append(f"{row['label_sv']}: " + ", ".join(f"{lab} {v}" for lab, v in zip(labels, shown)))
    if not panels:
        return ""
    fig = charts.small_multiples(panels)
    return charts.figure_html(
        fig,
        alt="Små linjediagram, ett per nyckeltal, samma period varje år. " + "; ".join(points) + ".",
        caption=f"Nyckeltalen {period_text(ctx)} och samma period tidigare år; den större punkten är {labels[-1]}.",
        table_html=html_table(
            pd.DataFrame.from_dict(table, orient="index"), caption="Nyckeltalen över år", row_header="Nyckeltal"
        ),
    )


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
