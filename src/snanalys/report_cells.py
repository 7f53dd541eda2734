"""Every number a tertial report may publish, as cells of declared measures.

The pages, the PDF and the CSV/XLSX tables print numbers; each of them should be the value
of a declared measure (:mod:`snanalys.measures.catalog`) for some period and split, or a
declared function of such values (the change on last year). :func:`report_cells` lists
them all for one report: what issue 13's number-tracing test checks the public files
against, and what disclosure control over the whole report (issue 14) will protect.

Cells are *unsuppressed*: the tracing asks where a printed number comes from, not whether
it may be printed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from snanalys.data import MunicipalityData
from snanalys.economy.figures import source_tables, table_values
from snanalys.kolada import extract as kolada
from snanalys.measures.catalog import BY_ID, MEASURES, PAGE_SPLITS
from snanalys.measures.engine import change_on_last_year, difference, split_dims
from snanalys.measures.facts import is_full_year
from snanalys.measures.tables import cells
from snanalys.periods import Period, add_months, month_end, tertial_alone, year_to_date
from snanalys.trends import comparison_years

CELL_COLUMNS = ["measure", "period", "by", "key", "value", "unit", "base", "start", "end"]
_DERIVED_UNITS = {"procentenheter": "procent"}  # a change in points prints as a share does


def declared_cells(
    data: MunicipalityData, period: Period, only: tuple[str, ...] | None = None, *, printed: bool = False
) -> list[pd.DataFrame]:
    """Every computed measure of ``period``: its total and each split it declares (and reason × sex);
    with ``only``, the total and those of the splits it names ("sex", "reason × sex" …); with
    ``printed``, each measure by those of them its pages print (``Measure.printed_by``)."""
    full_year = is_full_year(period)
    measures = [m for m in MEASURES if m.kind != "table" and (full_year or not m.full_year_only)]
    splits: list[tuple[str, ...]] = [()] + sorted({(d,) for m in measures for d in m.dims}) + list(PAGE_SPLITS)
    if only is not None:
        splits = [by for by in splits if not by or " × ".join(by) in only]
    out = []
    for by in splits:
        ids = [m.id for m in measures if set(by) <= split_dims(m)]
        if printed and by:
            ids = [m for m in ids if " × ".join(by) in BY_ID[m].printed_by]
        if not ids:
            continue
        frame = cells(data, period, ids, by=list(by))
        if frame.empty:  # nothing to split (no rows of the dimension in the period)
            continue
        key = frame[list(by)].astype(str).agg(" × ".join, axis=1) if by else ""
        out.append(
            pd.DataFrame(
                {
                    "measure": frame["measure"],
                    "period": period.label,
                    "by": " × ".join(by),
                    "key": key,
                    "value": frame["value"].astype("float64"),
                    "unit": frame["measure"].map(lambda m: BY_ID[m].unit),
                    "base": frame["base"].astype("float64"),
                    "start": period.start,
                    "end": period.end,
                }
            )
        )
    return out


def _changes(totals: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The change on the same period last year (per cent or points) and the difference, per measure.

    Each change carries the days of ``period`` (``start``, ``end``): the change of T1 and the
    change of T2 are two numbers, and a later report reads back which it published."""
    year = period.start.year
    this = totals.loc[totals["period"].str.startswith(str(year))].set_index("measure")["value"]
    last = totals.loc[totals["period"].str.startswith(str(year - 1))].set_index("measure")["value"]
    rows = []
    for measure in this.index.intersection(last.index):
        unit = BY_ID[measure].unit
        change, change_unit = change_on_last_year(this[measure], last[measure], unit)
        rows.append(("change_on_last_year:" + measure, change, _DERIVED_UNITS.get(change_unit, change_unit)))
        # the sentence prints the size of the difference and says "fler"/"färre"
        diff = difference(this[measure], last[measure])
        rows.append(("difference_on_last_year:" + measure, None if diff is None else abs(diff), unit))
    return pd.DataFrame(
        {
            "measure": [r[0] for r in rows],
            "period": f"{year} mot {year - 1}",
            "by": "",
            "key": "",
            "value": [r[1] for r in rows],
            "unit": [r[2] for r in rows],
            "start": period.start,
            "end": period.end,
        }
    )


