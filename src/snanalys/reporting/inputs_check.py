"""The report's pre-check: no text that can reach a public file may hold a personal identity.

Run before any notebook and before anything is written to ``reports/``
(:func:`snanalys.reporting.run._build_report`). Every text the report can print is read
and judged by the one rule of :mod:`snanalys.identity`:

* the extract's names and texts: ``extract.json`` of the processed data (the
  municipality's name is on every page and in the PDF's title) and the raw folder's
  ``uttag.json``;
* the commentary file of the period (``commentary/YYYY-TN.md``);
* the targets file the run uses (:func:`snanalys.targets.targets_path`);
* the mapping files in the municipality's raw folder, and the code labels of the
  package (:data:`LABEL_MODULES`: ``snanalys.codes`` and the labels of the key figures,
  accounts, placement forms …);
* the text columns of the processed tables (free text such as ``provider_id`` and the
  codes; data ingested before the ingest checked free text is caught here).

A finding stops the run with :class:`~snanalys.reporting.errors.ReportError` naming the
file, the line (or row and column, or key) and the kind, with the value masked.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from snanalys.identity import find_identities, mask_identities
from snanalys.reporting.errors import ReportError

#: Modules whose upper-case constants hold labels printed in the report.
LABEL_MODULES = (
    "snanalys.codes",
    "snanalys.measures.catalog",
    "snanalys.economy.ledger",
    "snanalys.economy.forecast",
    "snanalys.pages.placements",
    "snanalys.periods",
    "snanalys.targets",
)
MAX_LISTED = 5


@dataclass(frozen=True)
class InputFinding:
    file: str
    where: str  # "line 3", "key municipality_name (line 2)", "row 4, column provider_id", "VERKSAMHETER[NAMND]"
    label: str  # e.g. "personnummer (wrong check digit)"
    masked: str

    def __str__(self) -> str:
        # a key's or a file's name may hold an identity too
        return f"{mask_identities(self.file)}, {mask_identities(self.where)}: {self.label} {self.masked}"


def _lines(path: Path) -> Iterator[InputFinding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        for f in find_identities(line):
            yield InputFinding(str(path), f"line {number}", f.label, f.masked)


def _json(path: Path) -> Iterator[InputFinding]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        yield from _lines(path)
        return
    lines = text.splitlines()

    def line_of(fragment: str) -> str:
        for number, line in enumerate(lines, start=1):
            if fragment in line:
                return f" (line {number})"
        return ""

    def walk(value, key: str) -> Iterator[InputFinding]:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, f"{key}[{i}]")
        elif isinstance(value, str):
            for f in find_identities(value):
                yield InputFinding(str(path), f"key {key}{line_of(value[f.start : f.end])}", f.label, f.masked)

    yield from walk(data, "")


def _labels(module_name: str) -> Iterator[InputFinding]:
    module = importlib.import_module(module_name)
    source = Path(module.__file__)
    lines = source.read_text(encoding="utf-8").splitlines()

    def texts(value, key: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from texts(k, f"{key} (key)")
                yield from texts(v, f"{key}[{k}]")
        elif isinstance(value, (tuple, list, set, frozenset)):
            for i, v in enumerate(value):
                yield from texts(v, f"{key}[{i}]")
        else:
            for attribute in ("label_sv", "title", "unit"):
                if isinstance(getattr(value, attribute, None), str):
                    yield f"{key}.{attribute}", getattr(value, attribute)

    for name in sorted(vars(module)):
        if not name.isupper():
            continue
        for key, text in texts(getattr(module, name), name):
            for f in find_identities(text):
                fragment = text[f.start : f.end]
                line = next((f" (line {n})" for n, text in enumerate(lines, start=1) if fragment in text), "")
                yield InputFinding(str(source), f"{key}{line}", f.label, f.masked)


def _processed_text_columns(directory: Path) -> Iterator[InputFinding]:
    from snanalys.privacy import parquet_texts

    for path in sorted(Path(directory).glob("*.parquet")):
        for text in parquet_texts(path, skip=lambda column: column.endswith("_key")):
            for f in find_identities(text.text, numeric=text.numeric):
                yield InputFinding(str(path), text.where, f.label, f.masked)


def input_findings(data, *, year: int, tertial: int, data_dir: Path, commentary_dir: Path) -> list[InputFinding]:
    """Every identity in the texts a report of ``year``-T``tertial`` of ``data`` can print."""
    from snanalys.commentary import commentary_path
    from snanalys.targets import targets_path

    found: list[InputFinding] = []
    sources: list[Iterable[InputFinding]] = [_json(Path(data.directory) / "extract.json")]
    raw_dir = Path(data_dir) / "raw" / data.extract.municipality_code
    if (raw_dir / "uttag.json").is_file():
        sources.append(_json(raw_dir / "uttag.json"))
    commentary = commentary_path(commentary_dir, year, tertial)
    if commentary.is_file():
        sources.append(_lines(commentary))
    targets = targets_path()
    if targets.is_file():
        sources.append(_lines(targets))
    if raw_dir.is_dir():
        sources += [_lines(p) for p in sorted([*raw_dir.glob("*.yaml"), *raw_dir.glob("*.yml")])]
    sources += [_labels(name) for name in LABEL_MODULES]
    sources.append(_processed_text_columns(data.directory))
    for source in sources:
        found.extend(source)
    return found


def check_report_inputs(data, *, year: int, tertial: int, data_dir: Path, commentary_dir: Path) -> None:
    """Raise :class:`~snanalys.reporting.errors.ReportError` if any text the report can print
    holds a personal identity (see the module's docstring)."""
    found = input_findings(data, year=year, tertial=tertial, data_dir=data_dir, commentary_dir=commentary_dir)
    if not found:
        return
    listed = "; ".join(str(f) for f in found[:MAX_LISTED])
    more = f" (and {len(found) - MAX_LISTED} more)" if len(found) > MAX_LISTED else ""
    raise ReportError(
        f"the report's inputs hold what looks like personal data, so nothing was run or published: {listed}{more}. "
        "Remove it from the file named and run again."
    )
