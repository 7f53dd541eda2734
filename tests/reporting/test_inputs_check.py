"""The report's pre-check: a personnummer in any text that can reach a public file stops the
run before any notebook runs, naming the file and the place, masked; with the check off, the
scan finds it in the real rapport.pdf and nyckeltal.xlsx. Test numbers are built at run time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from snanalys import codes
from snanalys.cli import main
from snanalys.privacy import scan, scan_files
from snanalys.reporting import run as run_module
from snanalys.reporting.errors import ReportError
from snanalys.reporting.run import run_report

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
TOLVAN = "19121212" + "-1212"  # Skatteverket's test number, built so git never holds it
MASKED = "19121*-****"


@pytest.fixture
def data_dir(sample_data_dir, tmp_path) -> Path:
    """A copy of the sample's data folder (raw and processed) to put personal data into."""
    copy = tmp_path / "data"
    shutil.copytree(sample_data_dir, copy)
    return copy


def _set_municipality_name(data_dir: Path, name: str) -> None:
    path = data_dir / "processed" / "0480" / "extract.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["municipality_name"] = name
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def _stopped(data_dir: Path, tmp_path: Path, *, commentary: Path | None = None) -> ReportError:
    reports = tmp_path / "reports"
    messages: list[str] = []
    with pytest.raises(ReportError) as info:
        run_report(
            2025,
            3,
            data_dir=data_dir,
            reports_dir=reports,
            notebooks_dir=NOTEBOOKS,
            commentary_dir=commentary or tmp_path / "no-commentary",
            progress=messages.append,
        )
    # nothing ran, nothing but the lock and the run log was written, and neither holds the number
    assert messages == []
    written = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*"))
    assert written == [".lock-2025-T3", "_internal", "_internal/run.log"]
    assert scan([reports]) == []
    assert TOLVAN not in str(info.value) and MASKED in str(info.value)
    return info.value


def test_a_personnummer_in_the_municipality_name_stops_the_run(data_dir, tmp_path):
    _set_municipality_name(data_dir, f"Exempelkommun {TOLVAN}")
    error = _stopped(data_dir, tmp_path)
    assert "processed/0480/extract.json, key municipality_name (line 3): personnummer 19121*-****" in str(error)


def test_a_personnummer_in_kommunnamn_of_uttag_json_stops_the_ingest_of_the_report(data_dir, tmp_path, capsys):
    path = data_dir / "raw" / "0480" / "uttag.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["kommunnamn"] = f"Exempelkommun {TOLVAN}"
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    reports = tmp_path / "reports"
    code = main(
        [
            "--data-dir",
            str(data_dir),
            "report",
            "--year",
            "2025",
            "--tertial",
            "3",
            "--notebooks",
            str(NOTEBOOKS),
            "--reports-dir",
            str(reports),
            "--commentary",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert (
        '0480/uttag.json, kolumn "kommunnamn": väntade en text utan personuppgifter (hittade: personnummer), '
        'fick "Exempelkommun 19121*-****"' in err
    )
    assert TOLVAN not in err and not (reports / "2025-T3").exists() and scan([reports]) == []


def test_a_personnummer_in_the_commentary_stops_the_run(data_dir, tmp_path):
    commentary = tmp_path / "commentary"
    commentary.mkdir()
    (commentary / "2025-T3.md").write_text(
        f"## Ekonomiskt bistånd\n\nUtbetalningarna ökade.\nSe ärendet för {TOLVAN}.\n", encoding="utf-8"
    )
    error = _stopped(data_dir, tmp_path, commentary=commentary)
    assert f"{commentary / '2025-T3.md'}, line 4: personnummer 19121*-****" in str(error)


def test_a_personnummer_in_the_targets_file_stops_the_run(data_dir, tmp_path, monkeypatch):
    from snanalys.targets import targets_path

    targets = tmp_path / "targets.toml"
    text = targets_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("title = ")) + 1
    lines[number - 1] = f'title = "Mål för {TOLVAN}"'
    targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("SNANALYS_TARGETS", str(targets))
    error = _stopped(data_dir, tmp_path)
    assert f"{targets}, line {number}: personnummer 19121*-****" in str(error)


def test_a_personnummer_in_a_code_label_stops_the_run(data_dir, tmp_path, monkeypatch):
    monkeypatch.setitem(codes.VERKSAMHETER, "NAMND", f"Nämnd {TOLVAN}")
    error = _stopped(data_dir, tmp_path)
    assert "codes.py, VERKSAMHETER[NAMND]: personnummer 19121*-****" in str(error)


def test_a_personnummer_in_a_processed_text_column_stops_the_run(data_dir, tmp_path):
    path = data_dir / "processed" / "0480" / "placements.parquet"
    placements = pd.read_parquet(path)
    placements.loc[4, "provider_id"] = f"Familjehem {TOLVAN}"  # ingested before the ingest checked free text
    placements.to_parquet(path, index=False)
    error = _stopped(data_dir, tmp_path)
    assert "placements.parquet, row 5, column provider_id: personnummer 19121*-****" in str(error)


def test_with_the_check_off_the_scan_finds_it_in_the_real_pdf_and_workbook(data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run_module, "check_report_inputs", lambda *args, **kwargs: None)
    _set_municipality_name(data_dir, f"Exempelkommun {TOLVAN}")
    reports = tmp_path / "reports"
    result = run_report(
        2025,
        3,
        data_dir=data_dir,
        reports_dir=reports,
        notebooks_dir=NOTEBOOKS,
        commentary_dir=tmp_path,
        progress=lambda message: None,
    )
    pdf, xlsx = result.public_dir / "rapport.pdf", result.public_dir / "nyckeltal.xlsx"
    found = scan_files([pdf, xlsx]).hits
    places = {(h.path.name, h.where.split(",")[0]) for h in found if h.masked == MASKED}
    assert ("rapport.pdf", "metadata /Title") in places
    assert any(name == "rapport.pdf" and where.startswith("page ") for name, where in places)
    assert ("nyckeltal.xlsx", "property title") in places
    assert ("nyckeltal.xlsx", "sheet Nyckeltal") in places  # the municipality row's cell
    code = main(["--data-dir", str(data_dir), "scan", str(pdf), str(xlsx)])
    err = capsys.readouterr().err
    assert code == 1 and TOLVAN not in err and "rapport.pdf (metadata /Title): personnummer 19121*-****" in err
