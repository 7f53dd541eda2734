"""The number-tracing helper (tests/tracing.py) on tiny hand-written public files."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import tracing

NBSP = "\u00a0"
MINUS = "\u2212"


def texts(numbers, kind=None):
    return [n.text for n in numbers if kind is None or n.kind == kind]


# --- the tokeniser ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"1{NBSP}234 hushåll", [("1" + NBSP + "234", 1234.0, "")]),
        ("4,6 %", [("4,6", 4.6, "%")]),
        (f"{MINUS}12 personer", [(f"{MINUS}12", -12.0, "")]),
        (f"(+8,0{NBSP}%)", [("+8,0", 8.0, "%")]),
        (f"63,5{NBSP}mnkr", [("63,5", 63.5, "mnkr")]),
        (f"12{NBSP}345,6{NBSP}kr", [(f"12{NBSP}345,6", 12345.6, "kr")]),
        ("-199\u202f888 tkr", [("-199\u202f888", -199888.0, "tkr")]),
        ("992 886 887", [("992", 992.0, ""), ("886", 886.0, ""), ("887", 887.0, "")]),  # plain space separates
    ],
)
def test_tokenize_reads_swedish_numbers(text, expected):
    found = tracing.tokenize(text, file="t.html", where="p")
    assert [(n.text, n.value, n.suffix) for n in found] == expected
    assert all(n.kind == "number" for n in found)


def test_tokenize_ranges_give_two_numbers_and_no_minus():
    found = tracing.tokenize("bistånd 10–12 månader; invånare 0-20 år", file="t.html", where="p")
    assert [(n.text, n.value, n.in_range) for n in found] == [
        ("10", 10.0, True),
        ("12", 12.0, True),
        ("0", 0.0, True),
        ("20", 20.0, True),
    ]


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        ("period 2025-01-01–2025-08-31 ·", "2025-01-01", "date"),
        ("per den 31 augusti 2025 var", "31 augusti 2025", "date"),
        ("Skapad 2026-12-02 12:53 med", "2026-12-02 12:53", "date"),
        ("klockan 12:53 i dag", "12:53", "time"),
        ("med snanalys 0.1.0.", "0.1.0", "dotted"),
        ("tertialuppföljning 2025-T2 –", "2025-T2", "period"),
        ("(Kolada N31814)", "N31814", "code"),
        ("T2 2025", "T2", "code"),
    ],
)
def test_tokenize_takes_dates_times_and_codes_whole(text, token, kind):
    found = tracing.tokenize(text, file="t.html", where="p")
    assert (found[0].text, found[0].kind) == (token, kind)
    assert not [n for n in found[1:] if n.kind == "number" and n.text in token]


# --- the files ---------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><meta name="generator" content="snanalys 9.9.9">
<title>Sida 2025-T2</title>
<style>.a {{ width: 777px; }}</style>
<script>var x = 888;</script>
</head><body>
<h2>Hushåll</h2>
<p>Antalet hushåll var 1{NBSP}234 under januari–augusti 2025, {MINUS}12 mot i fjol (4,6{NBSP}%).</p>
<p>Vuxna med bistånd 10–12 månader, per den 31 augusti 2025.</p>
<figure><img alt="Linjediagram: 2024 321, 2025 654" src="data:image/png;base64,iVBORw0KGgo5555">
<figcaption>Källa: egen beräkning, 17 kommuner.</figcaption></figure>
<div aria-label="Tabell 42" role="region"><table><caption>Hushåll per år 2025</caption>
<thead><tr><th scope="col">År</th><th scope="col">Antal</th></tr></thead>
<tbody><tr><th scope="row">2025</th><td title="utan avrundning 98,7">99</td></tr></tbody></table></div>
<svg><title>Stapel 31</title><desc>Höjd 64</desc></svg>
</body></html>
"""


@pytest.fixture()
def report(tmp_path) -> Path:
    folder = tmp_path / "2025-T2"
    folder.mkdir()
    (folder / "sida.html").write_text(PAGE, encoding="utf-8")
    with (folder / "nyckeltal.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows(
            [
                ["measure", "value", "unit"],
                ["eb_households", "1234", "hushåll"],
                ["share", "4.62", "procent"],
                ["period", "2025-T2", ""],
            ]
        )
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Nyckeltal"
    ws.append(["Mått", "Värde", "Enhet"])
    ws.append(["eb_households", 1234, "hushåll"])
    ws.append(["andel", 4.62, "procent"])
    ws.append(["X = färre än 5 personer", None, None])
    wb.save(folder / "nyckeltal.xlsx")
    (folder / "_internal").mkdir()
    (folder / "_internal" / "hemlig.csv").write_text("x\n31337\n", encoding="utf-8")
    (folder / "anteckning.txt").write_text("31337", encoding="utf-8")
    return folder


