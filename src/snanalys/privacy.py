"""The privacy scan: no identity may reach processed data, reports, notebooks or logs.

:func:`scan` reads every file the board gets and every internal one as what it is, not
as bytes: HTML (the page's text and every attribute), PDF (each page's text, the
bookmarks and the document's metadata: title, author, subject, keywords …), workbooks
(every cell, the sheet names and the document properties), CSV (every cell), Parquet
(every text column, and integers of personnummer size), JSON and notebooks (every key,
string and number) and any other text file line by line. Each text is judged by the one
rule of :mod:`snanalys.identity`; two kinds of hit, both reported masked (a hit is never
printed in full) with where it stands (page, sheet and cell, row and column, key, line):

- anything :func:`snanalys.identity.find_identities` finds (personnummer and
  samordningsnummer, with or without a valid check digit, other runs of 10–12 digits,
  e-mail addresses, phone numbers);
- any identifier value of the raw exports (personnummer, household, transaction,
  placement, invoice and intervention ids), looked up exactly — so a case id that
  slipped through un-pseudonymised is found even though it has no pattern. The raw
  files are read by the ingest's own reader (:mod:`snanalys.ingest.reading`: UTF-8 or
  Windows-1252, ``.xlsx``) and exports described by a mapping file through that mapping.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from snanalys.cells import is_number_text
from snanalys.identity import find_identities, mask_identities

TOKEN = re.compile(r"[0-9A-Za-zÅÄÖåäö_+-]{4,}")
IDENTIFIER_COLUMNS = (
    "personnummer",
    "hushalls_id",
    "transaktions_id",
    "placerings_id",
    "faktura_id",
    "insats_id",
)
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".svg", ".xml"}
JSON_SUFFIXES = {".json", ".ipynb"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
# Binary image data inside a text (a page's images, a notebook's outputs): not written text.
_DATA_URI = re.compile(r"data:(?P<mime>[-\w.+/]*)(?P<params>(?:;[-\w.=]+)*?);base64,(?P<data>[A-Za-z0-9+/=\s]*)")
_TEXT_MIMES = ("text/", "image/svg+xml", "application/json", "application/xml")


@dataclass(frozen=True)
class Hit:
    path: Path
    kind: str  # a finding's label (e.g. "personnummer") or "raw identifier"
    masked: str
    where: str = ""  # e.g. "page 3", "metadata /Title", "sheet Nyckeltal, cell B4", "line 12"

    def __str__(self) -> str:
        place = f" ({self.where})" if self.where else ""
        return f"{self.path}{place}: {self.kind} {self.masked}"


@dataclass(frozen=True)
class Text:
    """One text of a file and where it stands; ``numeric``: a cell known to hold a number."""

    where: str
    text: str
    numeric: bool = False


# --- raw identifiers ----------------------------------------------------------------------------


def raw_identifiers(raw_root: Path) -> set[str]:
    """Every identifier value in the raw exports under ``raw_root``.

    Each municipality folder's raw files are read as the ingest reads them (CSV in UTF-8
    or Windows-1252, or ``.xlsx``); an export described by a mapping file (``*.yaml``
    anywhere under ``raw_root``) is read through it. Unreadable files are skipped: the
    ingest reports them.
    """
    from snanalys.ingest.errors import IngestError
    from snanalys.ingest.reading import locate, read_raw_file
    from snanalys.ingest.tables import SPECS

    raw_root = Path(raw_root)
    values: set[str] = set()
    if not raw_root.is_dir():
        return values

    def add(frame: pd.DataFrame, columns: list[str]) -> None:
        for column in columns:
            if column in frame.columns:
                values.update(v for v in frame[column].dropna().astype(str).str.strip() if len(v) >= 4)

    for folder in sorted(p for p in raw_root.iterdir() if p.is_dir()):
        for spec in SPECS.values():
            columns = [f.raw for f in spec.fields if f.raw in IDENTIFIER_COLUMNS]
            if not columns:
                continue
            try:
                path = locate(folder, spec.stem, f"{folder.name}/")
                raw = read_raw_file(path, columns, f"{folder.name}/{path.name}")
            except IngestError:
                continue
            add(raw.frame, columns)
    for mapped, columns in _mapped_exports(raw_root):
        add(mapped, columns)
    return values


def _mapped_exports(raw_root: Path) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    """The raw-format text of every export a mapping file under ``raw_root`` describes."""
    from snanalys.ingest.errors import IngestError
    from snanalys.ingest.mapping import MappingError, apply_mapping, load_mapping, read_export

    for mapping_file in sorted([*raw_root.rglob("*.yaml"), *raw_root.rglob("*.yml")]):
        try:
            mapping = load_mapping(mapping_file)
        except MappingError:
            continue
        columns = [f.raw for f in mapping.spec.fields if f.raw in IDENTIFIER_COLUMNS]
        for export in sorted(mapping_file.parent.iterdir()):
            if not export.is_file() or export.suffix.lower() in (".yaml", ".yml") or not mapping.matches(export):
                continue
            try:
                yield apply_mapping(read_export(export, mapping).frame, mapping, export.name), columns
            except (IngestError, MappingError, ValueError, OSError):
                continue


# --- the texts of a file ----------------------------------------------------------------------------


def _without_binary_data(text: str) -> str:
    """``text`` with the payload of binary ``data:`` URIs left out (text ones decoded)."""
    if "base64," not in text:
        return text

    def replace(m: re.Match) -> str:
        if m.group("mime").startswith(_TEXT_MIMES):
            try:
                return " " + base64.b64decode(re.sub(r"\s", "", m.group("data"))).decode("utf-8", "replace") + " "
            except (binascii.Error, ValueError):
                return " "
        return " "

    return _DATA_URI.sub(replace, text)


class _HtmlTexts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[Text] = []

    def handle_starttag(self, tag, attrs) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if not value:
                continue
            if value.startswith("data:") and ";base64," not in value[:100]:
                value = urllib.parse.unquote(value)
            self.texts.append(Text(f"line {line}, <{tag} {name}>", _without_binary_data(value)))

    handle_startendtag = handle_starttag

    def handle_data(self, data) -> None:
        if data.strip():
            self.texts.append(Text(f"line {self.getpos()[0]}", _without_binary_data(data)))

    def handle_comment(self, data) -> None:
        self.handle_data(data)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _html_texts(path: Path) -> Iterator[Text]:
    parser = _HtmlTexts()
    parser.feed(_decode(path.read_bytes()))
    parser.close()
    yield from parser.texts


def _pdf_texts(path: Path) -> Iterator[Text]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    for key, value in (reader.metadata or {}).items():
        yield Text(f"metadata {key}", str(value))
    xmp = reader.xmp_metadata
    if xmp is not None:
        for name in ("dc_title", "dc_creator", "dc_subject", "dc_description", "pdf_keywords"):
            value = getattr(xmp, name, None)
            if value:
                yield Text(f"XMP {name}", str(value))

    def outline(items, depth=0) -> Iterator[Text]:
        for item in items:
            if isinstance(item, list):
                yield from outline(item, depth + 1)
            else:
                yield Text("bookmark", str(getattr(item, "title", "")))

    try:
        yield from outline(reader.outline)
    except Exception:  # noqa: BLE001 - a PDF without a readable outline still has its pages
        pass
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        for line_number, line in enumerate(text.splitlines(), start=1):
            yield Text(f"page {number}, line {line_number}", line)


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_texts(path: Path) -> Iterator[Text]:
    import datetime as dt

    import openpyxl

    book = openpyxl.load_workbook(path, data_only=False)
    try:
        props = book.properties
        for name in (
            "title",
            "subject",
            "creator",
            "keywords",
            "description",
            "lastModifiedBy",
            "category",
            "identifier",
            "contentStatus",
            "version",
        ):
            value = getattr(props, name, None)
            if value:
                yield Text(f"property {name}", str(value))
        for name in book.defined_names:
            yield Text("defined name", str(name))
        for sheet in book.worksheets:
            yield Text("sheet name", sheet.title)
            for part in (sheet.oddHeader, sheet.oddFooter):
                for side in (part.left, part.center, part.right):
                    if side.text:
                        yield Text(f"sheet {sheet.title}, header/footer", side.text)
            for row in sheet.iter_rows():
                for cell in row:
                    value = cell.value
                    if value is None or isinstance(value, (bool, dt.date, dt.datetime, dt.time, dt.timedelta)):
                        continue
                    where = f"sheet {sheet.title}, cell {cell.coordinate}"
                    if isinstance(value, (int, float)):
                        yield Text(where, _number_text(value), numeric=True)
                    else:
                        yield Text(where, str(value))
                    if cell.comment is not None:
                        yield Text(f"{where}, comment", cell.comment.text)
    finally:
        book.close()


def _csv_texts(path: Path) -> Iterator[Text]:
    text = _decode(path.read_bytes())
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), dialect) if dialect else csv.reader(io.StringIO(text), delimiter=delimiter)
    for row_number, row in enumerate(reader, start=1):
        for column, cell in enumerate(row, start=1):
            if cell:
                yield Text(f"row {row_number}, column {column}", cell, numeric=is_number_text(cell))


def _json_texts(path: Path) -> Iterator[Text]:
    try:
        data = json.loads(_decode(path.read_bytes()))
    except ValueError:
        yield from _line_texts(path)
        return

    def walk(value, where: str) -> Iterator[Text]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield Text(f"key {where}", str(key))
                if str(key).startswith("image/") and not str(key).startswith("image/svg"):
                    continue  # a notebook's image output: binary data
                yield from walk(item, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            if value and all(isinstance(v, str) for v in value):  # a notebook's source or output lines
                yield Text(f"key {where}", _without_binary_data("".join(value)))
                return
            for i, item in enumerate(value):
                yield from walk(item, f"{where}[{i}]")
        elif isinstance(value, str):
            yield Text(f"key {where}", _without_binary_data(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield Text(f"key {where}", _number_text(value), numeric=True)

    yield from walk(data, "")


def parquet_texts(path: Path, skip=lambda column: False) -> Iterator[Text]:
    """Distinct text values of each column (with the first row holding them), and integers
    of personnummer size (10–12 digits; amounts are floating point: not read). ``skip``:
    columns left out (by name)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    for name in table.column_names:
        if skip(name):
            continue
        column = table.column(name)
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind):
            values = column.cast(pa.large_string()) if pa.types.is_dictionary(kind) else column
        elif pa.types.is_integer(kind):
            numbers = column.to_numpy(zero_copy_only=False).astype("float64")
            big = np.isfinite(numbers) & (np.abs(numbers) >= 1e9) & (np.abs(numbers) < 1e12)
            big &= np.floor(numbers) == numbers
            for row in np.flatnonzero(big)[:10_000].tolist():
                yield Text(f"row {row + 1}, column {name}", str(int(abs(numbers[row]))), numeric=True)
            continue
        else:
            continue
        encoded = pc.dictionary_encode(values).combine_chunks()
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        dictionary = encoded.dictionary.to_pylist()
        if not dictionary:
            continue
        first = np.full(len(dictionary), -1, dtype=np.int64)
        valid = ~pd.isna(indices) if indices.dtype.kind == "f" else np.ones(len(indices), dtype=bool)
        rows = np.flatnonzero(valid)
        codes = indices[valid].astype(np.int64)
        order = np.argsort(codes, kind="stable")
        unique_codes, at = np.unique(codes[order], return_index=True)
        first[unique_codes] = rows[order[at]]
        for code, value in enumerate(dictionary):
            if value:
                yield Text(f"row {int(first[code]) + 1}, column {name}", value)


