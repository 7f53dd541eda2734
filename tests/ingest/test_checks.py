"""Checks beyond the contracts: formulas (numbers are not formulas)."""

from __future__ import annotations

import pandas as pd

from snanalys.ingest import checks
from snanalys.ingest.parsing import TEXT_DTYPE
from snanalys.ingest.tables import SPECS

def _text_frame(spec, **columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    frame = {f.raw: [""] * n for f in spec.fields}
    frame.update(columns)
    return pd.DataFrame({k: pd.Series(v, dtype=TEXT_DTYPE) for k, v in frame.items()})


def test_a_cell_starting_like_a_formula_is_refused_in_text_columns_unless_it_is_a_number():
    spec = SPECS["payments"]
    values = ["-850,00", "-1 200", "+5", "-12", "-cmd", "=1", "@x", "-1-2", "+46 70 123 45 67", "HH-1", ""]
    bad = checks.formula_failures(spec, _text_frame(spec, hushalls_id=values, belopp=values))
    by_column = {c: sorted(bad.loc[bad["column"] == c, "index"].tolist()) for c in ("household_id", "amount_kr")}
    assert by_column["household_id"] == [4, 5, 6, 7, 8]
    assert by_column["amount_kr"] == [4, 5, 6]  # the rest is the amount parser's to judge
