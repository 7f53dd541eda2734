"""The tertials alone between two reports' year-to-date sums (care days, kronor): no page prints
them, but January–August minus January–April is May–August. They enter the protection hidden, so
that no report of the year together with the earlier ones gives back days or kronor of 1–4
individuals (found by tools/attack_published.py on the sample: protected housing, September–December
2025, 47 days of one person)."""

from __future__ import annotations

import pandas as pd
import pytest

from snanalys.disclosure.linked import AMOUNT_UNITS, time_kind
from snanalys.disclosure.report import report_protection, tertials_alone
from snanalys.measures.catalog import BY_ID
from snanalys.measures.tables import cells as measure_cells
from snanalys.periods import tertial_alone, year_to_date
from snanalys.report_cells import published_cells, report_cells
from snanalys.suppression import is_small_count

AMOUNTS = {m for m, measure in BY_ID.items() if time_kind(measure) == "additive" and measure.unit in AMOUNT_UNITS}


def test_the_tertial_alone_is_the_difference_of_the_year_to_date_sums(sample):
    cells = published_cells(report_cells(sample, 2025, 2), 2025, 2)
    t1 = published_cells(report_cells(sample, 2025, 1), 2025, 1)
    both = pd.concat([cells, t1], ignore_index=True)
    alone = tertials_alone(sample, both)
    days = alone.loc[(alone["measure"] == "care_days") & (alone["by"] == "")].set_index("start")
    may = pd.Timestamp("2025-05-01").date()
    assert may in days.index and days.loc[may, "end"] == pd.Timestamp("2025-08-31").date()
    ytd = both.loc[(both["measure"] == "care_days") & (both["by"] == "")].drop_duplicates("end").set_index("end")
    aug, apr = year_to_date(2025, 2).end, year_to_date(2025, 1).end
    assert days.loc[may, "value"] == pytest.approx(ytd.loc[aug, "value"] - ytd.loc[apr, "value"])
    assert set(alone["measure"]) <= AMOUNTS
    assert (alone["base"] >= 0).all()


@pytest.fixture(scope="module")
def year_of_protections(sample):
    return {t: report_protection(sample, 2025, t, full=True, keep=False) for t in (1, 2, 3)}


def test_no_two_reports_give_back_a_tertial_alone_of_one_to_four_individuals(sample, year_of_protections):
    shown: dict[str, float] = {}
    for protection in year_of_protections.values():
        cells = protection.table.cells
        for cell_id, value in zip(cells["id"], cells["value"]):
            if cell_id in protection.printed and cell_id not in protection.hidden and cell_id not in protection.rounded:
                shown[cell_id] = value
    leaks, pairs = [], 0
    for cell_id in shown:
        parts = cell_id.split("|")
        if len(parts) != 5:  # a table's cell: measure|period|by|key
            continue
        measure, start, end, by, key = parts
        if measure not in AMOUNTS or not start.endswith("-01-01") or end[5:] not in ("08-31", "12-31"):
            continue
        year, tertial = int(start[:4]), 2 if end[5:] == "08-31" else 3
        before = f"{measure}|{start}|{year_to_date(year, tertial - 1).end}|{by}|{key}"
        if before not in shown:
            continue
        pairs += 1
        split = [d for d in by.split(" × ") if d]
        alone = measure_cells(sample, tertial_alone(year, tertial), [measure], by=split)
        if split:
            alone = alone.loc[alone[split].astype(str).agg(" × ".join, axis=1) == key]
        if len(alone) and is_small_count(alone["base"].iloc[0]):
            leaks.append((cell_id, before, float(alone["base"].iloc[0])))
    assert pairs > 20  # the five-year tables print every year's January–April, –August and the year
    assert not leaks, leaks
