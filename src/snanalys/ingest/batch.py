"""The ingest of many municipality folders at once: table by table, in batches of folders.

:func:`ingest_folders` (behind :func:`~snanalys.ingest.pipeline.ingest_all` and
:func:`~snanalys.ingest.pipeline.ingest_municipality`, a batch of one):

1. Every folder's ``uttag.json`` is read and its pseudonym key resolved before any
   data file is read (the first folder, in order, that fails raises).
2. The work is cut into tasks: a unit of tables (:data:`UNITS`: payments with the
   household members, placements with their costs, each other table alone) for a run
   of consecutive folders, at most :data:`MAX_TASK_BYTES` of raw files each (less with
   several processes: enough tasks to keep them all busy). For each table in turn a
   task reads all its folders' files into one frame
   (:func:`~snanalys.ingest.reading.read_batch`, with each row's folder and row in its
   file), then parses, pseudonymises the identifiers the processed table keeps (each
   distinct (scope, value) hashed once: local ids per folder, persons across the batch), validates (one pandera validation of
   the whole frame, each row against its own folder's context), checks plausibility
   and references, sets rows aside (quarantine), self-checks the processed table and
   writes each folder's table into the folder's hidden work folder. Faults are
   reported per folder, exactly as for one folder alone: the file (with its folder),
   the row in the file, the column, and what was expected.
3. Tasks run in worker processes (forked, ``workers``) or in this process; they send
   back counts and errors only.
4. Only when every task has finished without a fault in any folder is each folder's
   ``extract.json`` written and its work folder swapped into place
   (:mod:`~snanalys.ingest.writing`); otherwise every work folder is removed and the
   error of the first failing folder (in folder order; within it, the first failing
   file in :data:`~snanalys.ingest.tables.TABLE_ORDER`) is raised: nothing is
   written.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import logging
import multiprocessing
import os
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from snanalys import __version__
from snanalys.ingest import checks, parsing, pseudonymise, quality, tables, writing
from snanalys.ingest.contracts import Context, Contexts, parsed_schemas
from snanalys.ingest.errors import IngestError, problem
from snanalys.ingest.extract import EXTRACT_FILE, folder_name, read_extract
from snanalys.ingest.pseudonymise import NATIONAL_KINDS, Pseudonymiser, hex_of, key_fingerprint, resolve_key
from snanalys.ingest.reading import RawBatch, large_text, locate, read_batch
from snanalys.ingest.tables import SPECS, TABLE_ORDER, TableSpec
from snanalys.ingest.validation import check_processed, concat_failures, no_failures, parse_table, raise_failures, validate_table

log = logging.getLogger("snanalys.ingest.pipeline")

#: Tables processed together in one task, in this order (the costs must refer to the placements;
#: the pseudonyms of an id kind two tables share are hashed once).
UNITS: tuple[tuple[str, ...], ...] = (
    ("payments", "household_members"),  # the members' households are the payments'
    ("placements", "placement_costs"),
    ("interventions",),
    ("population",),
    ("ledger",),
    ("budget",),
    ("cost_budget",),
)
#: The most raw bytes one task reads (its memory is a few times this).
MAX_TASK_BYTES = 192 << 20
#: With several processes, tasks are cut to about this many per process (but not below MIN_TASK_BYTES).
TASKS_PER_WORKER = 4
MIN_TASK_BYTES = 4 << 20
#: Below this many raw bytes in all, one process does everything (starting others costs more).
PARALLEL_FROM_BYTES = 24 << 20


@dataclass
class IngestResult:
    """What one ingest wrote."""

    municipality_code: str
    output_dir: Path
    rows: dict[str, int]
    synthetic: bool
    warnings: list[str] = field(default_factory=list)
    pseudonym_key_id: str = ""
    quality: dict = field(default_factory=dict)  # extract.json's "quality" (:mod:`quality`)


@dataclass(frozen=True)
class Folder:
    """One raw municipality folder of an ingest, and what its tables need to know of it."""

    position: int  # in the ingest's order of folders
    raw_dir: Path
    prefix: str  # its name and a slash, the prefix of its files' names in messages
    code: str
    extract_date: dt.date
    data_from: dt.date
    covered_through: dt.date
    secret: bytes = field(repr=False)  # the pseudonym key: never in a message
    build: Path  # where its processed tables are written (inside its hidden work folder)

    @property
    def context(self) -> Context:
        return Context(self.code, self.extract_date)


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


@dataclass(frozen=True)
class Task:
    """One unit of tables (:data:`UNITS`) for a run of folders."""

    tables: tuple[str, ...]
    folders: tuple[Folder, ...]
    quarantine: bool
    threads: bool  # let pyarrow use threads (one process only)
    size: int  # raw bytes, for the order of the tasks

    @property
    def first(self) -> int:
        return self.folders[0].position


Outcomes = dict[int, dict[str, Outcome]]  # folder position → table → outcome


# --- one task: a unit of tables for many folders ----------------------------------------------------------


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
        _PSEUDONYMISERS.clear()  # no key kept once the task is done
    for position, warning in carry.get("placements_without_costs", {}).items():
        outcomes[position]["placements"].quality_warnings.append(warning)
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
    digests = _identifier_digests(t, frame, twelve, carry.setdefault("digests", {}), keep_kinds)

    contexts = Contexts([f.context for f in folders], t.source)
    if twelve is not None:
        contexts.set_personnummer(twelve)
    for f in spec.fields:
        if f.unique:
            contexts.unique_ok[f.name] = _unique_within_folder(t, frame[f.name], digests.get(f.name))
    failures = validate_table(frame, parsed_schemas(contexts)[spec.table], concat_failures([formulas, parse_failures]))
    failures = concat_failures([failures, checks.plausibility_failures(spec, frame, group=t.source)])
    if spec.table == "placement_costs":
        failures = concat_failures([failures, _reference_failures(t, frame, carry)])
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
    if spec.table == "placements":
        carry["placements"] = _Placements(
            np.array([f.position for f in folders], dtype=np.int64)[kept_source],
            kept["placement_id"],
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


# --- pseudonyms ----------------------------------------------------------------------------------------------


def _identifier_digests(
    t: _Table, frame: pd.DataFrame, twelve: pd.Series | None, known: dict, keep_kinds: set[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per identifier column kept in the processed table: the digests of its pseudonyms
    (``(n, 8)`` bytes) and where it has a value.

    Local ids are hashed per folder (their scope), each distinct value once (every row
    for an id its contract holds unique); persons are national: each distinct
    personnummer of the batch once (per key, if the folders' keys differ). ``known``
    holds ``(kind, folder position) → (values, digests)`` hashed by an earlier table of
    the task (households of the payments for the members, placements for their
    costs): they are looked up, not hashed again; the kinds in ``keep_kinds`` are
    added to it for the tables to come.
    """
    n = len(frame)
    bounds = t.batch.bounds
    out = {}
    for f in t.spec.fields:
        if f.key is None:
            continue
        values = twelve if f.kind == tables.PERSONNUMMER else frame[f.name]
        array = large_text(parsing.as_text(values))  # chunked as read: no copy
        valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        digests = np.zeros((n, 8), dtype=np.uint8)
        if f.pseudonym in NATIONAL_KINDS:
            by_key: dict[bytes, list[int]] = {}
            for k, folder in enumerate(t.folders):
                by_key.setdefault(folder.secret, []).append(k)
            for secret, ks in by_key.items():
                rows = valid if len(by_key) == 1 else valid & np.isin(t.source, ks)
                if rows.any():
                    encoded = pc.dictionary_encode(array.filter(pa.array(rows))).combine_chunks()
                    distinct = _pseudonymiser(secret).digest_array(encoded.dictionary, f.pseudonym)
                    digests[rows] = distinct[encoded.indices.to_numpy(zero_copy_only=False)]
        else:
            for k, folder in enumerate(t.folders):
                a, b = int(bounds[k]), int(bounds[k + 1])
                ok = valid[a:b]
                if not ok.any():
                    continue
                part = array.slice(a, b - a)
                earlier = known.get((f.pseudonym, folder.position))
                hasher = _Hasher(_pseudonymiser(folder.secret), f.pseudonym, folder.code, earlier)
                if f.unique and ok.all():
                    digests[a:b] = hasher(part)
                    distinct_values, distinct_digests = part, digests[a:b]
                    if f.pseudonym in keep_kinds:
                        distinct_values = part.combine_chunks()
                else:
                    encoded = pc.dictionary_encode(part).combine_chunks()  # one dictionary for the chunks
                    distinct_values = encoded.dictionary
                    distinct_digests = hasher(distinct_values)
                    indices = encoded.indices.to_numpy(zero_copy_only=False)
                    digests[a:b][ok] = distinct_digests[indices[ok].astype(np.int64)]
                if f.pseudonym in keep_kinds:
                    known[(f.pseudonym, folder.position)] = (distinct_values, distinct_digests)
        out[f.name] = (digests, valid)
    return out


