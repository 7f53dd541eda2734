"""The command line on the sample: the published table reproduced, errors clear, first run sets up."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from snanalys.cli import main
from snanalys.key_figures import key_figures
from snanalys.periods import year_to_date

import oracle
from published import PUBLISHED


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def parse(text: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["measure", "value", "unit", "mark"]
    return {r[0]: r[1] for r in rows[1:]}


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_nyckeltal_reproduces_the_published_table(capsys, sample_data_dir, year):
    code, out, err = run(
        capsys,
        "--data-dir",
        str(sample_data_dir),
        "nyckeltal",
        "--year",
        str(year),
        "--tertial",
        "3",
        "--format",
        "csv",
    )
    assert code == 0, err
    values = parse(out)
    for measure, by_year in PUBLISHED.items():
        assert float(values[measure]) == pytest.approx(by_year[year], rel=0.005), measure
    assert values["data_source"] == "synthetic"
    assert "synthetic" in err


def test_households_per_month_and_children_placed_match_the_annual_report(sample):
    figures = {year: key_figures(sample, year_to_date(year, 3)).set_index("measure")["value"] for year in (2024, 2025)}
    assert figures[2024]["eb_households_per_month"] == pytest.approx(651, rel=0.01)
    assert figures[2025]["eb_households_per_month"] == pytest.approx(696, rel=0.01)
    assert figures[2024]["children_placed"] == pytest.approx(172, abs=10)
    assert figures[2025]["children_placed"] == pytest.approx(165, abs=10)
    assert figures[2024]["children_interventions_placement_share"] == pytest.approx(31, abs=1)
    assert figures[2025]["children_interventions_placement_share"] == pytest.approx(30, abs=1)


def test_the_metric_functions_agree_with_the_oracle_on_the_sample(sample):
    """Brute force on the real sample: spells expanded into days, households counted by loops."""
    period = year_to_date(2025, 2)
    extract = sample.extract.extract_date
    children = sample.placements.loc[sample.placements["target_group"] == "BARN_UNGA"]
    figures = key_figures(sample, period).set_index("measure")["value"]
    assert figures["care_days_children"] == oracle.care_days(children, period.start, period.end, extract)
    payments = sample.payments.loc[sample.payments["payment_date"].dt.year == 2025]
    assert figures["eb_households"] == oracle.households(payments, period.start, period.end)
    assert figures["eb_households_with_children"] == oracle.households_with_children(
        payments, sample.members, period.start, period.end
    )


def test_csv_format(capsys, sample_data_dir):
    code, out, _ = run(capsys, "--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2024", "--format", "csv")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    numeric = frame.loc[~frame["measure"].isin(["period", "data_source", "status"]), "value"]
    assert all(v == "" or float(v) == float(v) for v in numeric)
    assert not any(" " in v or "," in v for v in numeric)


def test_a_period_the_data_does_not_cover_is_an_error_naming_the_months(capsys, sample_data_dir):
    code, out, err = run(capsys, "--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2026", "--tertial", "3")
    assert code != 0 and out == ""
    assert "2026-11" in err and "2026-12" in err
    code, out, err = run(
        capsys, "--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2026", "--format", "csv", "--allow-partial"
    )
    assert code == 0 and "status,preliminary," in out and "PRELIMINARY" in err


def test_public_output_marks_suppressed_values(capsys, sample_data_dir):
    code, out, _ = run(capsys, "--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2025", "--public")
    assert code == 0 and "SYNTETISKA EXEMPELDATA" in out and "Ekonomiskt bistånd, antal hushåll" in out


def test_unknown_tertial_is_refused(capsys, sample_data_dir):
    with pytest.raises(SystemExit):
        main(["--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2025", "--tertial", "4"])
    assert "unknown tertial" in capsys.readouterr().err


def test_sample_then_nyckeltal_ingests_then_reingests_when_raw_is_newer(tmp_path):
    """The sample is written by `snanalys sample` alone; `nyckeltal` ingests (run as a real process)."""
    cli = [sys.executable, "-m", "snanalys.cli"]
    cmd = [*cli, "nyckeltal", "--year", "2023", "--format", "csv"]
    sample = subprocess.run([*cli, "sample"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "wrote the synthetic sample" in sample.stderr
    first = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "synthetic sample" not in first.stderr and "ingesting" in first.stderr
    assert parse(first.stdout)["eb_households"] == "1016"
    second = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "ingesting" not in second.stderr
    raw = tmp_path / "data" / "raw" / "0480" / "befolkning.csv"
    raw.touch()
    third = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "older than the raw" in third.stderr and third.stdout == first.stdout


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_report_on_an_empty_data_folder_stops_and_writes_nothing_there(tmp_path):
    """An unmounted data/raw must not become the synthetic report: exit 3, the folder left empty,
    the failure in run.log under the reports folder (the current one by default), on-failure run."""
    data, work = tmp_path / "mnt", tmp_path / "work"
    data.mkdir()
    work.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "snanalys.cli",
        "--data-dir",
        str(data),
        "report",
        "--latest",
        "--on-failure",
        f"touch {tmp_path / 'alerted'}",
    ]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert _tree(data) == []
    assert proc.stderr.splitlines() == [
        f"snanalys: error: no raw data in {data / 'raw'}: no municipality folder (four digits, e.g. 0480/ with "
        "uttag.json); is the data folder mounted? `snanalys sample` writes the synthetic sample; nothing was written"
    ]
    log = (work / "reports" / "_internal" / "run.log").read_text(encoding="utf-8")
    assert "period=latest\toutcome=failed" in log and "no raw data in" in log
    assert (tmp_path / "alerted").exists()
    assert _tree(work) == ["reports", "reports/_internal", "reports/_internal/run.log"]


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--latest"],
        ["report", "--year", "2025", "--tertial", "3"],
        ["nyckeltal", "--year", "2025"],
        ["nyckeltal", "--year", "2025", "--all-municipalities"],
        ["ingest"],
    ],
    ids=lambda c: " ".join(c),
)
def test_a_missing_or_empty_data_folder_stops_every_command(capsys, tmp_path, command):
    reports = tmp_path / "reports"
    missing = tmp_path / "data-typo"
    code, out, err = run(
        capsys,
        "--data-dir",
        str(missing),
        *command,
        *(["--reports-dir", str(reports)] if command[0] == "report" else []),
    )
    assert code == 3 and out == ""
    assert (
        err
        == f"snanalys: error: the data folder {missing} does not exist (mistyped --data-dir, or not mounted?); nothing was written\n"
    )
    assert not missing.exists()
    empty = tmp_path / "empty"
    (empty / "raw").mkdir(parents=True)
    code, out, err = run(
        capsys, "--data-dir", str(empty), *command, *(["--reports-dir", str(reports)] if command[0] == "report" else [])
    )
    assert code == 3 and out == "" and f"no raw data in {empty / 'raw'}" in err
    assert _tree(empty) == ["raw"]
    if command[0] == "report":
        assert "outcome=failed" in (reports / "_internal" / "run.log").read_text(encoding="utf-8")


def test_sample_if_no_data_writes_only_on_a_fresh_folder_and_never_over_real_data(capsys, tmp_path):
    data = tmp_path / "data"
    code, _, err = run(capsys, "--data-dir", str(data), "sample", "--if-no-data")
    assert code == 0 and "wrote the synthetic sample" in err
    stamp = (data / "raw" / "0480" / "uttag.json").stat().st_mtime_ns
    code, _, err = run(capsys, "--data-dir", str(data), "sample", "--if-no-data")
    assert code == 0 and "holds municipality data (0480): the sample is not written" in err
    assert (data / "raw" / "0480" / "uttag.json").stat().st_mtime_ns == stamp
    real = tmp_path / "real"
    (real / "raw" / "0480").mkdir(parents=True)
    (real / "raw" / "0480" / "uttag.json").write_text(
        '{"kommunkod": "0480", "syntetiska_data": false}', encoding="utf-8"
    )
    code, _, err = run(capsys, "--data-dir", str(real), "sample")
    assert code == 3 and "is not the synthetic sample: not overwritten" in err
    assert _tree(real / "raw") == ["0480", "0480/uttag.json"]


def test_make_report_writes_the_sample_itself_on_a_fresh_clone():
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nreport:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("snanalys sample --if-no-data") < recipe.index("snanalys report")


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(c in out for c in ("sample", "ingest", "nyckeltal"))


def test_all_municipalities_gives_each_one_and_the_country_as_csv(capsys, sample_data_dir):
    """One municipality in the data: its block and the country's equal its own key figures."""
    code, out, err = run(
        capsys,
        "--data-dir",
        str(sample_data_dir),
        "nyckeltal",
        "--year",
        "2025",
        "--tertial",
        "2",
        "--all-municipalities",
    )
    assert code == 0, err
    assert "INTERNAL, not suppressed" in err and "synthetic" in err
    rows = pd.read_csv(io.StringIO(out), dtype={"municipality_code": str, "status": str}, keep_default_na=False)
    assert list(rows.columns) == ["municipality_code", "measure", "value", "unit", "data_source", "status"]
    assert set(rows["municipality_code"]) == {"0000", "0480"}
    assert set(rows["data_source"]) == {"synthetic"} and set(rows["status"]) == {""}
    _, single, _ = run(
        capsys, "--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2025", "--tertial", "2", "--format", "csv"
    )
    own = parse(single)
    for code_ in ("0480", "0000"):
        block = rows[rows["municipality_code"] == code_].set_index("measure")
        for measure in ("eb_households", "eb_paid_kr", "care_days_children", "kr_per_care_day_children_external"):
            assert block.loc[measure, "value"] == pytest.approx(float(own[measure]), abs=0.01), (code_, measure)


