"""The tertial run on the sample: what is published, what stays internal, and failure."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from snanalys.cli import main
from snanalys.reporting.errors import ReportError
from snanalys.reporting.run import resolve_latest, run_report
from snanalys.reporting.static_checks import check_static_html

import toy_notebooks as toy

PUBLIC_FILES = {
    "index.html", "ekonomiskt_bistand.html", "placeringar.html", "vardkostnader.html", "ekonomi.html",
    "jamforelser.html", "definitioner.html",
    "rapport.pdf", "nyckeltal.csv", "nyckeltal.xlsx", "tabelldata.csv",
}  # fmt: skip
PERIODS = ["2025-T1", "2025-T2", "2025-T3", "2026-T2"]


@pytest.mark.parametrize("label", PERIODS)
def test_public_folder_holds_only_what_the_board_may_see(built_reports, label):
    _, runs = built_reports
    assert {p.name for p in runs[label].iterdir()} == PUBLIC_FILES


@pytest.mark.parametrize("label", PERIODS)
def test_every_public_page_passes_the_static_checks(built_reports, label):
    _, runs = built_reports
    for page in runs[label].glob("*.html"):
        assert check_static_html(page, synthetic=True) == [], page.name
        text = page.read_text(encoding="utf-8")
        assert "syntetiska exempeldata" in text.lower()
        assert page.stat().st_size < 1_000_000


def test_public_csv_equals_the_command_line(built_reports, sample_data_dir, capsys):
    """The command line outside a run computes the protection as the year's runs made it (other
    tests' runs into other report folders have kept theirs: forgotten first)."""
    import shutil

    from snanalys.disclosure import report as disclosure_report

    disclosure_report._MEMORY.clear()
    shutil.rmtree(sample_data_dir / "processed" / "0480" / disclosure_report.CACHE_FOLDER, ignore_errors=True)
    _, runs = built_reports
    assert (
        main(
            [
                "--data-dir",
                str(sample_data_dir),
                "nyckeltal",
                "--year",
                "2025",
                "--tertial",
                "3",
                "--format",
                "csv",
                "--public",
            ]
        )
        == 0
    )
    assert (runs["2025-T3"] / "nyckeltal.csv").read_text(encoding="utf-8") == capsys.readouterr().out


