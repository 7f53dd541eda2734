"""Mapping files: how one municipality's export of a table maps to the raw format.

A mapping is a small YAML file (examples in ``data/raw/examples/``)::

    table: payments                 # the table (or the raw file stem, ekb_utbetalningar)
    file: "Utbetalningar_*.csv"     # the export's file name or a glob pattern
    sheet: Utbetalningar            # .xlsx only: the sheet (default: the first)
    encoding: cp1252                # .csv only: utf-8 (a BOM is accepted) or cp1252 …
    separator: ";"                  # .csv only
    decimal: ","                    # "," or "."
    thousands: " "                  # "", " ", ".", "," or "'" (spaces are always accepted)
    date_format: "%d.%m.%Y"         # strftime of dates (default %Y-%m-%d)
    month_format: "%Y%m"            # strftime of months (default %Y-%m; a date is accepted too)
    columns: {Ärendenr: hushalls_id, …}          # their column → ours
    codes: {hushallstyp: {"Ensamstående utan barn": ENSAM_UTAN_BARN}}  # per our column
    constants: {kommunkod: "0480"}               # columns the export lacks

:func:`load_mapping` validates it and raises :class:`MappingError` naming the key;
:func:`read_export` reads the export as text; :func:`apply_mapping` turns that text
into the raw format of ``data/raw/README.md`` (our column names, ISO dates, decimal
comma, our codes), which the ingest's own checks then judge
(:func:`snanalys.ingest.check.check_export`). Values that cannot be converted are
left as they are, so that the checks report them with file, row and column.
Row numbers are as in the export (header = row 1; the sheet row for .xlsx).
"""

from __future__ import annotations

import codecs
import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from snanalys.ingest import parsing, tables
from snanalys.ingest.errors import IngestError, problem
from snanalys.ingest.reading import encoding_problem, regular_file
from snanalys.ingest.tables import SPECS, TableSpec

KEYS = (
    "table",
    "file",
    "sheet",
    "encoding",
    "separator",
    "decimal",
    "thousands",
    "date_format",
    "month_format",
    "columns",
    "codes",
    "constants",
    "description",
)
_DECIMALS = (",", ".")
_THOUSANDS = ("", " ", ".", ",", "'")
_CODE_KINDS = (tables.CODE, tables.YES_NO)


class MappingError(ValueError):
    """A mapping file that cannot be used; names the file and the key."""

    def __init__(self, path: str, key: str, message: str) -> None:
        self.path, self.key = path, key
        super().__init__(f'{path}: nyckel "{key}": {message}')


@dataclass(frozen=True)
class Mapping:
    """One export's mapping to the raw format of one table."""

    table: str
    file: str = "*"
    sheet: str | None = None
    encoding: str = "utf-8"
    separator: str = ";"
    decimal: str = ","
    thousands: str = " "
    date_format: str = "%Y-%m-%d"
    month_format: str = "%Y-%m"
    columns: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def spec(self) -> TableSpec:
        return SPECS[self.table]

    def matches(self, file: Path | str) -> bool:
        """The file's name fits the mapping's ``file`` (a name or glob pattern, case-insensitive)."""
        return fnmatch.fnmatch(Path(file).name.lower(), self.file.lower())


# --- loading -------------------------------------------------------------------------------------


