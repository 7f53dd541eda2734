"""The ingest of municipality folders: read, parse, validate, pseudonymise, write atomically.

Steps, for ``data/raw/<kommunkod>/`` (many folders at once: :mod:`batch`):

1. ``uttag.json``: the municipality, the extract date (not after today,
   :func:`snanalys.periods.today`), synthetic or real. For real data the pseudonym key
   must be configured, or nothing else is read.
2. Each raw file (:data:`tables.TABLE_ORDER`): read as text (:mod:`reading`), parsed
   (:mod:`parsing`), checked against its contract (:mod:`contracts`, before
   pseudonymisation, so that identifiers can be checked); placement costs must refer
   to existing placements. The first file with problems raises :class:`IngestError`
   with its first five problems and their count.
3. Identifiers replaced by keyed pseudonyms (:mod:`pseudonymise`); the personnummer's
   birth date is kept.
4. The nine tables and ``extract.json`` written as ``<processed_root>/<kommunkod>/``
   in one atomic swap (:mod:`writing`); on any error ``processed_root`` is unchanged.

This module holds the public functions and the steps shared with ``check-export``
(:func:`check_table`); :mod:`batch` runs them for many folders.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from snanalys.folders import raw_municipality_dirs  # the one rule of which folders are municipalities
from snanalys.ingest import checks, parsing, tables
from snanalys.ingest.contracts import EXPECT_UNIQUE, PROCESSED_SCHEMAS, failure_frame
from snanalys.ingest.errors import MAX_SHOWN, IngestError, problem
from snanalys.ingest.reading import RawFile
from snanalys.ingest.tables import TableSpec
from snanalys.periods import today

log = logging.getLogger(__name__)

EXTRACT_FILE = "uttag.json"

_PARSERS = {
    tables.TEXT: parsing.parse_text,
    tables.CODE: parsing.parse_text,
    tables.MUNICIPALITY: parsing.parse_text,
    tables.IDENTIFIER: parsing.parse_text,
    tables.PERSONNUMMER: parsing.parse_text,
    tables.DATE: parsing.parse_date,
    tables.MONTH: parsing.parse_month,
    tables.AMOUNT: parsing.parse_amount,
    tables.INTEGER: parsing.parse_integer,
    tables.YES_NO: parsing.parse_yes_no,
}
_EXPECT_PARSE = {
    tables.DATE: parsing.EXPECT_DATE,
    tables.MONTH: parsing.EXPECT_MONTH,
    tables.AMOUNT: parsing.EXPECT_AMOUNT,
    tables.INTEGER: parsing.EXPECT_INTEGER,
    tables.YES_NO: parsing.EXPECT_YES_NO,
}


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
class ExtractInfo:
    """``uttag.json``: which municipality and how far the extract reaches."""

    municipality_code: str
    municipality_name: str
    extract_date: dt.date
    data_from: dt.date
    synthetic: bool
    sha256: str

    @property
    def covered_through(self) -> dt.date:
        return covered_through(self.extract_date)


def covered_through(extract_date: dt.date) -> dt.date:
    """The last day of the last complete month: the extract date's own month if the
    extract date is its last day, otherwise the month before."""
    last = calendar.monthrange(extract_date.year, extract_date.month)[1]
    if extract_date.day == last:
        return extract_date
    return extract_date.replace(day=1) - dt.timedelta(days=1)


def _folder_name(raw_dir: Path) -> str:
    """The folder's own name (``.`` and ``..`` resolved, symbolic links not followed)."""
    return Path(os.path.abspath(raw_dir)).name


