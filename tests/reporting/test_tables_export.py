"""The public workbook: values are numeric cells, text cannot run as a formula, the
municipality is named."""

from __future__ import annotations

import openpyxl
import pandas as pd

from snanalys.presentation import SUPPRESSED_MARK
from snanalys.reporting.tables_export import key_figures_xlsx


def test_values_are_numbers_and_text_is_safe(tmp_path):
    public = pd.DataFrame(
        {
            "measure": ["eb_households", "economy_outcome_tkr:namnd", "eb_paid_kr"],
            "label_sv": ["Hushåll", "-Utfall", "Utbetalt"],
            "value": [412.0, -850.5, float("nan")],
            "unit": ["hushåll", "tkr", "kr"],
            "suppressed": [False, False, True],
        }
    )
    path = tmp_path / "nyckeltal.xlsx"
    key_figures_xlsx(public, path, synthetic=True, period_label="2025-T3", municipality="Exempelkommun (0480)")
    book = openpyxl.load_workbook(path)
    sheet = book["Nyckeltal"]
    values = [(c.value, c.data_type) for c in sheet["C"][1:4]]
    assert values == [(412, "n"), (-850.5, "n"), (SUPPRESSED_MARK, "s")]
    assert sheet["B3"].value == "'-Utfall"
    cells = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(5, sheet.max_row + 1)}
    assert cells["period"] == "2025-T3" and cells["municipality"] == "Exempelkommun (0480)"
    assert book.properties.title == "Nyckeltal 2025-T3 – Exempelkommun (0480)"


def test_the_report_workbook_reads_as_a_spreadsheet(built_reports):
    """One sheet per kind of table, named in Swedish, after a first sheet saying what it is;
    headers bold and frozen, values numeric in their unit's format, hidden values X."""
    from snanalys.reporting.tables_export import ABOUT_SHEET, SHEET, SPLIT_SHEETS

    book = openpyxl.load_workbook(built_reports[1]["2025-T2"] / "nyckeltal.xlsx")
    assert book.sheetnames[:2] == [ABOUT_SHEET, SHEET]
    assert set(book.sheetnames[2:]) <= set(SPLIT_SHEETS.values()) and len(book.sheetnames) >= 8
    about = {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "syntetiska" in about["Data"] and about["Period"] == "2025-T2" and "Röjandeskydd" in about
    hidden = 0
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1] if cell.value), sheet.title
        assert sheet.column_dimensions["B"].width > 12, sheet.title
        header = [c.value for c in sheet[1]]
        if "Värde" not in header or sheet.title == ABOUT_SHEET:
            continue
        value, unit = header.index("Värde") + 1, header.index("Enhet") + 1
        for row in sheet.iter_rows(min_row=2):
            cell, row_unit = row[value - 1], row[unit - 1].value
            if isinstance(cell.value, (int, float)) and row_unit:
                assert cell.number_format.startswith("#,##0"), (sheet.title, cell.coordinate, cell.number_format)
                assert cell.number_format.endswith('" %"') == (row_unit == "procent"), (sheet.title, cell.coordinate)
            hidden += cell.value == SUPPRESSED_MARK
    assert hidden > 0
