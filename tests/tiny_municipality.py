"""Hand-built report cells (the columns of :func:`snanalys.report_cells.report_cells`) for a tiny
municipality: a handful of households and placements, with the numbers an attacker reads."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from snanalys.measures.catalog import BY_ID
from snanalys.report_cells import CELL_COLUMNS

T1 = (dt.date(2025, 1, 1), dt.date(2025, 4, 30))
T2 = (dt.date(2025, 1, 1), dt.date(2025, 8, 31))
MAY_AUG = (dt.date(2025, 5, 1), dt.date(2025, 8, 31))


def cell(measure: str, value: float, *, span=T2, by: str = "", key: str = "", base: float | None = None) -> dict:
    """One declared measure's cell; ``base`` (the individuals it rests on) defaults to a count's value."""
    unit = BY_ID[measure].unit
    if base is None and BY_ID[measure].is_count:
        base = value
    start, end = span
    label = f"{start:%Y}-T{1 if end.month == 4 else 2 if end.month == 8 else 3}"
    return {
        "measure": measure,
        "period": label,
        "by": by,
        "key": key,
        "value": float(value),
        "unit": unit,
        "base": base,
        "start": start,
        "end": end,
    }


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=CELL_COLUMNS)
