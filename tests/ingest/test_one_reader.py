"""One reader for a raw file: ``snanalys check-export FILE`` (no mapping) reads and judges a raw
file exactly as ``snanalys ingest`` does, so both name file, row and column the same way."""

from __future__ import annotations

import datetime as dt

import pytest

from snanalys.cli import main
from snanalys.ingest import IngestError, ingest_municipality
from snanalys.ingest.check import check_export

from rawfolder import KEY, RawFolder

PAYMENTS = "ekb_utbetalningar.csv"
COSTS = "placeringskostnader.csv"
EXTRACT_DATE = "2026-11-05"  # RawFolder's uttagsdatum


def _too_many_fields(raw: RawFolder) -> str:
    raw.set(PAYMENTS, 4, "hushallstyp", "ENSAM_MED_BARN;extra")
    return PAYMENTS


def _bad_cell(raw: RawFolder) -> str:
    raw.set(COSTS, 3, "belopp", "12.5.3")
    return COSTS


def _bad_date(raw: RawFolder) -> str:
    raw.set(PAYMENTS, 2, "utbetalningsdatum", "2025-02-30")
    return PAYMENTS


def _comma_separated(raw: RawFolder) -> str:
    raw.raw_bytes["budget.csv"] = raw.text("budget.csv").replace(";", ",").encode()
    return "budget.csv"


def _unknown_encoding(raw: RawFolder) -> str:
    raw.raw_bytes["budget.csv"] = raw.text("budget.csv").encode() + b"0480;2026;NAMND;1\x81\n"
    return "budget.csv"


def _missing_column(raw: RawFolder) -> str:
    raw.drop_column(COSTS, "avser_manad")
    return COSTS


CASES = [_too_many_fields, _bad_cell, _bad_date, _comma_separated, _unknown_encoding, _missing_column]


@pytest.mark.parametrize("spoil", CASES, ids=lambda f: f.__name__.strip("_"))
def test_a_malformed_raw_file_gets_the_same_problems_from_both(spoil, tmp_path):
    raw = RawFolder()
    name = spoil(raw)
    folder = raw.write(tmp_path / "raw")
    with pytest.raises(IngestError) as info:
        ingest_municipality(folder, tmp_path / "processed", key=KEY)
    report = check_export(folder / name, extract_date=dt.date.fromisoformat(EXTRACT_DATE))
    assert report.exit_code == 3
    found = report.stopped or report.problems
    assert [str(p) for p in found[: len(info.value.problems)]] == [str(p) for p in info.value.problems]
    assert report.file == f"0480/{name}" == info.value.problems[0].file


def test_one_malformed_file_gives_the_same_message_through_both_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", KEY.decode())
    raw = RawFolder()
    raw.set(COSTS, 3, "belopp", "12.5.3")
    folder = raw.write(tmp_path / "data" / "raw")
    assert main(["--data-dir", str(tmp_path / "data"), "ingest"]) == 3
    ingest_says = capsys.readouterr().err
    message = '0480/placeringskostnader.csv, rad 3, kolumn "belopp": '
    assert message in ingest_says
    line = next(line for line in ingest_says.splitlines() if message in line)
    problem = line[line.index(message) :]
    assert main(["check-export", str(folder / COSTS), "--extract-date", EXTRACT_DATE]) == 3
    check_says = capsys.readouterr().out
    assert f"    {problem}" in check_says.splitlines()
    assert not (tmp_path / "data" / "processed" / "0480").exists()


def test_a_good_raw_file_passes_both(tmp_path, capsys):
    folder = RawFolder().write(tmp_path / "raw")
    ingest_municipality(folder, tmp_path / "processed", key=KEY)
    for name in (PAYMENTS, COSTS, "budget.csv"):
        assert main(["check-export", str(folder / name), "--extract-date", EXTRACT_DATE]) == 0
    assert "skulle avvisas: 0" in capsys.readouterr().out


def test_a_file_that_is_no_raw_file_and_has_no_mapping_is_stopped(tmp_path):
    path = tmp_path / "0480" / "export.csv"
    path.parent.mkdir()
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    report = check_export(path)
    assert report.exit_code == 3 and "mappning (--mapping)" in str(report.stopped[0])
