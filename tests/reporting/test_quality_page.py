"""The internal data-quality page's disclosure section: what an earlier report gave away."""

import datetime as dt
from types import SimpleNamespace

import pandas as pd

from snanalys.reporting.quality_page import quality_page

EXTRACT = SimpleNamespace(
    raw={},
    municipality_name="Exempelkommun",
    municipality_code="0480",
    data_from=dt.date(2021, 1, 1),
    covered_through=dt.date(2025, 8, 31),
    extract_date=dt.date(2025, 9, 5),
    synthetic=True,
)


def _audit(*rows):
    columns = ["quantity", "why", "true_value", "min", "max", "passed", "given_away_before"]
    return pd.DataFrame(list(rows), columns=columns)


def test_a_quantity_given_away_before_is_listed_as_such():
    audit = _audit(
        ("eb_households   2024-04→2024-08", "rest/ökning", 2.0, 0.0, 4.0, True, True),
        ("eb_households|2025-01-01|2025-08-31|sex|K", "X", 3.0, 1.0, 9.0, True, False),
    )
    page = quality_page(EXTRACT, audit, earlier_reports=["2025-T1"])
    assert "2 skyddade storheter" in page and "2 klarar regeln" in page
    assert "eb_households   2024-04→2024-08".strip() in page and "röjd i 2025-T1" in page
    assert "sex|K" not in page.split("Redan röjda")[1]  # only what was given away is listed


def test_without_anything_given_away_there_is_no_list():
    audit = _audit(("x|2025-01-01|2025-08-31||", "X", 3.0, 1.0, 9.0, True, False))
    page = quality_page(EXTRACT, audit)
    assert "<h2>Röjandekontroll</h2>" in page and "Redan röjda" not in page
