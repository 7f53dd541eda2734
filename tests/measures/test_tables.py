"""Cells of a report: made for several periods in one pass, each the same as its period alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from snanalys.measures.catalog import MEASURES
from snanalys.measures.engine import split_dims
from snanalys.measures.tables import cells, periods_of_a_pass
from snanalys.periods import calendar_month, tertial_alone, year_to_date

from through_engine import evaluate_all


def test_a_year_to_date_period_is_passed_with_the_same_period_of_every_year(sample):
    periods = periods_of_a_pass(sample, year_to_date(2025, 2))
    first = sample.extract.data_from.year
    assert periods == tuple(year_to_date(y, 2) for y in range(first, sample.extract.covered_through.year + 1))
    assert year_to_date(2025, 2) in periods


def test_a_tertial_alone_is_passed_with_every_tertial_and_keeps_its_own_label(sample):
    periods = periods_of_a_pass(sample, tertial_alone(2025, 2))
    years = range(sample.extract.data_from.year, sample.extract.covered_through.year + 1)
    assert [(q.start, q.end) for q in periods] == [
        (tertial_alone(y, t).start, tertial_alone(y, t).end) for y in years for t in (1, 2, 3)
    ]
    assert tertial_alone(2025, 2).label in {q.label for q in periods}
    months = periods_of_a_pass(sample, calendar_month(dt.date(2025, 3, 1)))
    assert len(months) == 12 * len(years) and calendar_month(dt.date(2024, 2, 1)) in months


@pytest.mark.parametrize(
    "period, by",
    [(tertial_alone(2024, 1), ()), (year_to_date(2023, 2), ("sex",)), (year_to_date(2024, 3), ("month",))],
    ids=["T1 alone", "2023-T2 by sex", "2024 by month"],
)
def test_a_cell_made_in_a_pass_is_the_cell_of_its_period_alone(sample, period, by):
    ids = [
        m.id
        for m in MEASURES
        if m.kind != "table" and set(by) <= split_dims(m) and not (m.full_year_only and period.end.month != 12)
    ]
    together = cells(sample, period, ids, by=list(by))
    alone = evaluate_all(sample, period, ids, by).drop(columns=["municipality_code", "period"])
    keys = ["measure", *by]
    left, right = (f.sort_values(keys, kind="stable").reset_index(drop=True) for f in (together, alone))
    pd.testing.assert_frame_equal(left[keys].astype(str), right[keys].astype(str))
    for column in ("value", "base"):
        a, b = left[column].to_numpy(float), right[column].to_numpy(float)
        assert (np.isclose(a, b, rtol=1e-12, atol=0) | (np.isnan(a) & np.isnan(b))).all(), column
