"""Reading one raw file into text columns, with its encoding, digest and row numbers.

A raw file is ``<stem>.csv`` (semicolon separated; UTF-8 with or without BOM, else
Windows-1252, decided per file by a strict UTF-8 decode of the whole file) or
``<stem>.xlsx`` (the same columns on the first sheet). Every cell is read as text
and stripped of surrounding whitespace; parsing into dates, amounts … comes later
(:mod:`snanalys.ingest.parsing`), so that each failure can be located.

Row numbers: the frame's index is the 0-based position of the data line after the
header, so a cell's row in the file is ``index + 2`` (header = row 1). Blank lines
are dropped but keep their numbers; for ``.xlsx`` the number is the sheet row.
(A value quoted across a line break would shift the numbers of the lines after it;
the exports do not write such values.)

CSV is read with pyarrow's multithreaded reader (about 1 s per million rows would be
far too slow with Python's csv module); no Python loop runs over the rows. Error
texts never include a cell's content as pyarrow reports it (it could be an identifier).
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from snanalys.ingest.errors import IngestError, problem, shown_value
from snanalys.ingest.parsing import TEXT_DTYPE, text_series

_CHUNK = 1 << 24
_UTF8_BOM = codecs.BOM_UTF8

ENCODING_UTF8 = "utf-8"
ENCODING_UTF8_BOM = "utf-8-sig"
ENCODING_CP1252 = "cp1252"
ENCODING_XLSX = "xlsx"


@dataclass
class RawFile:
    """One raw file read as text: only the required columns, stripped, blank rows dropped."""

    name: str  # relative to the raw root, e.g. ``0480/ekb_utbetalningar.csv``
    path: Path
    frame: pd.DataFrame
    encoding: str
    sha256: str
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)

    @staticmethod
    def row_numbers(index) -> np.ndarray:
        """The row in the file (header = 1) of frame index values."""
        return np.asarray(index, dtype=np.int64) + 2


def locate(raw_dir: Path, stem: str, display_prefix: str) -> Path:
    """The raw file ``<stem>.csv`` or ``<stem>.xlsx`` in ``raw_dir`` (exactly one of them)."""
    csv, xlsx = raw_dir / f"{stem}.csv", raw_dir / f"{stem}.xlsx"
    if csv.is_file() and xlsx.is_file():
        raise IngestError.single(
            f"{display_prefix}{stem}.csv",
            f"väntade antingen {stem}.csv eller {stem}.xlsx, inte båda (ta bort den ena)",
        )
    if csv.is_file():
        return csv
    if xlsx.is_file():
        return xlsx
    raise IngestError.single(f"{display_prefix}{stem}.csv", f"filen saknas (väntade {stem}.csv eller {stem}.xlsx)")


def read_raw_file(path: Path, required: list[str], display_name: str) -> RawFile:
    """Read ``path`` (CSV or xlsx): the ``required`` columns as stripped text."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, required, display_name)
    return _read_csv(path, required, display_name)


# --- CSV ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    sha256: str
    utf8: bool  # the whole file decodes as strict UTF-8
    bom: bool
    has_content: bool  # any byte other than whitespace (and a BOM)


