"""The one protection of a report, computed once per run, for every page and export.

What the reports already published showed stays shown and what they hid stays hidden
(:func:`.protect.protect_report`'s ``earlier``). The report run reads them back from their
public files (``tabelldata.csv`` in ``reports/`` and ``reports/archive/``, any year:
:mod:`.published`) and adds every number they published to this report's linked table, so
that it is linked to what this report shows even where this report does not print it. An
analyst's notebook outside a run (no reports at hand) takes the year's earlier reports as
they would be computed from the same data: T1 before T2, T1 and T2 before T3.

The report run computes it before any page (:func:`report_protection`) and keeps it beside
the processed data (``<processed>/<kommun>/_disclosure/``, internal, keyed by the processed
files' names and times), so that each page's kernel reads it instead of choosing again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence

import numpy as np
import pandas as pd

from snanalys.data import MunicipalityData
from snanalys.disclosure.linked import AMOUNT_UNITS, cell_ids, time_kind
from snanalys.disclosure.protect import Protection, protect_report
from snanalys.disclosure.published import Published, revisions
from snanalys.measures.catalog import BY_ID
from snanalys.measures.tables import cells as measure_cells
from snanalys.periods import Period, tertial_alone, year_to_date
from snanalys.report_cells import declared_cells, published_cells, report_cells
from snanalys.suppression import suppress_key_figures

CACHE_FOLDER = "_disclosure"
_MEMORY: dict[tuple, Protection] = {}


def _state(data: MunicipalityData) -> str:
    """What the protection depends on besides the period: the processed files and their times."""
    files = sorted(data.directory.glob("*.parquet"))
    text = repr([(f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _load(path) -> Protection | None:
    """The kept choice (hidden and rounded cells): enough for a page, which only asks what is hidden."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    revised = {k: (v[0], v[1]) for k, v in kept.get("revised", {}).items()}
    return Protection(None, dict(kept["hidden"]), {k: float(v) for k, v in kept["rounded"].items()}, revised=revised)


def _store(path, protection: Protection) -> None:
    """Written whole or not at all: a page never reads half a protection. JSON, so that
    ``snanalys scan`` reads it like every other file beside the processed data."""
    path.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        kept = {"hidden": protection.hidden, "rounded": protection.rounded, "revised": protection.revised}
        json.dump(kept, f, ensure_ascii=False)
    os.replace(tmp, path)


def report_protection(
    data: MunicipalityData,
    year: int,
    tertial: int,
    *,
    full: bool = False,
    published: Sequence[Published] | None = None,
    keep: bool = True,
    previous: Published | None = None,
) -> Protection:
    """The protection of ``year`` T``tertial``'s report, given what is already published.

    ``published`` (the run: :func:`.published.read_published` of the municipality's reports):
    computed in full against those reports, kept (unless not ``keep``: a what-if that pages and
    the command line must not read), and what this process answers from then on.
    Without it: the kept choice — the last run's for this data, whatever its reports folder
    (a page in the run's kernels) — or, where nothing is kept or
    ``full``, computed as the runs of the year's reports in order (T1, T2 against T1 …) on the
    same data would make it.

    ``previous`` (with ``published``): the report of the same period this run replaces; the
    figures it printed with another value are the protection's ``revised``."""
    state = _state(data)
    key = (str(data.directory.resolve()), state, year, tertial)
    path = data.directory / CACHE_FOLDER / f"{year}-T{tertial}-{state}.json"
    if published is not None:
        protection = _computed(data, year, tertial, published)
        if previous is not None:
            label = year_to_date(year, tertial).label
            protection = dataclasses.replace(protection, revised=revisions(protection, previous, label))
        if keep:
            _MEMORY[key] = protection
            _keep(path, protection)
        return protection
    if key in _MEMORY:
        return _MEMORY[key]
    kept = None if full else _load(path)
    if kept is not None:
        return kept
    earlier: list[Published] = []
    for t in range(1, tertial + 1):  # each earlier report once per process, as the run makes it
        before = key[:3] + (t,)
        if before not in _MEMORY:
            _MEMORY[before] = _computed(data, year, t, earlier)
        earlier.append(_MEMORY[before].as_published(year_to_date(year, t).label))
    protection = _MEMORY[key]
    _keep(path, protection)
    return protection