def _table_cells(tables: dict, period_label: str, sources: tuple[str, ...]) -> list[pd.DataFrame]:
    out = []
    for m in MEASURES:
        if m.kind == "table" and m.source in sources:
            values = table_values(tables, m)
            out.append(
                pd.DataFrame(
                    {
                        "measure": m.id,
                        "period": period_label,
                        "by": "key",
                        "key": values.index.astype(str),
                        "value": values.to_numpy(),
                        "unit": m.unit,
                    }
                )
            )
    return out


def _kolada_cells(data: MunicipalityData) -> list[pd.DataFrame]:
    """The comparison page's Kolada series (the municipality, the peers' median, the country) and,
    where Kolada splits a KPI by sex, the municipality's and the country's women and men."""
    code = data.extract.municipality_code
    extract = kolada.comparison_extract(kolada.external_dir(data.directory), code)
    if code not in extract.geos:
        return []
    peers = kolada.peers(extract, code).codes
    out = []
    for m in MEASURES:
        if m.kind == "table" and m.source == "kolada":
            series = kolada.comparison(kolada.kpi_rows(extract, m.column), m.column, code, peers)
            sexes = kolada.by_sex(extract, m.column, code)
            sexes = sexes.loc[sexes.index.isin(series.index)]
            wide = series[["municipality", "peers_median", "country"]].join(sexes, how="left")
            wide.index.name = "year"
            long = wide.stack().rename("value").reset_index()
            out.append(
                pd.DataFrame(
                    {
                        "measure": m.id,
                        "period": long["year"].astype(str),
                        "by": "series",
                        "key": long.iloc[:, 1].astype(str),
                        "value": long["value"].astype("float64"),
                        "unit": m.unit,
                    }
                )
            )
    return out


def _official_cells(data: MunicipalityData, year: int, tertial: int) -> list[pd.DataFrame]:
    """Socialstyrelsen's official households per month the economic-assistance page shows (real data:
    the report's months; the sample: Nyköping's latest year), and for real data the limit a difference
    is flagged above. Marked months ("X", "--") have no value."""
    from snanalys import socialstyrelsen

    period = year_to_date(year, tertial)
    code = data.extract.municipality_code
    shown = socialstyrelsen.shown_series(
        kolada.external_dir(data.directory), code, data.extract.synthetic, list(period.months())
    )
    region = socialstyrelsen.SAMPLE_EXAMPLE_REGION if data.extract.synthetic else code
    starts = [dt.date(int(y), int(m), 1) for y, m in zip(shown["year"], shown["month"])]
    out = [
        pd.DataFrame(
            {
                "measure": "ss_households_in_month",
                "period": [s.strftime("%Y-%m") for s in starts],
                "by": "region",
                "key": region,
                "value": shown["households"].astype("float64").to_numpy(),
                "unit": "hushåll",
                "start": starts,
                "end": [month_end(s) for s in starts],
            }
        )
    ]
    if not data.extract.synthetic:
        limit = socialstyrelsen.DIFFERENCE_LIMIT_PCT
        out.append(pd.DataFrame({"measure": ["official_difference_limit"], "period": [str(year)], "by": [""],
                                 "key": [""], "value": [limit], "unit": ["procent"]}))  # fmt: skip
    return out


