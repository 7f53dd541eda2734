"""The care-cost page: kronor per care day over years, by form and provider, and its spread."""

from __future__ import annotations

import html

import pandas as pd

from snanalys.disclosure.protect import MIN_SPREAD
from snanalys.measures.scopes import SCOPES
from snanalys.measures.tables import cells
from snanalys.pages import PageContext
from snanalys.pages.common import key_figure_sentence, key_figures_over_years, period_text, section, trend_chart
from snanalys.pages.placements import FORM_LABELS_SV
from snanalys.presentation import format_number
from snanalys.suppression import FOOTNOTE_SV, MIN_COUNT, is_small_count
from snanalys.tables import html_table

TITLE = "Kostnad per vårddygn"
TARGET_LABELS_SV = {"BARN_UNGA": "Barn och unga", "VUXNA": "Vuxna", "VALDSUTSATTA": "Våldsutsatta vuxna"}
PROVIDER_LABELS_SV = {"INTERN": "intern", "EXTERN": "extern"}
PERCENTILES = {"p10": "P10", "median": "Median", "p90": "P90"}  # never min or max: one person's price


def overview_section(ctx: PageContext) -> str:
    sentences = [
        key_figure_sentence(
            ctx, "kr_per_care_day_children_external", "Kostnaden per vårddygn för barn och unga, externt"
        ),
        key_figure_sentence(
            ctx, "kr_per_care_day_adults_external", "Kostnaden per vårddygn för vuxna på institution, externt"
        ),
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


MEASURES_BY_FORM = ("care_days", "care_cost_tkr", "kr_per_care_day")


def by_form_section(ctx: PageContext) -> str:
    """Care days, cost and kr per care day for each target group, form and provider type."""
    by = ["target_group", "form", "provider_type"]
    long = cells(ctx.data, ctx.period, list(MEASURES_BY_FORM), by=by)
    table = long.pivot(index=by, columns="measure", values="value").reset_index()
    persons = long.loc[long["measure"] == "care_cost_tkr", [*by, "base"]].rename(columns={"base": "persons"})
    table = table.merge(persons, on=by)
    table = table.sort_values(["target_group", "provider_type", "form"]).reset_index(drop=True)
    table["label"] = [
        f"{TARGET_LABELS_SV.get(r.target_group, r.target_group)}, {FORM_LABELS_SV.get(r.form, r.form)}, "
        f"{PROVIDER_LABELS_SV.get(r.provider_type, r.provider_type)}"
        for r in table.itertuples(index=False)
    ]
    # a row resting on 1–4 persons is hidden, and every row the report's protection hides:
    # it is chosen over all tables at once and knows the group's totals published elsewhere
    # (the partner rows it hides are those that totals would otherwise give away)
    hidden = pd.Series([is_small_count(n) for n in table["persons"]], index=table.index)
    for i, r in zip(table.index, table.itertuples(index=False)):
        key = f"{r.target_group} × {r.form} × {r.provider_type}"
        if any(ctx.protection.hides(m, ctx.period, " × ".join(by), key) for m in MEASURES_BY_FORM):
            hidden.loc[i] = True
    any_hidden = bool(hidden.any())
    rows = {}
    for r, is_hidden in zip(table.itertuples(index=False), hidden):
        rows[r.label] = {
            "Vårddygn": "X" if is_hidden else format_number(r.care_days, "vårddygn"),
            "Kostnad, tkr": "X" if is_hidden else format_number(r.care_cost_tkr, "tkr"),
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


_IN_WORDS_SV = {5: "fem", 10: "tio", 15: "femton", 20: "tjugo"}


def spread_section(ctx: PageContext) -> str:
    """The spread of prices between placements: percentiles over at least ten placements (fewer
    pin single prices: the protection hides them), never min/max."""
    rows = {}
    for scope in ("children_external", "adults_external_institutions"):
        spread = cells(
            ctx.data,
            ctx.period,
            [f"placements_priced_{scope}", *(f"kr_per_care_day_{scope}_{q}" for q in PERCENTILES)],
        ).set_index("measure")["value"]
        n = spread[f"placements_priced_{scope}"]
        label = SCOPES[scope].description_sv
        if n < MIN_COUNT:
            rows[label] = {"Antal placeringar": f"färre än {MIN_COUNT}", "P10": "–", "Median": "–", "P90": "–"}
        elif any(ctx.protection.hides(f"kr_per_care_day_{scope}_{q}", ctx.period) for q in PERCENTILES):
            rows[label] = {
                "Antal placeringar": format_number(n, "placeringar"),
                **{name: "–" for name in PERCENTILES.values()},
            }
        else:
            rows[label] = {
                "Antal placeringar": format_number(n, "placeringar"),
                **{
                    name: format_number(spread[f"kr_per_care_day_{scope}_{q}"], "kr/vårddygn")
                    for q, name in PERCENTILES.items()
                },
            }
    note = (
        f"Spridningen visas som percentiler över minst {_IN_WORDS_SV[MIN_SPREAD]} placeringar: P10 = tio procent av placeringarna "
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
