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
from snanalys.suppression import PRIMARY, SHOWN, FlaggedTable, flag_counts, is_small_count
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


def _days_table(ctx, days: pd.DataFrame, persons: pd.DataFrame, days_measure: str, by: str, labels) -> FlaggedTable:
    """Care days by ``by``: X where they rest on 1–4 persons and wherever the report's protection
    hides the days themselves. The persons' own partners (hidden to protect another count) are
    not the days' business: the protection, which links the days to every other number of the
    report, decides for the days cells."""
    days = days.reindex(index=persons.index, columns=persons.columns)
    small = persons.map(lambda v: PRIMARY if is_small_count(v) else SHOWN)
    return protected(ctx, FlaggedTable(days, small), five_year_cells(ctx, days_measure, by, _keys(labels)))


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
    # care days of a form with 1–4 children would describe those children: hidden with them
    persons_by_form = _with_sum(_by_group(ctx, "children_placed", "form", FORM_LABELS_SV, total=False))
    days_table = flagged_html(
        _days_table(ctx, days, persons_by_form, "care_days_children", "form", FORM_LABELS_SV),
        caption="Vårddygn för barn och unga efter placeringsform",
        row_header="Period",
        unit="vårddygn",
    )
    return section("Barn och unga", persons_table + days_table, "barn")


def adults_section(ctx: PageContext) -> str:
    persons = _by_group(ctx, "adults_placed_external", "sex", SEX_LABELS_SV)
    days = _by_group(ctx, "care_days_adults_external", "sex", SEX_LABELS_SV)
    flagged = protected(
        ctx,
        flag_counts(persons, row_total="Totalt"),
        five_year_cells(ctx, "adults_placed_external", "sex", _keys(SEX_LABELS_SV)),
    )
    body = flagged_html(
        flagged,
        caption="Vuxna i externa placeringar (HVB, SiS, familjehem) efter juridiskt kön",
        row_header="Period",
        unit="personer",
    )
    body += flagged_html(
        _days_table(ctx, days, persons, "care_days_adults_external", "sex", SEX_LABELS_SV),
        caption="Vårddygn för vuxna i externa placeringar efter juridiskt kön",
        row_header="Period",
        unit="vårddygn",
    )
    return section("Vuxna", body, "vuxna")
