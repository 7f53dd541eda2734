"""The placements page: care days and persons placed, by form and sex; open care vs placement."""

from __future__ import annotations

import html

import pandas as pd

from snanalys import codes
from snanalys.measures.tables import cells, value
from snanalys.pages import PageContext
from snanalys.pages.common import (
    five_year_cells,
    key_figure_sentence,
    key_figures_over_years,
    period_text,
    protected,
    section,
    trend_chart,
    year_label,
)
from snanalys.pages.economic_assistance import flagged_html
from snanalys.periods import year_to_date
from snanalys.suppression import flag_counts
from snanalys.trends import comparison_years

TITLE = "Placeringar"

FORM_LABELS_SV = {
    codes.FORM_HVB: "HVB",
    codes.FORM_SIS: "SiS",
    codes.FORM_FOSTER_OWN: "Egna familjehem",
    codes.FORM_EMERGENCY_HOME: "Jourhem",
    codes.FORM_FOSTER_CONSULTANT: "Konsulentstödda familjehem",
    codes.FORM_SUPPORTED_HOUSING: "Stödboende",
    codes.FORM_PROTECTED_HOUSING: "Skyddat boende",
}
SEX_LABELS_SV = {"K": "Flickor/kvinnor", "M": "Pojkar/män"}


def overview_section(ctx: PageContext) -> str:
    sentences = [
        key_figure_sentence(ctx, "care_days_children", "Antalet vårddygn för barn och unga"),
        key_figure_sentence(ctx, "children_placed", "Antalet placerade barn och unga"),
        key_figure_sentence(ctx, "care_days_adults_external", "Antalet externa vårddygn för vuxna"),
    ]
    measures = [
        "care_days_children",
        "children_placed",
        "children_placements_started",
        "care_days_adults_external",
        "care_days_protected_housing",
        "children_interventions_placements",
        "children_interventions_open_care",
        "children_interventions_placement_share",
    ]
    body = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    body += key_figures_over_years(ctx, measures, f"Placeringar, {period_text(ctx)} och samma period tidigare år")
    body += trend_chart(
        ctx,
        {"care_days_children": "Barn och unga, interna och externa", "care_days_adults_external": "Vuxna, externa"},
        title="Vårddygn",
        ylabel="vårddygn",
        alt_subject="antal vårddygn för barn och unga och för vuxna, samma period varje år",
    )
    return section("Vårddygn och placerade", body, "oversikt")


def _by_group(ctx: PageContext, measure: str, by: str, labels: dict[str, str], total: bool = True) -> pd.DataFrame:
    """Same period of each year × the values of ``by``, and the measure's total."""
    rows = {}
    for year in comparison_years(ctx.data, ctx.year):
        period = year_to_date(year, ctx.tertial)
        table = cells(ctx.data, period, [measure], by=[by])
        row = {labels.get(k, k): int(v) for k, v in zip(table[by].astype(str), table["value"])}
        if total:
            row["Totalt"] = int(value(ctx.data, period, measure))
        rows[year_label(ctx, year)] = row
    frame = pd.DataFrame.from_dict(rows, orient="index").fillna(0).astype(int)
    ordered = [label for label in labels.values() if label in frame.columns]
    return frame[ordered + (["Totalt"] if total else [])]


def _with_sum(frame: pd.DataFrame) -> pd.DataFrame:
    """The parts and their sum: what small-count suppression protects (a person in two forms is in both)."""
    return frame.assign(Totalt=frame.sum(axis=1))


def _keys(labels: dict[str, str]) -> dict[str, str]:
    return {label: key for key, label in labels.items()}


def _persons_and_days(ctx, persons: pd.DataFrame, persons_measure: str, days_measure: str, by: str, labels):
    """Persons flagged table by table and by the report's protection of them or their care days
    (the days table is shown with the same flags)."""
    keys = _keys(labels)
    persons_cells = five_year_cells(ctx, persons_measure, by, keys)
    days_cells = five_year_cells(ctx, days_measure, by, keys)
    return protected(
        ctx,
        flag_counts(persons, row_total="Totalt"),
        lambda row, column: [*persons_cells(row, column), *days_cells(row, column)],
    )


def children_section(ctx: PageContext) -> str:
    """Children and young people: persons placed by sex, care days by form."""
    persons = _by_group(ctx, "children_placed", "sex", SEX_LABELS_SV)
    persons_table = flagged_html(
        protected(
            ctx,
            flag_counts(persons, row_total="Totalt"),
            five_year_cells(ctx, "children_placed", "sex", _keys(SEX_LABELS_SV)),
        ),
        caption="Placerade barn och unga efter juridiskt kön (personer med minst ett vårddygn)",
        row_header="Period",
        unit="personer",
    )
    days = _by_group(ctx, "care_days_children", "form", FORM_LABELS_SV)
    days_by_persons = _with_sum(_by_group(ctx, "children_placed", "form", FORM_LABELS_SV, total=False))
    flagged_days = _persons_and_days(
        ctx, days_by_persons, "children_placed", "care_days_children", "form", FORM_LABELS_SV
    )
    # care days of a form with 1–4 children would describe those children: hide them with the persons
    days_flagged = flagged_days.with_values(days)
    days_table = flagged_html(
        days_flagged,
        caption="Vårddygn för barn och unga efter placeringsform",
        row_header="Period",
        unit="vårddygn",
    )
    return section("Barn och unga", persons_table + days_table, "barn")


def adults_section(ctx: PageContext) -> str:
    persons = _by_group(ctx, "adults_placed_external", "sex", SEX_LABELS_SV)
    days = _by_group(ctx, "care_days_adults_external", "sex", SEX_LABELS_SV)
    flagged = _persons_and_days(
        ctx, persons, "adults_placed_external", "care_days_adults_external", "sex", SEX_LABELS_SV
    )
    body = flagged_html(
        flagged,
        caption="Vuxna i externa placeringar (HVB, SiS, familjehem) efter juridiskt kön",
        row_header="Period",
        unit="personer",
    )
    body += flagged_html(
        flagged.with_values(days),
        caption="Vårddygn för vuxna i externa placeringar efter juridiskt kön",
        row_header="Period",
        unit="vårddygn",
    )
    return section("Vuxna", body, "vuxna")
