"""How narrowly a reader can pin every protected quantity: minimum and maximum by linear programming.

The reader knows every shown number, every relation of the linked table (:mod:`.linked`) and
that counts are whole numbers, a count shown as X at least 1 (zeros are shown). The audit
gives the reader more than that: a shown number is taken as known exactly (its true value,
not its rounded print) unless the protection rounded it on purpose, so what passes here
passes for any reader of the printed figures. What remains unknown are the hidden cells,
the rounded ones and the remainders and increments nobody publishes; each protected
quantity is minimised and maximised over them with HiGHS (``highspy``, the solver SciPy's
``linprog`` wraps, called directly: one model per quantity for both ends), one connected
group of unknowns at a time (a few dozen variables, not the whole report). A hidden mean
(kronor per care day, per household) is a ratio of unknowns: its range is found exactly by the
Charnes–Cooper transformation, which makes the linear-fractional program linear.

**Rule:** a count of 1–4 passes if its attainable range reaches at most 1 and at least 5;
kronor, days, means and counts of 5 or more with true value v pass if it reaches at most
0.75·v and at least 1.25·v.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from snanalys.disclosure.linked import AMOUNT, COUNT, MEAN, TABLE, LinkedTable

_log = logging.getLogger(__name__)

MIN_COUNT = 5
LOW_SHARE, HIGH_SHARE = 0.75, 1.25


@dataclass(frozen=True)
class Quantity:
    """Something a reader must not pin: ``terms`` (a sum of variables) or ``ratio`` (num/den)."""

    name: str
    kind: str  # COUNT (the count rule when the true value is 1–4) or AMOUNT (±25 %)
    true: float
    terms: tuple[tuple[int, float], ...] = ()
    ratio: tuple[int, int, float] | None = None  # (numerator, denominator, scale)
    why: str = ""
    floor: int = 1  # a sum of k cells shown as X is known to be at least k: the rule's lower side


@dataclass(frozen=True)
class Finding:
    """A protected quantity and the range a reader can pin it to. ``earlier``: the range the
    reports already out allowed, where they had already given the quantity away (it then
    passes if this report narrows it no further: "röjd i en tidigare rapport")."""

    quantity: Quantity
    low: float
    high: float
    earlier: tuple[float, float] | None = None

    @property
    def passed(self) -> bool:
        if passes(self.quantity.kind, self.quantity.true, self.low, self.high, self.quantity.floor):
            return True
        return self.earlier is not None and not narrowed(self.earlier, (self.low, self.high))


def narrowed(before: tuple[float, float], now: tuple[float, float]) -> bool:
    """Whether ``now`` is a strictly narrower range than ``before``."""
    tol = 1e-6 * max(1.0, *(abs(x) for x in (*before, *now) if math.isfinite(x)))
    return now[0] > before[0] + tol or now[1] < before[1] - tol


def passes(kind: str, true: float, low: float, high: float, floor: int = 1) -> bool:
    """The rule, for a count (whole numbers: the range is rounded inwards) or an amount.

    ``floor``: what every reader knows of a count whatever is hidden — an X is not a zero,
    so a count that is the sum of k cells shown as X is at least k (SJUKSKRIVEN with an X for
    women and one for men is at least 2); the lower side then asks for k instead of 1."""
    if kind == COUNT and 0 < true < MIN_COUNT:
        least = max(1, floor)
        return (low <= least or math.ceil(low - 1e-6) <= least) and (
            high == math.inf or math.floor(high + 1e-6) >= MIN_COUNT
        )
    if true < 0:  # a cost kept negative, as in the committee's tables: the same rule mirrored
        true, low, high = -true, -high, -low
    if true == 0:
        return True
    tol = 1e-6 * max(1.0, true)
    return low <= LOW_SHARE * true + tol and high >= HIGH_SHARE * true - tol


class Knowledge:
    """What a reader knows: the unknown variables with their bounds, and the linear constraints
    left once every shown number is put in (per connected group of unknowns).

    The table's relations are one sparse matrix (:func:`_relations`, built once per table); a
    reader's constraints are its columns of unknowns, the shown numbers moved to the right-hand
    side, so that a trial hiding one more cell costs a matrix slice, not a pass over every row."""

    def __init__(self, table: LinkedTable, unknown: np.ndarray, rounded: dict[int, tuple[float, float]] | None = None):
        self.table = table
        rounded = rounded or {}
        self.unknown = unknown.copy()
        for var in rounded:
            self.unknown[var] = True
        value = table.value
        lo = table.lower.copy()
        hi = np.full(table.n, np.inf)
        kinds = table.cells["kind"].to_numpy()
        n_cells = len(kinds)
        nonzero_count = np.zeros(table.n, dtype=bool)
        nonzero_count[:n_cells] = (kinds == COUNT) & (value[:n_cells] > 0)
        lo[self.unknown & nonzero_count] = np.maximum(lo[self.unknown & nonzero_count], 1.0)  # an X is not a zero
        for var, (a, b) in rounded.items():
            lo[var], hi[var] = max(lo[var], a), b
        self.lo, self.hi = lo, hi
        matrix, rhs, equal = _relations(table)
        ties_a, ties_b, ties_eq = self._ties()
        if ties_a.shape[0]:
            matrix = sparse.vstack([matrix, ties_a], format="csr")
            rhs, equal = np.r_[rhs, ties_b], np.r_[equal, ties_eq]
        known = np.where(self.unknown, 0.0, np.nan_to_num(value))
        rhs = rhs - matrix @ known
        left = matrix[:, np.flatnonzero(self.unknown)].tocsr()
        keep = np.flatnonzero((np.diff(left.indptr) > 0) & np.isfinite(rhs))
        self.columns = np.flatnonzero(self.unknown)  # the unknowns, in the order of ``left``'s columns
        self.left, self.rhs, self.equal = left[keep], rhs[keep], equal[keep]
        # connected groups of unknowns: components of the graph of unknowns and the rows they share
        m, k = self.left.shape
        graph = sparse.bmat([[None, self.left], [self.left.T, None]], format="csr") if m else None
        if graph is not None:
            _, labels = connected_components(graph, directed=False)
            self._row_label, self._col_label = labels[:m], labels[m:]
        else:
            self._row_label, self._col_label = np.zeros(0, int), np.arange(k)
        self._position = np.full(table.n, -1)
        self._position[self.columns] = np.arange(k)
        self._by_label: dict[int, tuple[list[int], list[int]]] | None = None
        self._row_keys: dict[tuple, tuple] = {}
        self._programs: dict[tuple, tuple] = {}

    def _ties(self):
        """The ratios and changes whose value is shown: linear in their unknowns, one row each."""
        table, value = self.table, self.table.value
        ratio, scale, change, form, sign = _tie_arrays(table)
        shown = ~self.unknown[ratio[:, 0]] & np.isfinite(value[ratio]).all(axis=1)  # a hidden ratio tells nothing
        r, k = ratio[shown], scale[shown]
        shown = ~self.unknown[change[:, 0]] & np.isfinite(value[change]).all(axis=1)
        c, f, g = change[shown], form[shown], sign[shown]
        shift = value[c[:, 0]]
        percent, points = f == "percent", f == "points"
        this_coef = np.where(percent | points, 1.0, g)
        last_coef = np.where(percent, -(1 + shift / 100), np.where(points, -1.0, -g))
        columns = np.r_[np.c_[r[:, 1], r[:, 2]].ravel(), np.c_[c[:, 1], c[:, 2]].ravel()].astype(int)
        data = np.r_[np.c_[k, -value[r[:, 0]]].ravel(), np.c_[this_coef, last_coef].ravel()]
        n_rows = len(r) + len(c)
        a = sparse.csr_matrix((data, (np.repeat(np.arange(n_rows), 2), columns)), shape=(n_rows, table.n))
        rhs = np.r_[np.zeros(len(r)), np.where(percent, 0.0, shift)]
        return a, rhs, np.ones(n_rows, dtype=bool)

    def group(self, variables) -> tuple[list[int], list[int]]:
        """The unknowns tied to ``variables`` and the rows that tie them."""
        labels = sorted({int(self._col_label[self._position[v]]) for v in variables if self._position[v] >= 0})
        if len(labels) == 1:
            return self._groups()[labels[0]]
        members = self.columns[np.isin(self._col_label, labels)]
        rows = np.flatnonzero(np.isin(self._row_label, labels))
        return members.tolist(), rows.tolist()

    def _groups(self) -> dict[int, tuple[list[int], list[int]]]:
        """Each connected group's unknowns and rows, by its label: sorted once, asked often."""
        if self._by_label is None:
            members: dict[int, list[int]] = {}
            rows: dict[int, list[int]] = {}
            for var, label in zip(self.columns.tolist(), self._col_label.tolist()):
                members.setdefault(label, []).append(var)
            for row, label in enumerate(self._row_label.tolist()):
                rows.setdefault(label, []).append(row)
            self._by_label = {label: (members[label], rows.get(label, [])) for label in members}
        return self._by_label

    def row_key(self, rows: list[int]) -> tuple:
        """The rows themselves (coefficients and right-hand sides), to key a range by."""
        asked = tuple(rows)
        if asked not in self._row_keys:
            block = self.left[rows]
            self._row_keys[asked] = (
                tuple(self.columns[block.indices]),
                tuple(block.data),
                tuple(block.indptr),
                tuple(self.rhs[rows]),
            )
        return self._row_keys[asked]

    def range_of(self, q: Quantity) -> tuple[float, float]:
        """(minimum, maximum) of ``q`` given what the reader knows."""
        value = self.table.value
        if q.ratio is not None:
            num, den, scale = q.ratio
            seeds = [v for v in (num, den) if self.unknown[v]]
            if not seeds:
                r = scale * value[num] / value[den]
                return r, r
        else:
            known = sum(c * value[v] for v, c in q.terms if not self.unknown[v])
            seeds = [v for v, c in q.terms if self.unknown[v]]
            if not seeds:
                return known, known
        members, rows = self.group(seeds)
        if q.ratio is None:
            program, col, size = self._program(members, rows)
            c = np.zeros(len(members))
            for v, coef in q.terms:
                if self.unknown[v]:
                    c[col[v]] += coef * size[col[v]]
            low, high = program.min_max(c, q.name)
            return low + known, high + known
        col, size, a_ub, b_ub, a_eq, b_eq, lo, hi = self._scaled(members, rows)
        return self._ratio_range(q, col, size, a_ub, b_ub, a_eq, b_eq, lo, hi)

    def _scaled(self, members: list[int], rows: list[int]):
        """The group's constraints with the unknowns in units of their own size: kronor and days
        in one program are badly scaled."""
        value = self.table.value
        col = {v: j for j, v in enumerate(members)}
        n = len(members)
        size = np.array([max(1.0, abs(value[v])) if np.isfinite(value[v]) else 1.0 for v in members])
        a_ub, b_ub, a_eq, b_eq = self._matrices(rows, col, n)
        a_ub, a_eq = a_ub * size, a_eq * size
        lo = np.array([self.lo[v] for v in members]) / size
        hi = np.array([self.hi[v] for v in members]) / size
        return col, size, a_ub, b_ub, a_eq, b_eq, lo, hi

    def _program(self, members: list[int], rows: list[int]):
        """The group's linear program, built once per group for all its quantities."""
        key = tuple(members)
        if key not in self._programs:
            col, size, a_ub, b_ub, a_eq, b_eq, lo, hi = self._scaled(members, rows)
            self._programs[key] = (_Program(a_ub, b_ub, a_eq, b_eq, lo, hi), col, size)
        return self._programs[key]

    def _matrices(self, rows: list[int], col: dict[int, int], n: int):
        """Dense rows of the group (a group is at most a few hundred unknowns)."""
        members = np.array(sorted(col, key=col.get), dtype=int)
        block = self.left[rows][:, self._position[members]].toarray() if rows else np.zeros((0, n))
        b = self.rhs[rows] if rows else np.zeros(0)
        eq = self.equal[rows] if rows else np.zeros(0, dtype=bool)
        return block[~eq], b[~eq], block[eq], b[eq]

    def _ratio_range(self, q, col, size, a_ub, b_ub, a_eq, b_eq, lo, hi) -> tuple[float, float]:
        """min and max of scale·num/den by Charnes–Cooper: y = z·t with t = 1/den ≥ 0, den(y) = 1."""
        num, den, scale = q.ratio
        value = self.table.value
        n = len(col)
        # A z ≤ b  →  A y − b t ≤ 0; lo t ≤ y ≤ hi t
        eye = np.eye(n)
        low_side, high_side = np.isfinite(lo), np.isfinite(hi)
        ub = np.vstack(
            [
                np.c_[a_ub, -b_ub].reshape(-1, n + 1),
                np.c_[-eye[low_side], lo[low_side]],  # lo·t ≤ y
                np.c_[eye[high_side], -hi[high_side]],  # y ≤ hi·t
            ]
        )
        den_row = np.zeros(n + 1)
        if self.unknown[den]:
            den_row[col[den]] = size[col[den]]
        else:
            den_row[n] = value[den]
        eq = np.vstack([np.c_[a_eq, -b_eq], den_row[None, :]])
        b_eq_cc = np.r_[np.zeros(len(a_eq)), 1.0]
        c = np.zeros(n + 1)
        if self.unknown[num]:
            c[col[num]] = scale * size[col[num]]
        else:
            c[n] = scale * value[num]
        bounds_lo = np.r_[np.full(n, -np.inf), 0.0]
        bounds_hi = np.full(n + 1, np.inf)
        return _min_max(c, ub, np.zeros(len(ub)), eq, b_eq_cc, bounds_lo, bounds_hi, q.name)


