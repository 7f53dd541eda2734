"""The key-figure table as files: ``nyckeltal.csv`` (also what ``snanalys nyckeltal`` prints)
and the Excel workbook for the meeting papers.

Every cell goes through :func:`snanalys.cells.safe_cell`: values are numeric cells (not
text), and no text cell can be run as a formula.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from snanalys.cells import format_value, safe_cell, safe_csv_writer
from snanalys.presentation import ROUNDED_FOOTNOTE_SV, ROUNDED_MARK, SUPPRESSED_MARK, is_missing
from snanalys.suppression import FOOTNOTE_SV

SHEET = "Nyckeltal"
HEADER = ("Mått (id)", "Beskrivning", "Värde", "Enhet", "Anmärkning")


def marked_rows(table: pd.DataFrame) -> list[tuple]:
    """(measure, value, unit, mark) per row: a hidden figure has no value and the mark X, a
    rounded one its rounded value and the mark "avrundat" (:func:`snanalys.disclosure.report.public_key_figures`)."""
    n = len(table)
    hidden = table["suppressed"] if "suppressed" in table else pd.Series(False, index=table.index)
    rounded = table["rounded_value"] if "rounded_value" in table else pd.Series([None] * n, index=table.index)
    out = []
    for measure, value, unit, h, r in zip(table["measure"], table["value"], table["unit"], hidden, rounded):
        if not is_missing(r):
            out.append((measure, r, unit, ROUNDED_MARK))
        elif h:
            out.append((measure, None, unit, SUPPRESSED_MARK))
        else:
            out.append((measure, value, unit, ""))
    return out


def mark_notes(marks) -> list[str]:
    """The footnote of each mark used, once (the workbook's, the command line's)."""
    return [
        note for mark, note in ((SUPPRESSED_MARK, FOOTNOTE_SV), (ROUNDED_MARK, ROUNDED_FOOTNOTE_SV)) if mark in marks
    ]


def key_figures_csv(table, *, synthetic: bool, period_label: str, preliminary: bool) -> str:
    """The machine-readable key figures: UTF-8, ``measure,value,unit,mark``, point decimals; a
    suppressed figure has an empty value and the mark ``X`` (the pages' and the workbook's)."""
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(["measure", "value", "unit", "mark"])
    for measure, value, unit, mark in marked_rows(table):
        writer.writerow([measure, format_value(value), unit, mark])
    writer.writerow(["period", period_label, "", ""])
    writer.writerow(["data_source", "synthetic" if synthetic else "real", "", ""])
    if preliminary:
        writer.writerow(["status", "preliminary", "", ""])
    return out.getvalue()


def key_figures_xlsx(
    public: pd.DataFrame, path: Path, *, synthetic: bool, period_label: str, municipality: str | None = None
) -> None:
    """The same rows as ``nyckeltal.csv``; suppressed values as the mark, with the footnote.

    ``municipality`` (e.g. ``Exempelkommun (0480)``) is named in a row below the table and
    in the workbook's title.
    """
    import openpyxl

    marked = marked_rows(public)
    rows = [
        (
            measure,
            label,
            SUPPRESSED_MARK if mark == SUPPRESSED_MARK else value,
            unit,
            mark if mark == ROUNDED_MARK else "",
        )
        for (measure, value, unit, mark), label in zip(marked, public["label_sv"])
    ]
    rows.append(("", "", None, ""))
    rows.append(("period", period_label, None, ""))
    if municipality:
        rows.append(("municipality", municipality, None, ""))
    rows.append(
        ("data_source", "syntetiska exempeldata – inga verkliga personer" if synthetic else "verkliga data", None, "")
    )
    rows += [("", note, None, "") for note in mark_notes({SUPPRESSED_MARK} | {mark for *_, mark in marked})]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append([None if isinstance(v, str) and v == "" else safe_cell(v) for v in row])
    book.properties.title = safe_cell(f"Nyckeltal {period_label}" + (f" – {municipality}" if municipality else ""))
    book.properties.creator = "snanalys"
    tmp = Path(path).with_suffix(".xlsx.tmp")
    book.save(tmp)
    tmp.replace(path)


def write_key_figure_tables(data, year: int, tertial: int, public_dir: Path, internal_dir: Path) -> None:
    """The report's tables: ``nyckeltal.csv`` and ``nyckeltal.xlsx`` (suppressed) in ``public_dir``,
    ``nyckeltal_unsuppressed.csv`` in ``internal_dir``."""
    from snanalys.disclosure.report import public_key_figures, report_protection
    from snanalys.key_figures import key_figures
    from snanalys.periods import year_to_date

    period = year_to_date(year, tertial)
    table = key_figures(data, period)
    public = public_key_figures(table, report_protection(data, year, tertial), period)
    synthetic = data.extract.synthetic
    (public_dir / "nyckeltal.csv").write_text(
        key_figures_csv(public, synthetic=synthetic, period_label=period.label, preliminary=False), encoding="utf-8"
    )
    key_figures_xlsx(
        public,
        public_dir / "nyckeltal.xlsx",
        synthetic=synthetic,
        period_label=period.label,
        municipality=f"{data.extract.municipality_name} ({data.extract.municipality_code})",
    )
    (internal_dir / "nyckeltal_unsuppressed.csv").write_text(
        key_figures_csv(table, synthetic=synthetic, period_label=period.label, preliminary=False), encoding="utf-8"
    )