def _computed(data: MunicipalityData, year: int, tertial: int, published: Sequence[Published]) -> Protection:
    """The report's protection against ``published``, with their numbers linked to its own."""
    universe = report_cells(data, year, tertial, printed=True)
    printed = published_cells(universe, year, tertial)
    published = [*published, *official_suppression(data, year, tertial)]
    cells = with_published_cells(data, printed, universe, published)
    alone = tertials_alone(data, cells)
    unprinted = set(cell_ids(alone)) - set(cell_ids(cells))
    if unprinted:
        cells = pd.concat([cells, alone.loc[np.isin(cell_ids(alone), list(unprinted))]], ignore_index=True)
        published = [*published, Published("tertialer för sig", hidden=frozenset(unprinted))]
    protection = protect_report(cells, year, tertial, published)
    # the tertials alone were hidden as never printed, not for their own sake: what the pages and the
    # record ask of the protection is what it hid among the printed cells
    protection = dataclasses.replace(
        protection,
        hidden={cell: why for cell, why in protection.hidden.items() if cell not in unprinted},
        unpublished=frozenset(unprinted),
    )
    hidden = {
        **protection.hidden,
        **_targets_of_hidden(protection, year, tertial),
        **_outlook_of_hidden(data, protection, year, tertial),
        **_record_of_hidden(data, protection, year, tertial),
    }
    return dataclasses.replace(protection, hidden=hidden, printed=frozenset(cell_ids(printed)))


def _targets_of_hidden(protection: Protection, year: int, tertial: int) -> dict[str, str]:
    """The target cells worked out from a figure the protection hides or rounds: a target "below
    2024" is 2024's value, a path "50 % fewer than 2023" is 2023's value times a constant. Hidden
    with it (``derived``), as the summary, which judges the targets on public values, leaves them out."""
    from snanalys import targets

    out = {}
    for goal in targets.load_goals():
        for ind in goal.indicators:
            source_year = {"below_reference": ind.reference_year, "reduce_by_share": ind.baseline_year}.get(
                ind.kind, year - 1 if ind.kind in ("decrease", "increase") else None
            )
            if source_year is None:
                continue
            source = year_to_date(source_year, tertial)
            if not protection.hides(ind.measure, source):
                continue
            out[f"target_value|{year}|indicator|{ind.id}"] = "derived"
            if ind.kind == "reduce_by_share":
                for y in range(ind.baseline_year, ind.target_year + 1):
                    days = year_to_date(y, tertial)
                    out[f"target_path|{days.start}|{days.end}|indicator|{ind.id}"] = "derived"
    return out


def official_suppression(data: MunicipalityData, year: int, tertial: int) -> list[Published]:
    """What Socialstyrelsen hid, as a report already published: where the municipality counts by the
    month the assistance is for (its basis), an own month Socialstyrelsen marks X is the same kind of
    count of the same households, so it stays hidden — with its relations, as a cell an earlier
    report hid (the monthly section, its mean, the tertials). None for the sample or the payment basis
    (there the page leaves those own months out: :func:`snanalys.report_cells._own_beside_official`)."""
    from snanalys import socialstyrelsen
    from snanalys.kolada.extract import external_dir
    from snanalys.periods import month_end

    extract = data.extract
    if extract.synthetic or extract.counting_basis != "for_month":
        return []
    months = list(year_to_date(year, tertial).months())
    shown = socialstyrelsen.shown_series(external_dir(data.directory), extract.municipality_code, False, months)
    hidden = {
        f"eb_households_in_month|{dt.date(int(y), int(m), 1)}|{month_end(dt.date(int(y), int(m), 1))}||"
        for y, m, mark in zip(shown["year"], shown["month"], shown["mark"])
        if mark == "X"
    }
    return [Published("Socialstyrelsen", hidden=frozenset(hidden))] if hidden else []


