"""Dates that cannot be true: an extract taken in the future stops, events after the extract are
row faults, while memberships registered ahead and planned end dates are read (docs/bad_inputs.md)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from snanalys.ingest import IngestError, ingest_municipality, read_extract
from snanalys.periods import PeriodError, today

from rawfolder import KEY, RawFolder

MEMBERS, PLACEMENTS = "ekb_hushallsmedlemmar.csv", "placeringar.csv"


def _extract_dir(tmp_path, **changes):
    raw = RawFolder()
    raw.extract.update(changes)
    folder = tmp_path / "raw" / raw.code
    folder.mkdir(parents=True)
    (folder / "uttag.json").write_text(json.dumps(raw.extract), encoding="utf-8")
    return folder


def test_an_extract_date_after_today_stops_naming_uttag_json_and_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SNANALYS_TODAY", "2026-12-02")
    folder = _extract_dir(tmp_path, uttagsdatum="2026-12-03")
    with pytest.raises(IngestError) as info:
        read_extract(folder, "0480/")
    assert (info.value.file, info.value.row, info.value.column) == ("0480/uttag.json", None, "uttagsdatum")
    assert "dagens datum 2026-12-02" in str(info.value) and '"2026-12-03"' in str(info.value)
    with pytest.raises(IngestError):  # the whole ingest stops too, writing nothing
        ingest_municipality(folder, tmp_path / "processed", key=KEY, quarantine=True)
    assert not (tmp_path / "processed").exists()


def test_an_extract_taken_today_and_the_samples_are_accepted(tmp_path, monkeypatch):
    from snanalys.sample import EXTRACT_DATE

    monkeypatch.setenv("SNANALYS_TODAY", "2026-12-02")
    assert read_extract(_extract_dir(tmp_path / "a", uttagsdatum="2026-12-02")).extract_date.isoformat() == "2026-12-02"
    assert read_extract(_extract_dir(tmp_path / "b", uttagsdatum=EXTRACT_DATE)).extract_date.isoformat() == EXTRACT_DATE


def test_today_is_injectable_and_checked(monkeypatch):
    monkeypatch.setenv("SNANALYS_TODAY", "2031-02-03")
    assert today().isoformat() == "2031-02-03"
    monkeypatch.setenv("SNANALYS_TODAY", "3 februari")
    with pytest.raises(PeriodError, match="SNANALYS_TODAY"):
        today()
    monkeypatch.delenv("SNANALYS_TODAY")
    assert today() == pd.Timestamp.now().date()


def test_a_membership_registered_ahead_and_planned_ends_are_read(tmp_path):
    """Extract 2026-11-05: a member joining on 2026-12-01, a placement ending 2027-01-31, a
    membership ending 2027-06-30 are read as they are (nothing set aside)."""
    raw = RawFolder()
    raw.set(MEMBERS, 6, "giltig_fran", "2026-12-01")
    raw.set(MEMBERS, 4, "giltig_till", "2027-06-30")
    raw.set(PLACEMENTS, 3, "slutdatum", "2027-01-31")
    result = ingest_municipality(raw.write(tmp_path / "raw"), tmp_path / "processed", key=KEY, quarantine=True)
    assert set(result.quality["rows_set_aside"].values()) == {0}
    placements = pd.read_parquet(result.output_dir / "placements.parquet")
    assert pd.Timestamp("2027-01-31") in set(placements["end_date"])
    members = pd.read_parquet(result.output_dir / "household_members.parquet")
    assert pd.Timestamp("2026-12-01") in set(members["valid_from"])
