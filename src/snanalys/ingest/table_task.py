"""One task of an ingest: a unit of tables for a run of folders, table by table.

For each table in turn (:func:`run_task`) the task reads all its folders' files into one
frame (:func:`~snanalys.ingest.reading.read_batch`, with each row's folder and row in its
file), then parses, pseudonymises the identifiers the processed table keeps
(:mod:`fingerprints`), validates (one pandera validation of the whole frame, each row
against its own folder's context), checks plausibility and what the table declares
(:class:`~snanalys.ingest.tables.TableSpec`: its references to another table of the task,
its warnings), sets rows aside (quarantine), self-checks the processed table and writes
each folder's table into the folder's hidden work folder. Faults are reported per folder,
exactly as for one folder alone: the file (with its folder), the row in the file, the
column, and what was expected.

Nothing here names a table: what differs between tables is declared in
:mod:`~snanalys.ingest.tables` (fields, references, warnings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from snanalys.ingest import checks, parsing, quality, tables, writing
from snanalys.ingest.contracts import Contexts, parsed_schemas
from snanalys.ingest.errors import IngestError, problem
from snanalys.ingest.fingerprints import forget_keys, identifier_digests, pseudonymiser, unique_within_folder
from snanalys.ingest.plan import Folder, Task
from snanalys.ingest.pseudonymise import hex_of
from snanalys.ingest.reading import RawBatch, locate, read_batch
from snanalys.ingest.tables import SPECS, Reference, TableSpec
from snanalys.ingest.validation import (
    check_processed,
    concat_failures,
    no_failures,
    parse_table,
    raise_failures,
    validate_table,
)


@dataclass
class Outcome:
    """What a task found for one folder's table: counts and texts, or the error (no data)."""

    error: IngestError | None = None
    raw_file: dict | None = None  # extract.json's entry in raw_files
    warnings: list[str] = field(default_factory=list)  # of the reading (unknown columns)
    rows_read: int = 0
    rows: int = 0  # rows written
    set_aside: dict | None = None  # quality.set_aside_counts, where rows were set aside
    quality_warnings: list[str] = field(default_factory=list)


Outcomes = dict[int, dict[str, Outcome]]  # folder position → table → outcome


def _referred(tables_of_task: tuple[str, ...]) -> set[str]:
    """The tables of a task that a later table of it refers to (their kept rows are handed on)."""
    return {r.table for t in tables_of_task for r in SPECS[t].references}


def run_task(task: Task) -> Outcomes:
    """Process ``task``; every folder's table is written into its work folder unless it fails."""
    outcomes: Outcomes = {f.position: {} for f in task.folders}
    carry: dict = {}
    try:
        for table in task.tables:
            folders = [f for f in task.folders if not any(o.error for o in outcomes[f.position].values())]
            if not folders:
                break
            for position, outcome in _ingest_table(SPECS[table], folders, task, carry).items():
                outcomes[position][table] = outcome
    finally:
        forget_keys()  # no key kept once the task is done
    for table, warnings in carry.get("unreferenced", []):
        for position, warning in warnings.items():
            outcomes[position][table].quality_warnings.append(warning)
    return outcomes


class _Table:
    """The state of one table of a task as it goes through the steps (rows: the batch's)."""

    def __init__(self, spec: TableSpec, folders: list[Folder], batch: RawBatch) -> None:
        self.spec = spec
        self.folders = folders
        self.batch = batch
        self.source = batch.source
        self.failed: dict[int, IngestError] = {k: f.error for k, f in enumerate(batch.files) if f.error is not None}
        self.set_aside: dict[int, pd.DataFrame] = {}
        self.drop = np.zeros(len(batch.frame), dtype=bool)  # rows not written (set aside)

    def fail(self, k: int, error: IngestError) -> None:
        self.failed.setdefault(k, error)

    @property
    def positions(self) -> np.ndarray:
        """Each folder's position in the ingest, by its place in the batch."""
        return np.array([f.position for f in self.folders], dtype=np.int64)


