"""The tables made from the measures: one municipality's cells, the key-figure table, all municipalities.

:func:`cells` is what the pages read (any declared measure, split by its dimensions);
:func:`measure_table` the key-figure rows of one municipality (:mod:`snanalys.key_figures`
adds the economy's); :func:`key_figures_all` the same rows for every municipality and the
country in one pass. All three evaluate the same declarations on the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from snanalys.data import DataNotFoundError, Extract, MunicipalityData, municipality_dirs
from snanalys.measures.catalog import BY_ID, key_figure_measures
from snanalys.measures.engine import check_request, evaluate, facts_read
from snanalys.measures.facts import COUNTRY, Facts, build_facts, is_full_year
from snanalys.memo import Memo, folder_state
from snanalys.periods import Period, add_months, month_end

COLUMNS = ["measure", "value", "unit", "label_sv", "base"]
OUTPUT_COLUMNS = ["municipality_code", *COLUMNS]

_FACTS = Memo(16)
_CELLS = Memo(512)


def periods_of_a_pass(data: MunicipalityData, period: Period) -> tuple[Period, ...]:
    """The periods whose facts and cells are made in one pass with ``period``'s, in every year from
    the first the data reaches to the last (and ``period``'s own): the same period of each year,
    as a report compares years (a period ending on a month's last day ends on it in every year);
    for whole months that tile the year (a tertial alone, a quarter, a month), every such period."""
    first = min(data.extract.data_from.year, period.start.year)
    last = max(data.extract.covered_through.year, period.start.year)
    length = len(period.months())
    whole_months = period.start.day == 1 and period.end == month_end(period.end)
    if whole_months and length < 12 and 12 % length == 0 and period.start.year == period.end.year:
        offset = (period.start.month - 1) % length
        starts = [dt.date(y, 1 + offset + k * length, 1) for y in range(first, last + 1) for k in range(12 // length)]
        tiles = tuple(Period(s, month_end(add_months(s, length - 1)), s.strftime("%Y-%m")) for s in starts)
        return tuple(period if (q.start, q.end) == (period.start, period.end) else q for q in tiles)
    return tuple(period.in_year(year) for year in range(first, last + 1))


def facts_of(data: MunicipalityData, periods: tuple[Period, ...]) -> Facts:
    """The facts of one municipality and periods, built once per process and data-folder state."""
    key = (folder_state(data.directory), tuple((q.start, q.end) for q in periods))
    return _FACTS.get(key, lambda: build_facts([data.directory], [data.extract], periods))


def _evaluated(data: MunicipalityData, period: Period, ids: tuple[str, ...], by: tuple[str, ...]) -> pd.DataFrame:
    """Cells of one municipality and period, kept per process and data-folder state: the pages of a
    report ask for a few hundred cells of a dozen periods, many of them more than once. Cells are
    evaluated for the same period of every year at once (the pages show years side by side); a
    request the key-figure table of the period (evaluated once) already holds is served from it."""
    state = folder_state(data.directory)
    siblings = periods_of_a_pass(data, period)

    def key(q: Period, chosen: tuple[str, ...]) -> tuple:
        return (state, q.start, q.end, chosen, by)

    def compute(chosen: tuple[str, ...]) -> pd.DataFrame:
        table = evaluate(facts_of(data, siblings), list(chosen), by)
        per_period = dict(tuple(table.groupby("period", sort=False)))
        mine = None
        for i, q in enumerate(siblings):
            part = per_period.get(i, table.iloc[0:0]).drop(columns="period").reset_index(drop=True)
            if q == period:
                mine = part
            else:
                _CELLS.get(key(q, chosen), lambda part=part: part)
        return mine

    if not by:
        key_figures = tuple(m.id for m in key_figure_measures(is_full_year(period)))
        table = key(period, key_figures)
        if ids == key_figures or (set(ids) <= set(key_figures) and _CELLS.peek(table) is not None):
            return _CELLS.get(table, lambda: compute(key_figures))  # cells() keeps the ids asked for
    return _CELLS.get(key(period, ids), lambda: compute(ids))


def cells(data: MunicipalityData, period: Period, ids: Iterable[str], by: Sequence[str] = ()) -> pd.DataFrame:
    """Cells of ``ids`` for one municipality: ``measure``, the ``by`` columns, ``value``, ``base``."""
    ids, by = list(ids), tuple(by)
    check_request(ids, by)
    table = _evaluated(data, period, tuple(ids), by)
    chosen = table.loc[table["measure"].isin(ids)].drop(columns="municipality_code")
    order = {m: i for i, m in enumerate(ids)}
    chosen = chosen.iloc[chosen["measure"].map(order).argsort(kind="stable")]
    return chosen.reset_index(drop=True).copy()


def value(data: MunicipalityData, period: Period, measure_id: str) -> float | None:
    """One measure's value (None where it is undefined, e.g. a ratio over 0)."""
    v = cells(data, period, [measure_id])["value"].iloc[0]
    return None if pd.isna(v) else float(v)


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    frame["unit"] = frame["measure"].map(lambda m: BY_ID[m].unit)
    frame["label_sv"] = frame["measure"].map(lambda m: BY_ID[m].label_sv)
    frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), None)
    return frame


def measure_table(data: MunicipalityData, period: Period) -> pd.DataFrame:
    """The declared key figures of ``period`` for one municipality, in the table's order."""
    ids = [m.id for m in key_figure_measures(is_full_year(period))]
    return _labelled(cells(data, period, ids))[COLUMNS]


def key_figures_all(
    processed_root: Path, period: Period, *, municipalities: Iterable[str] | None = None
) -> pd.DataFrame:
    """The key figures of ``period`` for every municipality of ``processed_root`` and the country ("0000").

    Long format ``municipality_code, measure, value, unit, label_sv, base``, one block per
    municipality (by code, the country first), measures in the order of :func:`measure_table`
    (without the economy's rows, which come from each committee's own ledger and budget).
    ``municipalities`` limits the pass (and so the country's total) to those codes.
    """
    dirs = municipality_dirs(Path(processed_root))
    if municipalities is not None:
        wanted = {str(code) for code in municipalities}
        missing = wanted - {d.name for d in dirs}
        if missing:
            raise DataNotFoundError(
                f"no processed data for municipality {', '.join(sorted(missing))} in {processed_root}"
            )
        dirs = [d for d in dirs if d.name in wanted]
    if not dirs:
        raise DataNotFoundError(f"no processed data in {processed_root}: run `snanalys ingest`")
    extracts = [Extract.from_json(d / "extract.json") for d in dirs]
    ids = [m.id for m in key_figure_measures(is_full_year(period))]
    with build_facts(dirs, extracts, period, country=True, reading=facts_read(ids)) as facts:
        frame = evaluate(facts, ids).drop(columns="period")
    order = {m: i for i, m in enumerate(ids)}
    frame["_order"] = frame["measure"].map(order)
    frame["_country"] = frame["municipality_code"] != COUNTRY
    frame = frame.sort_values(["_country", "municipality_code", "_order"], kind="stable")
    frame = _labelled(frame.drop(columns=["_order", "_country"]).reset_index(drop=True))
    frame["value"] = frame["value"].astype("float64")
    return frame[OUTPUT_COLUMNS]
