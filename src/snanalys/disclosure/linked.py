"""A report's cells as one linked table: one variable per distinct number, and what ties them.

A reader who wants a hidden number back knows more than the numbers: the labels say that
women and men are the parts of all households, that a price is kronor over care days, that
January–April lies within January–August. Every such relation a reader can know is written
here once, from the measure declarations (:mod:`snanalys.measures.catalog`), never by hand
for one table:

* **splits**: a measure's total is the sum of its cells by a dimension (and a coarse split the
  sum of a finer one) when the measure counts rows (``count(*)``, ``sum``), and for distinct
  persons (``count(DISTINCT …)``) where no one is in two parts (a reader who assumes the parts
  add up is then right); where someone is, each part lies within the total and the total
  within the sum of the parts;
* **the same number twice**: "hushåll där sökande är kvinna" is households split by the
  applicant's sex, key K (a ``where`` that narrows another measure's by one dimension);
* **partitions** (:data:`~snanalys.measures.catalog.PARTITIONS`): total = parts + remainder ≥ 0;
* **ratios and means**: value = scale × numerator / denominator; a mean over months is the
  sum of the months over their number;
* **time**: a count of distinct individuals over a longer period is at least the count over a
  shorter one within it and at most the sum over two that tile it; a sum of kronor or days
  (or of placements started) over two periods that tile a third adds up to it;
* **the change on last year** (per cent, points, or the difference in a sentence);
* **care days ≤ persons × days** of the period, and at least one day per person placed;
* **the economy's cost table**: an area's volume and cost are the care days and kronor of its
  declared measures, its price is cost over volume, the sum row is the sum of the areas.

What is not modelled (documented in docs/disclosure.md): a revised number of an earlier
report is a variable of its own without its old relations; the committee's ledger tables
(kronor per account, not per individual) are not linked to the individuals.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from snanalys.economy.drivers import AREAS
from snanalys.measures.catalog import BY_ID, COUNT_UNITS, PARTITIONS, Measure
from snanalys.measures.scopes import SCOPES
from snanalys.periods import add_months, month_end, shift_year

#: The kinds of cells: what rule protects them and which bounds a reader knows.
COUNT, AMOUNT, MEAN, PERCENTILE, TABLE, DERIVED, CONSTANT = (
    "count",
    "amount",
    "mean",
    "percentile",
    "table",
    "derived",
    "constant",
)
AMOUNT_UNITS = ("kr", "vårddygn", "tkr")
_CHANGE = re.compile(r"^(change_on_last_year|difference_on_last_year):(.+)$")


@dataclass(frozen=True)
class Linear:
    """``sum(coef × variable) <= rhs`` (``equal``: ``==``)."""

    terms: tuple[tuple[int, float], ...]
    equal: bool
    rhs: float = 0.0
    why: str = ""


@dataclass(frozen=True)
class RatioTie:
    """``ratio = scale × numerator / denominator``: linear in the other two once the ratio is shown."""

    ratio: int
    numerator: int
    denominator: int
    scale: float
    why: str = ""


@dataclass(frozen=True)
class ChangeTie:
    """A change on last year that is shown: ``form`` "percent" (value = 100·(this/last − 1)),
    "points" (value = this − last) or "difference" (value = sign·(this − last), the sentence
    saying "fler" or "färre")."""

    change: int
    this: int
    last: int
    form: str
    sign: float = 1.0


@dataclass
class LinkedTable:
    """The variables (cells first, then remainders and increments) and their relations.

    ``cells`` has one row per distinct published number: ``id``, the report cell's columns,
    ``kind`` and ``var`` (its variable). ``value`` holds every variable's true value; ``lower``
    the bound a reader knows without any table (0 for counts, days and kronor of individuals).
    ``aux`` names the variables that are no cell: a partition's remainder, a count's increment
    from one tertial to the next, with the individuals they rest on (``aux_base``)."""

    cells: pd.DataFrame
    value: np.ndarray
    lower: np.ndarray
    linear: list[Linear] = field(default_factory=list)
    ratios: list[RatioTie] = field(default_factory=list)
    changes: list[ChangeTie] = field(default_factory=list)
    aux: dict[int, str] = field(default_factory=dict)
    aux_kind: dict[int, str] = field(default_factory=dict)
    aux_base: dict[int, float] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.value)

    def var(self, cell_id: str) -> int:
        return int(self._var_of[cell_id])

    @property
    def _var_of(self) -> dict[str, int]:
        return dict(zip(self.cells["id"], self.cells["var"]))


def cell_kind(measure_id: str, unit: str) -> str:
    """What a cell is, for the rule and the bounds: a count, an amount, a mean, a table's number…"""
    if _CHANGE.match(measure_id):
        return DERIVED
    m = BY_ID.get(measure_id)
    if m is None:
        return CONSTANT  # the targets' configuration
    if m.kind == "table":
        return TABLE if m.source == "costs" else CONSTANT
    if m.id == "population":
        return CONSTANT
    if m.kind == "aggregate" and "quantile" in m.value:
        return PERCENTILE
    if m.kind == "aggregate" and unit in COUNT_UNITS:  # placements started: placements, of persons
        return COUNT
    if m.kind == "aggregate" and unit in AMOUNT_UNITS:
        return AMOUNT
    if m.kind in ("ratio", "mean_over_months"):
        return MEAN
    return CONSTANT