def test_html_finds_text_and_reader_attributes_but_not_script_style_meta_or_data_uris(report):
    found = tracing.html_numbers(report / "sida.html", "2025-T2")
    assert sorted(texts(found)) == sorted(
        [
            "2025-T2",  # <title>
            f"1{NBSP}234",
            "2025",
            f"{MINUS}12",
            "4,6",  # first paragraph
            "10",
            "12",
            "31 augusti 2025",  # second paragraph: a range and a date
            "2024",
            "321",
            "2025",
            "654",  # img alt
            "17",  # figcaption
            "42",  # aria-label
            "2025",  # caption
            "2025",
            "99",
            "98,7",  # row header, cell, title attribute
            "31",
            "64",  # SVG title and desc
        ]
    )
    by_text = {n.text: n for n in found}
    assert by_text["654"].where.endswith("img@alt")
    assert "figcaption" in by_text["17"].where
    assert "row «2025» / col «Antal»" in by_text["99"].where and "Hushåll per år 2025" in by_text["99"].where
    assert by_text[f"{MINUS}12"].value == -12.0 and by_text["4,6"].suffix == "%"
    assert by_text["10"].in_range and by_text["12"].in_range
    assert "«Hushåll»" in by_text[f"1{NBSP}234"].where
    assert "januari–augusti" in by_text[f"1{NBSP}234"].after


def test_csv_and_xlsx_cells(report):
    csv_found = tracing.csv_numbers(report / "nyckeltal.csv", "2025-T2")
    assert [(n.text, n.value, n.kind) for n in csv_found] == [
        ("1234", 1234.0, "machine"),
        ("4.62", 4.62, "machine"),
        ("2025-T2", 2025.0, "period"),
    ]
    assert csv_found[0].where == "row 2 «eb_households», col «value»"
    xlsx_found = tracing.xlsx_numbers(report / "nyckeltal.xlsx", "2025-T2")
    assert [(n.where, n.value) for n in xlsx_found] == [
        ("Nyckeltal!B2", 1234.0),
        ("Nyckeltal!B3", 4.62),
        ("Nyckeltal!A4", 5.0),
    ]


def test_pdf_text(tmp_path):
    from weasyprint import HTML

    body = (
        f"<html lang='sv'><head><style>@page {{ @bottom-center {{ content: 'Sida ' counter(page) ' av ' "
        f"counter(pages) }} }}</style></head><body><h1>Rapport 2025</h1><p>Hushåll: 1{NBSP}234, förändring "
        f"{MINUS}12 (4,6{NBSP}%), bistånd 10–12 månader, per 2025-08-31.</p>"
        f"<p style='width: 3em'>högst 5{NBSP}%</p></body></html>"
    )
    HTML(string=body).write_pdf(tmp_path / "rapport.pdf")
    found = tracing.pdf_numbers(tmp_path / "rapport.pdf", "2025-T2")
    assert sorted((n.text.replace(NBSP, " "), n.kind) for n in found) == sorted(
        [
            ("2025", "number"),
            ("1 234", "number"),
            (f"{MINUS}12", "number"),
            ("4,6", "number"),
            ("10", "number"),
            ("12", "number"),
            ("2025-08-31", "date"),
            ("5", "number"),
            ("1", "number"),
            ("1", "number"),
        ]
    )
    by_text = {n.text.replace(NBSP, " "): n for n in found}
    assert by_text["1 234"].value == 1234.0 and by_text["1 234"].where.startswith("sida 1, rad ")
    assert by_text["5"].suffix == "%"
    assert [tracing.allowed(n).name for n in found if n.text == "1"] == ["PDF page number"] * 2


def test_public_numbers_reads_only_public_files(report):
    found = tracing.public_numbers(report)
    assert {n.file for n in found} == {"sida.html", "nyckeltal.csv", "nyckeltal.xlsx"}
    assert not [n for n in found if "31337" in n.text]
    assert {n.report for n in found} == {"2025-T2"}


# --- the allow-list and the matching ---------------------------------------------------

CELLS = pd.DataFrame(
    {
        "measure": ["eb_households", "share", "change", "count", "count_b", "mean"],
        "value": [1234.0, 4.62, -12.0, 321.0, 654.0, 98.66],
        "unit": ["hushåll", "procent", "personer", "hushåll", "hushåll", "kr/vårddygn"],
    }
)


