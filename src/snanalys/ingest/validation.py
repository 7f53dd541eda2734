"""One table's text through its parsers and its contract: the typed frame, the failures, the error.

The steps every raw file goes through, shared by the ingest (:mod:`table_task`, many
folders' files at once) and ``check-export`` (:func:`check_table`, one export):
:func:`parse_table` (text → typed columns), :func:`validate_table` (the contract of
:mod:`contracts`), :func:`raise_failures` (the first problems as :class:`IngestError`,
naming file, row as in the file, column and expectation) and :func:`check_processed`
(the processed table against its documented contract: a self-check of the ingest).

A failure frame has the columns ``index`` (the row in the frame; missing for a fault
without a row), ``column`` (the parsed column) and ``expected`` (the Swedish message).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from snanalys.ingest import checks, parsing, tables
from snanalys.ingest.contracts import EXPECT_UNIQUE, PROCESSED_SCHEMAS, failure_frame
from snanalys.ingest.errors import MAX_SHOWN, IngestError, Problem, problem
from snanalys.ingest.reading import RawFile
from snanalys.ingest.tables import TableSpec

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
    return frame, concat_failures(failures)


def no_failures() -> pd.DataFrame:
    """An empty failure frame."""
    return pd.DataFrame({"index": pd.Series([], dtype="Int64"), "column": [], "expected": []})


def concat_failures(failures: list[pd.DataFrame]) -> pd.DataFrame:
    """The failure frames one after the other (empty ones left out)."""
    failures = [f for f in failures if len(f)]
    if not failures:
        return no_failures()
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
    return concat_failures(failures)


def check_table(spec: TableSpec, text: pd.DataFrame, schema, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse and check one raw file's text: the typed frame and every row's failures.

    Raises :class:`IngestError` for a fault of the whole file (mixed decimal marks);
    the failures are row faults (a located cell) unless their ``index`` is missing.
    """
    checks.check_structure(spec, text, file)
    formulas = checks.formula_failures(spec, text)  # first: a formula cell is reported as such
    texts = checks.text_failures(spec, text)
    frame, parse_failures = parse_table(spec, text)
    failures = validate_table(frame, schema, concat_failures([formulas, texts, parse_failures]))
    return frame, concat_failures([failures, checks.plausibility_failures(spec, frame)])


def located_problems(
    spec: TableSpec, raw: RawFile, failures: pd.DataFrame, limit: int = MAX_SHOWN
) -> tuple[list[Problem], int]:
    """The first ``limit`` problems of ``failures`` as the ingest reports them (file, row as in
    the file, raw column, expectation, the value masked as :func:`problem` does), one per cell,
    in row and then column order; and how many cells fail."""
    # One problem per cell: a cell that could not be parsed is not also reported as missing.
    failures = failures.drop_duplicates(["index", "column"], keep="first")
    order = {f.name: i for i, f in enumerate(spec.fields)}
    failures = failures.assign(
        _row=failures["index"].fillna(-1).astype(np.int64),
        _col=failures["column"].map(order).fillna(len(order)),
    ).sort_values(["_row", "_col"], kind="stable")
    shown = []
    for record in failures.head(limit).to_dict("records"):
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
    return shown, len(failures)


def raise_failures(spec: TableSpec, raw: RawFile, failures: pd.DataFrame) -> None:
    """Raise :class:`IngestError` for the first problems of ``failures`` (if any)."""
    if failures.empty:
        return
    shown, total = located_problems(spec, raw, failures)
    raise IngestError(shown, total=total)


def _duplicate_rows(raw: RawFile, column: str, value: str, row: int | None) -> str:
    """The uniqueness expectation, naming the other rows holding the same value (not the value)."""
    same = raw.frame.index[(raw.frame[column] == value).to_numpy(dtype=bool)]
    others = [int(r) for r in RawFile.row_numbers(same) if r != row]
    if not others:
        return EXPECT_UNIQUE
    listed = ", ".join(str(r) for r in others[:3]) + (" …" if len(others) > 3 else "")
    return f"väntade ett unikt id, men samma värde finns också på rad {listed}"


#: Above this many rows the self-check of a processed table looks at a random sample of rows.
SELF_CHECK_SAMPLE = 200_000


def check_processed(table: str, frame: pd.DataFrame) -> None:
    """The processed table meets its documented contract (a self-check of the ingest)."""
    if len(frame) > SELF_CHECK_SAMPLE:  # a random sample, taken in the frame's order (a faster gather)
        rows = np.sort(np.random.default_rng(0).choice(len(frame), SELF_CHECK_SAMPLE, replace=False))
        frame = frame.take(rows)
    try:
        PROCESSED_SCHEMAS[table].validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:  # a bug of the ingest, not of the data; keys only, no raw identifiers
        checks = sorted({f"{c}: {k}" for c, k in zip(exc.failure_cases["column"], exc.failure_cases["check"])})
        raise RuntimeError(f"internal error: processed table {table} breaks its contract: {checks[:5]}") from None