def read_extract(raw_dir: Path, display_prefix: str = "") -> ExtractInfo:
    """Read and check ``uttag.json`` of a raw municipality folder."""
    import hashlib

    name = f"{display_prefix}{EXTRACT_FILE}"
    path = Path(raw_dir) / EXTRACT_FILE
    if not path.is_file():
        raise IngestError.single(name, "filen saknas (väntade uttag.json med kommunkod, uttagsdatum …)")
    data = path.read_bytes()
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IngestError.single(name, "väntade giltig JSON i UTF-8") from None
    if not isinstance(meta, dict):
        raise IngestError.single(name, "väntade ett JSON-objekt")

    def text(key: str) -> str:
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            raise IngestError.single(name, "väntade en text", column=key, value=value)
        return value.strip()

    def date(key: str) -> dt.date:
        value = text(key)
        if not re.fullmatch(parsing.DATE_PATTERN, value):
            raise IngestError.single(name, parsing.EXPECT_DATE, column=key, value=value)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise IngestError.single(name, parsing.EXPECT_DATE, column=key, value=value) from None

    code = text("kommunkod")
    if not re.fullmatch(r"\d{4}", code):
        raise IngestError.single(
            name, "väntade en kommunkod med fyra siffror (som text)", column="kommunkod", value=code
        )
    folder = _folder_name(raw_dir)
    if code != folder:
        raise IngestError.single(
            name, f'väntade samma kommunkod som mappens namn "{folder}"', column="kommunkod", value=code
        )
    synthetic = meta.get("syntetiska_data", False)
    if not isinstance(synthetic, bool):
        raise IngestError.single(name, "väntade true eller false", column="syntetiska_data", value=synthetic)
    extract_date, data_from = date("uttagsdatum"), date("data_fran")
    now = today()
    if extract_date > now:  # else its "complete" months would be months that have not happened
        raise IngestError.single(
            name,
            f"väntade ett uttagsdatum senast dagens datum {now.isoformat()} (ett uttag kan inte tas i framtiden)",
            column="uttagsdatum",
            value=extract_date.isoformat(),
        )
    if data_from > extract_date:
        raise IngestError.single(name, "väntade data_fran före uttagsdatum", column="data_fran", value=data_from)
    municipality_name = text("kommunnamn")
    _check_free_text(name, "kommunnamn", municipality_name)
    return ExtractInfo(
        municipality_code=code,
        municipality_name=municipality_name,
        extract_date=extract_date,
        data_from=data_from,
        synthetic=synthetic,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _check_free_text(file: str, key: str, value: str) -> None:
    """A text of uttag.json that is printed in the report (the municipality's name on every
    page and in the PDF's title): bounded, no control character, no personal identity."""
    from snanalys.identity import find_identities
    from snanalys.ingest.errors import CONTROL_CHARACTERS

    if len(value) > checks.MAX_TEXT_CHARS:
        raise IngestError.single(file, checks.EXPECT_TEXT_LENGTH, column=key, value=value)
    if CONTROL_CHARACTERS.search(value):
        raise IngestError.single(file, checks.EXPECT_CONTROL, column=key, value=value)
    findings = find_identities(value)
    if findings:
        expected = checks.EXPECT_IDENTITY.format(kind=findings[0].label_sv)
        raise IngestError.single(file, expected, column=key, value=value)


# --- parsing and validation -----------------------------------------------------------------------


def parse_table(
    spec: TableSpec, text: pd.DataFrame, normalised: dict | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The typed frame of a raw file's text, and its parse failures (index, column, expected).

    ``normalised``, if given, receives the personnummer as twelve digits (key ``"personnummer"``).
    """
    columns: dict[str, pd.Series] = {}
    failures = []
    for f in spec.fields:
        parsed, bad = _PARSERS[f.kind](text[f.raw])
        columns[f.name] = parsed
        if f.kind == tables.PERSONNUMMER:
            twelve = parsing.normalise_personnummer(parsed)
            columns["birth_date"] = parsing.birth_dates(twelve)
            if normalised is not None:
                normalised[f.name] = twelve
        if bad.any():
            index = text.index[bad.to_numpy()]
            failures.append(pd.DataFrame({"index": index, "column": f.name, "expected": _EXPECT_PARSE[f.kind]}))
    frame = pd.DataFrame(columns, index=text.index)
    return frame, _concat_failures(failures)


def _concat_failures(failures: list[pd.DataFrame]) -> pd.DataFrame:
    failures = [f for f in failures if len(f)]
    if not failures:
        return pd.DataFrame({"index": pd.Series([], dtype="Int64"), "column": [], "expected": []})
    out = pd.concat(failures, ignore_index=True)
    out["index"] = out["index"].astype("Int64")
    return out


def validate_table(frame: pd.DataFrame, schema, parse_failures: pd.DataFrame) -> pd.DataFrame:
    """All failures of a parsed table: its parse failures, then its contract's."""
    failures = [parse_failures]
    try:
        schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        failures.append(failure_frame(exc.failure_cases))
    return _concat_failures(failures)


def check_table(spec: TableSpec, text: pd.DataFrame, schema, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse and check one raw file's text: the typed frame and every row's failures.

    Raises :class:`IngestError` for a fault of the whole file (mixed decimal marks);
    the failures are row faults (a located cell) unless their ``index`` is missing.
    """
    checks.check_structure(spec, text, file)
    formulas = checks.formula_failures(spec, text)  # first: a formula cell is reported as such
    texts = checks.text_failures(spec, text)
    frame, parse_failures = parse_table(spec, text)
    failures = validate_table(frame, schema, _concat_failures([formulas, texts, parse_failures]))
    return frame, _concat_failures([failures, checks.plausibility_failures(spec, frame)])


def _raise_failures(spec: TableSpec, raw: RawFile, failures: pd.DataFrame) -> None:
    """Raise :class:`IngestError` for the first problems of ``failures`` (if any)."""
    if failures.empty:
        return
    # One problem per cell: a cell that could not be parsed is not also reported as missing.
    failures = failures.drop_duplicates(["index", "column"], keep="first")
    order = {f.name: i for i, f in enumerate(spec.fields)}
    failures = failures.assign(
        _row=failures["index"].fillna(-1).astype(np.int64),
        _col=failures["column"].map(order).fillna(len(order)),
    ).sort_values(["_row", "_col"], kind="stable")
    shown = []
    for record in failures.head(MAX_SHOWN).to_dict("records"):
        raw_column = spec.raw_name_of(record["column"])
        located = not pd.isna(record["index"])
        value = None
        if located and raw_column in raw.frame.columns and record["expected"] != checks.EXPECT_FORMULA:
            value = raw.frame.at[int(record["index"]), raw_column]
        row = int(RawFile.row_numbers([int(record["index"])])[0]) if located else None
        expected = record["expected"]
        if expected == EXPECT_UNIQUE and value is not None:
            expected = _duplicate_rows(raw, raw_column, value, row)
        shown.append(problem(raw.name, expected, row=row, column=raw_column, value=value))
    raise IngestError(shown, total=len(failures))


def _duplicate_rows(raw: RawFile, column: str, value: str, row: int | None) -> str:
    """The uniqueness expectation, naming the other rows holding the same value (not the value)."""
    same = raw.frame.index[(raw.frame[column] == value).to_numpy(dtype=bool)]
    others = [int(r) for r in RawFile.row_numbers(same) if r != row]
    if not others:
        return EXPECT_UNIQUE
    listed = ", ".join(str(r) for r in others[:3]) + (" …" if len(others) > 3 else "")
    return f"väntade ett unikt id, men samma värde finns också på rad {listed}"


# --- the processed tables ---------------------------------------------------------------------------


#: Above this many rows the self-check of a processed table looks at a random sample of rows.
SELF_CHECK_SAMPLE = 200_000


def _check_processed(table: str, frame: pd.DataFrame) -> None:
    """The processed table meets its documented contract (a self-check of the ingest)."""
    if len(frame) > SELF_CHECK_SAMPLE:  # a random sample, taken in the frame's order (a faster gather)
        rows = np.sort(np.random.default_rng(0).choice(len(frame), SELF_CHECK_SAMPLE, replace=False))
        frame = frame.take(rows)
    try:
        PROCESSED_SCHEMAS[table].validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:  # a bug of the ingest, not of the data; keys only, no raw identifiers
        checks = sorted({f"{c}: {k}" for c, k in zip(exc.failure_cases["column"], exc.failure_cases["check"])})
        raise RuntimeError(f"internal error: processed table {table} breaks its contract: {checks[:5]}") from None


# --- the ingest -------------------------------------------------------------------------------------


def ingest_municipality(
    raw_dir: Path, processed_root: Path, *, key: bytes | None = None, quarantine: bool = False
) -> IngestResult:
    """Validate, pseudonymise and write one raw municipality folder (e.g. ``data/raw/0480``).

    Writes ``processed_root/<kommunkod>/`` (nine Parquet tables and ``extract.json``)
    atomically. Raises :class:`IngestError` (nothing written) when a file breaks its
    contract, and :class:`PseudonymKeyError` for real data without a configured key
    (``key`` or the environment variable ``SNANALYS_PSEUDONYM_KEY``).

    ``quarantine=True``: rows with faults (a bad cell, a duplicate id, an unknown code …)
    are set aside into ``processed_root/<kommunkod>/_quarantine/<table>.parquet``
    (identifiers pseudonymised, with file, row, column and reason) and the ingest goes
    on; faults of a whole file (encoding, separator, columns, empty …) still stop it.
    ``extract.json["quality"]`` counts the rows read and set aside (:mod:`quality`).

    The same as :func:`ingest_all` of this one folder, in this process.
    """
    from snanalys.ingest.batch import ingest_folders

    return ingest_folders([Path(raw_dir)], processed_root, key=key, quarantine=quarantine, workers=1)[0]


def ingest_all(
    raw_root: Path,
    processed_root: Path,
    key: bytes | None = None,
    *,
    quarantine: bool = False,
    workers: int | None = None,
) -> list[IngestResult]:
    """Ingest every municipality folder of ``raw_root`` together, in batches (:mod:`batch`).

    All or nothing: every folder is read, validated and built (in hidden work folders
    of ``processed_root``) before any is written; only then is each folder swapped into
    place, atomically, one after the other. If any folder fails, nothing in
    ``processed_root`` changes and the error of the first failing folder (in folder
    order; within it, its first failing file in :data:`~snanalys.ingest.tables.TABLE_ORDER`)
    is raised, naming the file with its folder (``0480/ekb_utbetalningar.csv``), the row
    as in the file, the column and the expectation. Every ``uttag.json`` and pseudonym
    key is checked before any data file is read. ``quarantine`` works per folder as in
    :func:`ingest_municipality`.

    The results are those :func:`ingest_municipality` would give for each folder, the
    same tables, pseudonyms and ``extract.json`` (apart from ``ingested_at``).
    ``workers``: processes sharing the work (default: the CPUs, when the raw data is
    large enough to pay for them; 1 = all in this process). Returns an empty list when
    ``raw_root`` holds no municipality (:func:`snanalys.folders.raw_municipality_dirs`: four-digit
    folders; one without ``uttag.json`` raises :class:`IngestError`).
    """
    return ingest_folders(
        raw_municipality_dirs(raw_root), processed_root, key=key, quarantine=quarantine, workers=workers
    )


def ingest_folders(
    raw_dirs: list[Path],
    processed_root: Path,
    key: bytes | None = None,
    *,
    quarantine: bool = False,
    workers: int | None = None,
) -> list[IngestResult]:
    """:func:`ingest_all` of the given raw municipality folders (results in their order)."""
    from snanalys.ingest import batch

    return batch.ingest_folders(raw_dirs, processed_root, key=key, quarantine=quarantine, workers=workers)