def _own_beside_official(declared: pd.DataFrame, data: MunicipalityData, year: int, tertial: int) -> pd.DataFrame:
    """``declared`` with the own households by the month the assistance is for only where the page
    prints them: for real data, the report's months that Socialstyrelsen does not mark X (an own total
    there, less the official parts shown, would give back their hidden part), never their total; none
    where the counting basis is the month paid for (the page prints the monthly section's own cells)."""
    from snanalys import socialstyrelsen

    own = declared["measure"] == "eb_households_for_month"
    if data.extract.synthetic or data.extract.counting_basis == "for_month":  # the page prints none of them
        return declared.loc[~own]
    period = year_to_date(year, tertial)
    shown = socialstyrelsen.shown_series(
        kolada.external_dir(data.directory), data.extract.municipality_code, False, list(period.months())
    )
    marked = {dt.date(int(y), int(m), 1) for y, m, k in zip(shown["year"], shown["month"], shown["mark"]) if k == "X"}
    keys = pd.to_numeric(declared["key"], errors="coerce")
    month = [
        None if pd.isna(k) else add_months(start, int(k))
        for k, start in zip(keys, pd.to_datetime(declared["start"]).dt.date)
    ]
    keep = ~own | (
        (declared["period"] == period.label)
        & (declared["by"] == "month")
        & pd.Series([m is not None and m not in marked for m in month], index=declared.index)
    )
    return declared.loc[keep]


def _target_cells(same_period: dict, year: int, tertial: int) -> pd.DataFrame:
    """The targets of the period and the numbers of their rules (config of ``targets.toml``)."""
    from snanalys import targets

    goals = targets.load_goals()
    results = targets.evaluate(goals, same_period, year)
    rows = [("target_value", r.indicator.id, r.target, "") for r in results]
    paths: list[tuple[Period, str, float]] = []  # (the same period of a year, indicator, the value to reach)
    for goal in goals:
        greens = targets.green_count(goal, results)
        rows += [
            ("target_goal_greens", goal.id, greens, ""),
            ("target_goal_indicators", goal.id, len(goal.indicators), ""),
            ("target_goal_required_green", goal.id, goal.required_green, ""),
        ]
        for ind in goal.indicators:
            rows.append(("target_tolerance", ind.id, 100 * ind.tolerance, ""))
            if ind.target is not None:
                rows += [
                    ("target_configured", ind.id, ind.target, ""),
                    ("target_upper_limit", ind.id, ind.target * (1 + ind.tolerance), ""),
                ]
            if ind.reduction is not None:
                rows.append(("target_reduction", ind.id, 100 * ind.reduction, ""))
                baseline = same_period.get(ind.measure, {}).get(ind.baseline_year)
                path = targets.reduction_path(ind.measure, baseline, goals) if baseline is not None else None
                paths += [(year_to_date(y, tertial), ind.id, v) for y, v in (path or {}).items()]
    return pd.DataFrame(
        {
            "measure": [r[0] for r in rows] + ["target_path"] * len(paths),
            "period": [str(year)] * len(rows) + [p[0].label for p in paths],
            "by": "indicator",
            "key": [r[1] for r in rows] + [p[1] for p in paths],
            "value": [r[2] for r in rows] + [p[2] for p in paths],
            "unit": [r[3] for r in rows] + [""] * len(paths),
            "start": [None] * len(rows) + [p[0].start for p in paths],
            "end": [None] * len(rows) + [p[0].end for p in paths],
        }
    )


