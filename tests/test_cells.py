"""Cells a spreadsheet opens safely: numbers stay numbers, no text runs as a formula."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from snanalys.cells import FORMULA_START, is_formula_text, safe_cell, safe_text
from snanalys.reporting.tables_export import key_figures_csv


def test_formula_text_is_prefixed_and_numbers_are_not():
    for text in ("=cmd|' /C calc'!A0", "+SUM(A1)", "-cmd", "@x", "\tx", "\rx", "-1-2", "+46 70 123 45 67"):
        assert is_formula_text(text) and safe_text(text) == "'" + text
    for text in ("-850,00", "-1 200", "-1\u00a0200,5", "+5", "-0.5", "12", "Barn och unga", "", "'=x"):
        assert not is_formula_text(text) and safe_text(text) == text


@given(st.one_of(st.integers(-(10**15), 10**15), st.floats(allow_nan=True, allow_infinity=False)))
def test_numbers_stay_numbers(value):
    cell = safe_cell(value)
    if isinstance(value, float) and math.isnan(value):
        assert cell is None
    else:
        assert cell == value and isinstance(cell, (int, float))
    assert safe_cell(np.float64(1.5)) == 1.5 and isinstance(safe_cell(np.int64(-3)), int)
    assert safe_cell(None) is None and safe_cell(pd.NA) is None


@given(st.sampled_from(FORMULA_START), st.text())
def test_no_text_reaches_a_cell_as_a_formula(first, rest):
    cell = safe_cell(first + rest)
    assert not is_formula_text(cell)


def test_the_key_figure_csv_neutralises_text_and_keeps_negative_numbers():
    table = pd.DataFrame(
        {"measure": ["=HYPERLINK(1)", "economy_outcome_tkr:namnd"], "value": [1.0, -850.0], "unit": ["@kr", "tkr"]}
    )
    rows = list(
        csv.reader(io.StringIO(key_figures_csv(table, synthetic=True, period_label="2025-T3", preliminary=False)))
    )
    assert rows[1] == ["'=HYPERLINK(1)", "1", "'@kr", ""]
    assert rows[2] == ["economy_outcome_tkr:namnd", "-850", "tkr", ""]
