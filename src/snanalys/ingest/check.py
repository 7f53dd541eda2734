"""``check_export``: what the ingest would make of one export, read through its mapping.

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

from snanalys.ingest import checks
from snanalys.ingest.contracts import Context, parsed_schemas
from snanalys.ingest.errors import IngestError, Problem, problem
from snanalys.ingest.mapping import Mapping, apply_mapping, load_mapping, map_codes, read_export, renamed_columns
from snanalys.ingest.validation import check_table
from snanalys.periods import today

MAX_LISTED = 50


@dataclass
class CheckReport:
    file: str
    table: str
    mapping: str
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
        lines = [f"{self.file} → {self.table} (mappning {self.mapping})"]
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
    mapping: Mapping | Path | str,
    *,
    extract_date: dt.date | None = None,
    municipality_code: str | None = None,
) -> CheckReport:
    """Check ``file`` read through ``mapping`` (a :class:`Mapping` or a path to one); writes nothing."""
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    file = Path(file)
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
        code = municipality_code or mapping.constants.get("kommunkod") or _most_common(text["kommunkod"])
        ctx = Context(code, extract_date or today())
        frame, failures = check_table(mapping.spec, text, parsed_schemas(ctx)[mapping.table], file.name)
    except IngestError as exc:
        report.stopped = list(exc.problems)
        return report
    if mapping.table == "placement_costs":
        report.notes.append("att placerings_id finns i placeringar kontrolleras först vid inläsningen")
    located = failures[failures["index"].notna()].drop_duplicates(["index", "column"], keep="first")
    if len(failures) > len(failures[failures["index"].notna()]):
        report.stopped = [problem(file.name, "internt fel: ett fel utan rad (kontakta utvecklarna)")]
        return report
    report.rejected_rows = int(located["index"].nunique())
    report.reasons = {str(k): int(v) for k, v in located["expected"].value_counts().items()}
    located = located.sort_values(["index"], kind="stable")
    for record in located.head(MAX_LISTED).to_dict("records"):
        raw_column = mapping.spec.raw_name_of(record["column"])
        index = int(record["index"])
        value = None if record["expected"] == checks.EXPECT_FORMULA else text.at[index, raw_column]
        report.problems.append(problem(file.name, record["expected"], row=index + 2, column=raw_column, value=value))
    return report


def _most_common(values: pd.Series) -> str:
    counts = values[values != ""].value_counts()
    return str(counts.index[0]) if len(counts) else ""
