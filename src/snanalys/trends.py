"""Key figures for the same period of every year: the board's comparison over time.

Reports are year to date and compared with the same period of earlier years back to
the first year the data covers (2022 for the sample).
"""

from __future__ import annotations

import pandas as pd

from snanalys.data import MunicipalityData, comparison_years
from snanalys.key_figures import key_figures
from snanalys.memo import Memo, folder_state
from snanalys.periods import year_to_date

_MEMO = Memo(8)


def same_period_key_figures(data: MunicipalityData, year: int, tertial: int) -> pd.DataFrame:
    """Long frame of key figures (measure, year, value, unit, label_sv, base) for the same
    year-to-date period of every comparison year.

    Every page of a report needs this table; a kernel that runs several pages (the report
    runner's warm kernels, an analyst re-running a notebook) computes it once per data
    folder state and period, and hands out copies.
    """
    key = (folder_state(data.directory), year, tertial)
    return _MEMO.get(key, lambda: _compute_same_period_key_figures(data, year, tertial)).copy()


def _compute_same_period_key_figures(data: MunicipalityData, year: int, tertial: int) -> pd.DataFrame:
    frames = []
    for y in comparison_years(data, year):
        table = key_figures(data, year_to_date(y, tertial))
        table.insert(1, "year", y)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def wide(long: pd.DataFrame, measures: list[str], column: str = "value") -> pd.DataFrame:
    """Measures as columns, years as rows, in the order asked."""
    table = long.pivot(index="year", columns="measure", values=column)
    return table.reindex(columns=measures)
