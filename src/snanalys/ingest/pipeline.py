"""The ingest of one municipality: read, parse, validate, pseudonymise, write atomically.

Steps, for ``data/raw/<kommunkod>/``:

1. ``uttag.json``: the municipality, the extract date, synthetic or real. For real
   data the pseudonym key must be configured, or nothing else is read.
2. Each raw file in turn (:data:`tables.TABLE_ORDER`): read as text
   (:mod:`reading`), parsed (:mod:`parsing`), checked against its contract
   (:mod:`contracts`, before pseudonymisation, so that identifiers can be checked);
   placement costs must refer to existing placements. The first file with problems
   raises :class:`IngestError` with its first five problems and their count.
3. Identifiers replaced by keyed pseudonyms (:mod:`pseudonymise`); the personnummer's
   birth date is kept.
4. The nine tables and ``extract.json`` written as ``<processed_root>/<kommunkod>/``
   in one atomic swap (:mod:`writing`); on any error ``processed_root`` is unchanged.
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

from snanalys import __version__
from snanalys.ingest import checks, parsing, quality, tables
from snanalys.ingest.contracts import EXPECT_UNIQUE, PROCESSED_SCHEMAS, Context, failure_frame, parsed_schemas
from snanalys.ingest.errors import MAX_SHOWN, IngestError, problem
from snanalys.ingest.pseudonymise import Pseudonymiser, resolve_key
from snanalys.ingest.reading import RawFile, locate, read_raw_file
from snanalys.ingest.tables import SPECS, TABLE_ORDER, TableSpec
from snanalys.ingest.writing import write_municipality

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
    if data_from > extract_date:
        raise IngestError.single(name, "väntade data_fran före uttagsdatum", column="data_fran", value=data_from)
    return ExtractInfo(
        municipality_code=code,
        municipality_name=text("kommunnamn"),
        extract_date=extract_date,
        data_from=data_from,
        synthetic=synthetic,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# --- parsing and validation -----------------------------------------------------------------------


def parse_table(spec: TableSpec, text: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The typed frame of a raw file's text, and its parse failures (index, column, expected)."""
    columns: dict[str, pd.Series] = {}
    failures = []
    for f in spec.fields:
        parsed, bad = _PARSERS[f.kind](text[f.raw])
        columns[f.name] = parsed
        if f.kind == tables.PERSONNUMMER:
            columns["birth_date"] = parsing.birth_dates(parsing.normalise_personnummer(parsed))
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
    frame, parse_failures = parse_table(spec, text)
    failures = validate_table(frame, schema, _concat_failures([formulas, parse_failures]))
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


def _reference_failures(costs: pd.DataFrame, placements: pd.DataFrame, placements_file: str) -> pd.DataFrame:
    """Placement costs whose placerings_id is not in the placements file."""
    unknown = ~costs["placement_id"].isin(placements["placement_id"].dropna().unique()) & costs["placement_id"].notna()
    index = costs.index[unknown.to_numpy()]
    return pd.DataFrame(
        {
            "index": pd.Series(index, dtype="Int64"),
            "column": "placement_id",
            "expected": f"väntade ett placerings_id som finns i {placements_file}",
        }
    )


# --- the processed tables ---------------------------------------------------------------------------


def processed_table(spec: TableSpec, frame: pd.DataFrame, pseudonymiser: Pseudonymiser, code: str) -> pd.DataFrame:
    """The processed table of a validated parsed frame: pseudonyms in place of identifiers."""
    out: dict[str, pd.Series] = {}
    keys = {f.key: f for f in spec.fields if f.pseudonym is not None}
    for column in tables.OUTPUT_COLUMNS[spec.table]:
        if column in keys:
            f = keys[column]
            values = frame[f.name]
            if f.kind == tables.PERSONNUMMER:
                values = parsing.normalise_personnummer(values)
            out[column] = pseudonymiser.pseudonymise(values, f.pseudonym, scope=code, unique=f.unique)
        else:
            series = frame[column]
            if series.dtype == "Int64":
                series = series.astype("int64")
            out[column] = series
    return pd.DataFrame(out).reset_index(drop=True)


#: Above this many rows the self-check of a processed table looks at a random sample of rows.
SELF_CHECK_SAMPLE = 200_000