def _split_kind(m: Measure) -> str | None:
    """How a measure's cells by a dimension add up: "exact" (rows), "sub" (distinct persons), None."""
    if m.kind != "aggregate":
        return None
    if m.value.startswith(("count(*)", "sum(")):
        return "exact"
    if m.value.startswith("count(DISTINCT"):
        return "sub"
    return None


def time_kind(m: Measure) -> str | None:
    """How a measure adds up over time: "additive" (sums; row counts of month or start events),
    "cumulative" (distinct individuals or records overlapping the period), None (no relation)."""
    if m.kind != "aggregate" or "quantile" in m.value or m.id == "population":
        return None
    if m.value.startswith("sum(") or m.fact == "v_household_months" or "started_in_period" in m.value:
        return "additive"
    return "cumulative"


def _day(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _calendar(cells: pd.DataFrame) -> tuple[list, list, list, list]:
    """Each row's start, end, by and key, a month of any period as that calendar month."""
    starts = [_day(v) for v in cells["start"]]
    ends = [_day(v) for v in cells["end"]]
    by = cells["by"].astype(str).tolist()
    key = cells["key"].astype(str).tolist()
    for i in range(len(cells)):
        if by[i] == "month" and starts[i] is not None:
            first = add_months(starts[i].replace(day=1), int(float(key[i])))
            starts[i], ends[i], by[i], key[i] = first, month_end(first), "", ""
    return starts, ends, by, key


def cell_ids(cells: pd.DataFrame) -> list[str]:
    """Each row's ``id``, the name of the number itself (see :func:`canonical`)."""
    starts, ends, by, key = _calendar(cells)
    return [
        f"{m}|{s}|{e}|{b}|{k}" if s is not None else f"{m}|{p}|{b}|{k}"
        for m, s, e, b, k, p in zip(cells["measure"], starts, ends, by, key, cells["period"])
    ]


def canonical(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells with an ``id`` naming the number itself: a month of any period is that calendar
    month, and one period is one period whatever its label ("2025-T1" and "2025-T1 (4 mån)")."""
    out = cells.copy()
    starts, ends, by, key = _calendar(out)
    out["start"], out["end"], out["by"], out["key"] = starts, ends, by, key
    out["id"] = cell_ids(cells)
    out["kind"] = [cell_kind(m, u) for m, u in zip(out["measure"], out["unit"])]
    # one id with several values is no single number (a per-month measure's rows without their
    # month): its cells under their own months carry the numbers
    values_per_id = out.drop_duplicates(["id", "value"]).groupby("id").size()  # NaN is one value
    ambiguous = out["id"].map(values_per_id).to_numpy() > 1
    return out[~ambiguous].drop_duplicates("id").reset_index(drop=True)


class _Builder:
    def __init__(self, cells: pd.DataFrame) -> None:
        self.cells = cells
        self.value = list(pd.to_numeric(cells["value"], errors="coerce").astype(float))
        self.ids = {c: i for i, c in enumerate(cells["id"])}
        self.linear: list[Linear] = []
        self.ratios: list[RatioTie] = []
        self.changes: list[ChangeTie] = []
        self.aux: dict[int, str] = {}
        self.aux_kind: dict[int, str] = {}
        self.aux_base: dict[int, float] = {}

    def known(self, *vars_: int | None) -> bool:
        return all(v is not None and not np.isnan(self.value[v]) for v in vars_)

    def add(self, terms, *, equal: bool, rhs: float = 0.0, why: str = "") -> None:
        merged: dict[int, float] = defaultdict(float)
        for var, coef in terms:
            merged[var] += coef
        terms = tuple((v, c) for v, c in merged.items() if c != 0)
        if terms:
            self.linear.append(Linear(terms, equal, rhs, why))

    def new_aux(self, name: str, value: float, kind: str, base: float) -> int:
        self.value.append(value)
        var = len(self.value) - 1
        self.aux[var], self.aux_kind[var], self.aux_base[var] = name, kind, base
        return var


def _index(cells: pd.DataFrame) -> dict[tuple, int]:
    """(measure, start, end, by, key) → variable, for the cells of declared measures' periods."""
    return {
        (m, s, e, b, k): i
        for i, (m, s, e, b, k) in enumerate(
            zip(cells["measure"], cells["start"], cells["end"], cells["by"], cells["key"])
        )
        if s is not None
    }


def _splits(b: _Builder, at: dict[tuple, int]) -> None:
    """A total against its cells by one dimension, and a coarse split against a finer one."""
    groups: dict[tuple, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for (m, s, e, by, key), var in at.items():
        groups[(m, s, e)][by][key] = var
    for (m, _s, _e), by_split in groups.items():
        kind = _split_kind(BY_ID[m])
        if kind is None:
            continue
        coarse_of_fine = []
        for by, members in by_split.items():
            dims = by.split(" × ") if by else []
            for coarse, coarse_members in by_split.items():
                cdims = coarse.split(" × ") if coarse else []
                if coarse == by or not set(cdims) < set(dims):
                    continue
                positions = [dims.index(d) for d in cdims]
                parts: dict[str, list[int]] = defaultdict(list)
                for key, var in members.items():
                    values = key.split(" × ")
                    parts[" × ".join(values[p] for p in positions)].append(var)
                for ckey, total in coarse_members.items():
                    coarse_of_fine.append((total, parts.get(ckey, []), f"{m} {coarse or 'totalt'} av {by}"))
        for total, parts, why in coarse_of_fine:
            if kind == "exact" or _nobody_twice(b, total, parts):
                b.add([(total, -1.0), *((p, 1.0) for p in parts)], equal=True, why=why)
            else:  # distinct persons: total ≤ the sum of the parts, each part ≤ the total
                b.add([(total, 1.0), *((p, -1.0) for p in parts)], equal=False, why="≤ summan: " + why)
                for p in parts:
                    b.add([(p, 1.0), (total, -1.0)], equal=False, why="del ≤ " + why)


def _nobody_twice(b: _Builder, total: int, parts: list[int]) -> bool:
    """Whether no one is counted in two parts: then the parts add up to the total, and a reader
    who assumes they do (as anyone reading a table by sex would) is right."""
    if not b.known(total, *parts):
        return False
    return bool(np.isclose(sum(b.value[p] for p in parts), b.value[total]))


def _narrowing(parent: Measure, child: Measure) -> tuple[str, str] | None:
    """(dimension, key) if ``child`` is ``parent`` split by one dimension (the same rows, one key)."""
    if (child.fact, child.value) != (parent.fact, parent.value) or child.id == parent.id:
        return None
    for dim in parent.dims:
        pattern = (
            rf"^{re.escape(parent.where)} AND {dim} = '([^']+)'$" if parent.where != "true" else rf"^{dim} = '([^']+)'$"
        )
        match = re.match(pattern, child.where)
        if match:
            return dim, match.group(1)
    return None


def _same_numbers(b: _Builder, at: dict[tuple, int]) -> None:
    measures = {m for (m, *_rest) in at}
    pairs = [
        (child, parent, found)
        for child in measures
        for parent in measures
        if (found := _narrowing(BY_ID[parent], BY_ID[child])) is not None
    ]
    for child, parent, (dim, key) in pairs:
        for (m, s, e, by, _k), var in at.items():
            if m == child and by == "" and (other := at.get((parent, s, e, dim, key))) is not None:
                b.add([(var, 1.0), (other, -1.0)], equal=True, why=f"{child} = {parent} {dim}={key}")


FINE_SPLIT = "target_group × form × provider_type"


def _scopes(b: _Builder, at: dict[tuple, int]) -> None:
    """A measure over a set of placements (:data:`~snanalys.measures.scopes.SCOPES`: target groups
    × forms × provider types, e.g. protected housing) is its unscoped measure's cells of those
    combinations: their sum for kronor and days (and for persons where no one is in two), at
    most their sum for persons otherwise; its own cells by that split are the same numbers."""
    by_where = {scope.predicate(): scope for scope in SCOPES.values()}
    unscoped = {
        (m.fact, m.value): m.id for m in BY_ID.values() if m.where == "true" and FINE_SPLIT.split(" × ")[0] in m.dims
    }
    for (m, s, e, by, key), var in list(at.items()):
        measure = BY_ID[m]
        scope = by_where.get(measure.where)
        base = unscoped.get((measure.fact, measure.value))
        if scope is None or base is None or base == m:
            continue
        if by == FINE_SPLIT:
            if (twin := at.get((base, s, e, FINE_SPLIT, key))) is not None:
                b.add([(var, 1.0), (twin, -1.0)], equal=True, why=f"{m} = {base} {key}")
            continue
        if by != "":
            continue
        keys = [" × ".join(k) for k in itertools.product(scope.target_groups, scope.forms, scope.provider_types)]
        parts = [p for k in keys if (p := at.get((base, s, e, FINE_SPLIT, k))) is not None]
        if not parts or not b.known(var, *parts):
            continue
        if measure.value.startswith("sum(") or _nobody_twice(b, var, parts):
            if np.isclose(sum(b.value[p] for p in parts), b.value[var]):  # every combination with a value is a cell
                b.add([(var, -1.0), *((p, 1.0) for p in parts)], equal=True, why=f"{m} summa av {base} {FINE_SPLIT}")
        else:
            b.add([(var, 1.0), *((p, -1.0) for p in parts)], equal=False, why=f"≤ {m} inom summan av {base}")


def _partitions(b: _Builder, at: dict[tuple, int]) -> None:
    for part in PARTITIONS:
        for (m, s, e, by, _key), total in at.items():
            if m != part.total or by != "":
                continue
            parts = [at.get((p, s, e, "", "")) for p in part.parts]
            if any(p is None for p in parts) or not b.known(total, *parts):
                continue
            rest = b.value[total] - sum(b.value[p] for p in parts)
            if part.remainder_known:  # zero by definition, or published ("Uppgift saknas"): a reader knows it
                b.add([(total, -1.0), *((p, 1.0) for p in parts)], equal=True, rhs=-rest, why=f"summa av {part.total}")
                continue
            aux = b.new_aux(f"{part.total} − {' − '.join(part.parts)} {s}–{e}", rest, COUNT, rest)
            b.add([(total, 1.0), *((p, -1.0) for p in parts), (aux, -1.0)], equal=True, why=f"partition {part.total}")


def _ratios(b: _Builder, at: dict[tuple, int]) -> None:
    for (m, s, e, by, key), var in at.items():
        measure = BY_ID[m]
        if measure.kind == "ratio":
            num, den = (at.get((x, s, e, by, key)) for x in measure.of)
            if num is not None and den is not None:
                b.ratios.append(RatioTie(var, num, den, measure.scale, f"{m} = {measure.of[0]}/{measure.of[1]}"))
        elif measure.kind == "mean_over_months" and by == "":
            months = []
            month = s.replace(day=1)
            while month <= e:
                months.append(at.get((measure.of[0], month, month_end(month), "", "")))
                month = add_months(month, 1)
            if months and all(v is not None for v in months):
                b.add([(var, -float(len(months))), *((v, 1.0) for v in months)], equal=True, why=f"{m} mean")


def _time(b: _Builder, at: dict[tuple, int]) -> None:
    """Nested and tiling periods of one measure and cell; the increments of the year-to-date counts."""
    by_cell: dict[tuple, dict[tuple, int]] = defaultdict(dict)
    for (m, s, e, by, key), var in at.items():
        by_cell[(m, by, key)][(s, e)] = var
    for (m, by, key), spans in by_cell.items():
        kind = time_kind(BY_ID[m])
        if kind is None or len(spans) < 2:
            continue
        for (s1, e1), v1 in spans.items():
            for (s2, e2), v2 in spans.items():
                if (s1, e1) != (s2, e2) and s2 <= s1 and e1 <= e2:
                    b.add([(v1, 1.0), (v2, -1.0)], equal=False, why=f"{m} {s1}–{e1} inom {s2}–{e2}")
                    counted = kind == "cumulative" or BY_ID[m].unit in COUNT_UNITS
                    if counted and s1 == s2 and s1.month == 1 and s1.day == 1 and b.known(v1, v2):
                        if e1.month in (4, 8) and e2.month == e1.month + 4:
                            inc = b.value[v2] - b.value[v1]
                            aux = b.new_aux(f"{m} {by} {key} {e1:%Y-%m}→{e2:%Y-%m}", inc, COUNT, inc)
                            b.add([(v2, 1.0), (v1, -1.0), (aux, -1.0)], equal=True, why=f"{m} ökning")
                # tiling: (s2..e1) then (e1+1..e2) make (s2..e2)
                if s1 == s2 and e1 < e2 and (third := spans.get((e1 + dt.timedelta(days=1), e2))) is not None:
                    whole, first, second = v2, v1, third
                    if kind == "additive":
                        b.add([(whole, 1.0), (first, -1.0), (second, -1.0)], equal=True, why=f"{m} summa över tid")
                    else:
                        b.add([(whole, 1.0), (first, -1.0), (second, -1.0)], equal=False, why=f"{m} högst summan")


def _changes(b: _Builder, cells: pd.DataFrame, at: dict[tuple, int], year: int, tertial: int) -> None:
    for i, measure_id in enumerate(cells["measure"]):
        match = _CHANGE.match(measure_id)
        start, end = cells["start"].iloc[i], cells["end"].iloc[i]
        if not match or start is None or end is None:
            continue
        what, m = match.groups()  # this period's value against the same days a year before
        this = at.get((m, start, end, "", ""))
        last = at.get((m, shift_year(start, -1), shift_year(end, -1), "", ""))
        if this is None or last is None or not b.known(i, this, last):
            continue
        unit = str(cells["unit"].iloc[i])
        if what == "difference_on_last_year":
            sign = 1.0 if b.value[this] >= b.value[last] else -1.0
            b.changes.append(ChangeTie(i, this, last, "difference", sign))
        elif unit == "procent" and BY_ID[m].unit != "procent":
            b.changes.append(ChangeTie(i, this, last, "percent"))
        else:
            b.changes.append(ChangeTie(i, this, last, "points"))


def _care_days(b: _Builder, at: dict[tuple, int]) -> None:
    """Care days ≤ persons × days of the period, and ≥ persons (a person placed has a day)."""
    days_of = {m.where: m.id for m in BY_ID.values() if m.fact == "f_spells" and m.value.startswith("sum(care_days)")}
    placed_of = {
        m.where: m.id
        for m in BY_ID.values()
        if m.fact == "f_spells" and m.value.startswith("count(DISTINCT person) FILTER (WHERE care_days > 0")
    }
    for where, days in days_of.items():
        placed = placed_of.get(where)
        if placed is None:
            continue
        for (m, s, e, by, key), dvar in at.items():
            if m == days and (pvar := at.get((placed, s, e, by, key))) is not None:
                n_days = (e - s).days + 1
                b.add([(dvar, 1.0), (pvar, -float(n_days))], equal=False, why=f"{days} ≤ {placed} × dagar")
                b.add([(pvar, 1.0), (dvar, -1.0)], equal=False, why=f"{placed} ≤ {days}")


def _scaled(b: _Builder, at: dict[tuple, int]) -> None:
    """A measure declared as another over 1000 (kostnad i tkr, kostnad i kr) is the same number."""
    for m in {k[0] for k in at}:
        measure = BY_ID[m]
        for other in BY_ID.values():
            if (
                other.id != m
                and measure.value == f"{other.value} / 1000"
                and (measure.fact, measure.where) == (other.fact, other.where)
            ):
                for (mm, s, e, by, key), var in at.items():
                    twin = at.get((other.id, s, e, by, key)) if mm == m else None
                    if twin is not None:
                        b.add([(var, 1000.0), (twin, -1.0)], equal=True, why=f"{m} = {other.id} / 1000")


def _economy(b: _Builder, cells: pd.DataFrame, at: dict[tuple, int], year: int, tertial: int) -> None:
    """The cost table: volume and cost are the area's declared measures, price = cost/volume, sums."""
    from snanalys.periods import year_to_date

    table = {
        (m, k): i for i, (m, k, kind) in enumerate(zip(cells["measure"], cells["key"], cells["kind"])) if kind == TABLE
    }
    for area in AREAS:
        for suffix, period in (("", year_to_date(year, tertial)), ("_last_year", year_to_date(year - 1, tertial))):
            volume = at.get((area.volume_measure, period.start, period.end, "", ""))
            cost = at.get((area.cost_measure, period.start, period.end, "", ""))
            shown_volume = table.get((f"cost_volume{suffix}", area.key))
            shown_cost = table.get(("cost_outcome_tkr" if not suffix else "cost_outcome_last_year_tkr", area.key))
            price = table.get((f"cost_price{suffix}", area.key))
            if volume is not None and shown_volume is not None:
                b.add([(shown_volume, 1.0), (volume, -1.0)], equal=True, why=f"volym {area.key}")
            if cost is not None and shown_cost is not None:
                b.add([(shown_cost, 1.0), (cost, 0.001)], equal=True, why=f"kostnad {area.key}")
            if price is not None and cost is not None and volume is not None:
                b.ratios.append(RatioTie(price, cost, volume, 1.0, f"pris {area.key}"))
    columns = {m for (m, _k) in table}
    for m in columns:
        total = table.get((m, "Summa"))
        parts = [v for (mm, k), v in table.items() if mm == m and k != "Summa"]
        additive = BY_ID[m].unit == "tkr"
        if total is not None and parts and additive:
            b.add([(total, -1.0), *((p, 1.0) for p in parts)], equal=True, why=f"{m} summa")


def link(cells: pd.DataFrame, year: int, tertial: int) -> LinkedTable:
    """The linked table of a report's cells (:func:`snanalys.report_cells.report_cells`)."""
    cells = canonical(cells)
    b = _Builder(cells)
    at = {k: v for k, v in _index(cells).items() if k[0] in BY_ID and BY_ID[k[0]].kind != "table"}
    _splits(b, at)
    _same_numbers(b, at)
    _scopes(b, at)
    _partitions(b, at)
    _ratios(b, at)
    _time(b, at)
    _changes(b, cells, at, year, tertial)
    _care_days(b, at)
    _scaled(b, at)
    _economy(b, cells, at, year, tertial)
    value = np.array(b.value, dtype=float)
    lower = np.full(len(value), -np.inf)
    for i, kind in enumerate(cells["kind"]):
        declared = cells["measure"].iloc[i] in BY_ID and BY_ID[cells["measure"].iloc[i]].kind != "table"
        if kind in (COUNT, AMOUNT, PERCENTILE, MEAN) and (declared or cells["unit"].iloc[i] != "tkr"):
            lower[i] = 0.0
    for var in b.aux_kind:
        lower[var] = 0.0
    cells = cells.assign(var=range(len(cells)))
    return LinkedTable(cells, value, lower, b.linear, b.ratios, b.changes, b.aux, b.aux_kind, b.aux_base)
