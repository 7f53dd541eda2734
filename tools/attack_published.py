"""An attacker's check of the published files: what can be worked back from every ``tabelldata.csv``
of a year together (docs/disclosure.md, "Attacking the published files").

Independent of the protection's own linked table (``snanalys.disclosure.linked``): it reads only the
public files, takes the arithmetic from the measure declarations (``snanalys.measures``) and the ids
the files carry, and keeps a family of relations only if it holds on every instance whose numbers are
all shown (an attacker learns the arithmetic from the rows she can check). Then it solves the exact
linear system (splits, scopes, tkr/kr twins, sums over tiling periods, means over months, the
economy's tables) for every hidden number it determines, feeds ratios (price × days, mean × base)
back in, and lists each recovered value that is a count of 1–4, or kronor/days/mean resting on a
base of 1–4, and the increments T1 → T2 → T3 of year-to-date event counts and sums.

Usage: ``tools/attack_published.py reports/`` or ``tools/attack_published.py T1.csv T2.csv T3.csv``;
exit 1 when anything is found, 0 otherwise. Not run by CI.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from snanalys.economy.drivers import AREAS
from snanalys.measures.catalog import BY_ID, COUNT_UNITS
from snanalys.measures.scopes import SCOPES

FILE_NAME = "tabelldata.csv"
FINE_SPLIT = "target_group × form × provider_type"
_PERIOD = re.compile(r"^(\d{4})-T([123])$")
EPS = 1e-7


@dataclass
class Relation:
    """``sum(coef × var) == 0`` (``terms``), of one ``family`` (validated as a whole)."""

    terms: dict[str, float]
    family: str
    why: str
    #: exact by the declarations (a sum's parts, a scope's rows of a sum, kr and tkr): used unless a
    #: fully shown instance contradicts it; any other family only once one holds
    declared: bool = False


@dataclass
class Ratio:
    """``ratio == offset + scale × numerator / denominator`` (ids)."""

    ratio: str
    numerator: str
    denominator: str
    scale: float
    family: str
    offset: float = 0.0
    declared: bool = False


@dataclass
class Finding:
    kind: str  # "count", "mean", "amount", "increment", "sum of hidden", "candidate"
    quantity: str
    value: float
    error: float
    base: float | None
    cells: list[tuple[str, float]] = field(default_factory=list)
    why: str = ""
    hidden: bool = True

    def line(self) -> str:
        used = ", ".join(f"{c:+g}×{cell}" for cell, c in self.cells[:8])
        more = f" … (+{len(self.cells) - 8})" if len(self.cells) > 8 else ""
        base = "" if self.base is None else f", base {self.base:g}"
        return f"[{self.kind}] {self.quantity} = {self.value:.6g} ± {self.error:.2g}{base} ({self.why}): {used}{more}"


# --- reading ------------------------------------------------------------------------------------


def published_files(paths: list[Path]) -> list[Path]:
    """The ``tabelldata.csv`` files of ``paths`` (files, or folders holding ``<period>/tabelldata.csv``),
    in publication order (the period's end, then its order given)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob(f"*/{FILE_NAME}"), key=lambda p: _order(p.parent.name))
            files.extend(p for p in found if _PERIOD.match(p.parent.name))
        else:
            files.append(path)
    return files


def _order(name: str) -> tuple:
    m = _PERIOD.match(name)
    return (int(m.group(1)), int(m.group(2))) if m else (9999, 9)


def read_frames(files: list[Path]) -> list[pd.DataFrame]:
    out = []
    for f in files:
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        missing = {"id", "measure", "value", "mark", "unit"} - set(frame.columns)
        if missing:
            raise SystemExit(f"{f}: no column {', '.join(sorted(missing))}")
        out.append(frame)
    return out


def _tolerance(printed: str, mark: str, unit: str = "") -> float:
    """What a reader does not know of a printed number: half its last digit (±5 for a rounded one;
    nothing of a whole count of individuals or care days, which is printed exactly)."""
    if mark == "avrundat":
        return 5.0
    if unit in (*COUNT_UNITS, "vårddygn") and "." not in printed:
        return 0.0
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return 0.5 * 10.0**-decimals


@dataclass
class Knowledge:
    """Every distinct number (id) of the reports: its printed value where any report showed it."""

    rows: pd.DataFrame  # one row per id: id, measure, start, end, by, key, unit, period
    value: dict[str, float]
    tol: dict[str, float]
    hidden: set[str]
    revisions: list[tuple[str, float, float, str]]  # id, before, now, report


def knowledge(frames: list[pd.DataFrame]) -> Knowledge:
    value: dict[str, float] = {}
    tol: dict[str, float] = {}
    hidden: set[str] = set()
    revisions = []
    rows = []
    for frame in frames:
        for r in frame.to_dict("records"):
            cid = r["id"]
            rows.append(r)
            if r.get("revised_from", "") not in ("", None) and r["value"] != "":
                revisions.append((cid, float(r["revised_from"]), float(r["value"]), r.get("report", "")))
            if r["value"] == "":
                if cid not in value:
                    hidden.add(cid)
                continue
            if r["mark"] == "avrundat" and cid in value and tol.get(cid, 1) < 1:
                continue  # known exactly from an earlier report
            value[cid], tol[cid] = float(r["value"]), _tolerance(r["value"], r["mark"], r["unit"])
            hidden.discard(cid)
    table = pd.DataFrame(rows).drop_duplicates("id", keep="last").reset_index(drop=True)
    table["period"] = [_period_of(i) for i in table["id"]]
    return Knowledge(table, value, tol, hidden, revisions)


def _period_of(cell_id: str) -> str:
    parts = cell_id.split("|")
    return parts[1] if len(parts) == 4 else f"{parts[1]}|{parts[2]}"


# --- relations from the measure layer -----------------------------------------------------------


def _split_kind(measure_id: str) -> str | None:
    m = BY_ID.get(measure_id)
    if m is None or m.kind != "aggregate" or "quantile" in m.value:
        return None
    if m.value.startswith(("count(*)", "sum(")):
        return "exact"
    if m.value.startswith("count(DISTINCT"):
        return "distinct"  # a reader assumes the parts add up; the family check keeps it only if they do
    return None


def _additive_in_time(measure_id: str) -> bool:
    """Sums and counts of events (placements started, household-months) add over tiling periods."""
    m = BY_ID.get(measure_id)
    if m is None or m.kind != "aggregate" or "quantile" in m.value or m.id == "population":
        return False
    return m.value.startswith("sum(") or m.fact == "v_household_months" or "started_in_period" in m.value


def _dated(rows: pd.DataFrame) -> dict[tuple, str]:
    """(measure, start, end, by, key) → id for the cells of declared measures with dates."""
    out = {}
    for cid, m, s, e, by, key in zip(rows["id"], rows["measure"], rows["start"], rows["end"], rows["by"], rows["key"]):
        if s and e and m in BY_ID and BY_ID[m].kind != "table":
            out[(m, s, e, by, key)] = cid
    return out


def split_relations(at: dict[tuple, str]) -> list[Relation]:
    """A total is the sum of its parts by a dimension (and a coarse split that of a finer one)."""
    groups: dict[tuple, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for (m, s, e, by, key), cid in at.items():
        groups[(m, s, e)][by][key] = cid
    out = []
    for (m, _s, _e), by_split in groups.items():
        kind = _split_kind(m)
        if kind is None:
            continue
        for fine, members in by_split.items():
            dims = fine.split(" × ") if fine else []
            for coarse, coarse_members in by_split.items():
                cdims = coarse.split(" × ") if coarse else []
                if coarse == fine or not set(cdims) < set(dims):
                    continue
                pos = [dims.index(d) for d in cdims]
                parts: dict[str, list[str]] = defaultdict(list)
                for key, cid in members.items():
                    parts[" × ".join(key.split(" × ")[p] for p in pos)].append(cid)
                for ckey, total in coarse_members.items():
                    if parts.get(ckey):
                        terms = {total: -1.0, **{p: 1.0 for p in parts[ckey]}}
                        family = f"split {m} {coarse or 'total'} of {fine}"
                        out.append(Relation(terms, family, f"{total} = Σ {fine}", declared=kind == "exact"))
    return out


def twin_relations(at: dict[tuple, str]) -> list[Relation]:
    """The same number twice: a measure narrowed by one dimension's key, kr and tkr, a scope's rows."""
    out = []
    measures = {k[0] for k in at}
    for child, parent in itertools.permutations(measures, 2):
        c, p = BY_ID[child], BY_ID[parent]
        if c.fact != p.fact or c.kind != "aggregate" or p.kind != "aggregate":
            continue
        same_value = c.value == p.value
        tkr = c.value == p.value + " / 1000" and c.where == p.where
        if tkr:
            for (m, s, e, by, key), cid in at.items():
                if m == child and (other := at.get((parent, s, e, by, key))):
                    out.append(Relation({cid: 1000.0, other: -1.0}, f"tkr {child}", f"= {other}/1000", declared=True))
            continue
        if not same_value:
            continue
        for dim in p.dims:
            pattern = rf"^{re.escape(p.where)} AND {dim} = '([^']+)'$" if p.where != "true" else rf"^{dim} = '([^']+)'$"
            hit = re.match(pattern, c.where)
            if not hit:
                continue
            for (m, s, e, by, _k), cid in at.items():
                if m == child and by == "" and (other := at.get((parent, s, e, dim, hit.group(1)))):
                    out.append(Relation({cid: 1.0, other: -1.0}, f"twin {child}", f"{cid} = {other}"))
    by_where = {scope.predicate(): scope for scope in SCOPES.values()}
    unscoped = {(m.fact, m.value): m.id for m in BY_ID.values() if m.where == "true" and "target_group" in m.dims}
    for (m, s, e, by, _key), cid in at.items():
        measure = BY_ID[m]
        scope = by_where.get(measure.where)
        base = unscoped.get((measure.fact, measure.value))
        if scope is None or base is None or base == m or by != "":
            continue
        keys = [" × ".join(k) for k in itertools.product(scope.target_groups, scope.forms, scope.provider_types)]
        parts = [p for k in keys if (p := at.get((base, s, e, FINE_SPLIT, k)))]
        if parts:
            exact = measure.value.startswith("sum(")
            out.append(
                Relation({cid: -1.0, **{p: 1.0 for p in parts}}, f"scope {m}", f"Σ {base} in scope", declared=exact)
            )
    return out


def time_relations(at: dict[tuple, str]) -> list[Relation]:
    """Sums over two tiling periods add up (months to a tertial, Jan–Apr + May–Aug = Jan–Aug)."""
    import datetime as dt

    spans: dict[tuple, dict[tuple, str]] = defaultdict(dict)
    for (m, s, e, by, key), cid in at.items():
        if _additive_in_time(m):
            spans[(m, by, key)][(s, e)] = cid
    out = []
    for (m, _by, _key), cells in spans.items():
        for (s1, e1), whole in cells.items():
            months = _months(s1, e1)
            parts = [cells.get(p) for p in months]
            if len(months) > 1 and all(parts):
                out.append(
                    Relation({whole: -1.0, **{p: 1.0 for p in parts}}, f"time {m} months", f"{whole} = Σ months")
                )
            for (s2, e2), first in cells.items():
                if s2 == s1 and e2 < e1:
                    nxt = (dt.date.fromisoformat(e2) + dt.timedelta(days=1)).isoformat()
                    if second := cells.get((nxt, e1)):
                        out.append(Relation({whole: -1.0, first: 1.0, second: 1.0}, f"time {m}", f"{whole} tiled"))
    return out


def _months(start: str, end: str) -> list[tuple[str, str]]:
    rng = pd.period_range(start, end, freq="M")
    return [(str(p.start_time.date()), str(p.end_time.date())) for p in rng]


def mean_relations(at: dict[tuple, str]) -> tuple[list[Relation], list[Ratio]]:
    """Ratios of declared measures and means over months."""
    lin, ratios = [], []
    for (m, s, e, by, key), cid in at.items():
        measure = BY_ID[m]
        if measure.kind == "ratio":
            num, den = (at.get((x, s, e, by, key)) for x in measure.of)
            if num and den:
                ratios.append(Ratio(cid, num, den, measure.scale, f"ratio {m}", declared=True))
        elif measure.kind == "mean_over_months" and by == "":
            months = [at.get((measure.of[0], a, b, "", "")) for a, b in _months(s, e)]
            if months and all(months):
                lin.append(
                    Relation({cid: -float(len(months)), **{v: 1.0 for v in months}}, f"mean {m}", "mean", declared=True)
                )
    return lin, ratios


# --- relations of the economy's tables, from the ids --------------------------------------------

_COST_LINEAR = (  # (result, [(column, coef)]): result = Σ coef × column, same period and key
    ("cost_deviation_tkr", [("cost_outcome_tkr", 1), ("cost_budget_tkr", -1)]),
    ("cost_forecast_deviation_tkr", [("cost_forecast_tkr", 1), ("cost_budget_year_tkr", -1)]),
    ("cost_change_tkr", [("cost_outcome_tkr", 1), ("cost_outcome_last_year_tkr", -1)]),
    ("cost_change_tkr", [("cost_volume_effect_tkr", 1), ("cost_price_effect_tkr", 1)]),
    ("cost_volume_increase_tkr", [("cost_volume_effect_tkr", -1)]),
    ("cost_price_increase_tkr", [("cost_price_effect_tkr", -1)]),
    ("economy_deviation_tkr", [("economy_outcome_tkr", 1), ("economy_budget_tkr", -1)]),
    ("economy_deviation_tkr", [("economy_outcome_tkr", -1), ("economy_budget_tkr", 1)]),
    ("economy_forecast_deviation_tkr", [("economy_forecast_tkr", 1), ("economy_budget_year_tkr", -1)]),
    ("economy_forecast_deviation_tkr", [("economy_forecast_tkr", -1), ("economy_budget_year_tkr", 1)]),
    (
        "economy_account_group_change_tkr",
        [("economy_account_group_tkr", 1), ("economy_account_group_last_year_tkr", -1)],
    ),
)
_SUM_ROWS = {"cost": "Summa"}
_INTERVALS = (
    ("cost_forecast_low_tkr", "cost_forecast_high_tkr", "cost_forecast_tkr"),
    ("economy_forecast_low_tkr", "economy_forecast_high_tkr", "economy_forecast_tkr"),
    ("cost_volume_forecast_low", "cost_volume_forecast_high", "cost_volume_forecast"),
    ("outlook_low", "outlook_high", "outlook_value"),
)


def table_relations(rows: pd.DataFrame, k: Knowledge) -> tuple[list[Relation], list[Ratio]]:
    """The economy's cost and result tables, the outlook and the forecast record, by their ids."""
    table = rows.loc[rows["by"].eq("key") & rows["start"].eq("")]
    at = {(m, p, key): cid for cid, m, p, key in zip(table["id"], table["measure"], table["period"], table["key"])}
    lin, ratios = [], []
    for (m, p, key), cid in at.items():
        for result, parts in _COST_LINEAR:
            if m != result:
                continue
            cells = [(at.get((col, p, key)), c) for col, c in parts]
            if all(c for c, _ in cells):
                lin.append(Relation({cid: -1.0, **{c: float(w) for c, w in cells}}, f"table {result}={parts}", key))
        if m == "cost_price":
            out, vol = at.get(("cost_outcome_tkr", p, key)), at.get(("cost_volume", p, key))
            if out and vol:
                ratios.append(Ratio(cid, out, vol, -1000.0, "table cost_price"))
        if m == "cost_price_last_year":
            out, vol = at.get(("cost_outcome_last_year_tkr", p, key)), at.get(("cost_volume_last_year", p, key))
            if out and vol:
                ratios.append(Ratio(cid, out, vol, -1000.0, "table cost_price_last_year"))
    # the sum row of the cost table is the sum of its areas
    cost_cols = {m for (m, _p, key) in at if m.startswith("cost_") and key == "Summa"}
    areas = [a.key for a in AREAS]
    for m in cost_cols:
        for p in {p for (mm, p, _k) in at if mm == m}:
            total, parts = at.get((m, p, "Summa")), [at.get((m, p, a)) for a in areas]
            if total and all(parts):
                lin.append(Relation({total: -1.0, **{c: 1.0 for c in parts}}, f"table sum {m}", "Summa"))
    # the cost table's volume and cost are the areas' declared measures (kr → −tkr)
    dated = {
        (m, s, e): cid
        for cid, m, s, e, by in zip(rows["id"], rows["measure"], rows["start"], rows["end"], rows["by"])
        if by == ""
    }
    periods = {p: _span(p) for (_m, p, _k) in at}
    for area in AREAS:
        for p, span in periods.items():
            if span is None:
                continue
            last = (str(int(span[0][:4]) - 1) + span[0][4:], str(int(span[1][:4]) - 1) + span[1][4:])
            for col, measure, sp, coef in (
                ("cost_volume", area.volume_measure, span, 1.0),
                ("cost_volume_last_year", area.volume_measure, last, 1.0),
                ("cost_outcome_tkr", area.cost_measure, span, -1000.0),
                ("cost_outcome_last_year_tkr", area.cost_measure, last, -1000.0),
            ):
                a, b = at.get((col, p, area.key)), dated.get((measure, *sp))
                if a and b:
                    lin.append(Relation({a: coef, b: -1.0}, f"table twin {col} {area.key}", f"= {measure}"))
    # the outlook's last value is its measure's last full year; a record row is an earlier year's outcome
    for (m, p, key), cid in at.items():
        span = periods.get(p)
        if (
            m == "outlook_last_value"
            and span
            and (b := dated.get((key, f"{int(p[:4]) - 1}-01-01", f"{int(p[:4]) - 1}-12-31")))
        ):
            lin.append(Relation({cid: 1.0, b: -1.0}, "table twin outlook_last_value", key))
        if m == "record_outcome_tkr" and (hit := re.match(r"^(.+)_(\d{4})$", key)):
            line, year = hit.groups()
            for col, report in (
                ("economy_outcome_last_year_tkr", f"{int(year) + 1}-T3"),
                ("cost_outcome_last_year_tkr", f"{int(year) + 1}-T3"),
                ("economy_outcome_tkr", f"{year}-T3"),
                ("cost_outcome_tkr", f"{year}-T3"),
            ):
                if b := at.get((col, report, line)):
                    lin.append(Relation({cid: 1.0, b: -1.0}, f"table twin record {col}", key))
    # an interval that collapses gives its point back
    for low, high, point in _INTERVALS:
        for (m, p, key), cid in at.items():
            if m != low or (hi := at.get((high, p, key))) is None or (pt := at.get((point, p, key))) is None:
                continue
            if cid in k.value and hi in k.value and abs(k.value[cid] - k.value[hi]) <= k.tol[cid] + k.tol[hi]:
                lin.append(Relation({pt: 1.0, cid: -1.0}, f"interval collapses {point}", key))
    return lin, ratios


def _span(period: str) -> tuple[str, str] | None:
    m = _PERIOD.match(period)
    if not m:
        return None
    end = {"1": "04-30", "2": "08-31", "3": "12-31"}[m.group(2)]
    return f"{m.group(1)}-01-01", f"{m.group(1)}-{end}"


# --- validation and solving ---------------------------------------------------------------------


def _residual(terms: dict[str, float], k: Knowledge) -> tuple[float, float] | None:
    if not all(c in k.value for c in terms):
        return None
    return sum(w * k.value[c] for c, w in terms.items()), sum(abs(w) * k.tol[c] for c, w in terms.items())


def _ratio_residual(r: Ratio, k: Knowledge) -> tuple[float, float] | None:
    if not all(c in k.value for c in (r.ratio, r.numerator, r.denominator)) or k.value[r.denominator] == 0:
        return None
    n, d = k.value[r.numerator], k.value[r.denominator]
    err = abs(r.scale) * (k.tol[r.numerator] / abs(d) + abs(n) * k.tol[r.denominator] / d**2) + k.tol[r.ratio]
    return k.value[r.ratio] - r.offset - r.scale * n / d, err * 1.01 + 1e-9


def family_status(relations: list, ratios: list, k: Knowledge) -> dict[str, list[int]]:
    """Per family: how many fully shown instances hold, and how many fail."""
    status: dict[str, list] = defaultdict(lambda: [0, 0])
    for r in relations:
        res = _residual(r.terms, k)
        if res is not None:
            status[r.family][0 if abs(res[0]) <= res[1] * 1.01 + 1e-9 else 1] += 1
    for r in ratios:
        res = _ratio_residual(r, k)
        if res is not None:
            status[r.family][0 if abs(res[0]) <= res[1] else 1] += 1
    return status


def validated(relations: list, ratios: list, k: Knowledge, learned: dict | None = None) -> tuple[list, list, dict]:
    """Keep the families that hold on every fully shown instance (of these files and of the ``learned``
    ones, another municipality's reports read the same way) and hold at least once, or are exact by
    the declarations and never fail."""
    status = family_status(relations, ratios, k)
    for family, (good, bad) in (learned or {}).items():
        status[family][0] += good
        status[family][1] += bad
    declared = {r.family for r in [*relations, *ratios] if r.declared}
    ok = {f for f, (good, bad) in status.items() if good > 0 and bad == 0}
    ok |= {f for f in declared if status[f][1] == 0}
    report = {f: ("kept" if f in ok else f"dropped ({good} hold, {bad} fail)") for f, (good, bad) in status.items()}
    report.update({f: "kept (declared, never fully shown)" for f in ok if status[f] == [0, 0]})
    return [r for r in relations if r.family in ok], [r for r in ratios if r.family in ok], report


@dataclass
class Recovered:
    value: float
    error: float
    cells: list[tuple[str, float]]
    why: str


def solve(relations: list[Relation], ratios: list[Ratio], k: Knowledge) -> dict[str, Recovered]:
    """Every hidden number the relations determine, with the shown cells it is worked back from."""
    known = dict(k.value)
    tol = dict(k.tol)
    recovered: dict[str, Recovered] = {}
    lin = list(relations)
    used_ratios: set[int] = set()
    for _round in range(10):
        new = _solve_linear(lin, known, tol)
        for cid, rec in new.items():
            known[cid], tol[cid] = rec.value, rec.error
            recovered[cid] = rec
        grew = bool(new)
        for i, r in enumerate(ratios):
            if i in used_ratios:
                continue
            have = [c in known for c in (r.ratio, r.numerator, r.denominator)]
            if all(have):
                used_ratios.add(i)
                continue
            if have[0] and (have[1] or have[2]):  # the ratio is shown: the other of the two follows
                q, tq = known[r.ratio] - r.offset, tol[r.ratio]
                if have[1] and q != 0:  # denominator = scale × numerator / q
                    n, tn = known[r.numerator], tol[r.numerator]
                    value = r.scale * n / q
                    err = abs(r.scale) * (tn / abs(q) + abs(n) * tq / q**2)
                    target, cells = r.denominator, [(r.numerator, r.scale / q), (r.ratio, -value / q)]
                else:  # numerator = q × denominator / scale
                    d, td = known[r.denominator], tol[r.denominator]
                    value = q * d / r.scale
                    err = (abs(q) * td + abs(d) * tq) / abs(r.scale)
                    target, cells = r.numerator, [(r.denominator, q / r.scale), (r.ratio, d / r.scale)]
                known[target], tol[target] = value, err
                recovered[target] = Recovered(value, err, cells, r.family)
                used_ratios.add(i)
                grew = True
            elif have[1] and have[2] and known[r.denominator] != 0:
                n, d = known[r.numerator], known[r.denominator]
                value = r.offset + r.scale * n / d
                err = abs(r.scale) * (tol[r.numerator] / abs(d) + abs(n) * tol[r.denominator] / d**2)
                known[r.ratio], tol[r.ratio] = value, err
                recovered[r.ratio] = Recovered(
                    value, err, [(r.numerator, r.scale / d), (r.denominator, -value / d)], r.family
                )
                used_ratios.add(i)
                grew = True
        if not grew:
            break
    return recovered


def _solve_linear(relations: list[Relation], known: dict[str, float], tol: dict[str, float]) -> dict[str, Recovered]:
    unknown = sorted({c for r in relations for c in r.terms if c not in known})
    if not unknown:
        return {}
    index = {c: i for i, c in enumerate(unknown)}
    rows = [r for r in relations if any(c in index for c in r.terms)]
    # connected groups of unknowns, solved one at a time
    parent = list(range(len(unknown)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in rows:
        vs = [index[c] for c in r.terms if c in index]
        for v in vs[1:]:
            parent[find(v)] = find(vs[0])
    groups: dict[int, list[Relation]] = defaultdict(list)
    for r in rows:
        groups[find(next(index[c] for c in r.terms if c in index))].append(r)
    out = {}
    for group in groups.values():
        cols = sorted({c for r in group for c in r.terms if c in index})
        col = {c: i for i, c in enumerate(cols)}
        shown = sorted({c for r in group for c in r.terms if c not in index})
        sc = {c: i for i, c in enumerate(shown)}
        a = np.zeros((len(group), len(cols)))
        b = np.zeros((len(group), len(shown)))
        for i, r in enumerate(group):
            for c, w in r.terms.items():
                if c in col:
                    a[i, col[c]] += w
                else:
                    b[i, sc[c]] -= w
        null = null_space(a)
        determined = np.where(np.linalg.norm(null, axis=1) < 1e-8)[0] if null.size else np.arange(len(cols))
        if not len(determined):
            continue
        pinv = np.linalg.pinv(a)
        weights = pinv @ b  # unknown = weights · shown
        x = np.array([known[c] for c in shown])
        t = np.array([tol[c] for c in shown])
        for j in determined:
            w = weights[j]
            used = [(shown[i], float(w[i])) for i in np.argsort(-np.abs(w)) if abs(w[i]) > 1e-9]
            why = "; ".join(sorted({r.family for r in group if cols[j] in r.terms}))
            out[cols[j]] = Recovered(float(w @ x), float(np.abs(w) @ t) + 1e-9, used, why)
    return out


# --- what is a finding --------------------------------------------------------------------------


def _base_measure(measure_id: str) -> str | None:
    """The count of individuals a measure rests on, where the declarations name one."""
    m = BY_ID.get(measure_id)
    if m is None:
        return None
    if m.kind == "ratio":
        base = m.base
        while base and BY_ID[base].kind != "aggregate":
            base = BY_ID[base].base
        if base and BY_ID[base].unit in COUNT_UNITS:
            return base
        return _base_measure(base) if base else None
    if m.kind == "aggregate" and m.individuals:
        for other in BY_ID.values():
            if other.fact == m.fact and other.where == m.where and other.value == m.individuals:
                return other.id
    return None


def _is_count(measure_id: str) -> bool:
    m = BY_ID.get(measure_id)
    return m is not None and m.kind == "aggregate" and m.unit in COUNT_UNITS


def findings(k: Knowledge, recovered: dict[str, Recovered], relations: list[Relation]) -> list[Finding]:
    known = {**k.value, **{c: r.value for c, r in recovered.items()}}
    tol = {**k.tol, **{c: r.error for c, r in recovered.items()}}
    rows = k.rows.set_index("id")
    out = []
    for cid, rec in recovered.items():
        if cid not in rows.index:
            continue
        row = rows.loc[cid]
        m = row["measure"]
        if _is_count(m):
            if rec.error < 0.5 and 1 <= round(rec.value) <= 4:
                out.append(Finding("count", cid, rec.value, rec.error, None, rec.cells, rec.why))
            continue
        base_measure = _base_measure(m)
        base = None
        if base_measure and row["start"]:
            bid = f"{base_measure}|{row['start']}|{row['end']}|{row['by']}|{row['key']}"
            if bid in known and tol[bid] < 0.5:
                base = float(round(known[bid]))
        kind = "mean" if BY_ID.get(m) and BY_ID[m].kind in ("ratio", "mean_over_months") else "amount"
        precise = abs(rec.value) > 0 and rec.error <= 0.25 * abs(rec.value)
        if base is not None and 1 <= base <= 4 and precise:
            out.append(Finding(kind, cid, rec.value, rec.error, base, rec.cells, rec.why))
        elif base is None and precise and cid in k.hidden:
            out.append(Finding("hidden, base not published", cid, rec.value, rec.error, None, rec.cells, rec.why))
    out += increments(k, known, tol)
    out += hidden_sums(relations, known, tol, k)
    out += forecast_candidates(k, known)
    out += record_outcomes(k, known, tol)
    out += forecast_prices(k, known)
    for cid, before, now, report in k.revisions:
        m = cid.split("|")[0]
        if _is_count(m) and 1 <= abs(now - before) <= 4:
            out.append(
                Finding("revision", cid, now - before, 0.0, None, [(cid, 1.0)], f"{report}: {before:g} → {now:g}")
            )
    return out


def increments(k: Knowledge, known: dict[str, float], tol: dict[str, float]) -> list[Finding]:
    """T2 − T1 and T3 − T2 of every year-to-date count of events and every sum."""
    at = _dated(k.rows)
    out = []
    for (m, s, e, by, key), cid in at.items():
        if not _additive_in_time(m) or not s.endswith("-01-01") or e[5:] not in ("04-30", "08-31"):
            continue
        later = f"{s[:4]}-{'08-31' if e[5:] == '04-30' else '12-31'}"
        nxt = at.get((m, s, later, by, key))
        if not nxt or cid not in known or nxt not in known:
            continue
        inc, err = known[nxt] - known[cid], tol[nxt] + tol[cid]
        name = f"{m}|{e[:7]}→{later[:7]}|{by}|{key}"
        if _is_count(m) and err < 0.5 and 1 <= round(inc) <= 4:
            out.append(Finding("increment", name, inc, err, None, [(nxt, 1.0), (cid, -1.0)], "year to date"))
        elif not _is_count(m) and (bm := _base_measure(m)):
            b1 = known.get(f"{bm}|{s}|{e}|{by}|{key}")
            b2 = known.get(f"{bm}|{s}|{later}|{by}|{key}")
            if b1 is not None and b2 is not None and _additive_in_time(bm) and 1 <= round(b2 - b1) <= 4 and inc:
                out.append(Finding("increment", name, inc, err, b2 - b1, [(nxt, 1.0), (cid, -1.0)], "year to date"))
    return out


def hidden_sums(
    relations: list[Relation], known: dict[str, float], tol: dict[str, float], k: Knowledge
) -> list[Finding]:
    """Two or more hidden parts of one exact relation whose sum is worked back: a count of 1–4 is a leak;
    any other sum a note (``--audit`` says whether the protection protects it)."""
    out = []
    seen = set()
    for r in relations:
        rest = [c for c in r.terms if c not in known]
        if len(rest) < 2 or len({r.terms[c] for c in rest}) != 1:
            continue
        w = r.terms[rest[0]]
        total = -sum(r.terms[c] * known[c] for c in r.terms if c in known) / w
        err = sum(abs(r.terms[c]) * tol[c] for c in r.terms if c in known) / abs(w)
        name = " + ".join(sorted(rest))
        if name in seen:
            continue
        seen.add(name)
        cells = [(c, -r.terms[c] / w) for c in r.terms if c in known]
        if all(_is_count(c.split("|")[0]) for c in r.terms):
            if err < 0.5 and 1 <= round(total) <= 4:
                out.append(Finding("sum of hidden", name, total, err, None, cells, r.family))
        elif total and err <= 0.25 * abs(total):
            out.append(Finding("sum of hidden, not a count", name, total, err, None, cells, r.family))
    return out


def forecast_candidates(k: Knowledge, known: dict[str, float]) -> list[Finding]:
    """A hidden outcome whose shown full-year forecast gives it back if the forecast is linear
    (outcome × 12 / months): listed as a candidate, with the months of the period."""
    out = []
    rows = k.rows.loc[k.rows["by"].eq("key") & k.rows["start"].eq("")]
    at = {(m, p, key): cid for cid, m, p, key in zip(rows["id"], rows["measure"], rows["period"], rows["key"])}
    for (m, p, key), cid in at.items():
        if m not in ("cost_outcome_tkr", "economy_outcome_tkr") or cid in known or not _PERIOD.match(p):
            continue
        months = 4 * int(p[-1])
        f = at.get((m.replace("outcome", "forecast"), p, key))
        if f in known and months < 12:
            out.append(Finding("candidate", cid, known[f] * months / 12, 0.0, None, [(f, months / 12)],
                               "if the forecast is linear (outcome × 12/months)"))  # fmt: skip
    return out


def record_outcomes(k: Knowledge, known: dict[str, float], tol: dict[str, float]) -> list[Finding]:
    """Prognossäkerhet: an error is |forecast − outcome| / |outcome| × 100, so a forecast and its error
    leave two outcomes, f / (1 ± e/100); the T1 and the T2 forecast of one row agreeing on one of them
    give a hidden outcome back (listed when the row's outcome is hidden)."""
    rows = k.rows.loc[k.rows["measure"].eq("record_outcome_tkr")]
    out = []
    for cid, p, key in zip(rows["id"], rows["period"], rows["key"]):
        if cid in known:
            continue
        options = []
        for t in ("t1", "t2"):
            f, e = f"record_forecast_{t}_tkr|{p}|key|{key}", f"record_error_{t}|{p}|key|{key}"
            if f in known and e in known:
                fv, ev = known[f], known[e] / 100
                options.append([(fv / (1 + s * ev), f, e) for s in (1, -1) if 1 + s * ev > 0])
        if len(options) < 2:
            continue
        for (o1, f1, e1), (o2, f2, e2) in itertools.product(*options):
            slack = 0.01 * max(abs(o1), abs(o2)) * (tol[e1] + tol[e2]) + tol[f1] + tol[f2] + 0.01
            if abs(o1 - o2) <= slack:
                cells = [(f1, 1.0), (e1, 1.0), (f2, 1.0), (e2, 1.0)]
                out.append(Finding("record outcome", cid, (o1 + o2) / 2, abs(o1 - o2) / 2 + slack, None, cells,
                                   "two forecasts and their errors agree on one outcome"))  # fmt: skip
                break
    return out


def forecast_prices(k: Knowledge, known: dict[str, float]) -> list[Finding]:
    """A hidden price of an area whose shown full-year forecasts of cost and of volume give a price back
    (the known-placements forecast is ongoing placements × remaining days × their price)."""
    rows = k.rows.loc[k.rows["measure"].eq("cost_price")]
    out = []
    for cid, p, key in zip(rows["id"], rows["period"], rows["key"]):
        cost, volume = f"cost_forecast_tkr|{p}|key|{key}", f"cost_volume_forecast|{p}|key|{key}"
        if cid in known or cost not in known or volume not in known or not known[volume]:
            continue
        price = -1000 * known[cost] / known[volume]
        out.append(Finding("forecast price", cid, price, 0.0, None, [(cost, -1000 / known[volume]), (volume, 0.0)],
                           "forecast cost / forecast volume: compare with the hidden price"))  # fmt: skip
    return out


# --- the run ------------------------------------------------------------------------------------


def relations_of(k: Knowledge) -> tuple[list[Relation], list[Ratio]]:
    at = _dated(k.rows)
    relations = split_relations(at) + twin_relations(at) + time_relations(at)
    lin, ratios = mean_relations(at)
    tlin, tratios = table_relations(k.rows, k)
    return relations + lin + tlin, ratios + tratios


def learn(frames: list[pd.DataFrame]) -> dict[str, list[int]]:
    """The families' evidence in other reports (e.g. a larger municipality's, where more is shown)."""
    k = knowledge(frames)
    return family_status(*relations_of(k), k)


def attack(
    frames: list[pd.DataFrame], learned: dict | None = None
) -> tuple[list[Finding], dict[str, str], dict[str, Recovered]]:
    """Everything worked back from ``frames`` (the tabelldata.csv of a year, in publication order)."""
    k = knowledge(frames)
    relations, ratios, families = validated(*relations_of(k), k, learned)
    recovered = solve(relations, ratios, k)
    return findings(k, recovered, relations), families, recovered


def read_audits(paths: list[Path]) -> dict[str, tuple[float, str]]:
    """The internal audits beside the reports (``_internal/<period>/rojandekontroll.csv``): each protected
    quantity's true value and the report that protects it, to judge what the attack worked back."""
    out: dict[str, tuple[float, str]] = {}
    for path in paths:
        folder = path if path.is_dir() else path.parent.parent
        for f in sorted(folder.glob("_internal/*/rojandekontroll.csv"), key=lambda p: _order(p.parent.name)):
            with f.open(encoding="utf-8") as handle:
                for r in csv.DictReader(handle):
                    out[_normal(r["quantity"])] = (float(r["true_value"]), f.parent.name)
    return out


def _normal(quantity: str) -> str:
    """A quantity's name with the parts of a sum in one order ("rest: a + b" is "b + a")."""
    return " + ".join(sorted(quantity.removeprefix("rest: ").split(" + ")))


def judge(found: list[Finding], recovered: dict[str, Recovered], audits: dict[str, tuple[float, str]]) -> list[Finding]:
    """Every worked-back number the audit protects, within its rule (a count exactly, kronor, days or a
    mean within ±25 %), as a leak; and any that the audit's true value contradicts, as a wrong relation."""
    out = []
    candidates = [(c, r.value, r.error, r.cells, r.why) for c, r in recovered.items()]
    candidates += [
        (f.quantity, f.value, f.error, f.cells, f.why) for f in found if f.kind not in ("candidate", "forecast price")
    ]
    for quantity, value, error, cells, why in candidates:
        hit = audits.get(_normal(quantity))
        if hit is None:
            continue
        true, report = hit
        if abs(value - true) > error + 1e-6 * max(1.0, abs(true)):
            out.append(Finding("wrong", quantity, value, error, None, cells, f"audit {report}: true {true:g}; {why}"))
        elif error < 0.5 or error <= 0.25 * abs(true):
            out.append(
                Finding("protected", quantity, value, error, None, cells, f"audit {report}: true {true:g}; {why}")
            )
    return out


def truth_increments(k: Knowledge, recovered: dict[str, Recovered], data_dir: Path, kommun: str) -> list[Finding]:
    """With the processed data (internal): :func:`sum_increments` against the report's own cells."""
    from snanalys.data import load_municipality
    from snanalys.report_cells import report_cells

    data = load_municipality(data_dir / "processed", kommun)
    report_year = max(int(p[:4]) for p in k.rows["period"] if _PERIOD.match(p))
    return sum_increments(k, recovered, report_cells(data, report_year, 3))


def sum_increments(k: Knowledge, recovered: dict[str, Recovered], cells: pd.DataFrame) -> list[Finding]:
    """Every increment T1 → T2, T2 → T3 of a sum (days, kronor, events) the published files give,
    against the individuals of the tertial alone it rests on (``cells``: the true cells with
    ``measure, start, end, by, value, base``); one resting on 1–4 is a leak a reader cannot see the
    base of, but the rule is about the true base."""
    known = {**k.value, **{c: r.value for c, r in recovered.items()}}
    years = {int(s[:4]) for s in k.rows["start"] if s}
    out = []
    for m, s, e, by, v, b in zip(
        cells["measure"], cells["start"], cells["end"], cells["by"], cells["value"], cells["base"]
    ):
        if s is None or pd.isna(s) or by != "" or not _additive_in_time(m) or str(s)[5:10] not in ("05-01", "09-01"):
            continue
        s, e = str(s)[:10], str(e)[:10]
        if int(s[:4]) not in years:
            continue
        before = f"{s[:4]}-{'04-30' if s[5:] == '05-01' else '08-31'}"
        first, whole = f"{m}|{s[:4]}-01-01|{before}||", f"{m}|{s[:4]}-01-01|{e}||"
        if first in known and whole in known and b is not None and not pd.isna(b) and 1 <= b <= 4:
            inc = known[whole] - known[first]
            if abs(inc) > 0.5:
                why = f"the tertial alone {s}–{e}: true {v:g}, resting on {b:g}"
                out.append(
                    Finding("increment", f"{m}|{s}|{e}||", inc, 0.0, float(b), [(whole, 1.0), (first, -1.0)], why)
                )
    return out


FAILING = ("count", "mean", "amount", "increment", "sum of hidden", "record outcome", "protected")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="a reports folder, or tabelldata.csv files in order")
    parser.add_argument("--families", action="store_true", help="list the relation families kept and dropped")
    parser.add_argument(
        "--learn", type=Path, action="append", default=[], help="reports whose shown numbers also teach the arithmetic"
    )
    parser.add_argument(
        "--truth", type=Path, help="a data folder (internal): judge increments of sums by the individuals they rest on"
    )
    parser.add_argument("--kommun", default=None, help="with --truth: the municipality (default: the only one)")
    parser.add_argument("--notes", action="store_true", help="also print the notes (worked back, not a leak)")
    parser.add_argument(
        "--audit", action="store_true", help="judge against the internal audits beside the reports (_internal/)"
    )
    args = parser.parse_args(argv)
    files = published_files(args.paths)
    if not files:
        print(f"no {FILE_NAME} in {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    learned = learn(read_frames(published_files(args.learn))) if args.learn else None
    found, families, recovered = attack(read_frames(files), learned)
    print(f"read {len(files)} files: {', '.join(str(f) for f in files)}")
    if args.audit:
        audits = read_audits(args.paths)
        print(f"{len(audits)} protected quantities in the internal audits")
        found += judge(found, recovered, audits)
    if args.families:
        for family, status in sorted(families.items()):
            print(f"  family {family}: {status}")
    if args.truth:
        kommun = args.kommun or next(p.name for p in sorted((args.truth / "processed").iterdir()) if p.is_dir())
        found += truth_increments(knowledge(read_frames(files)), recovered, args.truth, kommun)
    kept = sum(1 for s in families.values() if s.startswith("kept"))
    print(f"{kept} relation families kept, {len(families) - kept} dropped; {len(recovered)} hidden numbers worked back")
    failing = [f for f in found if f.kind in FAILING]
    for f in sorted(found, key=lambda f: (f.kind not in FAILING, f.kind, f.quantity)):
        if f.kind in FAILING or args.notes:
            print(("LEAK " if f.kind in FAILING else "note ") + f.line())
    print(f"{len(failing)} leaks, {len(found) - len(failing)} notes")
    return 1 if failing else 0


if __name__ == "__main__":
    csv.field_size_limit(10**7)
    sys.exit(main())
