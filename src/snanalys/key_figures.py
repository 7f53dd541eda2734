"""The key-figure table ("Volymer och nyckeltal") of one municipality and period.

The declared measures (:mod:`snanalys.measures`) and then the economy's rows (the
committee's result and the volume-driven costs, :mod:`snanalys.economy.figures`): what
the summary page, ``nyckeltal.csv``/``.xlsx`` and ``snanalys nyckeltal`` show.
"""

from __future__ import annotations

import pandas as pd

from snanalys.data import MunicipalityData
from snanalys.economy.figures import economy_rows
from snanalys.measures.tables import COLUMNS, measure_table
from snanalys.periods import Period


def key_figures(data: MunicipalityData, period: Period) -> pd.DataFrame:
    """All key figures of ``period`` (year to date): ``measure, value, unit, label_sv, base``."""
    economy = pd.DataFrame(economy_rows(data, period), columns=COLUMNS)
    return pd.concat([measure_table(data, period), economy], ignore_index=True)