def test_internal_folder_has_notebooks_tables_and_manifest(built_reports):
    reports_dir, _ = built_reports
    internal = reports_dir / "_internal" / "2025-T2"
    names = {p.name for p in internal.iterdir()}
    assert {"manifest.json", "nyckeltal_unsuppressed.csv", "00_sammanfattning.ipynb"} <= names
    manifest = json.loads((internal / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["tertial"] == 2 and manifest["versions"]["papermill"]
    assert set(manifest["public_files"]) == PUBLIC_FILES
    assert all(len(sha) == 64 for sha in manifest["inputs"].values())
    executed = nbformat.read(internal / "01_ekonomiskt_bistand.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in executed.cells)


def test_latest_as_of_2026_11_22_is_2026_t2(built_reports, sample):
    _, runs = built_reports
    assert runs["2026-T2"].is_dir()
    assert resolve_latest(__import__("datetime").date(2026, 11, 22), sample.extract) == (2026, 2)


def test_latest_beyond_the_data_names_the_missing_months(sample_data_dir, tmp_path, capsys):
    code = main(
        [
            "--data-dir",
            str(sample_data_dir),
            "report",
            "--latest",
            "--as-of",
            "2027-01-10",
            "--reports-dir",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and "2026-11" in err and "2026-12" in err
    # nothing published: only the run log records the failure
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*"))] == [
        "_internal",
        "_internal/run.log",
    ]
    assert "period=latest\toutcome=failed" in (tmp_path / "_internal" / "run.log").read_text(encoding="utf-8")


def _toy_notebooks(folder, *, fail: bool):
    last = (
        "raise ValueError('deliberate failure')"
        if fail
        else "import sys\n" + toy.SHOW + "display(HTML(f'<h1>Sida</h1><p>{sys.executable}</p>'))"
    )
    return toy.write(
        folder,
        {
            "00_sammanfattning": toy.page("Sammanfattning", toy.show("Sammanfattning"), kernel="nonexistent-kernel"),
            "01_sida": toy.page("Sida", "x = 1", last),
        },
    )


def test_a_failing_notebook_keeps_the_last_good_report(sample_data_dir, tmp_path):
    reports = tmp_path / "reports"
    good = run_report(
        2025,
        3,
        data_dir=sample_data_dir,
        reports_dir=reports,
        notebooks_dir=_toy_notebooks(tmp_path / "good", fail=False),
        progress=lambda m: None,
    )
    # the notebook names a kernel that does not exist, yet ran on this interpreter
    assert sys.executable in (good.public_dir / "sida.html").read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in good.public_dir.iterdir()}
    with pytest.raises(ReportError, match=r"01_sida\.ipynb failed in cell 2 .*ValueError: deliberate failure"):
        run_report(
            2025,
            3,
            data_dir=sample_data_dir,
            reports_dir=reports,
            notebooks_dir=_toy_notebooks(tmp_path / "bad", fail=True),
            progress=lambda m: None,
        )
    assert {p.name: p.read_bytes() for p in good.public_dir.iterdir()} == before
    assert (reports / "_internal" / "2025-T3-failed" / "01_sida.ipynb").exists()
    assert not [p for p in reports.iterdir() if p.name.startswith(".staging")]


def test_report_command_exits_non_zero_on_failure(sample_data_dir, tmp_path):
    notebooks = _toy_notebooks(tmp_path / "bad", fail=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "snanalys.cli",
            "--data-dir",
            str(sample_data_dir),
            "report",
            "--year",
            "2025",
            "--tertial",
            "3",
            "--notebooks",
            str(notebooks),
            "--reports-dir",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "01_sida.ipynb failed in cell 2" in proc.stderr
    assert not (tmp_path / "r" / "2025-T3").exists()


def test_manifest_holds_the_forecasts_backtest(built_reports):
    reports_dir, _ = built_reports
    manifest = json.loads((reports_dir / "_internal" / "2025-T2" / "manifest.json").read_text(encoding="utf-8"))
    line = manifest["forecasts"]["committee"]["barn_och_unga"]
    assert line["method"] in ("linear", "seasonal") and line["backtest_years"] == [2023, 2024]
    assert set(manifest["forecasts"]["volume_driven_costs"]) == {
        "ekonomiskt_bistand",
        "hvb_barn_unga",
        "familjehem",
        "placeringar_vuxna",
    }
    assert "fel bakåt" in (reports_dir / "2025-T2" / "ekonomi.html").read_text(encoding="utf-8")


def test_the_record_of_2026_shows_what_the_reports_of_2025_published(built_reports):
    """Prognossäkerhet of 2026-T2: the year 2025 takes its T1 and T2 forecasts from the published
    2025-T1 and 2025-T2 reports (as their tabelldata.csv has them), marked "publicerad"; 2024, with no
    report at hand, is recomputed."""
    import csv

    _, runs = built_reports

    def published(label: str) -> dict[str, tuple[str, str]]:
        with (runs[label] / "tabelldata.csv").open(encoding="utf-8") as f:
            return {row["id"]: (row["value"], row["mark"]) for row in csv.DictReader(f)}

    now = published("2026-T2")
    checked = 0
    for tertial in (1, 2):
        before = published(f"2025-T{tertial}")
        for measure, key in (("economy_forecast_tkr", "barn_och_unga"), ("cost_forecast_tkr", "familjehem")):
            then = before[f"{measure}|2025-T{tertial}|key|{key}"]
            shown = now[f"record_forecast_t{tertial}_tkr|2026-T2|key|{key}_2025"]
            assert shown == then, (measure, key, tertial)
            checked += 1
    assert checked == 4
    page = (runs["2026-T2"] / "ekonomi.html").read_text(encoding="utf-8")
    record = page[page.index("Prognossäkerhet per verksamhet") :]
    assert "publicerad" in record and "omräknad" in record


def test_economy_page_of_2025_t3_shows_the_annual_reports_result(built_reports):
    _, runs = built_reports
    page = (runs["2025-T3"] / "ekonomi.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    for number in ("-299 775", "-300 100", "325", "-124 613", "-14 558", "1 084"):
        assert f">{number}<" in page, number
    assert "Kostnader är negativa" in page


def test_comparison_page_shows_nykopings_real_kolada_values(built_reports):
    _, runs = built_reports
    page = (runs["2025-T3"] / "jamforelser.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "Nyköping (0480)" in page and "Källa: Kolada" in page and "verkliga" in page
    table = page[page.index("<caption>Invånare som någon gång") :]
    row_2022 = re.split(r"<th scope=.row.>2022</th>", table, maxsplit=1)[1].split("</tr>", 1)[0]
    assert ">4,6 %<" in row_2022  # N31807, Nyköping 2022: 4,6 %


def test_the_data_quality_page_is_internal_only(built_reports):
    reports_dir, runs = built_reports
    page = (reports_dir / "_internal" / "2025-T3" / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Rader per tabell" in page and "payments" in page and "uttaget 2026-11-05" in page
    assert "<h2>Röjandekontroll</h2>" in page and "skyddade storheter" in page
    assert (reports_dir / "_internal" / "2025-T3" / "rojandekontroll.csv").exists()
    assert not (runs["2025-T3"] / "rojandekontroll.csv").exists()
    assert not (runs["2025-T3"] / "datakvalitet.html").exists()


def test_a_rerun_marks_what_changed_since_the_report_it_replaces(built_reports, sample_data_dir, tmp_path):
    """The report of a period run again (here: against a planted earlier version whose total of
    households was one higher) lists the revision on the summary and marks it in the files."""
    import csv
    import shutil

    import openpyxl

    root = Path(__file__).resolve().parents[2]
    _, runs = built_reports
    replaced = tmp_path / "2025-T1"
    replaced.mkdir()
    rows = list(csv.DictReader((runs["2025-T1"] / "tabelldata.csv").open(encoding="utf-8")))
    total = next(r for r in rows if r["id"] == "eb_households|2025-01-01|2025-04-30||")
    now = total["value"]
    total["value"] = str(int(now) + 1)
    with (replaced / "tabelldata.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(runs["2025-T1"] / "index.html", replaced / "index.html")
    args = ["--data-dir", str(sample_data_dir), "report", "--year", "2025", "--tertial", "1"]
    args += ["--notebooks", str(root / "notebooks"), "--reports-dir", str(tmp_path)]
    args += ["--commentary", str(root / "commentary")]
    assert main(args) == 0
    new_rows = {r["id"]: r for r in csv.DictReader((replaced / "tabelldata.csv").open(encoding="utf-8"))}
    assert new_rows[total["id"]]["value"] == now and new_rows[total["id"]]["revised_from"] == str(int(now) + 1)
    assert [i for i, r in new_rows.items() if r["revised_from"]] == [total["id"]]
    index = (replaced / "index.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "Reviderat sedan förra rapporten" in index and "Uppgiften nedan har ändrats" in index
    book = openpyxl.load_workbook(replaced / "nyckeltal.xlsx")
    marks = [row[-1] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert sum(1 for m in marks if isinstance(m, str) and m.startswith("reviderad, tidigare")) == 1
