"""Socialstyrelsen's monthly statistics: the fetched file before the shipped one, marks kept as marks,
and a month's total over the origins unknown where a part is marked (never the sum of the rest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from snanalys import socialstyrelsen

EXTERNAL = Path(__file__).parents[1] / "data" / "external"


def test_the_shipped_file_is_read_where_nothing_was_fetched(tmp_path):
    shutil.copy(EXTERNAL / socialstyrelsen.SHIPPED_FILE, tmp_path / socialstyrelsen.SHIPPED_FILE)
    assert socialstyrelsen.monthly_file(tmp_path) == tmp_path / socialstyrelsen.SHIPPED_FILE


def test_the_fetched_file_is_read_before_the_shipped_one(tmp_path):
    shutil.copy(EXTERNAL / socialstyrelsen.SHIPPED_FILE, tmp_path / socialstyrelsen.SHIPPED_FILE)
    fetched = tmp_path / socialstyrelsen.FETCHED_FILE
    fetched.parent.mkdir()
    # hand-written, in the long format `snanalys external update` writes
    fetched.write_text(
        "region_code,region_name,hushall_ursprung,year,month,value_raw\n"
        "0480,Nyköping,Inrikes födda,2026,1,301\n"
        "0480,Nyköping,En av sökande/sambo utrikesfödd,2026,1,310\n",
        encoding="utf-8",
    )
    assert socialstyrelsen.monthly_file(tmp_path) == fetched
    shown = socialstyrelsen.shown_series(tmp_path, "0480", True, [])
    assert shown[["year", "month", "households"]].values.tolist() == [[2026, 1, 611]]


def test_a_total_with_a_marked_part_is_unknown_not_the_sum_of_the_rest():
    table = socialstyrelsen.read_monthly_households(EXTERNAL / socialstyrelsen.SHIPPED_FILE)
    ydre = socialstyrelsen.monthly_totals(table, "0512").set_index("month")
    assert ydre.loc[1, "mark"] == "X" and ydre["households"].isna()[1]  # X + 12: not 12
    assert ydre.loc[5, "households"] == 18 + 9 and ydre.loc[5, "mark"] == ""
    landskrona = socialstyrelsen.monthly_totals(table, "1282").set_index("month")
    assert landskrona.loc[1, "mark"] == "--" and landskrona["households"].isna()[1]
    assert landskrona.loc[2, "households"] == 226 + 367
    nykoping = socialstyrelsen.monthly_totals(table, "0480")
    assert nykoping["households"].tolist()[:2] == [292 + 276, 292 + 284]


def test_a_suppressed_part_beside_a_missing_one_marks_the_total_suppressed(tmp_path):
    path = tmp_path / "ss.csv"  # hand-written
    path.write_text(
        "region_code,region_name,hushall_ursprung,year,month,value_raw\n"
        "0001,A,Inrikes födda,2026,1,--\n0001,A,En av sökande/sambo utrikesfödd,2026,1,X\n",
        encoding="utf-8",
    )
    totals = socialstyrelsen.monthly_totals(socialstyrelsen.read_monthly_households(path), "0001")
    assert totals["mark"].tolist() == ["X"]


def test_a_bad_value_names_file_row_and_column(tmp_path):
    path = tmp_path / "ss.csv"  # hand-written
    path.write_text(
        "region_code,region_name,hushall_ursprung,year,month,value_raw\n0001,A,Inrikes födda,2026,1,12\n"
        "0001,A,Inrikes födda,2026,2,tolv\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"ss\.csv, row 3, column value_raw"):
        socialstyrelsen.read_monthly_households(path)
    path.write_text("region_code,region_name,year,month,value_raw\n", encoding="utf-8")
    with pytest.raises(ValueError, match="hushall_ursprung"):
        socialstyrelsen.read_monthly_households(path)


def test_a_total_the_statistics_give_is_taken_as_it_is_not_added_to_its_parts():
    import pandas as pd

    from snanalys.socialstyrelsen import monthly_totals

    table = pd.DataFrame(
        {
            "region_code": ["0480"] * 3,
            "region_name": ["Nyköping"] * 3,
            "origin": ["Svensk", "Utrikes", "Totalt"],
            "year": [2025] * 3,
            "month": [1] * 3,
            "households": [300.0, float("nan"), 560.0],
            "mark": ["", "X", ""],
        }
    )
    out = monthly_totals(table, "0480")
    assert out["households"].tolist() == [560.0] and out["mark"].tolist() == [""]