def tertials_alone(data: MunicipalityData, cells: pd.DataFrame) -> pd.DataFrame:
    """The tertials alone between the year-to-date sums of days and kronor in ``cells`` (January–April
    and January–August of a year give May–August, January–August and the year give September–December),
    by the same split: cells no page prints, but one report's sum minus another's. They enter the
    linked table hidden, with the individuals they rest on, so that the audit protects those resting
    on 1–4 (a year-to-date count's increment is a count of its own: :func:`.linked._time`)."""
    amounts = {m for m, measure in BY_ID.items() if time_kind(measure) == "additive" and measure.unit in AMOUNT_UNITS}
    declared = cells.loc[cells["measure"].isin(amounts) & cells["start"].notna()]
    ends: dict[tuple, set] = {}
    for m, start, end, by in zip(declared["measure"], declared["start"], declared["end"], declared["by"]):
        start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        if (
            (start.month, start.day) == (1, 1)
            and end.month in (4, 8, 12)
            and end == year_to_date(start.year, (end.month // 4)).end
        ):
            ends.setdefault((start.year, m, str(by)), set()).add(end.month // 4)
    wanted: dict[tuple[int, int, str], set[str]] = {}
    for (y, m, by), tertials in ends.items():
        for t in (2, 3):
            if {t - 1, t} <= tertials:
                wanted.setdefault((y, t, by), set()).add(m)
    frames = []
    for (y, t, by), measures in sorted(wanted.items()):
        period = tertial_alone(y, t)
        split = [d for d in by.split(" × ") if d]
        frame = measure_cells(data, period, sorted(measures), by=split)
        if frame.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "measure": frame["measure"],
                    "period": period.label,
                    "by": by,
                    "key": frame[split].astype(str).agg(" × ".join, axis=1) if split else "",
                    "value": frame["value"].astype("float64"),
                    "unit": frame["measure"].map(lambda m: BY_ID[m].unit),
                    "base": frame["base"].astype("float64"),
                    "start": period.start,
                    "end": period.end,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else cells.iloc[0:0]


def _outlook_of_hidden(data: MunicipalityData, protection: Protection, year: int, tertial: int) -> dict[str, str]:
    """The three-year outlook's cells of a series one of whose years the protection hides or rounds:
    its forecast can be that year's value (last year's value is a method). Hidden with it (``derived``)."""
    from snanalys.economy.three_year import SERIES, input_years

    label = year_to_date(year, tertial).label
    out = {}
    years = input_years(data, year)
    for series in SERIES:
        if any(protection.hides(series.measure, year_to_date(y, 3)) for y in years):
            for measure in ("outlook_last_value", "outlook_value", "outlook_low", "outlook_high"):
                out[f"{measure}|{label}|key|{series.measure}"] = "derived"
    return out


def _record_of_hidden(data: MunicipalityData, protection: Protection, year: int, tertial: int) -> dict[str, str]:
    """Prognossäkerhet's cells that give individuals back or that their report published as X
    (:func:`snanalys.economy.record.hidden_cells`): an area's row of a year, or its forecast of a
    tertial, that rests on 1–4 individuals or whose volume or cost this report hides, and the cells
    whose difference gives back a tertial alone that does."""
    from snanalys.economy.drivers import AREAS
    from snanalys.economy.figures import forecast_record
    from snanalys.economy.record import hidden_cells
    from snanalys.measures.tables import cells
    from snanalys.suppression import is_small_count

    record = forecast_record(data, year)
    if record.empty:
        return {}
    areas = {area.key: area for area in AREAS}
    bases: dict[Period, dict[str, float]] = {}

    def small(key: str, period: Period) -> bool:
        area = areas[key]
        if protection.hides(area.volume_measure, period) or protection.hides(area.cost_measure, period):
            return True
        if period not in bases:  # the individuals of every area's volume, one evaluation per period
            found = cells(data, period, [a.volume_measure for a in AREAS])
            bases[period] = dict(zip(found["measure"], found["base"]))
        return bool(is_small_count(bases[period].get(area.volume_measure)))

    return hidden_cells(record, small, year_to_date(year, tertial).label)


def _keep(path, protection: Protection) -> None:
    try:
        _store(path, protection)
    except OSError:  # a read-only data folder: computed again next time
        pass


def with_published_cells(
    data: MunicipalityData, cells: pd.DataFrame, universe: pd.DataFrame, published: Sequence[Published]
) -> pd.DataFrame:
    """``cells`` and every cell an earlier report published that this one does not print: from
    ``universe`` (this report's :func:`report_cells`) where it is there, else computed for its
    own period (the year-to-date of an earlier tertial by its splits)."""
    wanted = set().union(*(set(p.shown) | set(p.hidden) | set(p.rounded) for p in published)) if published else set()
    wanted -= set(cell_ids(cells))
    if not wanted:
        return cells
    in_universe = np.isin(cell_ids(universe), list(wanted))
    extra = [universe.loc[in_universe]]
    found = set(np.asarray(cell_ids(universe))[in_universe])
    splits: dict[Period, set[str]] = {}  # each period's splits those cells are of
    for cell_id in wanted - found:
        parts = cell_id.split("|")
        if len(parts) == 5:  # measure|start|end|by|key: a declared measure's period
            try:
                period = Period(dt.date.fromisoformat(parts[1]), dt.date.fromisoformat(parts[2]))
            except ValueError:
                continue
            splits.setdefault(period, set()).add(parts[3])
    for period in sorted(splits):
        if period.start < data.extract.data_from or period.end > data.extract.covered_through:
            continue
        only = tuple(sorted(splits[period] - {""}))
        frames = declared_cells(data, Period(period.start, period.end, _label(period)), only=only)
        for frame in frames:
            extra.append(frame.loc[np.isin(cell_ids(frame), list(wanted))])
    extra = [f for f in extra if len(f)]
    return pd.concat([cells, *extra], ignore_index=True) if extra else cells


def _label(period: Period) -> str:
    """The period's label as the report names it ("2025-T2"), else its days."""
    for t in (1, 2, 3):
        ytd = year_to_date(period.start.year, t)
        if (ytd.start, ytd.end) == (period.start, period.end):
            return ytd.label
    return f"{period.start}–{period.end}"


def public_key_figures(table: pd.DataFrame, protection: Protection, period: Period) -> pd.DataFrame:
    """One period's key figures as the board may see them: suppressed table by table
    (:func:`snanalys.suppression.suppress_key_figures`) and wherever the report's protection
    hides the figure.

    A figure the protection rounds is ``suppressed`` too (a sentence, a chart or a change
    cannot use it), with ``rounded_value``: the tables that print "ca 800" print it."""
    out = suppress_key_figures(table)
    hidden = out["measure"].map(lambda m: _hides_key_figure(protection, m, period)).astype(bool)
    rounded = out["measure"].map(lambda m: protection.rounded_value(m, period))
    out["rounded_value"] = rounded.where(~out["suppressed"], None).astype("float64")
    out["suppressed"] = out["suppressed"] | hidden
    out["value"] = out["value"].where(~out["suppressed"], None)
    return out


def _hides_key_figure(protection: Protection, measure: str, period: Period) -> bool:
    """Whether the protection hides a key figure: a declared measure's total, or an economy row
    ("cost_volume_effect_tkr:familjehem"), which is the cost table's cell of that area."""
    if ":" in measure:
        cost_measure, area = measure.split(":", 1)
        return protection.hides_table_cell(cost_measure, period.label, area)
    return protection.hides(measure, period)