class _Hasher:
    """Digests of distinct values of one kind and folder: those in ``known`` looked up, the rest hashed."""

    def __init__(self, pseudonymiser: Pseudonymiser, kind: str, scope: str, known) -> None:
        self.pseudonymiser, self.kind, self.scope, self.known = pseudonymiser, kind, scope, known

    def __call__(self, values: pa.Array) -> np.ndarray:
        if self.known is None:
            return self.pseudonymiser.digest_array(values, self.kind, self.scope)
        known_values, known_digests = self.known
        at = pc.index_in(values, value_set=known_values).to_numpy(zero_copy_only=False)
        found = ~np.isnan(at) if at.dtype.kind == "f" else np.ones(len(values), dtype=bool)
        out = np.empty((len(values), 8), dtype=np.uint8)
        out[found] = known_digests[at[found].astype(np.int64)]
        if not found.all():
            missing = np.flatnonzero(~found)
            out[missing] = self.pseudonymiser.digest_array(values.take(pa.array(missing)), self.kind, self.scope)
        return out


_PSEUDONYMISERS: dict[bytes, Pseudonymiser] = {}


def _pseudonymiser(secret: bytes) -> Pseudonymiser:
    """The pseudonymiser of a key, made once per task (cleared when the task ends)."""
    if secret not in _PSEUDONYMISERS:
        _PSEUDONYMISERS[secret] = Pseudonymiser(secret)
    return _PSEUDONYMISERS[secret]