def load_mapping(path: Path | str) -> Mapping:
    """Read and validate a mapping file (YAML)."""
    import yaml

    path = Path(path)
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(name, "(fil)", f"filen kunde inte läsas ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise MappingError(name, "(fil)", "väntade en YAML-fil i UTF-8") from None
    return mapping_from_dict(data, name)


def mapping_from_dict(data: object, name: str = "<mappning>") -> Mapping:
    """Validate a mapping given as a dict (as read from YAML)."""
    if not isinstance(data, dict):
        raise MappingError(name, "(fil)", "väntade nycklar som table, file, columns …")
    for key in data:
        if key not in KEYS:
            raise MappingError(name, str(key), f"okänd nyckel (tillåtna: {', '.join(KEYS)})")

    def text(key: str, default: str | None, allowed=None, *, empty_ok: bool = False) -> str | None:
        value = data.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or (not empty_ok and value == ""):
            raise MappingError(name, key, "väntade en text")
        if allowed is not None and value not in allowed:
            raise MappingError(name, key, "väntade en av " + ", ".join(f'"{a}"' for a in allowed))
        return value

    table = data.get("table")
    if table is None:
        raise MappingError(name, "table", "nyckeln saknas (väntade en av " + ", ".join(SPECS) + ")")
    stems = {s.stem: t for t, s in SPECS.items()}
    table = stems.get(table, table)
    if table not in SPECS:
        raise MappingError(name, "table", "väntade en av " + ", ".join(SPECS))
    spec = SPECS[table]
    raw_columns = spec.raw_columns
    kinds = {f.raw: f.kind for f in spec.fields}

    encoding = text("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise MappingError(name, "encoding", "okänd teckenkodning") from None
    separator = text("separator", ";")
    if len(separator) != 1:
        raise MappingError(name, "separator", "väntade ett enda tecken")
    decimal = text("decimal", ",", _DECIMALS)
    thousands = text("thousands", " ", _THOUSANDS, empty_ok=True)
    if thousands == decimal:
        raise MappingError(name, "thousands", "tusentalsavgränsaren kan inte vara decimaltecknet")
    formats = {}
    for key, default in (("date_format", "%Y-%m-%d"), ("month_format", "%Y-%m")):
        fmt = text(key, default)
        try:
            probe = dt.date(2025, 11, 23).strftime(fmt)
            dt.datetime.strptime(probe, fmt)
        except ValueError:
            raise MappingError(name, key, "väntade ett strftime-format, t.ex. %d.%m.%Y") from None
        formats[key] = fmt

    columns = _str_dict(data.get("columns", {}), name, "columns")
    for theirs, ours in columns.items():
        if ours not in raw_columns:
            raise MappingError(name, f"columns.{theirs}", f"väntade en av kolumnerna {', '.join(raw_columns)}")
    if len(set(columns.values())) != len(columns):
        twice = sorted({c for c in columns.values() if list(columns.values()).count(c) > 1})
        raise MappingError(name, "columns", f"flera kolumner mappas till {', '.join(twice)}")

    codes_in = data.get("codes", {}) or {}
    if not isinstance(codes_in, dict):
        raise MappingError(name, "codes", "väntade kolumn: {deras kod: vår kod}")
    codes: dict[str, dict[str, str]] = {}
    for column, values in codes_in.items():
        if kinds.get(column) not in _CODE_KINDS:
            code_columns = [c for c in raw_columns if kinds[c] in _CODE_KINDS]
            raise MappingError(name, f"codes.{column}", f"väntade en kodkolumn: {', '.join(code_columns)}")
        codes[column] = _str_dict(values, name, f"codes.{column}")

    constants = _str_dict(data.get("constants", {}), name, "constants")
    for column in constants:
        if column not in raw_columns:
            raise MappingError(name, f"constants.{column}", f"väntade en av kolumnerna {', '.join(raw_columns)}")

    return Mapping(
        table=table,
        file=text("file", "*"),
        sheet=text("sheet", None),
        encoding=encoding,
        separator=separator,
        decimal=decimal,
        thousands=thousands,
        date_format=formats["date_format"],
        month_format=formats["month_format"],
        columns=columns,
        codes=codes,
        constants=constants,
        source=name,
    )


def _str_dict(value: object, name: str, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(name, key, "väntade nyckel: värde-par")
    out = {}
    for k, v in value.items():
        if isinstance(v, bool) or not isinstance(v, (str, int)) or isinstance(k, (dict, list)):
            raise MappingError(name, f"{key}.{k}", "väntade en text (sätt citattecken kring koder som 0480)")
        out[str(k).strip()] = str(v).strip()
    return out


# --- reading the export ---------------------------------------------------------------------------


@dataclass
class Export:
    """An export read as text: its own column names, cells stripped, blank rows dropped."""

    name: str
    frame: pd.DataFrame  # index: 0-based data row (file row = index + 2)
    encoding: str


def read_export(path: Path | str, mapping: Mapping, display_name: str | None = None) -> Export:
    """Read the export (``.csv`` or ``.xlsx``) as text, as the mapping says."""
    path = Path(path)
    name = display_name or path.name
    if not regular_file(path, name):
        raise IngestError.single(name, "filen saknas")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame, encoding = _read_xlsx(path, mapping, name), "xlsx"
    else:
        frame, encoding = _read_csv(path, mapping, name), mapping.encoding
    blank = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        blank &= (frame[c] == "").to_numpy(dtype=bool)
    frame = frame.loc[~blank]
    if frame.empty:
        raise IngestError.single(name, "filen har bara en rubrikrad och inga datarader", row=1)
    return Export(name, frame, encoding)


def _read_csv(path: Path, mapping: Mapping, name: str) -> pd.DataFrame:
    import csv

    data = path.read_bytes()
    declared = codecs.lookup(mapping.encoding).name
    reason = None if declared.startswith(("utf-16", "utf-32")) else encoding_problem(data[:256])
    if reason:
        raise IngestError.single(name, f"{reason} (eller ange encoding i mappningen)", row=1)
    encoding = "utf-8-sig" if declared == "utf-8" else mapping.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise IngestError.single(
            name, f"filen kan inte läsas med teckenkodningen {mapping.encoding} (se encoding i mappningen)", row=row
        ) from None
    if not text.strip():
        raise IngestError.single(name, "filen är tom (väntade en rubrikrad)")
    lines = text.splitlines()
    rows = list(csv.reader(lines, delimiter=mapping.separator))
    header = [c.strip() for c in rows[0]] if rows else []
    if len(header) <= 1:
        raise IngestError.single(
            name, f'väntade "{mapping.separator}" som avgränsare mellan kolumnerna i rubrikraden (se separator)', row=1
        )
    body = rows[1:]
    problems = [
        problem(name, f"väntade {len(header)} fält (som i rubrikraden), fick {len(r)}", row=i + 2)
        for i, r in enumerate(body)
        if r and len(r) != len(header)
    ]
    if problems:
        raise IngestError(problems[:5], total=len(problems))
    body = [r if r else [""] * len(header) for r in body]
    frame = pd.DataFrame(body, columns=header, dtype=object).fillna("")
    for c in frame.columns:
        frame[c] = frame[c].astype(parsing.TEXT_DTYPE).str.strip()
    return _unique_columns(frame, name)


def _unique_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    seen = [c for c in frame.columns if c != ""]
    twice = sorted({c for c in seen if seen.count(c) > 1})
    if twice:
        raise IngestError(
            [problem(name, "kolumnen förekommer flera gånger i rubrikraden", row=1, column=c) for c in twice]
        )
    return frame.loc[:, [c for c in frame.columns if c != ""]]


def _xlsx_text(value: object, mapping: Mapping) -> str:
    """A cell as text in the export's own conventions (so one conversion serves CSV and xlsx)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "J" if value else "N"
    if isinstance(value, dt.datetime):
        return value.strftime(mapping.date_format)
    if isinstance(value, dt.date):
        return value.strftime(mapping.date_format)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{round(value, 2)!r}".replace(".", mapping.decimal)
    return str(value).strip()


def _read_xlsx(path: Path, mapping: Mapping, name: str) -> pd.DataFrame:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise IngestError.single(name, "filen kunde inte läsas som en Excel-arbetsbok (.xlsx)") from None
    try:
        if mapping.sheet is not None:
            if mapping.sheet not in workbook.sheetnames:
                shown = ", ".join(workbook.sheetnames[:10])
                raise IngestError.single(name, f'bladet "{mapping.sheet}" saknas (arbetsboken har {shown})')
            sheet = workbook[mapping.sheet]
        else:
            sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            raise IngestError.single(name, "bladet är tomt (väntade en rubrikrad)", row=1)
        names = ["" if v is None else str(v).strip() for v in header]
        width = len(names)
        body = [[_xlsx_text(v, mapping) for v in (tuple(r) + (None,) * (width - len(r)))[:width]] for r in rows]
    finally:
        workbook.close()
    frame = pd.DataFrame(body, columns=names, dtype=object) if body else pd.DataFrame(columns=names)
    for c in frame.columns:
        frame[c] = frame[c].astype(parsing.TEXT_DTYPE)
    return _unique_columns(frame, name)


# --- applying the mapping -------------------------------------------------------------------------


def renamed_columns(export_columns, mapping: Mapping) -> dict[str, str]:
    """Their column → ours, for the export's columns (case-insensitive; our own names pass)."""
    wanted = {k.casefold(): v for k, v in mapping.columns.items()}
    ours = set(mapping.spec.raw_columns)
    out = {}
    for c in export_columns:
        if c.casefold() in wanted:
            out[c] = wanted[c.casefold()]
        elif c.lower() in ours and c.lower() not in mapping.columns.values():
            out[c] = c.lower()
    return out


def apply_mapping(frame: pd.DataFrame, mapping: Mapping, file: str = "<export>") -> pd.DataFrame:
    """The export's text in the raw format of ``mapping.table`` (columns in the README's order).

    Raises :class:`IngestError` (row 1) for columns neither in the export nor constant.
    """
    spec = mapping.spec
    renames = renamed_columns(frame.columns, mapping)
    out = frame.loc[:, list(renames)].rename(columns=renames)
    for column, value in mapping.constants.items():
        out[column] = pd.Series(value, index=frame.index, dtype=parsing.TEXT_DTYPE)
    missing = [c for c in spec.raw_columns if c not in out.columns]
    if missing:
        theirs = {v: k for k, v in mapping.columns.items()}
        problems = [
            problem(
                file,
                f'kolumnen saknas (väntade "{theirs[c]}" enligt mappningen)'
                if c in theirs
                else "kolumnen saknas och mappningen anger ingen kolumn för den (columns eller constants)",
                row=1,
                column=c,
            )
            for c in missing
        ]
        raise IngestError(problems, total=len(problems))
    kinds = {f.raw: f.kind for f in spec.fields}
    result = {}
    for column in spec.raw_columns:
        values = parsing.as_text(out[column]).fillna("").str.strip()
        kind = kinds[column]
        if column in mapping.codes:
            values = map_codes(values, mapping.codes[column])
        if kind == tables.DATE:
            values = _convert_dates(values, [mapping.date_format], "%Y-%m-%d")
        elif kind == tables.MONTH:
            values = _convert_dates(values, [mapping.month_format, mapping.date_format], "%Y-%m")
        elif kind == tables.AMOUNT:
            values = convert_amounts(values, mapping.decimal, mapping.thousands)
        result[column] = values
    return pd.DataFrame(result, index=frame.index)


def map_codes(values: pd.Series, codes: dict[str, str]) -> pd.Series:
    """Their codes replaced by ours (case-insensitive); other values kept (the checks judge them)."""
    lookup = {k.casefold(): v for k, v in codes.items()}
    mapped = values.str.casefold().map(lookup)
    return values.where(mapped.isna(), mapped).astype(parsing.TEXT_DTYPE)


def _convert_dates(values: pd.Series, formats: list[str], target: str) -> pd.Series:
    if formats[0] == target and len(formats) == 1:
        return values
    result = values.copy()
    todo = values != ""
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(values.where(todo), format=fmt, errors="coerce")
        ok = parsed.notna() & todo
        if ok.any():
            result = result.where(~ok, parsed.dt.strftime(target))
        todo &= ~ok
    return result.astype(parsing.TEXT_DTYPE)


def convert_amounts(values: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """Amounts written with ``decimal`` and ``thousands`` in the raw format (decimal comma)."""
    if decimal == "," and thousands in ("", " "):
        return values  # the raw format's own (spaces are accepted there)
    text = values
    for space in (" ", "\u00a0", "\u202f", "\u2009"):
        text = text.str.replace(space, "", regex=False)
    text = text.str.replace("\u2212", "-", regex=False)
    t = "" if thousands in ("", " ") else thousands
    d = "\\" + decimal
    if t:
        pattern = rf"-?(\d+|\d{{1,3}}(\{t}\d{{3}})+)({d}\d{{1,2}})?"
    else:
        pattern = rf"-?\d+({d}\d{{1,2}})?"
    ok = parsing.fullmatch(text, pattern)
    if t:
        text = text.str.replace(t, "", regex=False)
    text = text.str.replace(decimal, ",", regex=False)
    return values.where(~ok, text).astype(parsing.TEXT_DTYPE)