def _check_processed(table: str, frame: pd.DataFrame) -> None:
    """The processed table meets its documented contract (a self-check of the ingest)."""
    sample = SELF_CHECK_SAMPLE if len(frame) > SELF_CHECK_SAMPLE else None
    try:
        PROCESSED_SCHEMAS[table].validate(frame, lazy=True, inplace=True, sample=sample, random_state=0)
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
    """
    raw_dir, processed_root = Path(raw_dir), Path(processed_root)
    prefix = f"{_folder_name(raw_dir)}/"
    extract = read_extract(raw_dir, prefix)
    secret = resolve_key(key, synthetic=extract.synthetic, file=f"{prefix}{EXTRACT_FILE}")
    code = extract.municipality_code
    schemas = parsed_schemas(Context(code, extract.extract_date))

    pseudonymiser = Pseudonymiser(secret)
    parsed: dict[str, pd.DataFrame] = {}
    raw_meta: list[dict] = []
    warnings: list[str] = []
    set_aside: dict[str, pd.DataFrame] = {}
    rows_read: dict[str, int] = {}
    placements_file = ""
    for table in TABLE_ORDER:
        spec = SPECS[table]
        path = locate(raw_dir, spec.stem, prefix)
        raw = read_raw_file(path, spec.raw_columns, f"{prefix}{path.name}")
        rows_read[table] = raw.rows
        frame, failures = check_table(spec, raw.frame, schemas[table], raw.name)
        if table == "placements":
            placements_file = path.name
        if table == "placement_costs":
            refs = _reference_failures(frame, parsed["placements"], placements_file)
            failures = _concat_failures([failures, refs])
        if quarantine and not failures.empty:
            _raise_failures(spec, raw, failures[failures["index"].isna()])  # a fault without a row stops
            set_aside[table] = quality.quarantine_frame(spec, raw, failures, pseudonymiser, code)
            keep = ~frame.index.isin(failures["index"].astype(np.int64).unique())
            frame = frame.loc[keep]
        else:
            _raise_failures(spec, raw, failures)
        parsed[table] = frame
        warnings.extend(raw.warnings)
        raw_meta.append({"name": path.name, "sha256": raw.sha256, "rows": raw.rows, "encoding": raw.encoding})
        log.info("%s: %d rader (%s)", raw.name, raw.rows, raw.encoding)
        del raw

    summary = quality.summary(parsed, rows_read, set_aside, extract.data_from, extract.covered_through)
    out: dict[str, pd.DataFrame] = {}
    for table in TABLE_ORDER:
        out[table] = processed_table(SPECS[table], parsed.pop(table), pseudonymiser, code)
        _check_processed(table, out[table])

    rows = {table: len(frame) for table, frame in out.items()}
    meta = {
        "municipality_code": code,
        "municipality_name": extract.municipality_name,
        "extract_date": extract.extract_date.isoformat(),
        "data_from": extract.data_from.isoformat(),
        "covered_through": extract.covered_through.isoformat(),
        "synthetic": extract.synthetic,
        "ingested_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "pseudonym_key_id": pseudonymiser.key_id,
        "snanalys_version": __version__,
        "extract_file": {"name": EXTRACT_FILE, "sha256": extract.sha256},
        "raw_files": raw_meta,
        "tables": rows,
        "warnings": warnings,
        "quality": summary,
    }
    files = dict(out)
    files.update({f"{quality.QUARANTINE_DIR}/{t}": f for t, f in set_aside.items()})
    output_dir = write_municipality(processed_root, code, files, meta)
    for warning in warnings:
        log.warning("%s", warning)
    return IngestResult(
        municipality_code=code,
        output_dir=output_dir,
        rows=rows,
        synthetic=extract.synthetic,
        warnings=warnings,
        pseudonym_key_id=pseudonymiser.key_id,
        quality=summary,
    )


def raw_municipality_dirs(raw_root: Path) -> list[Path]:
    """The municipality folders of ``raw_root``: its sub-folders holding ``uttag.json``."""
    return sorted(p.parent for p in Path(raw_root).glob(f"*/{EXTRACT_FILE}") if not p.parent.name.startswith("."))


def ingest_all(
    raw_root: Path, processed_root: Path, key: bytes | None = None, *, quarantine: bool = False
) -> list[IngestResult]:
    """Ingest every municipality folder of ``raw_root`` in turn (each one atomically).

    Stops at the first folder that fails (its error is raised); folders ingested before
    it stay written. Returns an empty list when ``raw_root`` holds no municipality.
    """
    return [
        ingest_municipality(d, processed_root, key=key, quarantine=quarantine) for d in raw_municipality_dirs(raw_root)
    ]