def _ingest_table(spec: TableSpec, folders: list[Folder], task: Task, carry: dict) -> dict[int, Outcome]:
    entries = []
    for f in folders:
        try:
            path = locate(f.raw_dir, spec.stem, f.prefix)
        except IngestError as exc:
            entries.append(exc)
            continue
        entries.append((path, f"{f.prefix}{path.name}"))
    batch = read_batch(entries, spec.raw_columns, use_threads=task.threads)
    t = _Table(spec, folders, batch)
    text = batch.frame

    _structure(t)
    formulas = concat_failures([checks.formula_failures(spec, text), checks.text_failures(spec, text)])
    normalised: dict[str, pd.Series] = {}
    frame, parse_failures = parse_table(spec, text, normalised)
    twelve = normalised.get("personnummer")
    later = task.tables[task.tables.index(spec.table) + 1 :]
    keep_kinds = {f.pseudonym for t_ in later for f in SPECS[t_].fields if f.key is not None}
    digests = identifier_digests(
        spec, folders, t.source, batch.bounds, frame, twelve, carry.setdefault("digests", {}), keep_kinds
    )

    contexts = Contexts([f.context for f in folders], t.source)
    if twelve is not None:
        contexts.set_personnummer(twelve)
    for f in spec.fields:
        if f.unique:
            contexts.unique_ok[f.name] = unique_within_folder(t.source, frame[f.name], digests.get(f.name))
    failures = validate_table(frame, parsed_schemas(contexts)[spec.table], concat_failures([formulas, parse_failures]))
    failures = concat_failures([failures, checks.plausibility_failures(spec, frame, group=t.source)])
    for reference in spec.references:
        failures = concat_failures(
            [failures, _reference_failures(t, frame, reference, carry[("kept", reference.table)])]
        )
    _handle_failures(t, failures, contexts, task.quarantine)

    keep = None if not t.drop.any() else np.flatnonzero(~t.drop)
    kept = frame if keep is None else frame.iloc[keep]
    kept_source = t.source if keep is None else t.source[keep]
    out = _processed(spec, kept, digests, keep)
    _pseudonymise_personal_text(t, kept, kept_source, out)
    check_processed(spec.table, out)

    if twelve is not None and keep is not None:
        twelve = twelve.iloc[keep]
    warnings = _quality_warnings(t, kept, kept_source, twelve, carry)
    bounds = np.searchsorted(kept_source, np.arange(len(folders) + 1))
    # One conversion for the batch; each folder's table is a slice of it (the same schema and
    # pandas metadata as its own frame would have: they depend on the dtypes, not the rows).
    arrow = pa.Table.from_pandas(out, preserve_index=False)
    del out
    outcomes: dict[int, Outcome] = {}
    for k, f in enumerate(folders):
        if k in t.failed:
            outcomes[f.position] = Outcome(error=t.failed[k])
            continue
        file = batch.files[k]
        writing.write_table(f.build, spec.table, arrow.slice(bounds[k], bounds[k + 1] - bounds[k]))
        counts = None
        if k in t.set_aside:
            writing.write_table(f.build, f"{quality.QUARANTINE_DIR}/{spec.table}", t.set_aside[k])
            counts = quality.set_aside_counts(t.set_aside[k])
        outcomes[f.position] = Outcome(
            raw_file={"name": file.path.name, "sha256": file.sha256, "rows": batch.rows(k), "encoding": file.encoding},
            warnings=list(file.warnings),
            rows_read=batch.rows(k),
            rows=int(bounds[k + 1] - bounds[k]),
            set_aside=counts,
            quality_warnings=warnings.get(k, []),
        )
    if spec.table in _referred(task.tables):
        carry[("kept", spec.table)] = _Kept(
            t.positions[kept_source],
            {r.column: kept[r.column] for t_ in task.tables for r in SPECS[t_].references if r.table == spec.table},
            {f.position: batch.files[k].path.name for k, f in enumerate(folders) if k not in t.failed},
        )
    return outcomes


def _structure(t: _Table) -> None:
    """A decimal point in an amount column stops the file (its first such row, in the first such column)."""
    text = t.batch.frame
    for f, positions in checks.dot_decimal_cells(t.spec, text):
        if len(positions) == 0:
            continue
        sources, first = np.unique(t.source[positions], return_index=True)
        for k, i in zip(sources.tolist(), first.tolist()):
            if k in t.failed:
                continue
            at = int(positions[i])
            row = int(t.batch.line[at]) + 2
            value = text[f.raw].iloc[at]
            name = t.batch.files[k].name
            t.fail(k, IngestError([problem(name, checks.EXPECT_MIXED_DECIMALS, row=row, column=f.raw, value=value)]))


# --- references between the tables of a task --------------------------------------------------------------


@dataclass
class _Kept:
    """The rows a task kept of a table others refer to: each row's folder (position) and its
    referred columns' values, and each folder's raw file name (for the message)."""

    positions: np.ndarray
    columns: dict[str, pd.Series]
    file_names: dict[int, str]


