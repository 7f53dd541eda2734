"""The public key-figure table as an Excel workbook for the meeting papers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from snanalys.presentation import SUPPRESSED_MARK
from snanalys.suppression import FOOTNOTE_SV


def key_figures_xlsx(public: pd.DataFrame, path: Path, *, synthetic: bool, period_label: str) -> None:
    """The same rows as ``nyckeltal.csv``; suppressed values as the mark, with the footnote."""
    hidden = public["suppressed"] if "suppressed" in public else pd.Series(False, index=public.index)
    sheet = pd.DataFrame(
        {
            "Mått (id)": public["measure"],
            "Beskrivning": public["label_sv"],
            "Värde": [SUPPRESSED_MARK if h else v for v, h in zip(public["value"], hidden)],
            "Enhet": public["unit"],
        }
    )
    notes = pd.DataFrame(
        {
            "Mått (id)": ["", "period", "data_source", ""],
            "Beskrivning": [
                "",
                period_label,
                "syntetiska exempeldata – inga verkliga personer" if synthetic else "verkliga data",
                FOOTNOTE_SV,
            ],
            "Värde": ["", "", "", ""],
            "Enhet": ["", "", "", ""],
        }
    )
    tmp = Path(path).with_suffix(".xlsx.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        pd.concat([sheet, notes], ignore_index=True).to_excel(writer, sheet_name="Nyckeltal", index=False)
    tmp.replace(path)
