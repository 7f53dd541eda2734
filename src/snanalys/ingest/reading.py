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

Many folders at once (:func:`read_batch`): the files of one table from many municipality
folders become one text frame, with each row's file (``source``) and its index in the
file (``line``). Plain files — UTF-8, no quote character, no NUL byte, no lone carriage
return, a header line and at least one more line — are read into one buffer per header
and parsed by a single pyarrow call (each file's header line overwritten by a marker row
that tells the files apart, so no line is counted in Python). Any other file, and every
file of a buffer that pyarrow does not read cleanly, is read on its own by
:func:`read_raw_file`, so its errors are exactly those of a single file.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import stat
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


def _file_kind(path: Path) -> str | None:
    """``"file"``, ``"link"`` (a symbolic link, whatever it points to), ``"special"`` or None if absent."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_ISREG(mode) else "special"


#: Why a raw file must be a regular file in its folder: a link may point anywhere and change
#: after the run has recorded its checksum; a device or FIFO would hang or feed endless bytes.
_NOT_A_LINK = "filen är en symbolisk länk: rådata ska vara vanliga filer i kommunens mapp (kopiera filen hit)"
_NOT_SPECIAL = "är ingen vanlig fil (en mapp, enhet, FIFO eller socket): rådata ska vara vanliga filer"


def regular_file(path: Path, display_name: str) -> bool:
    """True if ``path`` is a regular file, False if it does not exist; a link or special file is an error."""
    kind = _file_kind(path)
    if kind == "link":
        raise IngestError.single(display_name, _NOT_A_LINK)
    if kind == "special":
        raise IngestError.single(display_name, f"filen {_NOT_SPECIAL}")
    return kind == "file"


def locate(raw_dir: Path, stem: str, display_prefix: str) -> Path:
    """The raw file ``<stem>.csv`` or ``<stem>.xlsx`` in ``raw_dir`` (exactly one of them, a regular file)."""
    csv, xlsx = raw_dir / f"{stem}.csv", raw_dir / f"{stem}.xlsx"
    has_csv = regular_file(csv, f"{display_prefix}{csv.name}")
    has_xlsx = regular_file(xlsx, f"{display_prefix}{xlsx.name}")
    if has_csv and has_xlsx:
        raise IngestError.single(
            f"{display_prefix}{stem}.csv",
            f"väntade antingen {stem}.csv eller {stem}.xlsx, inte båda (ta bort den ena)",
        )
    if has_csv:
        return csv
    if has_xlsx:
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


_SAVE_AS = "spara den som UTF-8 eller Windows-1252"
_WIDE_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def encoding_problem(head: bytes) -> str | None:
    """What is wrong with a file's encoding, judged from its first bytes, where reading it as
    "UTF-8, else Windows-1252" would misread it (every byte is valid Windows-1252, so a UTF-16
    file would otherwise come out as a header without the expected columns)."""
    if head.startswith(_UTF8_BOM * 2):
        return f"filen börjar med två BOM (byte order mark, EF BB BF två gånger): {_SAVE_AS}"
    for bom, label in _WIDE_BOMS:
        if head.startswith(bom):
            return f"filen är kodad som {label}: {_SAVE_AS}"
    sample = head[:256]
    if len(sample) >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) * 4 >= len(sample):
        return f"filen ser ut att vara kodad som UTF-16 (utan BOM: varannan byte är noll): {_SAVE_AS}"
    return None


def _check_encoding(path: Path, name: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(256)
    reason = encoding_problem(head)
    if reason:
        raise IngestError.single(name, reason, row=1)


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
            [problem(name, "kolumnen saknas i rubrikraden (första raden)", row=1, column=c) for c in missing],
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
    _check_encoding(path, name)
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
        if offsets[-1] == offsets[0]:
            continue  # only empty cells
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        # An empty cell's first byte is the next cell's and its last the previous one's (both
        # looked at anyway), so empty cells need no mask; the clip keeps a trailing one in range.
        first = data[np.minimum(offsets[:-1], offsets[-1] - 1)]
        last = data[np.maximum(offsets[1:] - 1, offsets[0])]
        if _EDGE_BYTES[first].any() or _EDGE_BYTES[last].any():
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


_ONLY_HEADER = "filen har bara en rubrikrad och inga datarader"


def _drop_blank_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    blank = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        blank &= (frame[c] == "").to_numpy(dtype=bool)
    if blank.any():
        frame = frame.loc[~blank]
    if frame.empty:
        raise IngestError.single(name, _ONLY_HEADER, row=1)
    return frame


# --- many files of one table at once ----------------------------------------------------------


@dataclass
class BatchFile:
    """One file of a :class:`RawBatch`: what extract.json records of it, or the error that stopped it."""

    name: str  # relative to the raw root, e.g. ``0480/ekb_utbetalningar.csv``
    path: Path | None
    encoding: str = ""
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    error: IngestError | None = None


@dataclass
class RawBatch:
    """The files of one table from many folders, as one text frame (files in order).

    ``frame`` has a RangeIndex; ``source[i]`` is the position in ``files`` of row ``i``'s
    file and ``line[i]`` its index in that file (:class:`RawFile`'s index: the row in the
    file is ``line + 2``). The rows of file ``k`` are ``bounds[k]:bounds[k + 1]``; a file
    with an error has none.
    """

    files: list[BatchFile]
    frame: pd.DataFrame
    source: np.ndarray
    line: np.ndarray
    bounds: np.ndarray

    def rows(self, k: int) -> int:
        return int(self.bounds[k + 1] - self.bounds[k])

    def raw_file(self, k: int) -> RawFile:
        """File ``k`` as a :class:`RawFile` (its rows, indexed as in the file)."""
        f = self.files[k]
        a, b = int(self.bounds[k]), int(self.bounds[k + 1])
        frame = self.frame.iloc[a:b].copy(deep=False)
        frame.index = pd.Index(self.line[a:b])
        return RawFile(f.name, f.path, frame, f.encoding, f.sha256, list(f.warnings))


_MAX_RUNS = 100_000  # above this many kept runs a filter beats slicing
# The bytes that begin a whitespace character (ASCII, and the lead bytes of U+0085, U+00A0,
# U+1680, U+2000–U+205F and U+3000 in UTF-8): a file without any has no cell to trim. (Line
# ends are no cell's: the fast path takes no quoted values.)
_SPACE_LEADS = (b" ", b"\t", b"\x0b", b"\x0c", b"\xc2", b"\xe1", b"\xe2", b"\xe3")


def read_batch(entries: list, required: list[str], *, use_threads: bool = True) -> RawBatch:
    """Read the files of one table: each entry a ``(path, display_name)`` or an :class:`IngestError`
    (e.g. from :func:`locate`), which the file keeps. Errors of a file are those
    :func:`read_raw_file` raises for it alone."""
    files: list[BatchFile] = []
    pieces: dict[int, tuple[pa.Table, np.ndarray]] = {}  # file → (required text columns, line)
    groups: dict[tuple[str, ...], list[tuple[int, Path, int, list[str], bytes]]] = {}
    slow: list[int] = []
    for k, entry in enumerate(entries):
        if isinstance(entry, IngestError):
            files.append(BatchFile(entry.file, None, error=entry))
            continue
        path, name = entry
        files.append(BatchFile(name, Path(path)))
        probe = _probe_header(Path(path), required, name) if Path(path).suffix.lower() == ".csv" else None
        if probe is None:
            slow.append(k)
        else:
            names, size, warnings, header = probe
            groups.setdefault(tuple(names), []).append((k, Path(path), size, warnings, header))
    for names, members in groups.items():
        slow.extend(_read_group(list(names), members, required, files, pieces, use_threads))
    for k in sorted(slow):
        try:
            raw = read_raw_file(files[k].path, required, files[k].name)
        except IngestError as exc:
            files[k].error = exc
            continue
        f = files[k]
        f.encoding, f.sha256, f.warnings = raw.encoding, raw.sha256, raw.warnings
        table = pa.table({c: large_text(raw.frame[c]) for c in required})
        pieces[k] = (table, np.asarray(raw.frame.index, dtype=np.int64))
    return _assemble(files, pieces, required)


def large_text(values: pd.Series) -> pa.ChunkedArray:
    """A text column as a pyarrow large_string chunked array (no copy where it already is one)."""
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    return array.cast(pa.large_string()) if array.type != pa.large_string() else array


def _probe_header(path: Path, required: list[str], name: str) -> tuple[list[str], int, list[str], bytes] | None:
    """The column names, size, warnings and header line of a CSV file the batch reader can take;
    None if not."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
            size = os.fstat(handle.fileno()).st_size
            more = handle.read(1)
    except OSError:
        return None  # read on its own: the same error as for a single file
    if not first.endswith(b"\n") or not more or b'"' in first or encoding_problem(first):
        return None
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    names = [_column_name(cell) for cell in text.split(";")]
    if names == [""] or (len(names) == 1 and ("," in text or "\t" in text)):
        return None
    try:
        warnings = _check_columns(names, required, name)
    except IngestError:
        return None
    if len(first.rstrip(b"\r\n")) < 2 * len(names) - 1:
        return None  # no room for the marker row
    return names, size, warnings, first