def _keys(kept: _Kept, column: str, ids: pd.Series, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An integer per (folder, value) for the kept rows' ``column`` and for ``ids`` (-1: no value)."""
    referred = kept.columns[column]
    both = pd.concat([referred.reset_index(drop=True), ids.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)
    width = int(max(kept.positions.max(initial=0), positions.max(initial=0))) + 1
    codes = codes.astype(np.int64)
    keys = np.where(codes >= 0, codes * width + np.concatenate([kept.positions, positions]), -1)
    return keys[: len(referred)], keys[len(referred) :]


def _reference_failures(t: _Table, frame: pd.DataFrame, reference: Reference, kept: _Kept) -> pd.DataFrame:
    """Rows whose ``reference.column`` is not among their folder's kept rows of ``reference.table``."""
    positions = t.positions[t.source]
    referred, cited = _keys(kept, reference.column, frame[reference.column], positions)
    unknown = np.flatnonzero((cited >= 0) & ~np.isin(cited, referred[referred >= 0]))
    if len(unknown) == 0:
        return no_failures()
    raw = t.spec.raw_name_of(reference.column)
    expected = [f"väntade ett {raw} som finns i {kept.file_names[p]}" for p in positions[unknown].tolist()]
    return pd.DataFrame(
        {
            "index": pd.Series(frame.index[unknown], dtype="Int64"),
            "column": reference.column,
            "expected": pd.Series(expected, dtype=object),
        }
    )


def _unreferenced_warnings(
    t: _Table, kept: pd.DataFrame, kept_source: np.ndarray, reference: Reference, referred_rows: _Kept
) -> dict[int, str]:
    """Per folder position: the warning for its rows of ``reference.table`` no kept row refers to."""
    positions = t.positions[kept_source]
    referred, cited = _keys(referred_rows, reference.column, kept[reference.column], positions)
    without = ~np.isin(referred, cited[cited >= 0])  # (a referred row always has its id: the contract)
    totals = np.bincount(referred_rows.positions, minlength=1)
    missing = np.bincount(referred_rows.positions[without], minlength=1)
    return {
        int(p): quality.unreferenced_warning(reference, t.spec, int(missing[p]), int(totals[p]))
        for p in np.flatnonzero(missing)
    }


# --- failures ---------------------------------------------------------------------------------------------


def _handle_failures(t: _Table, failures: pd.DataFrame, contexts: Contexts, quarantine: bool) -> None:
    """Each folder's failures: an error for its file, or (quarantine) its rows set aside."""
    if failures.empty:
        return
    index = failures["index"]
    located = index.notna().to_numpy()
    positions = np.full(len(failures), -1, dtype=np.int64)
    positions[located] = index[located].astype(np.int64).to_numpy()
    source = np.full(len(failures), -1, dtype=np.int64)
    source[located] = t.source[positions[located]]
    everywhere = not located.all()  # a fault without a row (a bug of the ingest) concerns every file
    ks = set(range(len(t.folders))) if everywhere else set(np.unique(source[located]).tolist())
    for k in sorted(ks):
        if k in t.failed:
            continue
        mine = (source == k) | ~located
        rows = positions[mine]
        theirs = failures[mine].reset_index(drop=True)
        lines = pd.array(t.batch.line[np.maximum(rows, 0)], dtype="Int64")
        lines[rows < 0] = pd.NA
        theirs["index"] = lines
        theirs["expected"] = contexts.expected(theirs["expected"], np.full(len(theirs), k, dtype=np.int64))
        raw = t.batch.raw_file(k)
        try:
            if not quarantine:
                raise_failures(t.spec, raw, theirs)
            raise_failures(t.spec, raw, theirs[theirs["index"].isna()])  # a fault without a row stops
        except IngestError as exc:
            t.fail(k, exc)
            continue
        folder = t.folders[k]
        t.set_aside[k] = quality.quarantine_frame(t.spec, raw, theirs, pseudonymiser(folder.secret), folder.code)
        t.drop[rows[rows >= 0]] = True
    for k in t.failed:
        t.drop[int(t.batch.bounds[k]) : int(t.batch.bounds[k + 1])] = True


# --- the processed table and the quality warnings --------------------------------------------------------


def _processed(spec: TableSpec, frame: pd.DataFrame, digests: dict, keep: np.ndarray | None) -> pd.DataFrame:
    """The processed table of the kept rows (``frame``; ``keep``: their rows in the batch, None
    for all): the columns of ``OUTPUT_COLUMNS``, pseudonyms in place of identifiers."""
    out: dict[str, pd.Series] = {}
    keys = {f.key: f for f in spec.fields if f.key is not None}
    index = pd.RangeIndex(len(frame))
    for column in tables.OUTPUT_COLUMNS[spec.table]:
        if column in keys:
            raw, valid = digests[keys[column].name]
            if keep is not None:
                raw, valid = raw[keep], valid[keep]
            array = hex_of(raw)
            if not valid.all():
                array = pc.if_else(pa.array(valid), array, pa.scalar(None, pa.large_string()))
            out[column] = parsing.text_series(array, index)
        else:
            series = frame[column]
            if series.dtype == "Int64":
                series = series.astype("int64")
            out[column] = series.set_axis(index)
    return pd.DataFrame(out, index=index)


def _pseudonymise_personal_text(t: _Table, kept: pd.DataFrame, kept_source: np.ndarray, out: pd.DataFrame) -> None:
    """A text column where it names a person (an own family home's provider): its keyed
    pseudonym, per folder (local ids, scoped by the municipality), in place of the value."""
    for f in t.spec.fields:
        rows = t.spec.personal_rows(f, kept, parsed=True)
        if rows is None or not rows.any():
            continue
        column = out[f.name].copy()
        for k in np.unique(kept_source[rows]).tolist():
            mine = np.flatnonzero(rows & (kept_source == k))
            folder = t.folders[k]
            keys = pseudonymiser(folder.secret).pseudonymise(column.iloc[mine], tables.PROVIDER, scope=folder.code)
            column.iloc[mine] = keys.to_numpy()
        out[f.name] = column


def _quality_warnings(
    t: _Table, kept: pd.DataFrame, kept_source: np.ndarray, twelve: pd.Series | None, carry: dict
) -> dict[int, list[str]]:
    """The warnings the table declares (:class:`~snanalys.ingest.tables.TableSpec`), per folder
    (by batch position); those on a table it refers to go to ``carry["unreferenced"]``."""
    out: dict[int, list[str]] = {}
    spec = t.spec
    if spec.months_covered is not None and len(kept):
        for k, missing in _missing_months(t, kept[spec.months_covered.column].to_numpy(), kept_source).items():
            out.setdefault(k, []).append(quality.missing_months_warning(spec, missing))
    if spec.overlapping_spells is not None and len(kept):
        spells = spec.overlapping_spells
        frame = pd.DataFrame({"who": twelve.array, "start": kept[spells.start].array, "end": kept[spells.end].array})
        overlapping = checks.overlapping_spells(frame, "who", "start", "end", end_inclusive=True, group=kept_source)
        counts = np.bincount(kept_source[overlapping.to_numpy()], minlength=len(t.folders))
        for k in np.flatnonzero(counts).tolist():
            out.setdefault(k, []).append(quality.overlapping_spells_warning(spec, int(counts[k])))
    for reference in spec.references:
        if reference.unreferenced is not None:
            warnings = _unreferenced_warnings(t, kept, kept_source, reference, carry[("kept", reference.table)])
            carry.setdefault("unreferenced", []).append((reference.table, warnings))
    return out


def _missing_months(t: _Table, dates: np.ndarray, kept_source: np.ndarray) -> dict[int, list[str]]:
    """Per folder (by batch position): the months (``YYYY-MM``) between its first and last
    dated month, within the months its extract covers, without a date."""
    out: dict[int, list[str]] = {}
    dated = ~np.isnat(dates)
    months = dates[dated].astype("datetime64[M]").astype(np.int64)
    if not len(months):
        return out
    first = int(months.min())
    seen = np.zeros((len(t.folders), int(months.max()) - first + 1), dtype=bool)
    seen[kept_source[dated], months - first] = True  # the months each folder has rows in
    for k in np.flatnonzero(seen.any(axis=1)).tolist():
        have = np.flatnonzero(seen[k]) + first
        folder = t.folders[k]
        low = max(int(have[0]), _month(folder.data_from))
        high = min(int(have[-1]), _month(folder.covered_through))
        present = set(have.tolist())
        missing = [m for m in range(low, high + 1) if m not in present]
        if missing:
            out[k] = [_month_text(m) for m in missing]
    return out


def _month(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _month_text(month: int) -> str:
    return str(np.datetime64(month, "M"))