def _unique_within_folder(
    t: _Table, values: pd.Series, digests: tuple[np.ndarray, np.ndarray] | None
) -> np.ndarray:
    """Per row: its id is not repeated in its folder (missing ids pass: the not-null check
    reports them). Equal ids have equal 64-bit fingerprints (the pseudonyms' digests where
    the id has them, else :func:`_text_fingerprints`) within equal folders; the rare rows
    whose fingerprints collide are compared as text."""
    ok = np.ones(len(values), dtype=bool)
    if digests is None:
        array = large_text(parsing.as_text(values))
        valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        fingerprints = np.concatenate([_text_fingerprints(c) for c in array.chunks] or [np.zeros(0, np.uint64)])
    else:
        raw, valid = digests
        fingerprints = raw.view("<u8").ravel()
    rows = np.flatnonzero(valid)
    if len(rows) == 0:
        return ok
    key = fingerprints[rows] ^ (t.source[rows].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    ordered = np.sort(key)
    if not (ordered[1:] == ordered[:-1]).any():
        return ok  # the usual case: no two fingerprints alike, so no two ids alike
    candidates = rows[pd.Series(key).duplicated(keep=False).to_numpy()]
    if len(candidates):
        same = pd.DataFrame({"source": t.source[candidates], "value": values.iloc[candidates].to_numpy(dtype=object)})
        ok[candidates[same.duplicated(keep=False).to_numpy()]] = False
    return ok


#: Random odd multipliers, one per 8-byte word of a string, of :func:`_text_fingerprints`
#: (fixed, so that a run is reproducible).
_FINGERPRINT_WEIGHTS = np.random.default_rng(20261130).integers(0, 2**63, size=64, dtype=np.uint64) * np.uint64(2) + 1
_TAIL_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [2**64 - 1], dtype=np.uint64)  # r bytes kept