def _utf8(buffer: pa.Buffer) -> str | None:
    """``"ascii"`` or ``"utf-8"`` if the bytes are valid UTF-8 (ASCII or not), else None."""
    offsets = pa.py_buffer(np.array([0, buffer.size], dtype=np.int64).tobytes())
    try:
        text = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return None
    return "ascii" if pc.string_is_ascii(text)[0].as_py() else "utf-8"


def _read_group(names, members, required, files, pieces, use_threads) -> list[int]:
    """Read files sharing one header line in one pyarrow call; returns the files to read on their own.

    Each file is read into its place in one buffer (a newline added if it lacks one) and
    its header line overwritten by a marker row of NUL cells of the same length: after
    parsing, the marker rows divide the rows among the files (there must be exactly one
    per file, the first row first). Any doubt (the file is not plain UTF-8 CSV, pyarrow
    finds a malformed row anywhere, the markers do not add up) sends files to the
    single-file reader.
    """
    slow: list[int] = []
    buf = bytearray(sum(member[2] for member in members) + len(members))
    view = memoryview(buf)
    whole = pa.py_buffer(buf)
    n_fields = len(names)
    placed: list[int] = []
    offset = 0
    spaces = False  # any byte that may begin a whitespace character (else no cell needs trimming)
    for k, path, size, warnings, header in members:
        try:
            with open(path, "rb") as handle:
                got = handle.readinto(view[offset : offset + size])
                grown = handle.read(1)
        except OSError:
            slow.append(k)
            continue
        end = offset + got
        header_end = offset + len(header) - 1
        if grown or header_end + 1 >= end or view[offset : header_end + 1] != header:  # changed since
            slow.append(k)
            continue
        # (A NUL byte at a cell's start would pass for a marker: the count of markers catches it.)
        plain = buf.find(b'"', offset, end) < 0
        if plain and buf.find(b"\r", offset, end) >= 0:
            plain = buf.count(b"\r", offset, end) == buf.count(b"\r\n", offset, end)
        utf8 = _utf8(whole.slice(offset, got)) if plain else None
        if utf8 is None:
            slow.append(k)
            continue
        if not spaces:
            leads = _SPACE_LEADS if utf8 != "ascii" else _SPACE_LEADS[:4]
            spaces = any(buf.find(b, offset, end) >= 0 for b in leads)
        f = files[k]
        f.sha256 = hashlib.sha256(view[offset:end]).hexdigest()
        f.encoding = ENCODING_UTF8_BOM if buf.startswith(_UTF8_BOM, offset) else ENCODING_UTF8
        f.warnings = warnings
        text_end = header_end - 1 if buf[header_end - 1] == 0x0D else header_end
        width = text_end - offset
        buf[offset:text_end] = b"\x00" * (width - 2 * (n_fields - 1)) + b";\x00" * (n_fields - 1)
        offset = end
        if buf[end - 1] != 0x0A:
            buf[offset] = 0x0A
            offset += 1
        placed.append(k)
    if not placed:
        return slow
    column_names = [n if n in required else f"__extra_{i}" for i, n in enumerate(names)]
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(1)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(whole.slice(0, offset)),
            read_options=pacsv.ReadOptions(column_names=column_names, use_threads=use_threads),
            parse_options=pacsv.ParseOptions(delimiter=";", ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.large_string() for c in column_names},
                include_columns=required,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # checked file by file above
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError):
        table = None
    del view, whole
    if table is not None and not invalid:
        markers = np.flatnonzero(_starts_with_nul(table.column(required[0])))
        if len(markers) == len(placed) and (len(markers) == 0 or markers[0] == 0):
            _split_group(table, markers, placed, required, files, pieces, trim=spaces)
            return slow
    for k in placed:  # read again, one by one: their own errors, exactly
        files[k].sha256 = files[k].encoding = ""
        files[k].warnings = []
    return slow + placed


