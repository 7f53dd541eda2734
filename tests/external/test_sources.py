"""The Socialstyrelsen and SCB readers and the polite JSON source (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import fake_apis
import pytest

from snanalys.external.http import JsonSource, OfflineError
from snanalys.external.scb import befolkning, jsonstat2_frame
from snanalys.external.sos import SocialstyrelsenSource, region_code

RESPONSES = Path(__file__).resolve().parent / "responses"


def test_jsonstat2_of_a_real_scb_answer():
    body = json.loads((RESPONSES / "scb_TAB6471_jsonstat2.json").read_text(encoding="utf-8"))
    frame = jsonstat2_frame(body)
    assert list(frame.columns) == ["Region", "Alder", "Kon", "ContentsCode", "Tid", "value"]
    assert len(frame) == 21 * 11 * 3 * 1 * 4
    first = frame.iloc[0]
    assert (first["Region"], first["Alder"], first["Kon"], first["Tid"], first["value"]) == (
        "01", "0-9", "TotSa", "2026M01", 245284
    )  # fmt: skip
    # the last index varies fastest (row-major): the second value is the next month
    assert frame.iloc[1]["Tid"] == "2026M02" and frame.iloc[1]["value"] == 247245


def test_befolkning_groups_single_years_into_the_measures_age_groups():
    import pandas as pd

    frame = pd.DataFrame(
        [("0480", a, k, "BE0101N1", "2025", 10.0) for a in ["0", "17", "18", "20", "21", "64", "65", "100+"]
         for k in ["1", "2"]],
        columns=["Region", "Alder", "Kon", "ContentsCode", "Tid", "value"],
    )  # fmt: skip
    table = befolkning(frame).set_index(["juridiskt_kon", "aldersgrupp"])["antal"]
    assert table[("K", "0-17")] == 20 and table[("M", "18-20")] == 20 and table[("K", "65-W")] == 20


def test_socialstyrelsen_keeps_x_and_dashes_and_codes_regions():
    transport = fake_apis.FakeTransport()
    source = JsonSource("Socialstyrelsen", session=fake_apis.session(transport), min_interval=0, cache_dir=None)
    frame = SocialstyrelsenSource(source, fake_apis.URLS["socialstyrelsen"]).households_by_month(
        ["0512", "1282", "00"], [2017]
    )
    assert set(frame["region_code"]) == {"0512", "1282", "00"}
    assert "X" in set(frame.loc[frame["region_code"] == "0512", "value_raw"])
    assert "--" in set(frame.loc[frame["region_code"] == "1282", "value_raw"])
    assert region_code(0) == "00" and region_code(4) == "04" and region_code(480) == "0480"


def test_offline_without_the_answer_in_the_cache_is_a_clear_error(tmp_path):
    source = JsonSource("SCB", cache_dir=tmp_path, offline=True)
    with pytest.raises(OfflineError, match=r"SCB: offline and not cached: GET https://example\.invalid/x"):
        source.get_json("https://example.invalid/x")