def _relations(table: LinkedTable):
    """The table's linear relations as one sparse matrix (rows with a missing value left out),
    their right-hand sides and which are equalities: built once per table."""
    cached = getattr(table, "_relations_matrix", None)
    if cached is not None:
        return cached
    value = table.value
    rows = [row for row in table.linear if not any(np.isnan(value[v]) for v, _ in row.terms)]
    matrix = sparse.csr_matrix(
        (
            [c for row in rows for _, c in row.terms],
            ([i for i, row in enumerate(rows) for _ in row.terms], [v for row in rows for v, _ in row.terms]),
        ),
        shape=(len(rows), table.n),
    )
    out = (matrix, np.array([row.rhs for row in rows], dtype=float), np.array([row.equal for row in rows], dtype=bool))
    object.__setattr__(table, "_relations_matrix", out)
    return out


def _tie_arrays(table: LinkedTable):
    """The table's ratios (ratio, numerator, denominator; scale) and changes (change, this,
    last; form, sign) as arrays: built once per table."""
    cached = getattr(table, "_tie_arrays_cache", None)
    if cached is not None:
        return cached
    ratio = np.array([(t.ratio, t.numerator, t.denominator) for t in table.ratios], dtype=int).reshape(-1, 3)
    scale = np.array([t.scale for t in table.ratios], dtype=float)
    change = np.array([(t.change, t.this, t.last) for t in table.changes], dtype=int).reshape(-1, 3)
    form = np.array([t.form for t in table.changes], dtype=object)
    sign = np.array([t.sign for t in table.changes], dtype=float)
    out = (ratio, scale, change, form, sign)
    object.__setattr__(table, "_tie_arrays_cache", out)
    return out