def report_cells(data: MunicipalityData, year: int, tertial: int, *, printed: bool = False) -> pd.DataFrame:
    """Every cell the report of ``year`` T``tertial`` may print: ``measure, period, by, key, value, unit``,
    and for a declared measure's cell the individuals it rests on (``base``) and its period's first
    and last day (``start``, ``end``): what disclosure control links the cells by.

    ``printed``: only the splits :func:`published_cells` keeps (the report's period by the
    pages' splits, earlier years by the five-year tables', other periods as totals), so that the
    run computes no split it throws away; :func:`published_cells` of either is the same."""
    years = comparison_years(data, year)
    own, same, total = (OWN_PERIOD_SPLITS, FIVE_YEAR_SPLITS, ()) if printed else (None, None, None)
    frames: list[pd.DataFrame] = []
    for y in years:
        frames += declared_cells(data, year_to_date(y, tertial), own if y == year else same, printed=printed)
        if y < year and tertial != 3:  # full-year tables (long-term, indicators)
            frames += declared_cells(data, year_to_date(y, 3), total, printed=printed)
    for y in (year - 1, year):
        for t in range(1, tertial + 1):
            frames += declared_cells(data, tertial_alone(y, t), total, printed=printed)
    declared = _own_beside_official(pd.concat(frames, ignore_index=True), data, year, tertial)
    totals = declared.loc[declared["by"] == ""].drop_duplicates(["measure", "period"])
    same_period = totals.loc[totals["period"].isin([year_to_date(y, tertial).label for y in years])]
    frames = [declared, _changes(same_period, year_to_date(year, tertial))]
    months = year_to_date(year, tertial).end.month
    frames += _table_cells(
        # labelled by the report's period: T1's cost table and T2's are different numbers
        source_tables(data, year, tertial, months),
        year_to_date(year, tertial).label,
        ("committee", "costs", "cumulative", "account_groups", "outlook", "forecast_record"),
    )
    frames += _kolada_cells(data)
    frames += _official_cells(data, year, tertial)
    values = {
        m: {int(p[:4]): v for p, v in zip(group["period"], group["value"])}
        for m, group in same_period.groupby("measure")
    }
    frames.append(_target_cells(values, year, tertial))
    out = pd.concat([f for f in frames if len(f)], ignore_index=True)
    for column in ("base", "start", "end"):  # a table, a change or a target has no base or period of its own
        if column not in out:
            out[column] = None
    return out[CELL_COLUMNS]


#: The splits the pages print for the same period of every comparison year (the five-year
#: tables); the report's own period is printed by every split, other periods by their totals.
FIVE_YEAR_SPLITS = ("sex", "form", "applicant_sex", "month")
#: The splits the pages print for the report's own period: the five-year tables', adults by
#: reason and by reason × sex, the care-cost table (target group × form × provider type). Its
#: margins by target group or provider type alone are printed nowhere.
OWN_PERIOD_SPLITS = ("", *FIVE_YEAR_SPLITS, "reason", *(" × ".join(split) for split in PAGE_SPLITS))


def _period_kind(label: str) -> str:
    """ "tertial" for a tertial on its own ("2025-T2 (4 mån)"), else "year" (an earlier full year,
    "2024-T3"; the report's own period and the same period of earlier years are kept apart)."""
    return "tertial" if str(label).endswith("mån)") else "year"


def published_cells(cells: pd.DataFrame, year: int, tertial: int) -> pd.DataFrame:
    """The cells of :func:`report_cells` the pages print: the report's period by the splits the
    pages print (:data:`OWN_PERIOD_SPLITS`), the same period of earlier years by the five-year
    tables' splits, other periods (earlier full years, tertials alone) by their totals, and every
    table, change, target and comparison cell; a measure by a split only where its pages print
    it by that split (``Measure.printed_by``), and for another period only where they print it
    for that kind of period (``Measure.printed_periods``).
    What disclosure control links and protects (:mod:`snanalys.disclosure`)."""
    own = year_to_date(year, tertial).label
    same = {year_to_date(y, tertial).label for y in range(year - 10, year + 1)}
    tables = {m.id for m in MEASURES if m.kind == "table"}  # a target's path has days, but is a table's
    declared = cells["start"].notna() & ~cells["measure"].isin(tables)
    printed_by = {m.id: m.printed_by for m in MEASURES}
    split_printed = np.array([by in printed_by.get(m, ()) for m, by in zip(cells["measure"], cells["by"])], dtype=bool)
    printed_periods = {m.id: m.printed_periods for m in MEASURES}
    period_printed = np.array(
        [_period_kind(p) in printed_periods.get(m, ()) for m, p in zip(cells["measure"], cells["period"])], dtype=bool
    )
    same_period = cells["period"].isin(same)
    keep = (
        ~declared
        | ((cells["period"] == own) & cells["by"].isin(OWN_PERIOD_SPLITS) & split_printed)
        | (same_period & cells["by"].isin(FIVE_YEAR_SPLITS) & split_printed)
        | ((cells["by"] == "") & (same_period | period_printed))
    )
    return cells.loc[keep].reset_index(drop=True)
