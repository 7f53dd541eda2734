"""What a report published, as a public file, and read back by the next report's audit.

Every report writes ``tabelldata.csv`` beside its pages: one row per number its pages print
(the cells :func:`snanalys.report_cells.published_cells` declares and the protection covers),
with the value as printed, empty where it is hidden (mark ``X``), the rounded value where the
protection rounds it (mark ``avrundat``; the pages print "ca 800" or, where they cannot, X).
It is the report's open data and, read back from ``reports/`` and ``reports/archive/``, what
the next report's protection takes as known to every reader (:func:`read_published`): a number
shown before stays shown (if its value is the same), one hidden before stays hidden, one
rounded before stays rounded (a reader knows it to ±5). A number shown before with another value (a revision) is left to
the reader's knowledge as a number of its own: the current cell is free.

The values are compared as the file writes them (:func:`snanalys.cells.format_value`), so a
number printed with two decimals matches the true value it was printed from.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from snanalys.cells import format_value, safe_csv_writer
from snanalys.measures.catalog import BY_ID
from snanalys.presentation import ROUNDED_MARK, SUPPRESSED_MARK

FILE_NAME = "tabelldata.csv"
HIDDEN_MARK = SUPPRESSED_MARK
COLUMNS = (
    "report", "id", "measure", "label", "start", "end", "by", "key", "value", "unit", "mark", "data_source",
    "revised_from",
)  # fmt: skip
_YEAR = re.compile(r"\d{4}")
#: The mark beside a figure the previous report of the same period printed with another value.
REVISED_SV = "reviderad"


class PublishedFileError(ValueError):
    """A published ``tabelldata.csv`` that cannot be read as one (names file, row and column)."""


@dataclass(frozen=True)
class Published:
    """What one report published: ``shown`` id → the value as printed, ``hidden`` the ids shown as X."""

    report: str
    shown: dict[str, str] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    #: id → the rounded value as printed ("ca 800": "800")
    rounded: dict[str, str] = field(default_factory=dict)

    def rounded_to(self, cell_id: str) -> float | None:
        """The rounded value this report printed for ``cell_id``, if it printed it rounded."""
        printed = self.rounded.get(cell_id)
        return None if printed is None else float(printed)

    def showed(self, cell_id: str, value: float) -> bool:
        """Whether this report printed ``cell_id`` with ``value`` (as the file writes it)."""
        printed = self.shown.get(cell_id)
        return printed is not None and printed == format_value(value)


def published_rows(protection, report: str, *, synthetic: bool) -> list[list]:
    """The rows of ``tabelldata.csv`` for ``protection`` (its table's cells with a value)."""
    cells = protection.table.cells
    rows = []
    source = "synthetic" if synthetic else "real"
    for cell_id, measure, start, end, by, key, value, unit, period in zip(
        cells["id"], cells["measure"], cells["start"], cells["end"], cells["by"], cells["key"],
        cells["value"], cells["unit"], cells["period"],
    ):  # fmt: skip
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        kolada = measure in BY_ID and BY_ID[measure].source == "kolada"  # real public statistics, per calendar year
        if kolada and _YEAR.fullmatch(str(period)):
            start, end = f"{period}-01-01", f"{period}-12-31"
        if protection.printed and cell_id not in protection.printed:  # an earlier report's number
            continue
        if cell_id in protection.hidden:
            shown, mark = "", HIDDEN_MARK
        elif cell_id in protection.rounded:
            shown, mark = format_value(protection.rounded[cell_id]), ROUNDED_MARK
        else:
            shown, mark = format_value(value), ""
        label = BY_ID[measure].label_sv if measure in BY_ID else measure
        public_statistics = kolada or (measure in BY_ID and BY_ID[measure].source == "socialstyrelsen")
        origin = "real" if public_statistics else source
        before = protection.revised.get(cell_id, ("", ""))[0] if mark == "" else ""
        rows.append(
            [report, cell_id, measure, label, start or "", end or "", by, key, shown, unit, mark, origin, before]
        )
    return rows


def revisions(protection, previous: Published, report: str) -> dict[str, tuple[str, str]]:
    """The figures ``previous`` (the last report of the same period) printed that this report prints
    with another value: id → (then, now), as the files write them. Only figures shown in both: one
    hidden in either has no published value to revise."""
    out = {}
    for row in published_rows(protection, report, synthetic=False):
        cell_id, value, mark = row[1], row[8], row[10]
        before = previous.shown.get(cell_id)
        if mark == "" and before is not None and before != value:
            out[cell_id] = (before, value)
    return out


def write_published(protection, path: Path, report: str, *, synthetic: bool) -> None:
    """``tabelldata.csv``, written whole or not at all."""
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(COLUMNS)
    for row in published_rows(protection, report, synthetic=synthetic):
        writer.writerow(row)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    os.replace(tmp, path)


def read_published_file(path: Path) -> Published:
    """One report's published numbers, read back from its ``tabelldata.csv``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishedFileError(f"{path}: could not be read ({exc})") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    missing = [c for c in ("report", "id", "value", "mark") if header is None or c not in header]
    if missing:
        raise PublishedFileError(f"{path}, row 1: missing column(s) {', '.join(missing)}")
    at = {name: i for i, name in enumerate(header)}
    shown: dict[str, str] = {}
    rounded: dict[str, str] = {}
    hidden: set[str] = set()
    report = ""
    for number, row in enumerate(reader, start=2):
        if len(row) != len(header):
            raise PublishedFileError(f"{path}, row {number}: {len(row)} fields, the header has {len(header)}")
        cell_id, value, mark = row[at["id"]], row[at["value"]], row[at["mark"]]
        report = report or row[at["report"]]
        if not cell_id:
            raise PublishedFileError(f"{path}, row {number}, column id: empty")
        if mark == HIDDEN_MARK:
            if value:
                raise PublishedFileError(f"{path}, row {number}, column value: a hidden cell with a value")
            hidden.add(cell_id)
            continue
        if mark not in ("", ROUNDED_MARK):
            raise PublishedFileError(f"{path}, row {number}, column mark: unknown mark {mark!r}")
        try:
            float(value)
        except ValueError:
            raise PublishedFileError(f"{path}, row {number}, column value: not a number: {value!r}") from None
        (rounded if mark == ROUNDED_MARK else shown)[cell_id] = value
    return Published(report or path.parent.name, shown, frozenset(hidden), rounded)


def read_published(reports_dir: Path, *, skip: tuple[Path, ...] = ()) -> list[Published]:
    """Every report published in ``reports_dir`` (one municipality's): ``<period>/`` and
    ``archive/<period>-vN/``, any year, oldest label first."""
    reports_dir = Path(reports_dir)
    files = sorted(reports_dir.glob(f"*/{FILE_NAME}")) + sorted(reports_dir.glob(f"archive/*/{FILE_NAME}"))
    skipped = {Path(p).resolve() for p in skip}
    return [
        read_published_file(f)
        for f in files
        if not f.parent.name.startswith((".", "_")) and f.parent.resolve() not in skipped
    ]
