"""The privacy scan reads every kind of file the board gets and finds identities there;
it finds none in what the project writes. Test numbers are built at run time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from snanalys.cli import main
from snanalys.privacy import raw_identifiers, scan, scan_files

ROOT = Path(__file__).resolve().parents[1]
TOLVAN = "19121212" + "-1212"  # Skatteverket's test number, built so git never holds it
EXAMPLE = "19811218" + "-9876"  # Skatteverket's documented example


def _hits(path: Path) -> list[tuple[str, str, str]]:
    return [(h.where, h.kind, h.masked) for h in scan([path])]


def test_personnummer_and_samordningsnummer_are_found_masked(tmp_path):
    coordination = "811278" + "9873"  # day 18 + 60, valid check digit
    lines = [f"x {EXAMPLE} y", "", coordination, "9408227271a05124"]
    (tmp_path / "a.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _hits(tmp_path / "a.log") == [
        ("line 1", "personnummer", "19811*-****"),
        ("line 3", "samordningsnummer", "81127*-****"),
    ]  # a pseudonym (hex) is not a personnummer


def test_html_text_and_attributes_are_read_and_images_are_not(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>Rapport</title></head><body><p>Kontakt 070-123 45 67</p>"
        f"<img alt='bild' title='{TOLVAN}' src='data:image/png;base64,{'QUJD1234567890' * 5}'>"
        f"<a href='mailto:anna.berg@kommun.se'>mejl</a></body></html>",
        encoding="utf-8",
    )
    kinds = [(where.split(",")[-1].strip(), kind) for where, kind, _ in _hits(page)]
    assert kinds == [("line 1", "phone"), ("<img title>", "personnummer"), ("<a href>", "e-mail")]


def test_pdf_page_text_and_metadata_are_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from snanalys.reporting.export import pdf_from_pages

    page = f"<!DOCTYPE html><html><body><main><h1>Sida</h1><p>Ärende {TOLVAN}.</p></main></body></html>"
    pdf_from_pages([page], title=f"Rapport {EXAMPLE}", output=tmp_path / "rapport.pdf")
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "rapport.pdf"))
    writer.add_metadata({"/Author": "anna.berg@kommun.se", "/Keywords": "ärende 9900123456"})
    writer.write(tmp_path / "rapport.pdf")
    found = {(where.split(",")[0], kind) for where, kind, _ in _hits(tmp_path / "rapport.pdf")}
    assert {
        ("metadata /Title", "personnummer"),
        ("metadata /Author", "e-mail"),
        ("metadata /Keywords", "digit run"),
    } <= found
    assert any(where.startswith("page 1") and kind == "personnummer" for where, kind in found)


def test_workbook_cells_sheet_names_and_properties_are_read(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = f"Ark {TOLVAN[2:]}"
    sheet.append(["Mått", "Värde"])
    sheet.append(["text", f"Handläggare {EXAMPLE}"])
    sheet.append(["ett personnummer som tal", int(TOLVAN.replace("-", ""))])
    sheet.append(["ett stort belopp", 1500000000])  # a numeric cell: an amount, not an identity
    book.properties.creator = "anna.berg@kommun.se"
    book.save(tmp_path / "nyckeltal.xlsx")
    found = [(where, kind) for where, kind, _ in _hits(tmp_path / "nyckeltal.xlsx")]
    shown = "Ark 12121*-****"  # the sheet's name is masked where it names the place
    assert found == [
        ("property creator", "e-mail"),
        ("sheet name", "personnummer"),
        (f"sheet {shown}, cell B2", "personnummer"),
        (f"sheet {shown}, cell B3", "personnummer"),
    ]


def test_csv_parquet_json_and_notebooks_are_read(tmp_path):
    (tmp_path / "t.csv").write_text(
        f"measure,value,unit\nx,1500000000,kr\ny,{TOLVAN.replace('-', '')},\n", encoding="utf-8"
    )
    assert _hits(tmp_path / "t.csv") == [("row 3, column 2", "personnummer", "19121*-****")]
    pd.DataFrame(
        {
            "provider_id": ["ORG-1", f"FH {TOLVAN}"],
            "birth_year": [2010, int(EXAMPLE.replace("-", ""))],
            "amount_kr": [1.5e9, 2.0],
        }
    ).to_parquet(tmp_path / "p.parquet")
    assert [w for w, _, _ in _hits(tmp_path / "p.parquet")] == ["row 2, column provider_id", "row 2, column birth_year"]
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "source": ["x = 1\n"],
                "outputs": [
                    {"output_type": "stream", "text": ["fel ", TOLVAN, "\n"]},
                    {"output_type": "display_data", "data": {"image/png": "QUJD" + "1234567890" * 3}},
                ],
            }
        ],
        "metadata": {"seconds": 1763800000.25},
    }
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    assert [k for _, k, _ in _hits(tmp_path / "n.ipynb")] == ["personnummer"]


def test_nothing_identifying_in_processed_data_reports_or_executed_notebooks(sample_data_dir, built_reports):
    reports_dir, _ = built_reports
    identifiers = raw_identifiers(sample_data_dir / "raw")
    assert len(identifiers) > 10_000  # the raw exports' ids are really being looked for
    result = scan_files([sample_data_dir / "processed", reports_dir], identifiers)
    assert [str(h) for h in result.hits] == [] and result.unreadable == []
    assert {p.suffix for p in reports_dir.rglob("*") if p.is_file()} >= {".pdf", ".xlsx", ".html", ".ipynb"}


def test_raw_identifiers_are_read_by_the_ingest_s_reader(tmp_path):
    """Windows-1252, an .xlsx raw file and an export read through its mapping file."""
    raw = tmp_path / "raw" / "0480"
    raw.mkdir(parents=True)
    (raw / "ekb_utbetalningar.csv").write_bytes(
        "kommunkod;transaktions_id;hushalls_id;belopp;anteckning\n0480;TX-Å-1;HH-ÖST-7;1;åter – krav\n".encode("cp1252")
    )
    book = openpyxl.Workbook()
    book.active.append(["kommunkod", "placerings_id", "personnummer"])
    book.active.append(["0480", "PL-XLSX-1", TOLVAN])
    book.save(raw / "placeringar.xlsx")
    shutil.copytree(ROOT / "data" / "raw" / "examples" / "procapita_like", tmp_path / "raw" / "exports")
    values = raw_identifiers(tmp_path / "raw")
    assert {"TX-Å-1", "HH-ÖST-7", "PL-XLSX-1", TOLVAN, "UTB-A001", "ARE-QX-11"} <= values


def test_a_leaked_case_id_is_found(sample_data_dir, tmp_path, capsys):
    identifiers = raw_identifiers(sample_data_dir / "raw")
    leaked = sorted(i for i in identifiers if i[0].isalpha())[0]  # a case id, not a personnummer
    (tmp_path / "page.html").write_text(f"<p>ärende {leaked}</p>", encoding="utf-8")
    hits = scan([tmp_path], identifiers)
    assert [h.kind for h in hits] == ["raw identifier"] and leaked not in str(hits[0])
    code = main(["--data-dir", str(sample_data_dir), "scan", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "1 hit(s)" in err and leaked not in err


@pytest.mark.parametrize("exists", [True, False])
def test_a_path_that_does_not_exist_is_an_error(tmp_path, capsys, exists):
    (tmp_path / "ok.txt").write_text("nothing here\n", encoding="utf-8")
    paths = [str(tmp_path / "ok.txt")] + ([] if exists else [str(tmp_path / "missing")])
    code = main(["--data-dir", str(tmp_path), "scan", *paths])
    err = capsys.readouterr().err
    if exists:
        assert code == 0 and "0 hit(s)" in err
    else:
        assert code == 2 and str(tmp_path / "missing") in err