def _equilibrated(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row divided by its largest coefficient (right-hand side included)."""
    if not len(a):
        return a, b
    norm = np.maximum(np.abs(a).max(axis=1), np.abs(b))
    norm[norm == 0] = 1.0
    return a / norm[:, None], b / norm


def _decided():
    import highspy

    status = highspy.HighsModelStatus
    return (status.kOptimal, status.kInfeasible, status.kUnbounded, status.kUnboundedOrInfeasible)


def _min_max(c, a_ub, b_ub, a_eq, b_eq, lo, hi, name: str) -> tuple[float, float]:
    """min and max of ``c·x`` with HiGHS: one model, solved for the minimum, then for the
    maximum from the minimum's basis (SciPy's ``linprog`` would build and check it twice)."""
    return _Program(a_ub, b_ub, a_eq, b_eq, lo, hi).min_max(c, name)


class _Program:
    """One group's constraints as a HiGHS model, kept for every quantity of the group: only
    the objective changes from one to the next (and each starts from the last one's basis)."""

    def __init__(self, a_ub, b_ub, a_eq, b_eq, lo, hi) -> None:
        import highspy

        self.scipy_args = (a_ub, b_ub, a_eq, b_eq, lo, hi)
        a_ub, b_ub = _equilibrated(a_ub, b_ub)
        a_eq, b_eq = _equilibrated(a_eq, b_eq)
        inf = highspy.kHighsInf
        n = self.n = len(lo)
        matrix = sparse.csc_matrix(np.vstack([a_ub.reshape(-1, n), a_eq.reshape(-1, n)]))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, matrix.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.where(np.isfinite(lo), lo, -inf).astype(float)
        lp.col_upper_ = np.where(np.isfinite(hi), hi, inf).astype(float)
        lp.row_lower_ = np.r_[np.full(len(b_ub), -inf), b_eq].astype(float)
        lp.row_upper_ = np.r_[b_ub, b_eq].astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        self.solver = highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.passModel(lp)

    def min_max(self, c, name: str) -> tuple[float, float]:
        import highspy

        solver, model = self.solver, highspy.HighsModelStatus
        solver.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), np.asarray(c, dtype=float))
        out = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solver.changeObjectiveSense(sense)
            solver.run()
            status = solver.getModelStatus()
            if status not in _decided():  # HiGHS gave up from the kept basis: once more from scratch
                solver.clearSolver()
                solver.run()
                status = solver.getModelStatus()
            if status not in _decided():  # and then SciPy's own call of it, with its presolve defaults
                solver.clearSolver()
                return _min_max_scipy(c, *self.scipy_args, name)
            if status == model.kOptimal:
                out.append(solver.getInfo().objective_function_value)
            elif status in (model.kUnbounded, model.kUnboundedOrInfeasible) and (status == model.kUnbounded or out):
                out.append(-np.inf if sense == highspy.ObjSense.kMinimize else np.inf)
            elif status in (model.kInfeasible, model.kUnboundedOrInfeasible):
                # the shown numbers contradict the relations: no reader can use them
                _log.warning("the cells tied to %s contradict their declared relations: not audited", name)
                return -np.inf, np.inf
            else:
                raise RuntimeError(
                    f"the audit's linear program for {name} failed: {solver.modelStatusToString(status)}"
                )
        return out[0], out[1]


