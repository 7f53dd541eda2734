"""Mapping files, check-export and the quality summary."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

from snanalys.ingest import IngestError, ingest_municipality
from snanalys.ingest.check import check_export
from snanalys.ingest.command import register
from snanalys.ingest.mapping import MappingError, apply_mapping, load_mapping, mapping_from_dict, read_export

from rawfolder import KEY, RawFolder, pnr, wrong_check_digit

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "raw" / "examples"
EXTRACT_DATE = dt.date(2026, 11, 5)


@pytest.mark.parametrize(
    "folder, export, rows",
    [("procapita_like", "Utbetalningar_2025.csv", 8), ("xlsx_like", "ekonomi_utbetalningar.xlsx", 6)],
)
def test_the_examples_are_read_completely(folder, export, rows):
    mapping = load_mapping(EXAMPLES / folder / "utbetalningar.yaml")
    report = check_export(EXAMPLES / folder / export, mapping, extract_date=EXTRACT_DATE)
    assert report.ok and report.exit_code == 0, report.text()
    assert report.rows == report.rows_read == rows
    assert report.notes == []
    text = apply_mapping(read_export(EXAMPLES / folder / export, mapping).frame, mapping)
    assert list(text.columns) == mapping.spec.raw_columns
    assert text["belopp"].iloc[0] == "12345,50"
    assert text["utbetalningsdatum"].iloc[0] == "2025-01-24"
    assert text["avser_manad"].iloc[0] == "2025-01"
    assert set(text["hushallstyp"]) <= {"ENSAM_UTAN_BARN", "ENSAM_MED_BARN", "SAMBO_MED_BARN", "OVRIGT"}


@pytest.mark.parametrize(
    "data, key",
    [
        ({"table": "payments", "colums": {}}, "colums"),
        ({"columns": {}}, "table"),
        ({"table": "betalningar"}, "table"),
        ({"table": "payments", "decimal": ";"}, "decimal"),
        ({"table": "payments", "encoding": "klingon"}, "encoding"),
        ({"table": "payments", "date_format": 12}, "date_format"),
        ({"table": "payments", "columns": {"Belopp": "summa"}}, "columns.Belopp"),
        ({"table": "payments", "codes": {"belopp": {"a": "b"}}}, "codes.belopp"),
        ({"table": "payments", "constants": {"kommun": "0480"}}, "constants.kommun"),
        ({"table": "payments", "constants": {"kommunkod": True}}, "constants.kommunkod"),
        ({"table": "payments", "decimal": ".", "thousands": "."}, "thousands"),
    ],
)
def test_a_bad_mapping_names_its_key(data, key):
    with pytest.raises(MappingError) as info:
        mapping_from_dict(data, "m.yaml")
    assert info.value.key == key
    assert f'nyckel "{key}"' in str(info.value)


def test_a_mapping_file_that_is_not_yaml(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("table: [payments", encoding="utf-8")
    with pytest.raises(MappingError):
        load_mapping(path)


def _placements_export(tmp_path: Path, rows: list[str]) -> Path:
    header = "Placeringsnr;Personnr;Kön;Födelseår;Målgrupp;Placeringsform;Lagrum;Regi;Utförare;Från;Till"
    path = tmp_path / "Placeringar_2025.csv"
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def test_long_swedish_codes_map_and_faults_are_located_without_identifiers(tmp_path):
    person, other = pnr("20100115", "789"), pnr("20080301", "112")
    path = _placements_export(
        tmp_path,
        [
            f"PL-QX-1;{person};Kvinna;2010;Barn och unga;Hem för vård eller boende;"
            "Lag med särskilda bestämmelser om vård av unga;Extern;ORG-1;10.01.2025;01.03.2025",
            f"PL-QX-2;{person};Kvinna;2010;Barn och unga;Konsulentstött familjehem;Socialtjänstlagen;Köpt;ORG-2;"
            "01.03.2025;",
            f"PL-QX-3;{wrong_check_digit(other)};Man;2008;Barn och unga;Korttidshem;SoL;Egen regi;;31.02.2025;",
        ],
    )
    report = check_export(path, EXAMPLES / "procapita_like" / "placeringar.yaml", extract_date=EXTRACT_DATE)
    assert report.rows == 3 and report.rejected_rows == 1 and report.exit_code == 3
    assert report.codes_mapped["placeringsform"]["Hem för vård eller boende → HVB"] == 1
    located = {(p.row, p.column) for p in report.problems}
    assert {(4, "personnummer"), (4, "placeringsform"), (4, "startdatum")} <= located
    text = report.text()
    for value in (person, other, wrong_check_digit(other), "PL-QX-3", person.replace("-", "")):
        assert value not in text


def test_a_missing_column_or_a_wrong_encoding_stops_the_file(tmp_path):
    mapping = load_mapping(EXAMPLES / "procapita_like" / "utbetalningar.yaml")
    source = (EXAMPLES / "procapita_like" / "Utbetalningar_2025.csv").read_bytes()
    path = tmp_path / "Utbetalningar_x.csv"
    path.write_bytes(source.replace("Belopp".encode("cp1252"), b"Summa", 1))
    report = check_export(path, mapping, extract_date=EXTRACT_DATE)
    assert report.exit_code == 3 and report.rows_read == 0
    assert (report.stopped[0].row, report.stopped[0].column) == (1, "belopp")
    path.write_bytes(source.decode("cp1252").encode("utf-16"))
    report = check_export(path, mapping, extract_date=EXTRACT_DATE)
    assert report.stopped and report.exit_code == 3


def test_check_export_command(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    folder = EXAMPLES / "procapita_like"
    args = parser.parse_args(
        [
            "check-export",
            str(folder / "Utbetalningar_2025.csv"),
            "--mapping",
            str(folder / "utbetalningar.yaml"),
            "--extract-date",
            "2026-11-05",
        ]
    )
    assert args.func(args) == 0
    assert "skulle läsas: 8" in capsys.readouterr().out
    bad = tmp_path / "Utbetalningar_bad.csv"
    bad.write_bytes(
        (folder / "Utbetalningar_2025.csv").read_bytes().replace(b"Flykting\r\n", b"=cmd|' /C calc'!A0\r\n")
    )
    bad.write_bytes(bad.read_bytes().replace(b";-850,00;", b";-85.00;"))
    args = parser.parse_args(["check-export", str(bad), "--mapping", str(folder / "utbetalningar.yaml")])
    assert args.func(args) == 3


def test_the_quality_summary_warns_without_identifiers(tmp_path):
    raw = RawFolder()
    raw.set("ekb_utbetalningar.csv", 3, "utbetalningsdatum", "2025-01-30")  # no payment in February
    raw.files["placeringskostnader.csv"][1].pop()  # PL-QZ-03 has no invoice any more
    result = ingest_municipality(raw.write(tmp_path / "raw"), tmp_path / "processed", key=KEY)
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    quality = meta["quality"]
    assert quality == result.quality
    assert quality["rows_read"]["payments"] == 5 and quality["rows_set_aside"]["payments"] == 0
    assert any("2025-02" in w for w in quality["warnings"])
    assert any("1 av 3 placeringar saknar kostnader" in w for w in quality["warnings"])
    assert result.warnings == meta["warnings"] == []
    assert "PL-QZ" not in json.dumps(quality)


def test_an_export_in_utf16_or_behind_a_link_says_so(tmp_path):
    """check-export's reader names a UTF-16 file, a doubled BOM and a symbolic link for what they are."""
    mapping = load_mapping(EXAMPLES / "procapita_like" / "utbetalningar.yaml")
    source = (EXAMPLES / "procapita_like" / "Utbetalningar_2025.csv").read_bytes()
    text = source.decode(mapping.encoding)
    cases = {
        "utf16.csv": (b"\xff\xfe" + text.encode("utf-16-le"), "kodad som UTF-16"),
        "boms.csv": (b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode("utf-8"), "två BOM"),
    }
    for name, (data, says) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(IngestError) as info:
            read_export(tmp_path / name, mapping)
        assert says in str(info.value) and info.value.row == 1, str(info.value)
    (tmp_path / "link.csv").symlink_to(EXAMPLES / "procapita_like" / "Utbetalningar_2025.csv")
    with pytest.raises(IngestError, match="symbolisk länk"):
        read_export(tmp_path / "link.csv", mapping)
