"""``check_export``: what the ingest would make of one file: an export read through its mapping,
or a raw file (``data/raw/README.md``) as it is.

A raw file (no mapping; its name says its table, e.g. ``ekb_utbetalningar.csv``) is read by
the ingest's own reader (:func:`snanalys.ingest.reading.read_batch`) and named as the ingest
names it (``<folder>/<file>``), so a raw file the ingest accepts passes here, and one it
refuses is refused with the same message. An export in another shape is read as its
mapping says (:mod:`snanalys.ingest.mapping`) and turned into the raw format. Either way
the rows go through the ingest's checks (:func:`snanalys.ingest.validation.check_table`)
and rejected cells are reported as the ingest reports them
(:func:`snanalys.ingest.validation.located_problems`).

Nothing is written. The report says how many rows would be read, which columns were
found and how they map, which codes were translated, and which rows would be
rejected and why — file, row, column and what was expected, with identifier values
masked (:mod:`snanalys.ingest.errors`). A fault of the whole file (encoding,
separator, missing columns, decimal mark …) is reported as ``stopped``.

Not checked here (they need the whole extract): placement costs referring to
placements, and ``uttag.json``. The contracts' date bounds use ``extract_date``
(default: today); the municipality code is the mapping's constant ``kommunkod`` or
the export's most common one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from snanalys.ingest.contracts import Context, parsed_schemas
from snanalys.ingest.errors import IngestError, Problem, problem
from snanalys.ingest.extract import folder_name
from snanalys.ingest.mapping import Mapping, apply_mapping, load_mapping, map_codes, read_export, renamed_columns
from snanalys.ingest.reading import RawFile, read_batch
from snanalys.ingest.tables import SPECS
from snanalys.ingest.validation import check_table, located_problems
from snanalys.periods import today

MAX_LISTED = 50


@dataclass
class CheckReport:
    file: str
    table: str
    mapping: str  # the mapping file; "" for a raw file read as it is
    encoding: str | None = None
    rows: int = 0  # data rows in the export
    columns_found: list[str] = field(default_factory=list)
    columns_mapped: dict[str, str] = field(default_factory=dict)  # theirs → ours
    columns_ignored: list[str] = field(default_factory=list)
    codes_mapped: dict[str, dict[str, int]] = field(default_factory=dict)  # our column → {"their → ours": n}
    rejected_rows: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # expected → number of cells
    problems: list[Problem] = field(default_factory=list)  # the first MAX_LISTED
    stopped: list[Problem] = field(default_factory=list)  # a fault of the whole file
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return 0 if self.stopped else self.rows - self.rejected_rows

    @property
    def ok(self) -> bool:
        return not self.stopped and self.rejected_rows == 0

    @property
    def exit_code(self) -> int:
        """0 when every row would be read, 3 otherwise (the CLI's exit code for data faults)."""
        return 0 if self.ok else 3

    def text(self) -> str:
        how = f"mappning {self.mapping}" if self.mapping else "rådataformat, ingen mappning"
        lines = [f"{self.file} → {self.table} ({how})"]
        if self.encoding:
            lines.append(f"  teckenkodning: {self.encoding}")
        if self.columns_found:
            lines.append(f"  kolumner i filen: {len(self.columns_found)}")
            for theirs, ours in self.columns_mapped.items():
                lines.append(f"    {theirs} → {ours}")
            if self.columns_ignored:
                lines.append(f"  ignoreras: {', '.join(self.columns_ignored)}")
        for column, counts in self.codes_mapped.items():
            lines.append(f"  koder i {column}:")
            lines.extend(f"    {pair}: {n} rader" for pair, n in counts.items())
        lines.extend(f"  obs: {n}" for n in self.notes)
        if self.stopped:
            lines.append("  FILEN STOPPAS (inga rader läses):")
            lines.extend(f"    {p}" for p in self.stopped)
            return "\n".join(lines)
        lines.append(f"  rader: {self.rows}, skulle läsas: {self.rows_read}, skulle avvisas: {self.rejected_rows}")
        if self.reasons:
            lines.append("  skäl:")
            lines.extend(f"    {n} × {reason}" for reason, n in self.reasons.items())
            lines.append("  avvisade celler:")
            lines.extend(f"    {p}" for p in self.problems)
            if sum(self.reasons.values()) > len(self.problems):
                lines.append(f"    … (de första {len(self.problems)} visas)")
        return "\n".join(lines)


def check_export(
    file: Path | str,
    mapping: Mapping | Path | str | None = None,
    *,
    extract_date: dt.date | None = None,
    municipality_code: str | None = None,
) -> CheckReport:
    """Check ``file`` read through ``mapping`` (a :class:`Mapping` or a path to one), or, without a
    mapping, as a raw file of the ingest (its name says its table); writes nothing."""
    file = Path(file)
    if mapping is None:
        return _check_raw_file(file, extract_date=extract_date, municipality_code=municipality_code)
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    report = CheckReport(file=file.name, table=mapping.table, mapping=mapping.source or "<mappning>")
    if not mapping.matches(file):
        report.notes.append(f'filnamnet passar inte mappningens file: "{mapping.file}"')
    try:
        export = read_export(file, mapping, file.name)
        report.encoding, report.rows = export.encoding, len(export.frame)
        report.columns_found = list(export.frame.columns)
        report.columns_mapped = renamed_columns(export.frame.columns, mapping)
        report.columns_ignored = [c for c in export.frame.columns if c not in report.columns_mapped]
        for column, codes in mapping.codes.items():
            theirs = {v: k for k, v in report.columns_mapped.items()}.get(column)
            if theirs is None:
                continue
            values = export.frame[theirs]
            mapped = map_codes(values, codes)
            changed = values != mapped
            counts = Counter(zip(values[changed], mapped[changed]))
            report.codes_mapped[column] = {f"{a} → {b}": n for (a, b), n in sorted(counts.items())}
        text = apply_mapping(export.frame, mapping, file.name)
        raw = RawFile(file.name, file, text, export.encoding, "")
        _check_rows(report, mapping.spec, raw, extract_date, municipality_code or mapping.constants.get("kommunkod"))
    except IngestError as exc:
        report.stopped = list(exc.problems)
    return report


def _check_raw_file(file: Path, *, extract_date: dt.date | None, municipality_code: str | None) -> CheckReport:
    """A raw file, read and named as the ingest reads and names it."""
    name = f"{folder_name(file.parent)}/{file.name}"
    spec = _RAW_FILES.get((file.stem, file.suffix.lower()))
    report = CheckReport(file=name, table=spec.table if spec else "?", mapping="")
    if spec is None:
        listed = ", ".join(f"{s.stem}.csv" for s in SPECS.values())
        report.stopped = [problem(name, f"väntade en rådatafil ({listed}, eller .xlsx) eller en mappning (--mapping)")]
        return report
    try:
        batch = read_batch([(file, name)], spec.raw_columns)
        if batch.files[0].error is not None:
            raise batch.files[0].error
        raw = batch.raw_file(0)
        report.encoding, report.rows = raw.encoding, raw.rows
        report.columns_found = list(raw.frame.columns)
        report.notes.extend(raw.warnings)
        _check_rows(report, spec, raw, extract_date, municipality_code)
    except IngestError as exc:
        report.stopped = list(exc.problems)
    return report


#: The raw files by (stem, suffix): the names the ingest looks for (:func:`snanalys.ingest.reading.locate`).
_RAW_FILES = {(s.stem, suffix): s for s in SPECS.values() for suffix in (".csv", ".xlsx")}


def _check_rows(report: CheckReport, spec, raw: RawFile, extract_date: dt.date | None, code: str | None) -> None:
    """The ingest's checks of the rows of ``raw`` (raw-format text), into ``report``."""
    text = raw.frame
    ctx = Context(code or _most_common(text["kommunkod"]), extract_date or today())
    frame, failures = check_table(spec, text, parsed_schemas(ctx)[spec.table], raw.name)
    if spec.references:
        listed = ", ".join(f"{spec.raw_name_of(r.column)} finns i {SPECS[r.table].stem}" for r in spec.references)
        report.notes.append(f"att {listed} kontrolleras först vid inläsningen")
    located = failures[failures["index"].notna()]
    if len(failures) > len(located):
        raise IngestError([problem(raw.name, "internt fel: ett fel utan rad (kontakta utvecklarna)")])
    located = located.drop_duplicates(["index", "column"], keep="first")
    report.rejected_rows = int(located["index"].nunique())
    report.reasons = {str(k): int(v) for k, v in located["expected"].value_counts().items()}
    report.problems, _ = located_problems(spec, raw, located, MAX_LISTED)


def _most_common(values: pd.Series) -> str:
    counts = values[values != ""].value_counts()
    return str(counts.index[0]) if len(counts) else ""
