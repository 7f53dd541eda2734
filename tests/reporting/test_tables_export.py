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
