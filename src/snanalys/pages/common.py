"""Building blocks shared by the pages: headings, key-figure tables over years, charts."""

from __future__ import annotations

import html

import pandas as pd

from snanalys import charts
from snanalys.measures.engine import change_on_last_year
from snanalys.narrative import compare_sentence, period_phrase
from snanalys.pages import PageContext
from snanalys.periods import TERTIAL_LAST_MONTH, Period, year_to_date
from snanalys.presentation import MISSING_MARK, ROUNDED_FOOTNOTE_SV, format_decimal_sv, format_number, is_missing
from snanalys.suppression import FOOTNOTE_SV, ROUNDED, SECONDARY, SHOWN, FlaggedTable
from snanalys.tables import html_table
from snanalys.trends import comparison_years


def period_text(ctx: PageContext, year: int | None = None) -> str:
    """'januari–augusti 2026' for the report period (or the same period of ``year``)."""
    return period_phrase(1, TERTIAL_LAST_MONTH[ctx.tertial], year or ctx.year)


def page_heading(ctx: PageContext, title: str) -> str:
    """The page's single h1 and a line saying what period and data it shows."""
    extract = ctx.data.extract
    source = (
        "Syntetiska exempeldata – inga verkliga personer." if ctx.synthetic else "Källa: kommunens verksamhetssystem."
    )
    return (
        f"<h1>{html.escape(title)}</h1>"
        f"<p class='lead'>{html.escape(extract.municipality_name)} · tertialuppföljning "
        f"T{ctx.tertial} {ctx.year} · {html.escape(period_text(ctx))}, ackumulerat. {source}</p>"
    )


def section(title: str, body: str, anchor: str) -> str:
    return f"<section aria-labelledby='{anchor}'><h2 id='{anchor}'>{html.escape(title)}</h2>{body}</section>"


def protected(ctx: PageContext, flagged: FlaggedTable, cells_of) -> FlaggedTable:
    """``flagged`` with every cell the report's protection hides flagged too, and the one it
    rounds shown rounded ("ca 800").

    ``cells_of(row, column)`` names the report cells a table cell prints, as
    ``(measure, period, by, key)``, the one printed first; the table cell is hidden if the
    protection hides any of them, rounded if it rounds the first and leaves the others as they
    are. Hiding more than the table alone would can only widen what a reader can work out."""
    flags = flagged.flags.copy()
    values = flagged.values.copy()
    for i, row in enumerate(flags.index):
        for j, column in enumerate(flags.columns):
            if flags.iat[i, j] != SHOWN:
                continue
            cells = list(cells_of(row, column))
            if not cells or not any(ctx.protection.hides(*c) for c in cells):
                continue
            rounded = ctx.protection.rounded_value(*cells[0])
            if rounded is not None and not any(ctx.protection.hides(*c) for c in cells[1:]):
                flags.iat[i, j], values.iat[i, j] = ROUNDED, rounded
            else:
                flags.iat[i, j] = SECONDARY
    return FlaggedTable(values, flags)


def years_by_label(ctx: PageContext) -> dict[str, Period]:
    """Row label of a five-year table → the same period of that year."""
    return {year_label(ctx, y): year_to_date(y, ctx.tertial) for y in comparison_years(ctx.data, ctx.year)}


def five_year_cells(ctx: PageContext, measure: str, by: str, keys: dict[str, str]):
    """``cells_of`` for a table of the same period each year (rows) by ``by`` (columns labelled
    by ``keys``: label → key; "Totalt" the measure's total)."""
    periods = years_by_label(ctx)

    def cells_of(row: str, column: str):
        period = periods.get(row)
        if period is None:
            return []
        if column == "Totalt":
            return [(measure, period, "", "")]
        return [(measure, period, by, keys[column])] if column in keys else []

    return cells_of


def _row(ctx: PageContext, measure: str, year: int) -> pd.Series | None:
    """The public row of ``measure`` in ``year``, None if the table has none."""
    return ctx.public_rows.get((measure, year))


def _rounded(row: pd.Series) -> bool:
    """Whether the public key figure is printed rounded ("ca 800")."""
    return not is_missing(row.get("rounded_value"))


def public_value(ctx: PageContext, measure: str, year: int) -> tuple[float | None, bool]:
    """(value, suppressed) of a key figure as the board may see it."""
    row = _row(ctx, measure, year)
    if row is None:
        return None, False
    return row["value"], bool(row["suppressed"])