def _text_fingerprints(array: pa.Array) -> np.ndarray:
    """A 64-bit fingerprint of each string of ``array`` (large_string; nulls get any value):
    its length, plus each 8-byte word of it times a random odd weight of its place, modulo
    2**64. Equal strings get equal fingerprints; unequal ones rarely do (the caller compares
    those as text). Computed word by word over all strings at once: far cheaper than a hash
    table of the texts."""
    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[array.offset : array.offset + n + 1]
    starts, lengths = offsets[:-1], offsets[1:] - offsets[:-1]
    out = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    words = -(-int(lengths.max()) // 8)
    if words == 0:
        return out
    # Every byte's 8-byte word (little-endian, unaligned), over the data and 8 zero bytes past its end.
    padded = np.zeros(int(offsets[-1]) + 8, dtype=np.uint8)
    padded[: int(offsets[-1])] = np.frombuffer(buffers[2], dtype=np.uint8)[: int(offsets[-1])]
    word_at = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    weights = _FINGERPRINT_WEIGHTS
    if words > len(weights):  # ids this long are rare: more weights, drawn the same way
        weights = np.random.default_rng(words).integers(0, 2**63, size=words, dtype=np.uint64) * np.uint64(2) + 1
    rows = None  # all strings
    for q in range(words):
        j = 8 * q
        if rows is None and int(lengths.min()) < j + 8:
            rows = np.flatnonzero(lengths > j)
        elif rows is not None:
            rows = rows[lengths[rows] > j]
        if rows is None:
            out += word_at[starts + j] * weights[q]
        else:
            word = word_at[starts[rows] + j] & _TAIL_MASKS[np.minimum(lengths[rows] - j, 8)]
            out[rows] += word * weights[q]
    return out


# --- failures ---------------------------------------------------------------------------------------------


@dataclass
class _Placements:
    """The placements a task kept, for their costs: each row's folder (position) and id."""

    positions: np.ndarray
    ids: pd.Series
    file_names: dict[int, str]  # the placements file of each folder, for the message


def _placement_keys(placements: _Placements, ids: pd.Series, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An integer per (folder, placement id) for the placements and for ``ids`` (-1: no id)."""
    both = pd.concat([placements.ids.reset_index(drop=True), ids.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)
    width = int(max(placements.positions.max(initial=0), positions.max(initial=0))) + 1
    codes = codes.astype(np.int64)
    keys = np.where(codes >= 0, codes * width + np.concatenate([placements.positions, positions]), -1)
    return keys[: len(placements.ids)], keys[len(placements.ids) :]


def _reference_failures(t: _Table, costs: pd.DataFrame, carry: dict) -> pd.DataFrame:
    """Costs whose placerings_id is not among their folder's (kept) placements."""
    placements: _Placements = carry["placements"]
    positions = np.array([f.position for f in t.folders], dtype=np.int64)[t.source]
    placed, cited = _placement_keys(placements, costs["placement_id"], positions)
    unknown = np.flatnonzero((cited >= 0) & ~np.isin(cited, placed[placed >= 0]))
    if len(unknown) == 0:
        return no_failures()
    expected = [
        f"väntade ett placerings_id som finns i {placements.file_names[p]}" for p in positions[unknown].tolist()
    ]
    return pd.DataFrame(
        {
            "index": pd.Series(costs.index[unknown], dtype="Int64"),
            "column": "placement_id",
            "expected": pd.Series(expected, dtype=object),
        }
    )


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
        t.set_aside[k] = quality.quarantine_frame(t.spec, raw, theirs, _pseudonymiser(folder.secret), folder.code)
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
            keys = _pseudonymiser(folder.secret).pseudonymise(column.iloc[mine], tables.PROVIDER, scope=folder.code)
            column.iloc[mine] = keys.to_numpy()
        out[f.name] = column


def _quality_warnings(
    t: _Table, kept: pd.DataFrame, kept_source: np.ndarray, twelve: pd.Series | None, carry: dict
) -> dict[int, list[str]]:
    """The table's warnings of :func:`snanalys.ingest.quality.warnings`, per folder (by batch position)."""
    out: dict[int, list[str]] = {}
    table = t.spec.table
    if table == "payments" and len(kept):
        dates = kept["payment_date"].to_numpy()
        dated = ~np.isnat(dates)
        months = dates[dated].astype("datetime64[M]").astype(np.int64)
        if len(months):
            first = int(months.min())
            seen = np.zeros((len(t.folders), int(months.max()) - first + 1), dtype=bool)
            seen[kept_source[dated], months - first] = True  # the months each folder has payments in
            for k in np.flatnonzero(seen.any(axis=1)).tolist():
                have = np.flatnonzero(seen[k]) + first
                folder = t.folders[k]
                low = max(int(have[0]), _month(folder.data_from))
                high = min(int(have[-1]), _month(folder.covered_through))
                present = set(have.tolist())
                missing = [m for m in range(low, high + 1) if m not in present]
                if missing:
                    out[k] = [quality.missing_months_warning([_month_text(m) for m in missing])]
    if table == "household_members" and len(kept):
        frame = pd.DataFrame(
            {"who": twelve.array, "start": kept["valid_from"].array, "end": kept["valid_to"].array}
        )
        overlapping = checks.overlapping_spells(frame, "who", "start", "end", end_inclusive=True, group=kept_source)
        counts = np.bincount(kept_source[overlapping.to_numpy()], minlength=len(t.folders))
        for k in np.flatnonzero(counts).tolist():
            out[k] = [quality.overlapping_members_warning(int(counts[k]))]
    if table == "placement_costs":
        placements: _Placements = carry["placements"]
        positions = np.array([f.position for f in t.folders], dtype=np.int64)[kept_source]
        placed, cited = _placement_keys(placements, kept["placement_id"], positions)
        without = ~np.isin(placed, cited[cited >= 0])  # (a placement always has an id: the contract)
        totals = np.bincount(placements.positions, minlength=1)
        missing = np.bincount(placements.positions[without], minlength=1)
        carry["placements_without_costs"] = {
            int(p): quality.placements_without_costs_warning(int(missing[p]), int(totals[p]))
            for p in np.flatnonzero(missing)
        }
    return out


def _month(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _month_text(month: int) -> str:
    return str(np.datetime64(month, "M"))


# --- many tasks: the plan, the processes, the commit --------------------------------------------------------


def _raw_bytes(folder_dir: Path, stems: list[str], prefix: str) -> int:
    total = 0
    for stem in stems:
        try:
            total += locate(folder_dir, stem, prefix).stat().st_size
        except (IngestError, OSError):
            pass
    return total


def plan(folders: list[Folder], workers: int, quarantine: bool) -> list[Task]:
    """The tasks of an ingest: each unit of tables cut into runs of consecutive folders."""
    sizes = {
        (unit, f.position): _raw_bytes(f.raw_dir, [SPECS[t].stem for t in unit], f.prefix)
        for unit in UNITS
        for f in folders
    }
    total = sum(sizes.values())
    limit = MAX_TASK_BYTES
    if workers > 1:
        limit = min(MAX_TASK_BYTES, max(MIN_TASK_BYTES, total // (workers * TASKS_PER_WORKER)))
    tasks = []
    for unit in UNITS:
        run: list[Folder] = []
        size = 0
        for f in folders:
            b = sizes[(unit, f.position)]
            if run and size + b > limit:
                tasks.append(Task(unit, tuple(run), quarantine, workers == 1, size))
                run, size = [], 0
            run.append(f)
            size += b
        if run:
            tasks.append(Task(unit, tuple(run), quarantine, workers == 1, size))
    if workers > 1:
        tasks.sort(key=lambda task: -task.size)  # the largest first: the processes end together
    return tasks


def _rank(table: str) -> int:
    return TABLE_ORDER.index(table)


class _Errors:
    """The first failing folder so far, and its first failing table."""

    def __init__(self) -> None:
        self.position: int | None = None
        self.rank = len(TABLE_ORDER)

    def add(self, outcomes: Outcomes) -> None:
        for position, by_table in outcomes.items():
            for table, outcome in by_table.items():
                if outcome.error is None:
                    continue
                if self.position is None or position < self.position:
                    self.position, self.rank = position, _rank(table)
                elif position == self.position:
                    self.rank = min(self.rank, _rank(table))

    def needed(self, task: Task) -> bool:
        """Whether ``task`` could still change which error is raised."""
        if self.position is None:
            return True
        if task.first < self.position:
            return True
        return task.first == self.position and min(_rank(t) for t in task.tables) < self.rank


def _merge(into: Outcomes, outcomes: Outcomes) -> None:
    for position, by_table in outcomes.items():
        into.setdefault(position, {}).update(by_table)


def _load_validation() -> None:
    """pandera loads its pandas backend (and hypothesis) on its first validation: do it now."""
    import pandera.pandas as pandera

    pandera.DataFrameSchema({"x": pandera.Column("int64")}).validate(pd.DataFrame({"x": [1]}))


def _worker_init() -> None:
    pseudonymise.PARALLEL = False  # the other CPUs run workers of their own
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let a worker's allocator (glibc) keep freed memory for reuse rather than hand it back to
    the system at once: tasks allocate and free the same large arrays over and over, and the
    page faults of fresh memory cost CPU. Nothing happens where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GiB of freed heap
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: heap, not mmap, up to its maximum of 32 MiB
    except (OSError, AttributeError):
        pass


def run_tasks(tasks: list[Task], workers: int) -> Outcomes:
    """Run ``tasks`` (in worker processes if ``workers`` > 1); stops early once the error to raise is known."""
    outcomes: Outcomes = {}
    errors = _Errors()
    if workers <= 1:
        for task in tasks:
            if errors.needed(task):
                result = run_task(task)
                errors.add(result)
                _merge(outcomes, result)
        return outcomes
    _load_validation()  # once here rather than in every worker
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init) as pool:
        futures = {pool.submit(run_task, task): task for task in tasks}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    result = future.result()  # a worker's exception is raised here
                    errors.add(result)
                    _merge(outcomes, result)
                for future in list(pending):
                    if not errors.needed(futures[future]) and future.cancel():
                        pending.discard(future)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return outcomes


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def choose_workers(workers: int | None, folders: list[Path]) -> int:
    """``workers`` as asked (at least 1), or by default the CPUs when there is enough to share.
    Worker processes are forked (Linux only; elsewhere everything runs in this process)."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if workers is not None:
        return max(1, int(workers))
    total = 0
    for d in folders:
        try:
            total += sum(p.stat().st_size for p in Path(d).iterdir() if p.is_file())
        except OSError:
            pass
        if total >= PARALLEL_FROM_BYTES:
            return _cpus()
    return 1


def ingest_folders(
    raw_dirs: list[Path],
    processed_root: Path,
    *,
    key: bytes | str | None = None,
    quarantine: bool = False,
    workers: int | None = None,
) -> list[IngestResult]:
    """Ingest ``raw_dirs`` together (see the module's docstring); the results in their order."""
    raw_dirs = [Path(d) for d in raw_dirs]
    processed_root = Path(processed_root)
    if not raw_dirs:
        return []
    extracts = []
    for d in raw_dirs:  # every uttag.json and key before any data file is read
        prefix = f"{folder_name(d)}/"
        extract = read_extract(d, prefix)
        secret = resolve_key(key, synthetic=extract.synthetic, file=f"{prefix}{EXTRACT_FILE}")
        extracts.append((d, prefix, extract, secret))
    codes = [e.municipality_code for _, _, e, _ in extracts]
    if len(set(codes)) != len(codes):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        raise ValueError(f"the same municipality code in two raw folders: {', '.join(twice)}")
    workers = choose_workers(workers, raw_dirs)

    created_root = not processed_root.exists()
    processed_root.mkdir(parents=True, exist_ok=True)
    builds: list[Path] = []
    try:
        folders = []
        for i, (d, prefix, extract, secret) in enumerate(extracts):
            builds.append(writing.start(processed_root, extract.municipality_code))
            folders.append(
                Folder(
                    i, d, prefix, extract.municipality_code, extract.extract_date, extract.data_from,
                    extract.covered_through, secret, builds[-1],
                )
            )
        tasks = plan(folders, workers, quarantine)
        outcomes = run_tasks(tasks, min(workers, len(tasks)))
        for f in folders:
            for table in TABLE_ORDER:
                outcome = outcomes.get(f.position, {}).get(table)
                if outcome is not None and outcome.error is not None:
                    raise outcome.error
        results = []
        for f, (_, _, extract, _) in zip(folders, extracts):
            meta, result = _result(f, extract, outcomes[f.position], processed_root)
            writing.finish(f.build, meta)
            results.append(result)
            for table in TABLE_ORDER:
                raw_file = outcomes[f.position][table].raw_file
                log.info("%s%s: %d rader (%s)", f.prefix, raw_file["name"], raw_file["rows"], raw_file["encoding"])
            for warning in result.warnings:
                log.warning("%s", warning)
    except BaseException:
        for build in builds:
            writing.discard(build.parent)
        if created_root:
            writing.remove_if_empty(processed_root)
        raise
    for build in builds:
        writing.discard(build.parent)
    return results


def _result(folder: Folder, extract, outcomes: dict[str, Outcome], processed_root: Path) -> tuple[dict, IngestResult]:
    """extract.json and the IngestResult of a folder whose every table was written."""
    warnings = [w for t in TABLE_ORDER for w in outcomes[t].warnings]
    quality_warnings = (
        outcomes["payments"].quality_warnings
        + outcomes["placements"].quality_warnings
        + outcomes["household_members"].quality_warnings
    )
    summary = quality.summary_of(
        {t: outcomes[t].rows_read for t in TABLE_ORDER},
        {t: outcomes[t].set_aside for t in TABLE_ORDER if outcomes[t].set_aside is not None},
        quality_warnings,
    )
    rows = {t: outcomes[t].rows for t in TABLE_ORDER}
    key_id = key_fingerprint(folder.secret)
    meta = {
        "municipality_code": folder.code,
        "municipality_name": extract.municipality_name,
        "extract_date": extract.extract_date.isoformat(),
        "data_from": extract.data_from.isoformat(),
        "covered_through": extract.covered_through.isoformat(),
        "synthetic": extract.synthetic,
        "ingested_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "pseudonym_key_id": key_id,
        "snanalys_version": __version__,
        "extract_file": {"name": "uttag.json", "sha256": extract.sha256},
        "raw_files": [outcomes[t].raw_file for t in TABLE_ORDER],
        "tables": rows,
        "warnings": warnings,
        "quality": summary,
    }
    result = IngestResult(
        municipality_code=folder.code,
        output_dir=processed_root / folder.code,
        rows=rows,
        synthetic=extract.synthetic,
        warnings=warnings,
        pseudonym_key_id=key_id,
        quality=summary,
    )
    return meta, result