def _line_texts(path: Path) -> Iterator[Text]:
    for number, line in enumerate(_decode(path.read_bytes()).splitlines(), start=1):
        if line.strip():
            yield Text(f"line {number}", _without_binary_data(line))


def _is_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(8192)
    return b"\0" not in head


def texts(path: Path) -> Iterator[Text]:
    """Every text of ``path`` as its kind of file holds them (see the module's docstring).

    Raises :class:`UnreadableFile` for a binary file of a kind the scan does not know.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return _html_texts(path)
    if suffix == ".pdf":
        return _pdf_texts(path)
    if suffix in XLSX_SUFFIXES:
        return _xlsx_texts(path)
    if suffix in (".csv", ".tsv"):
        return _csv_texts(path)
    if suffix in JSON_SUFFIXES:
        return _json_texts(path)
    if suffix == ".parquet":
        return parquet_texts(path)
    if not _is_text(path):
        raise UnreadableFile(f"{path}: a binary file the scan cannot read")
    return _line_texts(path)


class UnreadableFile(ValueError):
    """A file the scan cannot read (binary, of no known kind, or broken)."""


# --- the scan ------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    hits: list[Hit]
    files: int  # files read
    unreadable: list[str]  # files that could not be read (with the reason)


def scan_files(paths: list[Path], identifiers: set[str] | None = None) -> ScanResult:
    """Hits in every file under ``paths`` (files or folders), and the files that could not be read."""
    hits: list[Hit] = []
    unreadable: list[str] = []
    files: list[Path] = []
    for root in paths:
        root = Path(root)
        files += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        try:
            hits += _file_hits(path, identifiers)
        except UnreadableFile as exc:
            unreadable.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken file is reported, not a crash of the scan
            unreadable.append(f"{path}: could not be read ({type(exc).__name__})")
    return ScanResult(hits, len(files) - len(unreadable), unreadable)


def scan(paths: list[Path], identifiers: set[str] | None = None) -> list[Hit]:
    """Hits in every file under ``paths``."""
    return scan_files(paths, identifiers).hits


def _file_hits(path: Path, identifiers: set[str] | None) -> list[Hit]:
    hits = []
    for text in texts(path):
        where = None
        for finding in find_identities(text.text, numeric=text.numeric):
            where = where or mask_identities(text.where)  # a sheet's or a key's name may hold one too
            hits.append(Hit(path, finding.label, finding.masked, where))
        if identifiers:
            for token in sorted(set(TOKEN.findall(text.text)) & identifiers):
                where = where or _mask_tokens(mask_identities(text.where), identifiers)
                hits.append(Hit(path, "raw identifier", _mask(token), where))
    return hits


def _mask_tokens(text: str, identifiers: set[str]) -> str:
    return TOKEN.sub(lambda m: _mask(m.group()) if m.group() in identifiers else m.group(), text)


def _mask(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 2)