def _chunk_offsets(chunk: pa.Array) -> np.ndarray:
    """The ``n + 1`` offsets of a large_string chunk's cells into its data buffer (the chunk may
    start inside its buffers)."""
    n = len(chunk)
    return np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset : chunk.offset + n + 1]


def _starts_with_nul(array: pa.ChunkedArray) -> np.ndarray:
    """Per cell: not empty and its first byte is NUL (a marker row)."""
    out = []
    for chunk in array.chunks:
        n = len(chunk)
        offsets = _chunk_offsets(chunk)
        data_buffer = chunk.buffers()[2]
        if data_buffer is None or n == 0 or offsets[-1] == offsets[0]:
            out.append(np.zeros(n, dtype=bool))
            continue
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        first = data[np.minimum(offsets[:-1], offsets[-1] - 1)]
        out.append((first == 0) & (offsets[1:] > offsets[:-1]))
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _empty_cells(array: pa.ChunkedArray) -> np.ndarray:
    out = [np.diff(_chunk_offsets(chunk)) == 0 for chunk in array.chunks]
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _split_group(
    table: pa.Table, markers: np.ndarray, placed: list[int], required, files, pieces, *, trim: bool
) -> None:
    """The rows of a group's table per file: markers and blank rows dropped, cells trimmed."""
    if trim:
        table = pa.table({c: _trim(table.column(c)) for c in required})
    n = table.num_rows
    blank = np.ones(n, dtype=bool)
    for c in required:
        blank &= _empty_cells(table.column(c))
    starts = markers + 1
    counts = np.append(markers[1:], n) - starts  # rows of each file, blank ones included
    if not blank.any():
        line = np.arange(n - len(markers), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        keep = np.ones(n, dtype=bool)
        keep[markers] = False
        kept = None
    else:
        is_marker = np.zeros(n, dtype=bool)
        is_marker[markers] = True
        file_of_row = np.cumsum(is_marker) - 1  # index into placed
        keep = ~is_marker & ~blank
        kept = np.flatnonzero(keep)
        line = (kept - starts[file_of_row[kept]]).astype(np.int64)
        counts = np.bincount(file_of_row[kept], minlength=len(placed))
    table = _take(table, keep, kept)
    start = 0
    for j, k in enumerate(placed):
        stop = start + int(counts[j])
        if stop == start:
            files[k].error = IngestError.single(files[k].name, _ONLY_HEADER, row=1)
        else:
            pieces[k] = (table.slice(start, stop - start), line[start:stop])
        start = stop


def _take(table: pa.Table, keep: np.ndarray, kept: np.ndarray | None) -> pa.Table:
    """The rows ``keep`` of ``table``: zero-copy slices of its runs of kept rows (a filter if many)."""
    if kept is not None and len(kept) == len(keep):
        return table
    edges = np.flatnonzero(np.diff(np.concatenate(([False], keep, [False])).astype(np.int8)))
    runs = edges.reshape(-1, 2)
    if len(runs) > _MAX_RUNS:
        return table.filter(pa.array(keep))
    if len(runs) == 0:
        return table.slice(0, 0)
    return pa.concat_tables([table.slice(int(a), int(b - a)) for a, b in runs])


def _assemble(files: list[BatchFile], pieces: dict, required: list[str]) -> RawBatch:
    order = sorted(k for k in pieces if files[k].error is None)
    counts = np.zeros(len(files), dtype=np.int64)
    for k in order:
        counts[k] = pieces[k][0].num_rows
    bounds = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    if order:
        table = pa.concat_tables([pieces[k][0] for k in order])
        line = np.concatenate([pieces[k][1] for k in order]).astype(np.int64)
    else:
        table = pa.table({c: pa.chunked_array([], type=pa.large_string()) for c in required})
        line = np.zeros(0, dtype=np.int64)
    source = np.repeat(np.arange(len(files), dtype=np.int64), counts)
    frame = pd.DataFrame({c: text_series(table.column(c)) for c in required})
    return RawBatch(files, frame, source, line, bounds)


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