def _scan(path: Path) -> _Scan:
    """One pass over the file's bytes: its SHA-256 and whether it is UTF-8."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok, has_content, bom, first = True, False, False, True
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            body = chunk
            if first:
                bom = chunk.startswith(_UTF8_BOM)
                body = chunk[len(_UTF8_BOM) :] if bom else chunk
                first = False
            if not has_content and body.strip():
                has_content = True
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    return _Scan(digest.hexdigest(), utf8_ok, bom, has_content)


def _check_cp1252(path: Path, name: str) -> None:
    decoder = codecs.getincrementaldecoder("cp1252")("strict")
    line = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                row = line + chunk.count(b"\n", 0, exc.start)
                raise IngestError.single(
                    name, "okänd teckenkodning: väntade UTF-8 eller Windows-1252 (tecknet kan inte läsas)", row=row
                ) from None
            line += chunk.count(b"\n")


def _header(path: Path, encoding: str, name: str) -> list[str]:
    """The column names of the first line (lower case, stripped); raises UnicodeDecodeError."""
    with open(path, "rb") as handle:
        first = handle.readline()
    text = first.decode("utf-8-sig" if encoding != ENCODING_CP1252 else ENCODING_CP1252).rstrip("\r\n")
    names = [_column_name(cell) for cell in text.split(";")]
    if len(names) == 1 and ("," in text or "\t" in text):
        raise IngestError.single(name, "väntade semikolon (;) som avgränsare mellan kolumnerna i rubrikraden", row=1)
    return names


def _column_name(cell: object) -> str:
    text = "" if cell is None else str(cell).strip().strip('"').strip()
    return text.lower()


def _check_columns(names: list[str], required: list[str], name: str) -> list[str]:
    """Errors for missing or repeated required columns; a warning for the extra ones."""
    missing = [c for c in required if c not in names]
    if missing:
        raise IngestError(
            [
                problem(name, "kolumnen saknas i rubrikraden (första raden)", row=1, column=c)
                for c in missing
            ],
            total=len(missing),
        )
    repeated = [c for c in required if names.count(c) > 1]
    if repeated:
        raise IngestError(
            [problem(name, "kolumnen förekommer flera gånger i rubrikraden", row=1, column=c) for c in repeated]
        )
    extra = [n for n in names if n not in required and n != ""]
    if extra:
        shown = ", ".join(shown_value(n, column=None) or '""' for n in extra[:10])
        more = f" och {len(extra) - 10} till" if len(extra) > 10 else ""
        return [f"{name}: okända kolumner ignoreras: {shown}{more}"]
    return []


def _read_csv(path: Path, required: list[str], name: str) -> RawFile:
    """Read a CSV file as UTF-8 (with or without BOM) or, if it is not UTF-8, Windows-1252.

    The digest and the strict UTF-8 check of the whole file run in a thread alongside
    pyarrow's reading (both release the GIL), which is read as UTF-8 first; a file
    that turns out not to be UTF-8 is read again as Windows-1252.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(_scan, path)
        table, warnings = None, []
        try:
            names = _header(path, ENCODING_UTF8, name)
        except UnicodeDecodeError:
            names = None
        if names == [""] and not scanning.result().has_content:
            raise IngestError.single(name, f"filen är tom (väntade en rubrikrad med kolumnerna {';'.join(required)})")
        if names is not None:
            warnings = _check_columns(names, required, name)
            try:
                table = _arrow_read(path, names, required, ENCODING_UTF8, name)
            except _NotReadable:
                table = None
        scan = scanning.result()
    if scan.utf8:
        encoding = ENCODING_UTF8_BOM if scan.bom else ENCODING_UTF8
        if table is None:
            raise IngestError.single(name, _NOT_READABLE)
    else:
        _check_cp1252(path, name)
        encoding = ENCODING_CP1252
        names = _header(path, encoding, name)
        warnings = _check_columns(names, required, name)
        try:
            table = _arrow_read(path, names, required, encoding, name)
        except _NotReadable:
            raise IngestError.single(name, _NOT_READABLE) from None
    frame = _text_frame({c: table.column(c) for c in required}, required)
    frame = _drop_blank_rows(frame, name)
    return RawFile(name, path, frame, encoding, scan.sha256, warnings)


_NOT_READABLE = "filen kunde inte läsas som semikolonseparerad CSV"


class _NotReadable(Exception):
    """pyarrow could not read the file (its own message is not passed on: it may quote a row)."""