def _min_max_scipy(c, a_ub, b_ub, a_eq, b_eq, lo, hi, name: str) -> tuple[float, float]:
    from scipy.optimize import linprog

    bounds = [(None if not np.isfinite(a) else a, None if not np.isfinite(b) else b) for a, b in zip(lo, hi)]
    out = []
    for sign in (1.0, -1.0):
        res = linprog(
            sign * c,
            A_ub=a_ub if len(a_ub) else None,
            b_ub=b_ub if len(a_ub) else None,
            A_eq=a_eq if len(a_eq) else None,
            b_eq=b_eq if len(a_eq) else None,
            bounds=bounds,
            method="highs",
        )
        if res.status == 3:  # unbounded
            out.append(-np.inf if sign > 0 else np.inf)
        elif res.status == 2:
            _log.warning("the cells tied to %s contradict their declared relations: not audited", name)
            return -np.inf, np.inf
        elif res.status != 0:
            raise RuntimeError(f"the audit's linear program for {name} failed: {res.message}")
        else:
            out.append(sign * res.fun)
    return out[0], out[1]


def quantities(
    table: LinkedTable, unknown: np.ndarray, base: np.ndarray, primary: set[int] | frozenset = frozenset()
) -> list[Quantity]:
    """What must not be pinned, given which cells are hidden (the list of issue 14):

    every hidden cell that is a count of 1–4 or rests on 1–4 individuals, and every cell hidden
    for its own sake (``primary``: e.g. the economy's row of a small area), whatever its
    value — a cell hidden only to protect another that counts five or more is not itself
    confidential, and is not listed; every unpublished remainder of a relation (partitions'
    remainders, the sum of a split's hidden parts) and every year-to-date count's increment
    from one tertial to the next, where they are counts of 1–4 or kronor or days resting on
    1–4 individuals."""
    cells = table.cells
    kinds = cells["kind"].to_numpy()
    ids = cells["id"].to_numpy()
    value = table.value
    out: list[Quantity] = []
    ratio_of = {tie.ratio: tie for tie in table.ratios}
    floor = _floors(table, unknown)
    for var in np.flatnonzero(unknown[: len(cells)]):
        v, kind = value[var], kinds[var]
        if np.isnan(v) or v == 0 or kind not in (COUNT, AMOUNT, MEAN, TABLE):
            continue
        small = (kind == COUNT and v < MIN_COUNT) or 0 < base[var] < MIN_COUNT  # placements of 1–4 persons
        if not small and int(var) not in primary:
            continue
        if kind == MEAN and var in ratio_of:
            tie = ratio_of[var]
            if np.isnan(value[tie.numerator]) or np.isnan(value[tie.denominator]) or value[tie.denominator] == 0:
                continue
            out.append(Quantity(ids[var], AMOUNT, v, ratio=(tie.numerator, tie.denominator, tie.scale), why="X"))
        else:
            out.append(
                Quantity(
                    ids[var],
                    COUNT if kind == COUNT else AMOUNT,
                    v,
                    terms=((int(var), 1.0),),
                    why="X",
                    floor=floor.get(int(var), 1),
                )
            )
    for var, name in table.aux.items():
        v = value[var]
        if table.aux_kind[var] == COUNT and 0 < v < MIN_COUNT:
            out.append(Quantity(name, COUNT, v, terms=((var, 1.0),), why="rest/ökning"))
    for row in table.linear:
        if not row.equal or not row.why or row.why.startswith(("partition", "≤", "del")):
            continue
        totals = [v for v, c in row.terms if c < 0]
        parts = [v for v, c in row.terms if c > 0]
        if len(totals) != 1 or len(parts) < 2:
            continue
        hidden = [p for p in parts if unknown[p]]
        if len(hidden) < 2 or any(np.isnan(value[p]) for p in hidden):
            continue
        kind = kinds[hidden[0]] if hidden[0] < len(kinds) else COUNT
        v = sum(value[p] for p in hidden)
        individuals = v if kind == COUNT else sum(base[p] for p in hidden if p < len(base) and not np.isnan(base[p]))
        if v > 0 and 0 < individuals < MIN_COUNT and kind in (COUNT, AMOUNT):
            out.append(
                Quantity(
                    "rest: " + " + ".join(ids[p] for p in hidden),
                    COUNT if kind == COUNT else AMOUNT,
                    v,
                    terms=tuple((p, 1.0) for p in hidden),
                    why="rest",
                    floor=sum(1 for p in hidden if value[p] > 0),
                )
            )
    return out


