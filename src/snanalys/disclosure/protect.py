"""What a report hides, chosen over all its linked tables at once, until the audit passes.

*Primary*: a count of 1–4 individuals; kronor, days, a mean or a share resting on 1–4; a
percentile of a spread over fewer than :data:`MIN_SPREAD` placements (P10 and P90 of a few
prices are single prices). *Derived*: a change on last year whose either year is hidden.
*Complementary*: while a protected quantity (:func:`.audit.quantities`) breaks the rule, one
more cell tied to it is hidden — the least informative first, as SSB's GaussSuppression and
τ-ARGUS choose (small parts before their totals, totals of the key-figure table last) — or,
for a year-to-date count that exceeds one already published by 1–4, the later count is
rounded to tens ("ca 800") where that passes. Cells an earlier report published stay as
they were: the audit takes them as known.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from snanalys.disclosure.audit import MIN_COUNT, Finding, Knowledge, Quantity, passes, quantities
from snanalys.disclosure.linked import AMOUNT, COUNT, DERIVED, MEAN, PERCENTILE, TABLE, LinkedTable, link
from snanalys.disclosure.published import HIDDEN_MARK, Published, published_rows
from snanalys.economy.drivers import AREAS
from snanalys.measures.catalog import BY_ID, PAGE_SPLITS, PUBLISHED_MEASURES
from snanalys.periods import year_to_date
from snanalys.presentation import ROUNDED_MARK

_log = logging.getLogger(__name__)

MIN_SPREAD = 10  # placements a P10/median/P90 must rest on
ROUND_TO = 10
MAX_STEPS = 5000


@dataclass
class Protection:
    """The cells a report hides (``hidden``: id → "primary"/"secondary"/"derived") and rounds
    (``rounded``: id → the rounded value), with the audit of the result."""

    table: LinkedTable | None  # None: a kept choice read back (snanalys.disclosure.report)
    hidden: dict[str, str]
    rounded: dict[str, float]
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    #: The ids the report itself prints (empty: every cell of the table); the others are
    #: earlier reports' numbers, linked so that the audit knows them.
    printed: frozenset[str] = frozenset()
    #: The figures the previous report of the same period printed with another value (a revision,
    #: :func:`.published.revisions`): id → (the value it printed, the value printed now).
    revised: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: The ids linked for the audit that no report prints (the tertials alone between year-to-date
    #: sums, :func:`.report.tertials_alone`): unknown to a reader, as the hidden cells are.
    unpublished: frozenset[str] = frozenset()

    @property
    def unresolved(self) -> list[Finding]:
        """Protected quantities that still break the rule (nothing left to hide could help)."""
        return [f for f in self.findings if not f.passed]

    def as_published(self, report: str = "") -> Published:
        """What this protection's report published, as :func:`.published.read_published_file`
        reads it back from the rows :func:`.published.published_rows` writes."""
        rows = published_rows(self, report, synthetic=False)
        shown = {row[1]: row[8] for row in rows if row[10] == ""}
        rounded = {row[1]: row[8] for row in rows if row[10] == ROUNDED_MARK}
        return Published(report, shown, frozenset(row[1] for row in rows if row[10] == HIDDEN_MARK), rounded)

    def hides(self, measure: str, period, by: str = "", key: str = "") -> bool:
        """Whether the cell of ``measure`` over ``period`` (split ``by``, value ``key``) is not to be
        printed as it is: hidden, or rounded (:meth:`rounded_value`; a page that cannot print
        "ca 800" there prints X — less than the audit allows, never more)."""
        cell_id = f"{measure}|{period.start}|{period.end}|{by}|{key}"
        return cell_id in self.hidden or cell_id in self.rounded

    def rounded_value(self, measure: str, period, by: str = "", key: str = "") -> float | None:
        """The value to print "ca 800" for the cell, if the protection rounds it (else None)."""
        cell_id = f"{measure}|{period.start}|{period.end}|{by}|{key}"
        return None if cell_id in self.hidden else self.rounded.get(cell_id)

    def hides_table_cell(self, measure: str, label: str, key: str) -> bool:
        """Whether the table cell of ``measure`` (the economy's cost table: ``label`` the report's
        period, "2025-T2"; ``key`` the area or "Summa") is not to be printed as it is."""
        cell_id = f"{measure}|{label}|key|{key}"
        return cell_id in self.hidden or cell_id in self.rounded

    @property
    def share_hidden(self) -> float:
        """Hidden cells among the cells with a value (what the board would otherwise see)."""
        values = self.table.value[: len(self.table.cells)]
        n = int(np.count_nonzero(~np.isnan(values)))
        return len(self.hidden) / n if n else 0.0

    def audit_frame(self) -> pd.DataFrame:
        """Each protected quantity, true value, attainable range and pass/fail (internal only)."""
        return pd.DataFrame(
            [
                {
                    "quantity": f.quantity.name,
                    "why": f.quantity.why,
                    "true_value": f.quantity.true,
                    "min": f.low,
                    "max": f.high,
                    "passed": f.passed,
                    "given_away_before": f.earlier is not None,
                }
                for f in self.findings
            ],
            columns=["quantity", "why", "true_value", "min", "max", "passed", "given_away_before"],
        )


def individuals_of(table: LinkedTable) -> np.ndarray:
    """The individuals each variable rests on (NaN where a cell has no base, e.g. a change)."""
    cells = table.cells
    return np.r_[pd.to_numeric(cells["base"], errors="coerce").to_numpy(float), np.full(table.n - len(cells), np.nan)]


LAST_YEAR_COST_CELLS = ("cost_volume_last_year", "cost_price_last_year", "cost_outcome_last_year_tkr")


def _primary(table: LinkedTable, base: np.ndarray, year: int, tertial: int) -> dict[int, str]:
    cells = table.cells
    kinds, value = cells["kind"].to_numpy(), table.value
    out = {}
    for i, kind in enumerate(kinds):
        v, b = value[i], base[i]
        if (
            (kind == COUNT and (0 < v < MIN_COUNT or 0 < b < MIN_COUNT))
            or (kind in (AMOUNT, MEAN) and 0 < b < MIN_COUNT)
            or (kind == PERCENTILE and 0 < b < MIN_SPREAD)
        ):
            out[i] = "primary"
    # the economy's cost table: an area whose volume this year rests on 1–4 individuals is
    # hidden as a row; one whose volume last year does, in its last year's cells (and, through
    # _derived, the change and its split)
    at = {
        (m, s, e): i
        for i, (m, s, e, by) in enumerate(zip(cells["measure"], cells["start"], cells["end"], cells["by"]))
        if by == ""
    }
    table_cells = (cells["kind"] == TABLE).to_numpy()
    measures = cells["measure"].to_numpy()
    for area in AREAS:
        for period, columns in (
            (year_to_date(year, tertial), None),
            (year_to_date(year - 1, tertial), LAST_YEAR_COST_CELLS),
        ):
            i = at.get((area.volume_measure, period.start, period.end))
            if i is None or not 0 < base[i] < MIN_COUNT:
                continue
            row = table_cells & (cells["key"] == area.key).to_numpy()
            if columns is not None:
                row &= np.isin(measures, columns)
            for var in np.flatnonzero(row):
                out.setdefault(int(var), "primary")
    return out


#: The cost table's cells that are functions of an area's volumes and prices, this year's and
#: last year's (the change and its midpoint split into volume and price): hidden with them.
COST_INPUTS = ("cost_volume", "cost_price", "cost_volume_last_year", "cost_price_last_year",
               "cost_outcome_tkr", "cost_outcome_last_year_tkr")  # fmt: skip
COST_FUNCTIONS = ("cost_change_tkr", "cost_volume_effect_tkr", "cost_price_effect_tkr",
                  "cost_volume_increase_tkr", "cost_price_increase_tkr",
                  # the forecasts' intervals and the volume's forecast (its volume so far × a public ratio)
                  "cost_forecast_low_tkr", "cost_forecast_high_tkr",
                  "cost_volume_forecast", "cost_volume_forecast_low", "cost_volume_forecast_high",
                  # the full-year forecast (linear: the outcome × 12 / months; at T3 the outcome itself)
                  # and the deviations from a public budget, each giving the outcome back
                  "cost_forecast_tkr", "cost_deviation_tkr", "cost_forecast_deviation_tkr")  # fmt: skip


def _cost_rows(table: LinkedTable) -> list[tuple[list[int], list[int]]]:
    """Per area of the cost table: (its input cells, the cells computed from them)."""
    cached = getattr(table, "_cost_rows", None)
    if cached is None:
        cells = table.cells
        rows: dict[str, tuple[list[int], list[int]]] = {}
        for var, (measure, key, kind) in enumerate(zip(cells["measure"], cells["key"], cells["kind"])):
            if kind == TABLE and measure in COST_INPUTS + COST_FUNCTIONS:
                rows.setdefault(key, ([], []))[measure in COST_FUNCTIONS].append(var)
        cached = [r for r in rows.values() if r[0] and r[1]]
        object.__setattr__(table, "_cost_rows", cached)
    return cached


def _derived(table: LinkedTable, unknown: np.ndarray, hidden: dict[int, str]) -> None:
    for tie in table.changes:
        if (unknown[tie.this] or unknown[tie.last]) and not unknown[tie.change]:
            unknown[tie.change] = True
            hidden[tie.change] = "derived"
    for inputs, functions in _cost_rows(table):  # not linked as relations: hidden with their inputs
        if unknown[inputs].any():
            for var in functions:
                if not unknown[var]:
                    unknown[var] = True
                    hidden[var] = "derived"


def _cost(table: LinkedTable, var: int, report_year: int) -> tuple:
    """How much is lost by hiding ``var``: key-figure totals last, then the economy's cost-table
    inputs (each takes its area's change and volume/price split with it), totals before parts,
    zeros last."""
    published, key_figure, total, cascade = _cost_flags(table)
    v = table.value[var]
    return (published[var], key_figure[var], cascade[var], v == 0, total[var], abs(v) if np.isfinite(v) else 0.0)


def _cost_flags(table: LinkedTable) -> tuple[list, list, list, list]:
    """Per cell: a published measure's total, a key figure's total, a total, a cost-table input:
    built once per table."""
    cached = getattr(table, "_cost_flags_cache", None)
    if cached is not None:
        return cached
    cells = table.cells
    measures = [BY_ID.get(m) for m in cells["measure"]]
    total = (cells["by"] == "").to_numpy()
    not_table = (cells["kind"] != TABLE).to_numpy()
    key_figure = np.array([m is not None and m.key_figure for m in measures], dtype=bool) & total & not_table
    published = np.array([m is not None and m.id in PUBLISHED_MEASURES for m in measures], dtype=bool) & total
    cascade = (cells["kind"] == TABLE).to_numpy() & cells["measure"].isin(COST_INPUTS).to_numpy()
    # and the same number under another name (an area's care days as a declared measure): hiding
    # it hides the cost-table cell, and with it the area's change and volume/price split
    for row in table.linear:
        if row.equal and len(row.terms) == 2 and row.rhs == 0:
            (a, _), (b, _) = row.terms
            if a < len(cascade) and b < len(cascade) and (cascade[a] or cascade[b]):
                cascade[a] = cascade[b] = True
    out = (published.tolist(), key_figure.tolist(), total.tolist(), cascade.tolist())
    object.__setattr__(table, "_cost_flags_cache", out)
    return out


class _State:
    def __init__(
        self, table: LinkedTable, base: np.ndarray, frozen: np.ndarray, keep_shown: np.ndarray | None = None
    ) -> None:
        self.table, self.base, self.frozen = table, base, frozen
        self.unknown = np.zeros(table.n, dtype=bool)
        self.unknown[len(table.cells) :] = True  # remainders and increments are never published
        self.hidden: dict[int, str] = {}
        self.rounded: dict[int, tuple[float, float]] = {}
        kinds = table.cells["kind"].to_numpy()
        self.mutable = np.zeros(table.n, dtype=bool)
        self.mutable[: len(kinds)] = np.isin(kinds, [COUNT, AMOUNT, MEAN, TABLE, DERIVED]) & ~frozen[: len(kinds)]
        self.mutable &= ~np.isnan(table.value)
        self._neighbours, self._twins = self._links()
        self._held = np.zeros(table.n, dtype=bool)
        #: the report's headline figures (:func:`headline_cells`), hidden only where they must be
        self.headline = np.zeros(table.n, dtype=bool) if keep_shown is None else keep_shown.copy()
        if keep_shown is not None:  # hidden to protect another cell only if nothing else can
            held = keep_shown.copy()
            for var in np.flatnonzero(keep_shown):
                held[list(self._twins.get(int(var), ()))] = True  # nor as another cell's twin
            self._held = held & self.mutable
            self.mutable &= ~self._held
        self._periods = list(zip(table.cells["start"], table.cells["end"]))
        self._ranges: dict[tuple, tuple[float, float]] = {}
        self._earlier: dict[str, tuple[float, float] | None] = {}
        self._prior: Knowledge | None = None
        self._hopeless: dict[tuple, bool] = {}
        #: cells an earlier report printed rounded: their intervals, known before this report
        self.before: dict[int, tuple[float, float]] = {}

    def release(self, know: Knowledge, failing: list[Quantity]) -> bool:
        """Let the held headline cells tied to ``failing`` be hidden too (only those: a headline
        figure is hidden for the quantity that needs it, not for any); False if none were held."""
        near = np.zeros(self.table.n, dtype=bool)
        for q in failing:
            seeds = [v for v, _ in q.terms] + ([q.ratio[0], q.ratio[1]] if q.ratio else [])
            members, _ = know.group([v for v in seeds if know.unknown[v]] or seeds)
            for v in {*members, *seeds}:
                near[list(self._neighbours.get(v, ()))] = True
        released = self._held & near
        if not released.any():
            return False
        self.mutable |= released
        self._held &= ~released
        return True

    def _links(self) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        out: dict[int, set[int]] = {}
        twins: dict[int, set[int]] = {}

        def tie(vars_) -> None:
            for v in vars_:
                out.setdefault(v, set()).update(vars_)

        for row in self.table.linear:
            tie([v for v, _ in row.terms])
            (a, ca), (b, cb) = row.terms[0], row.terms[-1]
            if row.equal and len(row.terms) == 2 and row.rhs == 0 and ca * cb < 0:  # the same number twice
                twins.setdefault(a, {a}).add(b)
                twins.setdefault(b, {b}).add(a)
        for r in self.table.ratios:
            tie([r.ratio, r.numerator, r.denominator])
        for c in self.table.changes:
            tie([c.change, c.this, c.last])
        return out, twins

    def knowledge(self) -> Knowledge:
        return Knowledge(self.table, self.unknown, self.rounded)

    def hide(self, var: int, why: str) -> None:
        """Hide ``var`` and every cell that is the same number (it would give it back at once)."""
        todo, seen = [var], set()
        while todo:
            v = todo.pop()
            if v in seen:
                continue
            seen.add(v)
            todo.extend(self._twins.get(v, ()))
            if v < len(self.table.cells) and not self.frozen[v]:
                self.unknown[v] = True
                self.hidden.setdefault(v, why)
                self.rounded.pop(v, None)
        _derived(self.table, self.unknown, self.hidden)

    def range_of(self, know: Knowledge, q: Quantity) -> tuple[float, float]:
        """The quantity's range, computed once per set of unknowns it depends on."""
        seeds = [v for v, _ in q.terms] + ([q.ratio[0], q.ratio[1]] if q.ratio else [])
        members, rows = know.group([v for v in seeds if know.unknown[v]])
        # the rows themselves, not only the unknowns: hiding a ratio or a change removes a row
        # and leaves the group's members as they were
        ties = know.row_key(rows)
        key = (q.name, tuple(members), ties, tuple((v, self.rounded[v]) for v in members if v in self.rounded))
        if key not in self._ranges:
            self._ranges[key] = know.range_of(q)
        return self._ranges[key]

    def hopeless(self, q: Quantity) -> bool:
        """Whether ``q`` would fail even with every cell that may be hidden now hidden: then no
        partner helps, and hiding partners one by one only loses them (a headline figure may)."""
        key = (q.name, int(self.mutable.sum()))
        if key not in self._hopeless:
            everything = Knowledge(self.table, self.unknown | self.mutable, self.rounded)
            low, high = everything.range_of(q)
            self._hopeless[key] = not Finding(q, low, high, self.earlier(q)).passed
        return self._hopeless[key]

    def earlier(self, q: Quantity) -> tuple[float, float] | None:
        """The range the reports already out (the frozen cells alone) allow, if that already
        breaks the rule; else None."""
        if not self.frozen.any():
            return None
        if q.name not in self._earlier:
            if self._prior is None:
                unknown = ~self.frozen.copy()
                self._prior = Knowledge(self.table, unknown, self.before)
            low, high = self._prior.range_of(q)
            self._earlier[q.name] = None if passes(q.kind, q.true, low, high, q.floor) else (low, high)
        return self._earlier[q.name]

    def finding(self, know: Knowledge, q: Quantity) -> Finding:
        low, high = self.range_of(know, q)
        if passes(q.kind, q.true, low, high, q.floor):
            return Finding(q, low, high)
        return Finding(q, low, high, self.earlier(q))

    def wider(self, know: Knowledge, q: Quantity, year: int) -> list[int]:
        """Shown cells two relations away from the quantity's unknowns, the cheapest first."""
        seeds = [v for v, _ in q.terms] + ([q.ratio[0], q.ratio[1]] if q.ratio else [])
        members, _ = know.group([v for v in seeds if know.unknown[v]] or seeds)
        near: set[int] = set()
        for v in {*members, *seeds}:
            for w in self._neighbours.get(v, ()):
                near |= self._neighbours.get(w, set())
        pool = [v for v in near if self.mutable[v] and not self.unknown[v]]
        return sorted(pool, key=lambda v: _cost(self.table, v, year))

    def candidates(self, know: Knowledge, q: Quantity, year: int) -> list[int]:
        """Shown cells tied to the quantity's unknowns: same period first, then the cheapest."""
        seeds = [v for v, _ in q.terms] + ([q.ratio[0], q.ratio[1]] if q.ratio else [])
        members, _ = know.group([v for v in seeds if know.unknown[v]] or seeds)
        near: set[int] = set()
        for v in {*members, *seeds}:
            near |= self._neighbours.get(v, set())
        periods = {self._periods[v] for v in seeds if v < len(self._periods)}
        pool = [v for v in near if self.mutable[v] and not self.unknown[v]]
        units = self.table.cells["unit"].to_numpy()
        unit = {units[v] for v, _ in q.terms if v < len(units)}
        # for kronor or days, a partner of the same unit worth a quarter of the protected value
        # can give it the ±25 % alone: such a cell first, so that one hide protects, not several
        able = 0.25 * abs(q.true) if q.kind != COUNT and q.ratio is None else None

        def order(v):
            weak = able is not None and not (units[v] in unit and abs(self.table.value[v]) >= able)
            return (self._periods[v] not in periods, weak, _cost(self.table, v, year))

        return sorted(pool, key=order)


def choose(
    table: LinkedTable,
    year: int,
    tertial: int,
    *,
    frozen: np.ndarray | None = None,
    keep_hidden: set[int] | frozenset = frozenset(),
    keep_rounded: dict[int, float] | None = None,
    keep_shown: np.ndarray | None = None,
) -> Protection:
    """Primary, derived and complementary hiding (and rounding) until every quantity passes.

    Complementary cells are chosen one failing quantity at a time: of the few cheapest cells
    tied to it, the first that makes it pass, else the one that widens its range most."""
    t0 = time.perf_counter()
    base = individuals_of(table)
    frozen = np.zeros(table.n, dtype=bool) if frozen is None else frozen.copy()
    for var in keep_rounded or {}:  # rounded by an earlier report: a reader knows it to ±5, and so it stays
        frozen[var] = True
    state = _State(table, base, frozen, keep_shown)
    for var, value in (keep_rounded or {}).items():
        state.rounded[var] = state.before[var] = (value - ROUND_TO / 2, value + ROUND_TO / 2)
    primary = {var for var in _primary(table, base, year, tertial) if not frozen[var]}
    for var in primary:
        state.hide(var, "primary")
    for var in keep_hidden:  # hidden by an earlier report: shown now, it would be given back
        state.hide(var, "tidigare dold")
    steps = 0
    # Hiding more only widens a range (a shown number is more than any bound on it) and only
    # raises an X's floor, so a quantity that passed stays passed: each round audits the
    # failing and the new ones, and the final audit below all of them.
    passed: set[str] = set()
    while True:
        know = state.knowledge()
        failing = []
        for q in quantities(table, know.unknown, base, primary):
            if q.name in passed:
                continue
            f = state.finding(know, q)
            if f.passed:
                passed.add(q.name)
            else:
                failing.append((f.quantity, f.low, f.high))
        _log.debug("round: %d failing, %d hidden, %.1f s", len(failing), len(state.hidden), time.perf_counter() - t0)
        if not failing:
            break
        touched: set[int] = set()
        changed = False
        for q, lo, hi in failing:  # one cell per failing quantity whose group this round left alone
            seeds = [v for v, _ in q.terms if know.unknown[v]]
            members = set(know.group(seeds)[0]) if seeds else set()
            if members & touched:
                continue
            steps += 1
            if q.why == "rest/ökning" and _try_rounding(state, q, know):
                touched |= members
                changed = True
                continue
            pool = state.candidates(know, q, year)
            if pool and state.hopeless(q):  # no partner can help (a total bounds a part that is most of it)
                continue
            if pool:
                chosen = _best(state, q, pool, (lo, hi))
                state.hide(chosen, "secondary")
                touched |= members | {chosen}
                changed = True
        if not changed and state.release(know, [q for q, _, _ in failing]):  # before cells further out
            _log.info("headline figures may be hidden to protect: %s", "; ".join(q.name for q, _, _ in failing[:5]))
            continue
        if not changed:  # nothing tied directly is left: one step further out (two relations away)
            for q, _lo, _hi in failing:
                pool = state.wider(know, q, year)
                if pool:
                    state.hide(pool[0], "secondary")
                    changed = True
        if not changed or steps > MAX_STEPS:
            names = "; ".join(q.name for q, _, _ in failing[:5])
            _log.warning("%d protected quantities could not be protected by hiding more: %s", len(failing), names)
            break
    _release_rows(state, base, primary)
    know = state.knowledge()
    findings = [state.finding(know, q) for q in quantities(table, know.unknown, base, primary)]
    ids = table.cells["id"].to_numpy()
    return Protection(
        table,
        {str(ids[v]): why for v, why in state.hidden.items()},
        {str(ids[v]): float((low + high) / 2) for v, (low, high) in state.rounded.items()},  # the rounded value
        findings,
        time.perf_counter() - t0,
    )


TRY_CANDIDATES = 4
#: The split whose rows a page shows or hides whole (the care-cost table: target group × form ×
#: provider type; a row is X if any of its numbers is): a row hidden only as a partner is shown
#: again if every protection still holds without it.
RELEASED_SPLIT = " × ".join(next(split for split in PAGE_SPLITS if "provider_type" in split))


def _release_rows(state: _State, base: np.ndarray, primary: set[int]) -> None:
    """Show again what the choice hid only as partners, where every quantity of its group still
    passes without it: the headline figures first, then each area of the economy's cost table
    (its volume, price and cost with the change and volume/price split they carry), then the
    rows of :data:`RELEASED_SPLIT`, the largest first.

    The greedy choice hides one partner per failing quantity, round by round; a partner chosen
    early may not be needed once later ones are hidden (a table's primary rows protecting each
    other), and the page then loses a whole row for nothing."""
    table = state.table
    cells = table.cells
    rows: dict[tuple, list[int]] = {}
    for var in np.flatnonzero((cells["by"] == RELEASED_SPLIT).to_numpy() & state.unknown[: len(cells)]):
        rows.setdefault((cells["start"].iat[var], cells["end"].iat[var], cells["key"].iat[var]), []).append(int(var))
    order = sorted(rows.values(), key=lambda row: -max(abs(np.nan_to_num(table.value[v])) for v in row))
    # the headline figures first: each one hidden as a partner (the board reads them first)
    units = [([int(v)], []) for v in np.flatnonzero(state.headline & state.unknown)]
    for inputs, functions in _cost_rows(table):  # an area's inputs, and what is computed from them
        hidden = [v for v in inputs if state.unknown[v]]
        if hidden:
            units.append((hidden, [v for v in functions if state.hidden.get(v) == "derived"]))
    units += [(row, []) for row in order]
    know = None
    for unit, carried in units:
        row = {t for v in unit for t in state._twins.get(v, {v})}
        if any(state.hidden.get(v) != "secondary" or state.frozen[v] for v in row):
            continue  # a row with a small cell of its own, or hidden by an earlier report
        know = know or state.knowledge()  # built again only once a row is shown
        touched = set(know.group(sorted(row))[0])
        saved_unknown, saved_hidden = state.unknown.copy(), dict(state.hidden)
        for v in (*row, *carried):
            state.unknown[v] = False
            del state.hidden[v]
        trial = state.knowledge()
        # and what a shown ratio or change now ties together (a tie only counts once shown)
        tied = sorted({w for v in row for w in state._neighbours.get(v, ()) if trial.unknown[w]})
        touched |= set(trial.group(tied)[0]) | set(tied)
        affected = [q for q in quantities(table, trial.unknown, base, primary) if _seeds(q) & touched]
        if all(state.finding(trial, q).passed for q in affected):
            know = trial
        else:
            state.unknown, state.hidden = saved_unknown, saved_hidden


def _seeds(q: Quantity) -> set[int]:
    return {v for v, _ in q.terms} | ({q.ratio[0], q.ratio[1]} if q.ratio else set())


def _best(state: _State, q: Quantity, pool: list[int], now: tuple[float, float]) -> int:
    """Of the first few candidates, the first whose hiding makes ``q`` pass, else the widest."""
    best, width = pool[0], -1.0
    for var in pool[:TRY_CANDIDATES]:
        saved = state.unknown.copy()
        state.unknown[var] = True
        for twin in state._twins.get(var, ()):
            state.unknown[twin] = True
        lo, hi = state.range_of(state.knowledge(), q)  # kept: the next round asks again if it is chosen
        state.unknown = saved
        if Finding(q, lo, hi, state.earlier(q)).passed:
            return var
        w = min(hi, 1e18) - max(lo, -1e18)
        if w > width + 1e-9:
            best, width = var, w
    return best


def _try_rounding(state: _State, q: Quantity, know: Knowledge) -> bool:
    """An increment of 1–4 over a published count: round the later, shown count to tens."""
    for row in state.table.linear:
        if row.why.endswith("ökning") and any(v == q.terms[0][0] for v, _ in row.terms):
            later = next(v for v, c in row.terms if c > 0)
            if know.unknown[later] or not state.mutable[later] or state.table.value[later] < 2 * ROUND_TO:
                return False
            r = round(state.table.value[later] / ROUND_TO) * ROUND_TO
            state.rounded[later] = (r - ROUND_TO / 2, r + ROUND_TO / 2)
            trial = state.knowledge()
            if passes(q.kind, q.true, *trial.range_of(q), q.floor):
                return True
            del state.rounded[later]
            return False
    return False


def protect_report(
    cells: pd.DataFrame, year: int, tertial: int, earlier: Sequence[Published | Protection] = ()
) -> Protection:
    """The protection of one report's cells (:func:`snanalys.report_cells.published_cells`), given
    what the reports already published showed and hid (read back from their files,
    :mod:`.published`, or their protections in this process): a number they showed with the
    value it has now is known to every reader and stays as it is; one they hid stays hidden.

    ``cells`` must hold every cell the earlier reports published that still has a value
    (:func:`snanalys.disclosure.report.report_protection` adds them), else what those reports
    showed is not linked to this one."""
    earlier = [e.as_published() if isinstance(e, Protection) else e for e in earlier]
    table = link(cells, year, tertial)
    frozen = np.zeros(table.n, dtype=bool)
    keep_hidden: set[int] = set()
    keep_rounded: dict[int, float] = {}
    for cell_id, var, value in zip(table.cells["id"], table.cells["var"], table.value):
        if np.isnan(value):
            continue
        if any(before.showed(cell_id, value) for before in earlier):
            frozen[var] = True
        elif any(cell_id in before.hidden for before in earlier):
            keep_hidden.add(var)
        else:  # printed rounded before, and the value still rounds to it (else a revision: free)
            printed = [r for before in earlier if (r := before.rounded_to(cell_id)) is not None]
            if printed and abs(value - printed[-1]) <= ROUND_TO / 2:
                keep_rounded[var] = printed[-1]
    return choose(
        table,
        year,
        tertial,
        frozen=frozen,
        keep_hidden=keep_hidden,
        keep_rounded=keep_rounded,
        keep_shown=headline_cells(table, year, tertial),
    )


def headline_cells(table: LinkedTable, year: int, tertial: int) -> np.ndarray:
    """The key figures and published measures of the report's own period (their totals): hidden
    for their own sake (a count of 1–4), and to protect another cell only where no other cell
    can (a tiny municipality) — the board reads them first, and a part is cheaper to hide."""
    period = year_to_date(year, tertial)
    headline = {m.id for m in BY_ID.values() if m.key_figure and m.kind != "table"} | set(PUBLISHED_MEASURES)
    cells = table.cells
    mask = np.zeros(table.n, dtype=bool)
    mask[: len(cells)] = (
        cells["measure"].isin(headline).to_numpy()
        & (cells["by"] == "").to_numpy()
        & (cells["start"] == period.start).to_numpy()
        & (cells["end"] == period.end).to_numpy()
    )
    return mask