def _arrow_read(path: Path, names: list[str], required: list[str], encoding: str, name: str) -> pa.Table:
    # Unique names for pyarrow: the extra (ignored) columns get placeholders.
    column_names = [n if n in required else f"__extra_{i}" for i, n in enumerate(names)]
    invalid: list[tuple[int | None, int, int]] = []

    def on_invalid(row) -> str:
        invalid.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    def read(use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=column_names,
                skip_rows=1,
                use_threads=use_threads,
                encoding="utf8" if encoding != ENCODING_CP1252 else ENCODING_CP1252,
            ),
            parse_options=pacsv.ParseOptions(delimiter=";", ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.large_string() for c in column_names},  # pandas' own storage
                include_columns=required,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = read(use_threads=True)
        if invalid and any(number is None for number, _, _ in invalid):
            invalid.clear()  # the multithreaded reader does not know row numbers: read again to locate
            table = read(use_threads=False)
    except (pa.ArrowException, UnicodeDecodeError):
        raise _NotReadable from None
    if invalid:
        problems = [
            problem(
                name,
                f"väntade {expected} fält åtskilda av semikolon (som i rubrikraden), fick {actual}",
                row=number,
            )
            for number, expected, actual in invalid[:5]
        ]
        raise IngestError(problems, total=len(invalid))
    return table


# Bytes that may begin or end a whitespace character in UTF-8 or Windows-1252 text: ASCII
# whitespace, and the lead and last bytes of no-break, thin and other Unicode spaces.
_EDGE_BYTES = np.zeros(256, dtype=bool)
_EDGE_BYTES[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_EDGE_BYTES[0x80:0xC0] = True  # any UTF-8 continuation byte (the end of a multi-byte character)


def _may_need_trim(array: pa.ChunkedArray) -> bool:
    """Whether any cell may begin or end with whitespace, judged from its first and last bytes.

    Reads the string buffers directly (no copy): cheaper by far than trimming a column
    of millions of cells that holds no padding, the usual case.
    """
    for chunk in array.chunks:
        n = len(chunk)
        if n == 0:
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        if data_buffer is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offsets_buffer, dtype=width)[chunk.offset : chunk.offset + n + 1]
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        starts, stops = offsets[:-1], offsets[1:]
        filled = stops > starts
        if not filled.all():
            starts, stops = starts[filled], stops[filled]
        if _EDGE_BYTES[data[starts]].any() or _EDGE_BYTES[data[stops - 1]].any():
            return True
    return False


def _trim(array: pa.ChunkedArray) -> pa.ChunkedArray:
    """Cells stripped of surrounding whitespace (Unicode whitespace included)."""
    if not _may_need_trim(array):
        return array
    return pc.utf8_trim_whitespace(array)


def _text_frame(columns: dict[str, pa.ChunkedArray], required: list[str]) -> pd.DataFrame:
    """A pandas frame of ``str`` columns, each cell stripped of surrounding whitespace."""
    return pd.DataFrame({c: text_series(_trim(columns[c])) for c in required})


def _drop_blank_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    blank = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        blank &= (frame[c] == "").to_numpy(dtype=bool)
    if blank.any():
        frame = frame.loc[~blank]
    if frame.empty:
        raise IngestError.single(name, "filen har bara en rubrikrad och inga datarader", row=1)
    return frame


# --- xlsx --------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (dates ISO, decimals with a comma)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "J" if value else "N"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", ",")
    return str(value)


def _read_xlsx(path: Path, required: list[str], name: str) -> RawFile:
    import zipfile

    import openpyxl

    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise IngestError.single(name, "filen kunde inte läsas som en Excel-arbetsbok (.xlsx)") from None
    try:
        if not workbook.worksheets:
            raise IngestError.single(name, "arbetsboken har inget blad")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            raise IngestError.single(
                name, f"första bladet är tomt (väntade en rubrikrad med kolumnerna {';'.join(required)})"
            )
        names = [_column_name(v) for v in header]
        warnings = _check_columns(names, required, name)
        positions = [names.index(c) for c in required]
        width = len(names)
        # openpyxl yields one tuple per sheet row (empty rows included), so positions are sheet rows.
        cells = [tuple(r) + (None,) * (width - len(r)) if len(r) < width else r for r in rows]
    finally:
        workbook.close()
    columns = {
        c: pd.Series([_cell_text(r[i]) for r in cells], dtype=object).astype(TEXT_DTYPE).str.strip()
        if cells
        else pd.Series([], dtype=TEXT_DTYPE)
        for c, i in zip(required, positions)
    }
    frame = _drop_blank_rows(pd.DataFrame(columns, index=pd.RangeIndex(len(cells))), name)
    return RawFile(name, path, frame, ENCODING_XLSX, sha256, warnings)