def _floors(table: LinkedTable, unknown: np.ndarray) -> dict[int, int]:
    """What every reader knows of a hidden count however much is hidden: an X is not a zero, so
    a total of k hidden non-zero parts is at least k (the sum of its parts' floors), the one
    non-zero part of a total is the total, and a period's count is at least that of a period
    within it. The rule's lower side asks for this
    instead of 1 (zeros are shown; that a category has someone in it is no secret)."""
    value = table.value
    floor: dict[int, int] = {}
    splits, within = [], []
    for row in table.linear:
        if not row.why or row.why.startswith(("partition", "summa av")):
            continue
        totals = [v for v, c in row.terms if c < 0]
        parts = [v for v, c in row.terms if c > 0]
        if len(totals) != 1:
            continue
        if row.equal and row.rhs == 0 and parts:
            splits.append((totals[0], [p for p in parts if value[p] > 0]))
        elif not row.equal and row.rhs == 0 and len(parts) == 1 and " inom " in row.why:
            within.append((totals[0], parts[0]))
    for _ in range(4):  # a finer split's floors reach its totals in a few passes
        changed = False
        for total, nonzero in splits:
            if not unknown[total] or not nonzero or not all(unknown[p] for p in nonzero):
                continue
            least = sum(floor.get(p, 1) for p in nonzero)
            if least > floor.get(total, 1):
                floor[total], changed = least, True
            if len(nonzero) == 1 and floor.get(total, 1) > floor.get(nonzero[0], 1):  # the one part is the total
                floor[nonzero[0]], changed = floor[total], True
        for whole, part in within:
            if unknown[whole] and unknown[part] and value[part] > 0 and floor.get(part, 1) > floor.get(whole, 1):
                floor[whole], changed = floor[part], True
        if not changed:
            break
    return floor


def audit(
    table: LinkedTable, unknown: np.ndarray, base: np.ndarray, rounded=None, primary: set[int] | frozenset = frozenset()
) -> list[Finding]:
    """Every protected quantity with the range a reader can pin it to."""
    know = Knowledge(table, unknown, rounded)
    return [Finding(q, *know.range_of(q)) for q in quantities(table, know.unknown, base, primary)]