def test_unmapped_reports_what_no_cell_explains_with_file_and_context(report):
    left = tracing.unmapped(tracing.public_numbers(report), CELLS)
    texts_left = sorted(n.text for n in left)
    # 99 and 98,7 are two printed forms of 98.66; 17, 31, 42, 64 are in no cell
    assert texts_left == ["17", "31", "42", "64"]
    seventeen = next(n for n in left if n.text == "17")
    assert seventeen.file == "sida.html" and "figcaption" in seventeen.where
    assert "beräkning, [17] kommuner" in seventeen.context
    message = tracing.report_unmapped(left)
    assert "sida.html" in message and "[17] kommuner" in message


def test_years_dates_and_definitions_are_allowed_but_a_figure_equal_to_them_is_not():
    def one(text, **kw):
        return tracing.tokenize(text, file="p.html", where="p", report="2025-T2", **kw)

    assert tracing.allowed(one("samma period 2024.")[0]).name == "year"
    assert tracing.allowed(one("2022 T2")[1]).name == "tertial"
    assert tracing.allowed(one("per den 31 augusti 2025")[0]).name == "date"
    assert tracing.allowed(one("bistånd 10–12 månader")[1]).name == "long-term definition"
    assert tracing.allowed(one("vuxna (18+)")[0]).name == "age limit"
    assert [tracing.allowed(n).name for n in one("barn 0-20 år")] == ["age limit", "age limit"]
    assert tracing.allowed(one("4 kap. 1 § SoL")[0]).name == "law reference"
    assert tracing.allowed(one("Exempelkommun (0480)")[0]).name == "municipality code"
    assert tracing.allowed(one("färre än 5 personer")[0]).name == "suppression rule"
    # a real figure that happens to equal a year, a month count or an age is not allowed
    assert tracing.allowed(one(f"2{NBSP}025 hushåll")[0]) is None  # grouped: a formatted figure
    assert tracing.allowed(one("2025 hushåll")[0]) is None
    assert tracing.allowed(one("12 fler än i fjol")[0]) is None
    assert tracing.allowed(one("18 personer")[0]) is None
    assert tracing.allowed(one("5 personer")[0]) is None
    # in a CSV a year is a year only in a year column
    machine = tracing.Number(file="n.csv", where="row 2 «x», col «value»", text="2025", value=2025.0, kind="machine")
    assert tracing.allowed(machine) is None


def test_matching_compares_printed_text_so_rounding_counts():
    def numbers(*printed):
        return [n for p in printed for n in tracing.tokenize(p, file="p.html", where="p")]

    cells = pd.DataFrame(
        {"measure": ["a", "b", "c"], "value": [4.66, 1234.4, 63_458_846.62], "unit": ["procent", "hushåll", "kr"]}
    )
    assert texts(tracing.unmapped(numbers("4,7 %", f"1{NBSP}234", f"63,5{NBSP}mnkr", f"63{NBSP}459"), cells)) == []
    assert texts(tracing.unmapped(numbers("4,6 %", f"1{NBSP}235", "63,4 mnkr"), cells)) == [
        "4,6",
        f"1{NBSP}235",
        "63,4",
    ]
    # the printed unit counts too: a share is printed with %, million kronor with mnkr
    assert texts(tracing.unmapped(numbers("0 av 5 indikatorer", "4,7", "63,5", "1,2 %", "1,2 mnkr"), cells)) == [
        "0",
        "5",
        "4,7",
        "63,5",
        "1,2",
        "1,2",
    ]


def test_absolute_values_only_when_asked():
    cells = pd.DataFrame({"measure": ["diff"], "value": [-1585.0], "unit": ["vårddygn"]})
    printed = tracing.tokenize(f"1{NBSP}585 färre än i fjol", file="p.html", where="p")
    assert texts(tracing.unmapped(printed, cells)) == [f"1{NBSP}585"]
    assert tracing.unmapped(printed, cells, absolute=True) == []
    assert tracing.unmapped(printed, cells, absolute=lambda n: "färre" in n.after) == []
    signed = tracing.tokenize(f"+1{NBSP}585", file="p.html", where="p")
    assert texts(tracing.unmapped(signed, cells, absolute=True)) == [f"+1{NBSP}585"]


def test_machine_values_match_at_their_decimals():
    cells = pd.DataFrame({"measure": ["a"], "value": [689.2549], "unit": ["hushåll/månad"]})

    def machine(text):
        return tracing.Number(file="n.csv", where="r", text=text, value=float(text), kind="machine")

    printed = [machine("689.25"), machine("689.3"), machine("689"), machine("689.26"), machine("688.0")]
    assert texts(tracing.unmapped(printed, cells)) == ["689.26", "688.0"]
