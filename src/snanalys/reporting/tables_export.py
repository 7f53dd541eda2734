"""The public key-figure table as an Excel workbook for the meeting papers.

Every cell goes through :func:`snanalys.cells.safe_cell`: values are numeric cells (not
text), and no text cell can be run as a formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from snanalys.cells import safe_cell
from snanalys.presentation import SUPPRESSED_MARK
from snanalys.suppression import FOOTNOTE_SV

SHEET = "Nyckeltal"
HEADER = ("Mått (id)", "Beskrivning", "Värde", "Enhet")


def key_figures_xlsx(
    public: pd.DataFrame, path: Path, *, synthetic: bool, period_label: str, municipality: str | None = None
) -> None:
    """The same rows as ``nyckeltal.csv``; suppressed values as the mark, with the footnote.

    ``municipality`` (e.g. ``Exempelkommun (0480)``) is named in a row below the table and
    in the workbook's title.
    """
    import openpyxl

    hidden = public["suppressed"] if "suppressed" in public else pd.Series(False, index=public.index)
    rows = [
        (measure, label, SUPPRESSED_MARK if h else value, unit)
        for measure, label, value, unit, h in zip(
            public["measure"], public["label_sv"], public["value"], public["unit"], hidden
        )
    ]
    rows.append(("", "", None, ""))
    rows.append(("period", period_label, None, ""))
    if municipality:
        rows.append(("municipality", municipality, None, ""))
    rows.append(("data_source", "syntetiska exempeldata – inga verkliga personer" if synthetic else "verkliga data",
                 None, ""))
    rows.append(("", FOOTNOTE_SV, None, ""))

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
