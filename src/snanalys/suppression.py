"""Small-count suppression for everything the board sees.

Board reports are public documents (OSL 26 kap. 1 §): a count of 1–4 persons or
households, and a mean that rests on fewer than 5 individuals, is shown as a mark,
never as a number. Tables keep the value and carry a flag per cell, so that every
table, chart and public file is drawn from the same flagged data.
"""

from __future__ import annotations

import pandas as pd

MIN_COUNT = 5
COUNT_UNITS = ("hushåll", "personer", "insatser", "hushåll/månad")
MEAN_UNITS = ("kr/hushåll", "kr/vårddygn", "procent", "kr", "vårddygn")


def is_small_count(n) -> bool:
    """True for 1–4 (zero is not disclosive and is shown)."""
    return n is not None and n == n and 0 < n < MIN_COUNT


def suppress_key_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Flag and blank the key figures a reader must not see.

    A count row is suppressed when the count is 1–4; a mean, sum or share when it
    rests on 1–4 individuals (``base``). Returns a copy with a boolean ``suppressed``
    column and ``value`` set to None where suppressed.
    """
    out = table.copy()
    base = out["base"]
    flag = base.map(is_small_count).astype(bool)
    out["suppressed"] = flag
    out["value"] = out["value"].astype(object).where(~flag, None)
    return out
