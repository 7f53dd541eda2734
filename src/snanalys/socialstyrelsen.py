"""Socialstyrelsen's official monthly statistics on households with economic assistance.

The statistical database marks a suppressed value "X" and a missing one "--". Both
stay visible as marked gaps: the value is missing (NaN) and ``mark`` says why, so a
chart or table can show the mark rather than a zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

MARKS = {"X": "sekretess", "--": "saknas"}


def read_monthly_households(path: Path) -> pd.DataFrame:
    """region_code (str), region_name, origin, year, month, households (float, NaN at a mark), mark."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    value_raw = raw["value_raw"].str.strip()
    numeric = pd.to_numeric(value_raw.str.replace("\u00a0", "").str.replace(" ", ""), errors="coerce")
    unknown = numeric.isna() & ~value_raw.isin(list(MARKS))
    if unknown.any():
        first = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(
            f"{Path(path).name}, row {first + 2}, column value_raw: expected a number, 'X' or '--', "
            f"got {value_raw.iloc[first]!r}"
        )
    return pd.DataFrame(
        {
            "region_code": raw["region_code"],
            "region_name": raw["region_name"],
            "origin": raw["hushall_ursprung"],
            "year": raw["year"].astype(int),
            "month": raw["month"].astype(int),
            "households": numeric.astype(float),
            "mark": value_raw.where(value_raw.isin(list(MARKS)), ""),
        }
    )