def test_all_municipalities_is_never_public_and_checks_coverage(capsys, sample_data_dir):
    base = ["--data-dir", str(sample_data_dir), "nyckeltal", "--year", "2026", "--all-municipalities"]
    code, out, err = run(capsys, *base, "--public")
    assert code == 2 and out == "" and "reveal a hidden count" in err
    code, out, err = run(capsys, *base)
    assert code != 0 and out == "" and "0480" in err and "--allow-partial" in err
    code, out, err = run(capsys, *base, "--allow-partial")
    assert code == 0 and all(line.endswith(",preliminary") for line in out.splitlines()[1:])


class _NotAnException(BaseException):
    pass


@pytest.mark.parametrize(
    "error",
    [TypeError("boom\nsecond line"), KeyError("x"), _NotAnException("fatal")],
    ids=["TypeError", "KeyError", "BaseException"],
)
def test_an_unexpected_error_is_one_line_and_exit_3_and_debug_shows_the_traceback(capsys, monkeypatch, error):
    import snanalys.cli as cli

    def fail(args):
        raise error

    monkeypatch.setattr(cli, "cmd_kolada_check", fail)
    code, out, err = run(capsys, "kolada-check")
    assert code == 3 and out == ""
    expected = {
        "TypeError": "TypeError: boom second line",
        "KeyError": "KeyError: 'x'",
        "_NotAnException": "_NotAnException: fatal",
    }[type(error).__name__]
    assert err == f"snanalys: error: {expected}\n"
    code, _, err = run(capsys, "--debug", "kolada-check")
    assert (
        code == 3
        and err.startswith("Traceback (most recent call last):")
        and err.endswith(f"snanalys: error: {expected}\n")
    )


def test_an_interruption_is_not_swallowed(monkeypatch):
    import snanalys.cli as cli

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_kolada_check", interrupt)
    with pytest.raises(KeyboardInterrupt):
        main(["kolada-check"])
