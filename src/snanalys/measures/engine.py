"""Measures evaluated on the facts: one SQL statement per fact and split, ratios and means after.

:func:`evaluate` is the only place a measure's value is computed. It returns cells: one row
per municipality, period (the index of one of the facts' periods), measure and value of
the split asked for (``by``), with the value and ``base``, the number of individuals it
rests on (for small-count suppression).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from snanalys.measures.catalog import BY_ID, Measure
from snanalys.measures.facts import COUNTRY, Facts
from snanalys.measures.scopes import literal

CELL_COLUMNS = ["municipality_code", "period", "measure", "value", "base"]
_KEYS = ["municipality_code", "period"]


class MeasureError(ValueError):
    """A measure asked for in a way its declaration does not allow."""


def _needed(ids: Iterable[str]) -> list[Measure]:
    """The measures asked for and everything they are made of, parts first."""
    seen: dict[str, Measure] = {}

    def visit(measure_id: str) -> None:
        if measure_id in seen:
            return
        if measure_id not in BY_ID:
            raise MeasureError(f"unknown measure {measure_id!r}")
        measure = BY_ID[measure_id]
        for part in (*measure.of, *([measure.base] if measure.base else [])):
            visit(part)
        seen[measure_id] = measure

    for measure_id in ids:
        visit(measure_id)
    return list(seen.values())


def facts_read(ids: Iterable[str]) -> set[str]:
    """The facts and views the measures ``ids`` (and what they are made of) are computed from."""
    return {m.fact for m in _needed(ids) if m.fact}


def split_dims(measure: Measure) -> set[str]:
    """The fact columns a measure can be split by (a mean over months: its per-month measure's, but the month)."""
    if measure.kind == "mean_over_months":
        return set(BY_ID[measure.of[0]].dims) - {"month"}
    return set(measure.dims)


def check_request(ids: Sequence[str], by: Sequence[str]) -> None:
    """Refuse an unknown measure, a table measure (not computed from facts) or an undeclared split."""
    for measure_id in ids:
        if measure_id not in BY_ID:
            raise MeasureError(f"unknown measure {measure_id!r}")
        measure = BY_ID[measure_id]
        if measure.kind == "table":
            raise MeasureError(f"{measure_id} is a column of {measure.source}'s table, not computed from facts")
        allowed = split_dims(measure)
        missing = [d for d in by if d not in allowed]
        if missing:
            raise MeasureError(f"{measure.id} cannot be split by {', '.join(missing)} (declared: {sorted(allowed)})")


def evaluate(facts: Facts, ids: Iterable[str], by: Sequence[str] = ()) -> pd.DataFrame:
    """Cells of ``ids`` for every municipality and period of ``facts``, split by ``by`` (fact columns).

    Columns: ``municipality_code``, ``period`` (index into ``facts.periods``), ``measure``,
    the ``by`` columns, ``value``, ``base``. A municipality without rows in a fact gets 0 for
    its counts and sums (missing for a ratio over 0); a split gets the values that occur in
    the data.
    """
    by = list(by)
    ids = list(ids)
    check_request(ids, by)
    needed = [m for m in _needed(ids) if not (m.full_year_only and not facts.full_year)]
    unbuilt = sorted({m.fact for m in needed} & facts.absent)
    if unbuilt:
        raise MeasureError(f"{', '.join(unbuilt)} not built for these facts (build_facts(reading=...) left them out)")
    results: dict[str, pd.DataFrame] = {}
    aggregates = [m for m in needed if m.kind == "aggregate"]
    requests = []
    for fact in dict.fromkeys(m.fact for m in aggregates):
        on_fact = [m for m in aggregates if m.fact == fact]
        month_split = [m for m in on_fact if "month" in m.dims]
        with_month = by if "month" in by else [*by, "month"]  # a per-month measure is always by month
        for group, split in (([m for m in on_fact if m not in month_split], by), (month_split, with_month)):
            if group:
                requests.append((fact, group, split))
    statements = [
        _aggregate_sql(fact, group, split, fact in facts.summed_for_country) for fact, group, split in requests
    ]
    for i, frame in facts.results(statements):  # each as it is done, while the others still run
        _, group, split = requests[i]
        results.update(_aggregate(facts, frame, group, split))
    for measure in needed:
        if measure.kind == "mean_over_months":
            results[measure.id] = _mean_over_months(facts, results[measure.of[0]], by)
        elif measure.kind == "ratio":
            results[measure.id] = _ratio(measure, results, by)
    frames = [results[m].assign(measure=m) for m in ids if m in results]
    if not frames:
        return pd.DataFrame(columns=[*_KEYS, "measure", *by, "value", "base"])
    out = pd.concat(frames, ignore_index=True)
    return out[[*_KEYS, "measure", *by, "value", "base"]]


def _aggregate_sql(fact: str, measures: list[Measure], by: list[str], country_by_grouping: bool = False) -> str:
    """One statement for every aggregate measure on ``fact``, grouped by municipality, period and ``by``.

    An expression asked for twice (the same individuals under two measures) is computed once;
    each measure's ``v``, ``n`` and ``r`` columns name it. ``country_by_grouping``: the fact
    holds no country rows, so the country is a grouping set of its own (every row once)."""
    unique: dict[str, str] = {}

    def column(expression: str) -> str:
        return unique.setdefault(expression, f"a{len(unique)}")

    names = []
    for i, m in enumerate(measures):
        names.append((f"v{i}", column(m.value.format(w=m.where))))
        if m.individuals is not None:
            names.append((f"n{i}", column(m.individuals.format(w=m.where))))
        names.append((f"r{i}", column(f"count(*) FILTER (WHERE {m.where})")))
    outputs = ", ".join(f"{alias} AS {name}" for name, alias in names)
    keys, inner_keys = ", ".join(["m", "p", *by]), ", ".join(["p", *by])
    municipality = f"CASE WHEN g = 1 THEN {literal(COUNTRY)} ELSE m END" if country_by_grouping else "m"
    per_person = _per_person(unique)
    if per_person is not None:
        inner, outer = per_person
        sets = f"GROUPING SETS (({keys}, person), ({inner_keys}, person))" if country_by_grouping else f"{keys}, person"
        grouping = "grouping(m)" if country_by_grouping else "0"
        return (
            f"SELECT {municipality} AS m, {inner_keys}, {outputs} FROM (SELECT {keys}, g, {outer} FROM "
            f"(SELECT {keys}, person, {grouping} AS g, {inner} FROM {fact} GROUP BY {sets}) GROUP BY {keys}, g)"
        )
    aggregates = ", ".join(f"{expression} AS {alias}" for expression, alias in unique.items())
    if country_by_grouping:
        return (
            f"SELECT {municipality} AS m, {inner_keys}, {outputs} FROM (SELECT {keys}, grouping(m) AS g, {aggregates} "
            f"FROM {fact} GROUP BY GROUPING SETS (({keys}), ({inner_keys})))"
        )
    return f"SELECT {keys}, {outputs} FROM (SELECT {keys}, {aggregates} FROM {fact} GROUP BY ALL)"


_FILTERED = re.compile(
    r"(?:sum\([^()]*\)|count\(\*\)|(?P<persons>count\(DISTINCT person\))) FILTER \(WHERE (?P<w>.*)\)",
    re.S,
)


def _per_person(unique: dict[str, str]) -> tuple[str, str] | None:
    """Aggregates that count distinct persons, computed in two steps: per person first (a flag for each
    count of persons, the sums and row counts as they are), then per group (the flags counted, the rest
    summed). A distinct count of nine filters under a grouping set is twice as dear as the two steps.
    None where no aggregate counts persons or one is not a filtered sum or count (a quantile)."""
    shapes = {alias: _FILTERED.fullmatch(expression) for expression, alias in unique.items()}
    if not any(s and s["persons"] for s in shapes.values()) or not all(shapes.values()):
        return None
    inner, outer = [], []
    for expression, alias in unique.items():
        if shapes[alias]["persons"]:
            inner.append(f"bool_or({shapes[alias]['w']}) AS {alias}")
            outer.append(f"count(*) FILTER (WHERE {alias} AND person IS NOT NULL) AS {alias}")
        else:
            inner.append(f"{expression} AS {alias}")
            outer.append(f"sum({alias}) AS {alias}")
    return ", ".join(inner), ", ".join(outer)


def _aggregate(facts: Facts, frame: pd.DataFrame, measures: list[Measure], by: list[str]) -> dict[str, pd.DataFrame]:
    """The values and bases of each measure from its statement's result."""
    frame = frame.rename(columns={"m": "municipality_code", "p": "period"})
    if by:
        grid = frame[[*_KEYS, *by]]
    else:
        grid = _grid(facts)
        frame = grid.merge(frame, on=_KEYS, how="left")
    out = {}
    for i, m in enumerate(measures):
        value = frame[f"v{i}"].astype("float64")
        if m.zero_when_empty:
            value = value.fillna(0.0)
        if m.individuals is None:
            base = value
        else:
            base = pd.to_numeric(frame[f"n{i}"], errors="coerce").astype("float64")
            if m.individuals != "NULL":
                base = base.fillna(0.0)
        cells = grid.assign(value=value.to_numpy(), base=base.to_numpy())
        if by:  # a split has the values that occur among the measure's own rows
            cells = cells.loc[frame[f"r{i}"].to_numpy() > 0].reset_index(drop=True)
        out[m.id] = cells
    if "month" in by:  # every month of the period, also those without a payment
        for measure_id, cells in out.items():
            out[measure_id] = _all_months(facts, cells, [d for d in by if d != "month"])
    return out


def _grid(facts: Facts) -> pd.DataFrame:
    """Every municipality (the country first) and period of the facts."""
    codes = ([COUNTRY] if facts.country else []) + facts.municipality_codes
    return pd.DataFrame(
        {
            "municipality_code": [c for c in codes for _ in facts.periods],
            "period": list(range(len(facts.periods))) * len(codes),
        }
    )


def _all_months(facts: Facts, cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Every month of the period for every municipality (and split), 0 where nothing was paid."""
    months = range(facts.n_months)
    groups = cells[[*_KEYS, *by]].drop_duplicates() if by else _grid(facts)
    grid = groups.merge(pd.DataFrame({"month": list(months)}), how="cross")
    full = grid.merge(cells, on=[*_KEYS, *by, "month"], how="left")
    full["value"] = full["value"].fillna(0.0)
    full["base"] = full["base"].fillna(0.0)
    return full


def _mean_over_months(facts: Facts, per_month: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The mean over every month of the period; it rests on the least month."""
    grouped = per_month.groupby([*_KEYS, *by], sort=False)["value"]
    out = grouped.agg(value="mean", base="min").reset_index()
    return out


def _ratio(measure: Measure, results: dict[str, pd.DataFrame], by: list[str]) -> pd.DataFrame:
    """Numerator over denominator on the union of their cells (in key order), resting on the base's individuals."""
    keys = [*_KEYS, *by]
    numerator, denominator, base = (results[m] for m in (*measure.of, measure.base))
    if _same_cells(keys, numerator, denominator, base):  # unsplit cells: one row per municipality and period
        num = np.nan_to_num(numerator["value"].to_numpy(dtype="float64"), nan=0.0)
        den = denominator["value"].to_numpy(dtype="float64")
        valid = ~np.isnan(den) & (den != 0)
        value = np.where(valid, measure.scale * num / np.where(valid, den, 1.0), np.nan)
        out = numerator[keys].assign(value=value, base=base["base"].to_numpy(dtype="float64"))
        return out.sort_values(keys, kind="stable").reset_index(drop=True)
    numerator, denominator, base = (f.set_index(keys) for f in (numerator, denominator, base))
    index = numerator.index.union(denominator.index)
    if not index.is_monotonic_increasing:
        index = index.sort_values()
    num, den = numerator["value"].reindex(index), denominator["value"].reindex(index)
    num = num.fillna(0.0)
    valid = den.notna() & (den != 0)
    value = (measure.scale * num / den.where(valid)).where(valid)
    return pd.DataFrame({"value": value, "base": base["base"].reindex(index)}, index=index).reset_index()


def _same_cells(keys: list[str], *frames: pd.DataFrame) -> bool:
    """Whether the frames hold the same cells in the same order (then they align row by row)."""
    first = frames[0]
    return all(
        len(f) == len(first) and all(np.array_equal(f[k].to_numpy(), first[k].to_numpy()) for k in keys)
        for f in frames[1:]
    )


def change_on_last_year(current: float | None, previous: float | None, unit: str) -> tuple[float | None, str]:
    """The change of a measure on the same period last year: (value, unit).

    A share changes in percentage points (``procentenheter``), anything else in per cent of
    last year's value; None where either value is missing or hidden, or last year's is 0.
    """
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None, ""
    if unit == "procent":
        return float(current) - float(previous), "procentenheter"
    if not previous:
        return None, ""
    return (float(current) - float(previous)) / float(previous) * 100.0, "procent"


def difference(current: float | None, previous: float | None) -> float | None:
    """This period's value less the same period last year's (None where either is missing)."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    return float(current) - float(previous)
