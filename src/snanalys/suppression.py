"""Small-count suppression for everything the board sees.

Board reports are public documents (OSL 26 kap. 1 §): a count of 1–4 persons or
households, and a mean, sum or share that rests on fewer than 5 individuals, is shown
as a mark ("X"), never as a number (*primary* suppression). And no suppressed value may
be worked out from the published ones — a total minus its other parts, T2 minus T1 —
so further cells are hidden too (*secondary* suppression).

Tables keep their true values and carry a flag per cell (:class:`FlaggedTable`), so
that every table, chart and public file is drawn from the same flagged data.

What the secondary suppression guarantees (:func:`flag_counts`,
:func:`protect_nested_periods`, :func:`suppress_key_figures`): given every published
cell and the table's additive relations (row/column totals, nested periods, key-figure
groups), no suppressed cell and no unpublished 1–4 remainder is *uniquely determined*.
It is first done with the usual line rule (a row or column with a total never has
exactly one unknown cell) and then checked exactly, by linear algebra, which also
catches attacks that combine several rows and columns. Complementary cells are chosen
among non-zero cells (a zero is known, not protective), so in a table with totals a
reader cannot pin an X down even using that counts are whole numbers ≥ 0 (the tests
build, for every X, another such table that fits all published figures). Not
guaranteed: *bounds* (a reader may learn that an X is at most 7), and consistency
between different tables that share cells unless they are protected together.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from snanalys.measures.catalog import MEASURES, PARTITIONS, Partition
from snanalys.presentation import ROUNDED_PREFIX, SUPPRESSED_MARK

MIN_COUNT = 5

SHOWN, PRIMARY, SECONDARY = "", "primary", "secondary"
#: Shown rounded to tens ("ca 800"): the value in the table is the rounded one.
ROUNDED = "rounded"
FLAG_VALUES = (SHOWN, PRIMARY, SECONDARY, ROUNDED)

FOOTNOTE_SV = (
    f"{SUPPRESSED_MARK} = uppgiften visas inte eftersom den avser eller bygger på färre än {MIN_COUNT} "
    "personer eller hushåll, eller skulle kunna räknas fram ur andra uppgifter i tabellen."
)


def is_small_count(n) -> bool:
    """True for 1–4 (zero is not disclosive and is shown)."""
    return n is not None and n == n and 0 < n < MIN_COUNT


def _num(value) -> float:
    """A cell as a float; None and non-numbers become NaN."""
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


# ---------------------------------------------------------------------------
# The flagged table
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedTable:
    """True values (internal) and, per cell, "" (shown), "primary" or "secondary" (shown as X),
    or "rounded" (the value is the rounded one, shown as "ca 800"; blank in
    :meth:`public_values`, as charts cannot draw "about").

    Only :meth:`to_display` and :meth:`public_values` may leave the building.
    """

    values: pd.DataFrame
    flags: pd.DataFrame

    def __post_init__(self) -> None:
        if not (self.values.index.equals(self.flags.index) and self.values.columns.equals(self.flags.columns)):
            raise ValueError("values and flags must have the same rows and columns")
        bad = set(pd.unique(self.flags.to_numpy().ravel())) - set(FLAG_VALUES)
        if bad:
            raise ValueError(f"unknown flags {sorted(map(str, bad))}; use {FLAG_VALUES}")

    @classmethod
    def unflagged(cls, values: pd.DataFrame) -> FlaggedTable:
        return cls(values, pd.DataFrame(SHOWN, index=values.index, columns=values.columns, dtype=object))

    @property
    def suppressed(self) -> pd.DataFrame:
        """Boolean frame: True where the cell is hidden."""
        return self.flags.ne(SHOWN)

    @property
    def any_suppressed(self) -> bool:
        """Whether the table needs the footnote of the X."""
        return bool(self.flags.isin([PRIMARY, SECONDARY]).to_numpy().any())

    @property
    def any_rounded(self) -> bool:
        """Whether the table needs the footnote of "ca"."""
        return bool(self.flags.eq(ROUNDED).to_numpy().any())

    def to_display(self, formatter: Callable[[object, object], str]) -> pd.DataFrame:
        """Strings for the reader: ``formatter(value, column)``, "X" where hidden, "ca …" where rounded."""
        columns = {}
        for j, column in enumerate(self.values.columns):
            flags = self.flags.iloc[:, j].tolist()
            values = self.values.iloc[:, j].tolist()
            columns[j] = [
                SUPPRESSED_MARK
                if f in (PRIMARY, SECONDARY)
                else (ROUNDED_PREFIX if f == ROUNDED else "") + formatter(v, column)
                for v, f in zip(values, flags)
            ]
        out = pd.DataFrame(columns, index=self.values.index, dtype=object)
        out.columns = self.values.columns
        return out

    def public_values(self) -> pd.DataFrame:
        """The values with every flagged cell blanked (NaN): what CSVs and charts may draw."""
        return self.values.mask(self.suppressed)

    def transpose(self) -> FlaggedTable:
        return FlaggedTable(self.values.T, self.flags.T)

    def with_values(self, values: pd.DataFrame) -> FlaggedTable:
        """The same flags over other values of the same cells (e.g. care days flagged by persons).

        The protection holds for the new values too when they add up along the same
        rows and columns, since it depends on which cells are hidden, not on the numbers.
        """
        if set(values.index) != set(self.values.index) or set(values.columns) != set(self.values.columns):
            raise ValueError("with_values needs a frame with the same rows and columns")
        # a rounded cell's value is its own: the other values' cell is hidden instead
        flags = self.flags.mask(self.flags.eq(ROUNDED), SECONDARY)
        return FlaggedTable(values.reindex(index=self.values.index, columns=self.values.columns), flags)


# ---------------------------------------------------------------------------
# The engine: cells tied by additive lines
# ---------------------------------------------------------------------------

_MUTABLE, _FROZEN, _HIDDEN = "mutable", "frozen", "hidden"


class _Cells:
    """Cells of one or more tables, tied by lines ``sum(parts) == total``.

    A cell is *mutable* (published; we may hide it), *frozen* (published and fixed,
    e.g. an earlier report) or *hidden* (never published, e.g. T2 − T1). A reader
    knows every published, unflagged cell. Targets — cells that must not be uniquely
    determined — are the flagged cells and the hidden cells of 1–4.
    """

    def __init__(self) -> None:
        self.value: list[float] = []
        self.kind: list[str] = []
        self.flag: list[str] = []
        self.lines: list[tuple[list[int], int]] = []
        self._lines_of: list[list[int]] = []

    def add(self, value, kind: str, flag: str = SHOWN) -> int:
        v = _num(value)
        if v != v:  # a missing value ("–") tells the reader nothing
            kind = _HIDDEN
        self.value.append(v)
        self.kind.append(kind)
        self.flag.append(flag)
        self._lines_of.append([])
        return len(self.value) - 1

    def add_line(self, parts: list[int], total: int) -> None:
        self.lines.append((list(parts), total))
        for cell in {*parts, total}:
            self._lines_of[cell].append(len(self.lines) - 1)

    def unknown(self, i: int) -> bool:
        return self.flag[i] != SHOWN or self.kind[i] == _HIDDEN

    def target(self, i: int) -> bool:
        return self.flag[i] != SHOWN or (self.kind[i] == _HIDDEN and is_small_count(self.value[i]))

    def _n_unknown(self, k: int) -> int:
        parts, total = self.lines[k]
        return sum(self.unknown(c) for c in {*parts, total})

    def _candidates(self, line_ids, exclude: int) -> list[int]:
        """Cells we may hide, best first: non-zero parts, then totals, then zeros.

        Zeros come last because a hidden zero protects nothing (counts are ≥ 0, and a
        reader may know a cell is structurally empty). Within a class, a cell that also
        closes another line with a lone hidden cell beats one that opens a new such
        line (fewer cells hidden in the end), and then the smallest value wins.
        """
        line_ids = set(line_ids)
        rank: dict[int, tuple] = {}
        for k in line_ids:
            parts, total = self.lines[k]
            for cell in [*parts, total]:
                if cell == exclude or self.kind[cell] != _MUTABLE or self.flag[cell] != SHOWN or cell in rank:
                    continue
                v = self.value[cell]
                is_total = any(self.lines[m][1] == cell for m in self._lines_of[cell] if m in line_ids)
                others = [self._n_unknown(m) for m in self._lines_of[cell] if m not in line_ids]
                cost = sum(n == 0 for n in others) - sum(n == 1 for n in others)
                rank[cell] = (2 if v == 0 else 1 if is_total else 0, cost, abs(v), cell)
        return sorted(rank, key=rank.__getitem__)

    def close_lines(self) -> None:
        """The line rule, until stable: a line with exactly one unknown cell gets a second."""
        changed = True
        while changed:
            changed = False
            for k, (parts, total) in enumerate(self.lines):
                unknown = [c for c in {*parts, total} if self.unknown(c)]
                if len(unknown) == 1 and self.target(unknown[0]):
                    candidates = self._candidates([k], unknown[0])
                    if candidates:
                        self.flag[candidates[0]] = SECONDARY
                        changed = True

    def determined(self) -> list[int]:
        """Targets whose value follows from the published cells (exact linear algebra).

        Unknown cells x satisfy A x = b, one row per line. A cell is determined iff every
        solution of A x = 0 is zero there, i.e. the null space of A vanishes on it.
        """
        unknown = [i for i in range(len(self.value)) if self.unknown(i) and self._lines_of[i]]
        if not unknown:
            return []
        column = {cell: j for j, cell in enumerate(unknown)}
        rows = []
        for parts, total in self.lines:
            row = np.zeros(len(unknown))
            for cell in parts:
                if cell in column:
                    row[column[cell]] += 1.0
            if total in column:
                row[column[total]] -= 1.0
            if row.any():
                rows.append(row)
        if not rows:
            return []
        matrix = np.array(rows)
        _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
        rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
        free = np.sqrt((vt[rank:] ** 2).sum(axis=0)) > 1e-9
        return [cell for cell in unknown if self.target(cell) and not free[column[cell]]]

    def protect(self) -> None:
        """Hide cells until no target is determined (line rule first, then exact check)."""
        saved = list(self.flag)
        targets = {i for i in range(len(self.value)) if self.target(i)}
        self.flag = [SECONDARY if k == _MUTABLE else f for k, f in zip(self.kind, self.flag)]
        hopeless = set(self.determined()) & targets  # hiding all we may hide would not help them
        self.flag = saved
        if hopeless:
            raise RuntimeError(
                f"{len(hopeless)} suppressed value(s) can be worked out from cells that may not be changed "
                "(e.g. an earlier, already published table that was not protected on its own)"
            )
        self.close_lines()
        while True:
            determined = self.determined()
            if not determined:
                return
            target = determined[0]
            candidates = self._candidates(self._lines_of[target], target) or self._candidates(
                range(len(self.lines)), target
            )
            if not candidates:  # cannot happen after the check above; kept as a guard
                raise RuntimeError("no cell left to hide")
            saved = list(self.flag)
            for cell in candidates:
                self.flag[cell] = SECONDARY
                self.close_lines()
                if target not in self.determined():
                    break
                self.flag = list(saved)
            else:  # no single cell breaks it: take the best one and go on (the set only grows)
                self.flag[candidates[0]] = SECONDARY
                self.close_lines()


def _grid(cells: _Cells, frame: pd.DataFrame, kind: str, flags: pd.DataFrame | None = None) -> list[list[int]]:
    values = frame.to_numpy(dtype=object)
    return [
        [cells.add(values[i, j], kind, SHOWN if flags is None else flags.iat[i, j]) for j in range(values.shape[1])]
        for i in range(values.shape[0])
    ]


def _total_positions(frame: pd.DataFrame, row_total, col_total) -> tuple[int | None, int | None]:
    """Positions of the total column (``row_total``) and total row (``col_total``)."""
    t_col = t_row = None
    if row_total is not None:
        if row_total not in frame.columns:
            raise KeyError(f"row_total {row_total!r} is not a column")
        t_col = frame.columns.get_loc(row_total)
    if col_total is not None:
        if col_total not in frame.index:
            raise KeyError(f"col_total {col_total!r} is not a row")
        t_row = frame.index.get_loc(col_total)
    if not all(isinstance(p, (int, np.integer)) for p in (t_col, t_row) if p is not None):
        raise ValueError("row and column labels must be unique")
    return t_col, t_row


def _add_table_lines(cells: _Cells, grid: list[list[int]], t_col, t_row, rows=None) -> None:
    """Each row adds up to its total column, each column to its total row."""
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    all_rows = rows is None or len(rows) == n_rows
    if t_col is not None:
        for i in range(n_rows) if rows is None else rows:
            cells.add_line([grid[i][j] for j in range(n_cols) if j != t_col], grid[i][t_col])
    if t_row is not None and all_rows:
        for j in range(n_cols):
            cells.add_line([grid[i][j] for i in range(n_rows) if i != t_row], grid[t_row][j])


def _flags_frame(cells: _Cells, grid: list[list[int]], like: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        [[cells.flag[c] for c in row] for row in grid], index=like.index, columns=like.columns, dtype=object
    )


# ---------------------------------------------------------------------------
# Counts, means, nested periods
# ---------------------------------------------------------------------------


def flag_counts(values: pd.DataFrame, *, row_total=None, col_total=None) -> FlaggedTable:
    """Flag a table of counts: 1–4 (primary), then what would let a reader subtract them back.

    ``row_total`` names the column holding each row's total, ``col_total`` the row
    holding each column's total (either, both or neither). Secondary rule, repeated until
    stable: a row or column with a total that has exactly one hidden cell gets its
    smallest other non-zero non-total cell hidden (the total if nothing else is left;
    a cell that also closes a crossing line with a lone hidden cell is preferred);
    an exact check then hides more if rows and columns *combined* would still give a
    hidden cell away. Zeros are shown and count as known.
    """
    t_col, t_row = _total_positions(values, row_total, col_total)
    cells = _Cells()
    flags = values.map(lambda v: PRIMARY if is_small_count(_num(v)) else SHOWN)
    grid = _grid(cells, values, _MUTABLE, flags)
    _add_table_lines(cells, grid, t_col, t_row)
    cells.protect()
    return FlaggedTable(values, _flags_frame(cells, grid, values))


def flag_means(
    means: pd.DataFrame | pd.Series, bases: pd.DataFrame | pd.Series, min_base: int = MIN_COUNT
) -> FlaggedTable:
    """Flag means, sums and shares that rest on fewer than ``min_base`` individuals.

    ``bases`` holds, per cell, how many individuals the value rests on. Base 0 is not
    flagged: nobody is described, the mean is missing (NaN, shown "–") and a sum is 0.
    A value with an unknown (NaN) base is flagged, since nobody can vouch for it.
    Means do not add up, so there is no secondary suppression here; if a mean's
    numerator or base is published elsewhere, flag those together.
    """
    if min_base < MIN_COUNT:
        raise ValueError(f"min_base may not be below {MIN_COUNT}")
    if isinstance(means, pd.Series):
        means = means.to_frame(name=means.name if means.name is not None else "value")
    if isinstance(bases, pd.Series):
        bases = bases.to_frame(name=means.columns[0])
    if set(bases.index) != set(means.index) or set(bases.columns) != set(means.columns):
        raise ValueError("means and bases must have the same rows and columns")
    b = bases.reindex(index=means.index, columns=means.columns).apply(pd.to_numeric, errors="coerce")
    has_value = means.apply(pd.to_numeric, errors="coerce").notna()
    small = (b > 0) & (b < min_base)
    unknown_base = b.isna() & has_value
    flags = pd.DataFrame(
        np.where((small | unknown_base).to_numpy(), PRIMARY, SHOWN), index=means.index, columns=means.columns
    ).astype(object)
    return FlaggedTable(means, flags)


class NestedPeriods(NamedTuple):
    later: FlaggedTable
    part: FlaggedTable | None


def protect_nested_periods(
    earlier: FlaggedTable,
    later: FlaggedTable,
    *,
    row_total=None,
    col_total=None,
    rows=None,
    part: FlaggedTable | None = None,
) -> NestedPeriods:
    """Protect a later year-to-date table against subtraction of the earlier one (T2 − T1).

    ``earlier`` (e.g. Jan–Apr, in the T1 report) is already published and is not
    changed; ``later`` (Jan–Aug) gets more cells hidden. Cells match by position (the
    labels may differ, "2026 T1" vs "2026 T2"); ``row_total``/``col_total``/``rows`` are
    labels of ``later``. ``rows`` are the rows whose later − earlier is a count of
    individuals (the part period: May–Aug; for counts of distinct households, those new
    in May–Aug) — all rows by default; leave out rows of means. ``part`` is the
    part-period table when it is published too (its values must equal later − earlier).

    Guarantees, given both tables (and ``part``) with their totals: (1) no part-period
    value of 1–4 can be worked out — where both earlier and later show the cell, the
    later one is hidden (and its row/column re-protected); (2) no hidden cell of either
    table (or of ``part``) can be worked out, including an earlier X as later − part;
    (3) no combination of rows, columns and periods gives one away (exact check).
    Raises RuntimeError if ``earlier`` was not protected on its own.
    """
    if earlier.values.shape != later.values.shape:
        raise ValueError("earlier and later must have the same shape")
    if part is not None and part.values.shape != later.values.shape:
        raise ValueError("part must have the same shape as later")
    t_col, t_row = _total_positions(later.values, row_total, col_total)
    n_rows, n_cols = later.values.shape
    if rows is None:
        count_rows = list(range(n_rows))
    else:
        count_rows = sorted(later.values.index.get_loc(r) for r in rows)
    e_vals = earlier.values.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    l_vals = later.values.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    diff = l_vals - e_vals

    cells = _Cells()
    e = _grid(cells, earlier.values, _FROZEN, earlier.flags)
    l_grid = _grid(cells, later.values, _MUTABLE, later.flags)
    _add_table_lines(cells, e, t_col, t_row)
    _add_table_lines(cells, l_grid, t_col, t_row)
    d: dict[tuple[int, int], int] = {}
    if part is not None:
        p_vals = part.values.apply(pd.to_numeric, errors="coerce").to_numpy(float)
        sub = np.ix_(count_rows, range(n_cols))
        if not np.allclose(p_vals[sub], diff[sub], equal_nan=True):
            raise ValueError("part must equal later − earlier (only additive measures have a published part)")
        p_grid = _grid(cells, part.values, _MUTABLE, part.flags)
        _add_table_lines(cells, p_grid, t_col, t_row, rows=count_rows)
        d = {(i, j): p_grid[i][j] for i in count_rows for j in range(n_cols)}
    else:
        d = {(i, j): cells.add(diff[i, j], _HIDDEN) for i in count_rows for j in range(n_cols)}
    for (i, j), cell in d.items():
        cells.add_line([e[i][j], cell], l_grid[i][j])
    cells.protect()
    new_later = FlaggedTable(later.values, _flags_frame(cells, l_grid, later.values))
    new_part = None if part is None else FlaggedTable(part.values, _flags_frame(cells, p_grid, part.values))
    return NestedPeriods(new_later, new_part)


# ---------------------------------------------------------------------------
# The key-figure table
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareOf:
    """A percentage: ``numerator`` / ``denominator`` × 100 (None: not a row; the base is the denominator).

    A share and its denominator give the numerator back, so the share is hidden when
    its numerator or denominator row is hidden, or when it reveals a count of 1–4
    (numerator, or denominator − numerator).
    """

    share: str
    numerator: str | None = None
    denominator: str | None = None


def _key_figure_relations() -> tuple[tuple[Partition, ...], tuple[ShareOf, ...]]:
    """The partitions and shares among the key-figure rows, from the measure declarations."""
    rows = {m.id for m in MEASURES if m.key_figure}
    partitions = tuple(p for p in PARTITIONS if p.total in rows and set(p.parts) <= rows)
    shares = tuple(
        ShareOf(m.id, *(part if part in rows else None for part in m.of))
        for m in MEASURES
        if m.key_figure and m.kind == "ratio" and m.unit == "procent"
    )
    return partitions, shares


KEY_FIGURE_GROUPS, KEY_FIGURE_SHARES = _key_figure_relations()


def suppress_key_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Flag and blank the key figures a reader must not see.

    Primary: a count of 1–4, or a mean, sum or share that rests on 1–4 individuals
    (``base``). Secondary: within :data:`KEY_FIGURE_GROUPS` no hidden row, and no
    remainder of 1–4, may be worked out from the shown rows (women = 3 of 100
    households hides men too); :data:`KEY_FIGURE_SHARES` are hidden with their parts.
    Returns a copy with a boolean ``suppressed`` column and ``value`` None where
    suppressed. One period per call: the measures must be unique.
    """
    out = table.copy()
    measures = out["measure"].tolist()
    if len(set(measures)) != len(measures):
        raise ValueError("suppress_key_figures takes one period at a time: measures must be unique")
    values = [_num(v) for v in out["value"]]
    primary = out["base"].map(lambda b: is_small_count(_num(b))).astype(bool).tolist()

    cells = _Cells()
    cell = {m: cells.add(v, _MUTABLE, PRIMARY if p else SHOWN) for m, v, p in zip(measures, values, primary)}
    for group in KEY_FIGURE_GROUPS:
        parts = [p for p in group.parts if p in cell]
        if group.total not in cell or not parts:
            continue
        numbers = [values[measures.index(m)] for m in (group.total, *parts)]
        if any(n != n for n in numbers):
            continue
        rest = numbers[0] - sum(numbers[1:])
        known = group.remainder_known and len(parts) == len(group.parts) and not is_small_count(rest)
        remainder = cells.add(rest, _FROZEN if known else _HIDDEN)
        cells.add_line([cell[p] for p in parts] + [remainder], cell[group.total])
    cells.protect()
    flags = {m: cells.flag[cell[m]] for m in measures}

    def hidden(m):
        return m is not None and m in flags and flags[m] != SHOWN

    for share in KEY_FIGURE_SHARES:
        if share.share not in flags or flags[share.share] != SHOWN:
            continue
        pos = measures.index(share.share)
        pct = values[pos]
        if share.denominator in flags:
            denominator = values[measures.index(share.denominator)]
        else:
            denominator = _num(out["base"].iloc[pos])
        reveals = False
        if pct == pct and denominator == denominator:
            numerator = round(pct * denominator / 100)
            reveals = is_small_count(numerator) or is_small_count(round(denominator) - numerator)
        if reveals or hidden(share.numerator) or hidden(share.denominator):
            flags[share.share] = SECONDARY

    suppressed = pd.Series([flags[m] != SHOWN for m in measures], index=out.index, dtype=bool)
    out["suppressed"] = suppressed
    out["value"] = out["value"].astype(object).where(~suppressed, None)
    return out
