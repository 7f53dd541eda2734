"""The care-cost page: kronor per care day over years, by form and provider, and its spread."""

from __future__ import annotations

import html

import pandas as pd

from snanalys.metrics import placements as pl
from snanalys.metrics.care_days import care_days_per_spell
from snanalys.pages import PageContext
from snanalys.pages.common import key_figure_sentence, key_figures_over_years, period_text, section, trend_chart
from snanalys.pages.placements import FORM_LABELS_SV
from snanalys.presentation import format_decimal_sv, format_number
from snanalys.suppression import FOOTNOTE_SV, cost_percentiles, flag_counts
from snanalys.tables import html_table

TITLE = "Kostnad per vårddygn"
TARGET_LABELS_SV = {"BARN_UNGA": "Barn och unga", "VUXNA": "Vuxna", "VALDSUTSATTA": "Våldsutsatta vuxna"}
PROVIDER_LABELS_SV = {"INTERN": "intern", "EXTERN": "extern"}


def overview_section(ctx: PageContext) -> str:
    sentences = [
        key_figure_sentence(ctx, "kr_per_care_day_children_external", "Kostnaden per vårddygn för barn och unga, externt"),
        key_figure_sentence(ctx, "kr_per_care_day_adults_external", "Kostnaden per vårddygn för vuxna på institution, externt"),
    ]
    body = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    body += key_figures_over_years(
        ctx,
        ["kr_per_care_day_children_external", "kr_per_care_day_adults_external"],
        f"Kronor per vårddygn, {period_text(ctx)} och samma period tidigare år",
    )
    body += trend_chart(
        ctx,
        {
            "kr_per_care_day_children_external": "Barn och unga, institution/upphandlade familjehem",
            "kr_per_care_day_adults_external": "Vuxna, institution",
        },
        title="Kronor per vårddygn, externa placeringar",
        ylabel="kr per vårddygn",
        alt_subject="kostnad per vårddygn för externa placeringar",
    )
    body += (
        "<p class='footnote'>Kostnaden avser den vård som gavs under perioden (fakturans vårdmånad, inte "
        "bokföringsdatum), delad med periodens vårddygn för samma placeringar. Fakturor som ännu inte kommit in "
        "kan höja kostnaden för de senaste månaderna.</p>"
    )
    return section("Kronor per vårddygn", body, "oversikt")


def by_form_section(ctx: PageContext) -> str:
    """Care days, cost and kr per care day for each target group, form and provider type."""
    table = pl.cost_per_care_day_by(
        ctx.data.placements, ctx.data.placement_costs, ctx.period, ctx.data.extract.extract_date
    )
    table = table.sort_values(["target_group", "provider_type", "form"]).reset_index(drop=True)
    table["label"] = [
        f"{TARGET_LABELS_SV.get(r.target_group, r.target_group)}, {FORM_LABELS_SV.get(r.form, r.form)}, "
        f"{PROVIDER_LABELS_SV.get(r.provider_type, r.provider_type)}"
        for r in table.itertuples(index=False)
    ]
    # a row resting on 1–4 persons is hidden, and so is a second row of its target group:
    # the group's totals are published elsewhere on the report and would give it away
    hidden = pd.Series(False, index=table.index)
    for _, group in table.groupby("target_group"):
        persons = group.set_index("label")[["persons"]]
        persons.loc["Totalt"] = persons["persons"].sum()
        flags = flag_counts(persons, col_total="Totalt").flags["persons"].drop("Totalt")
        hidden.loc[group.index] = flags.ne("").to_numpy()
    any_hidden = bool(hidden.any())
    rows = {}
    for r, is_hidden in zip(table.itertuples(index=False), hidden):
        rows[r.label] = {
            "Vårddygn": "X" if is_hidden else format_number(r.care_days, "vårddygn"),
            "Kostnad, tkr": "X" if is_hidden else format_decimal_sv(r.cost_kr / 1000, 0),
            "Kr per vårddygn": "X" if is_hidden else format_number(r.kr_per_care_day, "kr/vårddygn"),
        }
    notes = [FOOTNOTE_SV] if any_hidden else []
    notes.append("Interna placeringars kostnad är kommunens egen (t.ex. arvoden till egna familjehem).")
    return section(
        "Efter placeringsform och regi",
        html_table(
            pd.DataFrame.from_dict(rows, orient="index"),
            caption=f"Vårddygn och kostnad efter målgrupp, placeringsform och regi, {period_text(ctx)}",
            row_header="Målgrupp, form, regi",
            footnotes=notes,
        ),
        "form",
    )


def spread_section(ctx: PageContext) -> str:
    """The spread of prices between placements: percentiles over at least 5 placements, never min/max."""
    placements = ctx.data.placements
    days = care_days_per_spell(placements["start_date"], placements["end_date"], ctx.period, ctx.data.extract.extract_date)
    cost = pl.cost_by_placement(ctx.data.placement_costs, ctx.period)
    frame = placements.assign(care_days=days)
    frame = frame.loc[frame["care_days"] > 0].copy()
    frame["kr_per_day"] = frame["placement_key"].map(cost).fillna(0.0) / frame["care_days"]
    frame = frame.loc[frame["kr_per_day"] > 0]
    rows = {}
    for name in ("children_external", "adults_external_institutions"):
        scope = pl.SCOPES[name]
        chosen = scope.select(frame)
        spread = cost_percentiles(chosen["kr_per_day"])
        label = scope.description_sv
        if spread is None:
            rows[label] = {"Antal placeringar": "färre än 5", "P10": "–", "Median": "–", "P90": "–"}
        else:
            rows[label] = {
                "Antal placeringar": format_number(len(chosen), "personer"),
                **{key: format_number(value, "kr/vårddygn") for key, value in _percentile_labels(spread).items()},
            }
    note = (
        "Spridningen visas som percentiler över minst fem placeringar: P10 = tio procent av placeringarna "
        "kostade mindre per dygn, P90 = tio procent kostade mer. Lägsta och högsta pris visas inte, eftersom de "
        "avser en enskild persons placering."
    )
    return section(
        "Spridning mellan placeringar",
        html_table(
            pd.DataFrame.from_dict(rows, orient="index"),
            caption=f"Kronor per vårddygn per placering, {period_text(ctx)}",
            row_header="Placeringar",
            footnotes=[note],
        ),
        "spridning",
    )


def _percentile_labels(spread: dict[float, float]) -> dict[str, float]:
    """{0.1: v, 0.5: v, 0.9: v} → {"P10": v, "Median": v, "P90": v}."""
    return {("Median" if abs(q - 0.5) < 1e-9 else f"P{round(q * 100)}"): value for q, value in spread.items()}
