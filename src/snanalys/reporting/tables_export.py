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
from snanalys.disclosure.published import REVISED_SV
from snanalys.pages.group_labels import group_label
from snanalys.presentation import (
    ROUNDED_FOOTNOTE_SV,
    ROUNDED_MARK,
    SUPPRESSED_MARK,
    decimals_of,
    format_decimal_sv,
    is_missing,
)
from snanalys.suppression import FOOTNOTE_SV

SHEET = "Nyckeltal"
HEADER = ("Mått (id)", "Beskrivning", "Värde", "Enhet", "Anmärkning")


#: The workbook's number format by unit: thousands separated, decimals as on the pages
#: (:func:`snanalys.presentation.decimals_of`), shares with their per cent sign.
def number_format(unit: str, decimals: int | None = None) -> str:
    """``decimals``: the measure's own (``Measure.decimals``), else the unit's."""
    decimals = decimals_of(unit) if decimals is None else decimals
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return pattern + '" %"' if unit == "procent" else pattern


#: One sheet per kind of table the report prints (its split), named in Swedish.
SPLIT_SHEETS = {
    "": "Totaler och månader",
    "applicant_sex": "Efter sökandens kön",
    "sex": "Efter kön",
    "reason": "Försörjningshinder",
    "reason × sex": "Försörjningshinder och kön",
    "form": "Efter placeringsform",
    "target_group × form × provider_type": "Målgrupp, form och regi",
    "key": "Ekonomins tabeller",
    "series": "Jämförelser (Kolada)",
    "indicator": "Mål",
}
SPLIT_HEADER = ("Mått (id)", "Beskrivning", "Från", "Till", "Grupp", "Värde", "Enhet", "Anmärkning")
ABOUT_SHEET = "Om rapporten"


def _style(sheet, header: tuple[str, ...], value_column: int | None, units: list[tuple[str, int | None]]) -> None:
    """Bold, frozen header with a filter; each value its unit's number format; widths that fit."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    if value_column is not None:
        for row, (unit, decimals) in enumerate(units, start=2):
            cell = sheet.cell(row, value_column)
            if isinstance(cell.value, (int, float)):
                cell.number_format = number_format(unit, decimals)
    for column in range(1, len(header) + 1):
        texts = [str(c.value) for c in sheet[get_column_letter(column)] if c.value is not None]
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(8, *(len(t) + 2 for t in texts)))


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
    public: pd.DataFrame,
    path: Path,
    *,
    synthetic: bool,
    period_label: str,
    municipality: str | None = None,
    tables: list[list] | None = None,
) -> None:
    """The workbook for people: a first sheet saying what it is (period, municipality, source,
    the synthetic-data notice, the suppression rule), the key figures (the rows of
    ``nyckeltal.csv``) and, with ``tables`` (the rows of ``tabelldata.csv``), one sheet per
    kind of table the report prints (:data:`SPLIT_SHEETS`). Headers bold and frozen, values
    numeric with their unit's format, hidden values ``X`` with the footnote saying why.

    ``municipality`` (e.g. ``Exempelkommun (0480)``) is named on the first sheet, below the
    key figures and in the workbook's title.
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
    units = [(unit, _decimals(measure)) for measure, _, unit, _ in marked]
    notes = mark_notes({SUPPRESSED_MARK} | {mark for *_, mark in marked})
    source = "syntetiska exempeldata – inga verkliga personer" if synthetic else "verkliga data"

    book = openpyxl.Workbook()
    about = book.active
    about.title = ABOUT_SHEET
    about.append(["Uppgift", "Värde"])
    for row in (
        ("Rapport", f"Socialnämndens tertialuppföljning {period_label}"),
        ("Kommun", municipality or ""),
        ("Period", period_label),
        ("Källa", "Verksamhetssystemens uttag (ekonomiskt bistånd, placeringar), ekonomisystemet, Kolada"),
        ("Data", source),
        *(("Röjandeskydd", note) for note in notes),
        ("Flikar", "; ".join([SHEET, *(SPLIT_SHEETS[b] for b in _splits_of(tables or []))])),
    ):
        about.append([safe_cell(v) if v else None for v in row])
    _style(about, ("Uppgift", "Värde"), None, [])

    sheet = book.create_sheet(SHEET)
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append([None if isinstance(v, str) and v == "" else safe_cell(v) for v in row])
    _style(sheet, HEADER, 3, units)
    sheet.auto_filter.ref = f"A1:E{len(rows) + 1}"
    sheet.append([])
    sheet.append(["period", period_label])
    if municipality:
        sheet.append(["municipality", safe_cell(municipality)])
    sheet.append(["data_source", source])
    for note in notes:
        sheet.append([None, note])

    by_split: dict[str, list[list]] = {}
    for row in tables or []:
        by_split.setdefault(row[6], []).append(row)
    for split in _splits_of(tables or []):
        split_sheet = book.create_sheet(SPLIT_SHEETS[split])
        split_sheet.append(list(SPLIT_HEADER))
        split_units = []
        for _report, _id, measure, label, start, end, _by, key, value, unit, mark, _source, before in by_split[split]:
            shown = SUPPRESSED_MARK if mark == SUPPRESSED_MARK else (float(value) if value != "" else None)
            if before:  # a revision of the previous report of the period
                places = _decimals(measure)
                then = format_decimal_sv(float(before), decimals_of(unit) if places is None else places)
                mark = f"{REVISED_SV}, tidigare {then}"
            split_sheet.append(
                [
                    safe_cell(v) if v not in ("", None) else None
                    for v in (
                        measure,
                        label,
                        str(start),
                        str(end),
                        group_label(key),
                        shown,
                        unit,
                        "" if mark == SUPPRESSED_MARK else mark,
                    )
                ]  # fmt: skip
            )
            split_units.append((unit, _decimals(measure)))
        _style(split_sheet, SPLIT_HEADER, 6, split_units)
        for note in notes:
            split_sheet.append([None, note])

    book.properties.title = safe_cell(f"Nyckeltal {period_label}" + (f" – {municipality}" if municipality else ""))
    book.properties.creator = "snanalys"
    tmp = Path(path).with_suffix(".xlsx.tmp")
    book.save(tmp)
    tmp.replace(path)


def _decimals(measure: str) -> int | None:
    from snanalys.measures.catalog import BY_ID

    m = BY_ID.get(str(measure).split(":", 1)[0])
    return None if m is None else m.decimals


def _splits_of(tables: list[list]) -> list[str]:
    present = {row[6] for row in tables}
    return [split for split in SPLIT_SHEETS if split in present]


def write_key_figure_tables(
    data, year: int, tertial: int, public_dir: Path, internal_dir: Path, tables: list[list] | None = None
) -> None:
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
        tables=tables,
    )
    (internal_dir / "nyckeltal_unsuppressed.csv").write_text(
        key_figures_csv(table, synthetic=synthetic, period_label=period.label, preliminary=False), encoding="utf-8"
    )