def key_figure_sentence(ctx: PageContext, measure: str, subject: str) -> str:
    """A sentence comparing the period with the same period last year, from the public values."""
    current, current_x = public_value(ctx, measure, ctx.year)
    previous, previous_x = public_value(ctx, measure, ctx.year - 1)
    unit = _row(ctx, measure, ctx.year)["unit"]
    return compare_sentence(
        subject,
        current,
        previous,
        unit=unit,
        period=period_text(ctx),
        previous_period=f"samma period {ctx.year - 1}",
        current_suppressed=current_x,
        previous_suppressed=previous_x,
    )


def year_label(ctx: PageContext, year: int) -> str:
    return f"{year} T{ctx.tertial}" if ctx.tertial != 3 else str(year)


def key_figures_over_years(ctx: PageContext, measures: list[str], caption: str) -> str:
    """Rows = measures, columns = the same period of each year, plus the change on last year."""
    long = ctx.public_key_figures_by_year
    years = sorted(long["year"].unique())
    display = {}
    any_suppressed = any_rounded = False
    for measure in measures:
        cells = {}
        for year in years:
            row = _row(ctx, measure, year)
            if row is None:
                cells[year_label(ctx, year)] = "–"
                continue
            if _rounded(row):
                any_rounded = True
                cells[year_label(ctx, year)] = format_number(row["rounded_value"], row["unit"], rounded=True)
                continue
            any_suppressed |= bool(row["suppressed"])
            cells[year_label(ctx, year)] = format_number(row["value"], row["unit"], suppressed=bool(row["suppressed"]))
        current, cur_x = public_value(ctx, measure, ctx.year)
        previous, prev_x = public_value(ctx, measure, ctx.year - 1)
        unit = _row(ctx, measure, ctx.year)["unit"] if _row(ctx, measure, ctx.year) is not None else ""
        delta, delta_unit = change_on_last_year(None if cur_x else current, None if prev_x else previous, unit)
        if delta is None:
            change = "–"
        elif delta_unit == "procentenheter":
            change = f"{'+' if delta >= 0 else '−'}{format_decimal_sv(abs(delta), 1)}\u00a0procentenheter"
        else:
            change = f"{'+' if delta >= 0 else '−'}{format_number(abs(delta), 'procent')}"
        cells["Förändring mot i fjol"] = change
        label = _row(ctx, measure, ctx.year)
        display[label["label_sv"] if label is not None else measure] = cells
    frame = pd.DataFrame.from_dict(display, orient="index")
    notes = ([FOOTNOTE_SV] if any_suppressed else []) + ([ROUNDED_FOOTNOTE_SV] if any_rounded else [])
    if ctx.tertial != 3:
        notes.append(f"Alla år avser samma period, {period_text(ctx, ctx.year).rsplit(' ', 1)[0]}.")
    return html_table(frame, caption=caption, row_header="Mått", footnotes=notes)


def trend_chart(
    ctx: PageContext,
    measures: dict[str, str],
    *,
    title: str,
    ylabel: str,
    alt_subject: str,
    target: tuple[str, float | dict[int, float]] | None = None,
) -> str:
    """A line chart of public key figures over years, with its data table and a text alternative;
    ``target`` (what it says, the level or the path year → value): the committee's target as a
    dashed line (a path: a row of the data table too)."""
    long = ctx.public_key_figures_by_year
    years = sorted(long["year"].unique())
    data = pd.DataFrame(
        {label: [public_value(ctx, m, y)[0] for y in years] for m, label in measures.items()},
        index=[year_label(ctx, y) for y in years],
    ).astype(float)
    unit = _row(ctx, next(iter(measures)), ctx.year)["unit"]
    path = None
    if target is not None and isinstance(target[1], dict):
        path = pd.Series({year_label(ctx, y): v for y, v in sorted(target[1].items())}, dtype=float)
        target = (target[0], path)
    fig = charts.line_chart(data, title=title, ylabel=ylabel, target=target)
    table_display = data.apply(lambda col: col.map(lambda v: format_number(v, unit)))
    if path is not None:
        table_display = table_display.reindex(data.index.union(path.index, sort=False)).fillna(MISSING_MARK)
        table_display[target[0]] = [format_number(path.get(i), unit) for i in table_display.index]
    points = "; ".join(
        f"{label}: " + ", ".join(f"{idx} {format_number(v, unit)}" for idx, v in data[label].items())
        for label in data.columns
    )
    goal = f" Streckad linje: nämndens {target[0][:1].lower()}{target[0][1:]}." if target else ""
    alt = f"Linjediagram: {alt_subject}. {points}.{goal}"
    if path is not None:
        alt += " Målets bana: " + ", ".join(f"{i} {format_number(v, unit)}" for i, v in path.items()) + "."
    return charts.figure_html(
        fig,
        alt=alt,
        caption=f"{title}. Samma period varje år.{goal}",
        table_html=html_table(table_display.T, caption=title, row_header=""),
    )
