"""Unattended runs: the period lock, faults that keep the last good report, the run log,
the on-failure command, freezing a period, and reproducible pages."""

import errno
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from snanalys.cli import main
from snanalys.reporting import publish as publish_module
from snanalys.reporting import run as run_module
from snanalys.reporting.errors import ReportError
from snanalys.reporting.export import pdf_from_pages
from snanalys.reporting.run import run_report

import toy_notebooks as toy

ROOT = Path(__file__).resolve().parents[2]
QUIET = {"progress": lambda message: None}


def _toy_notebooks(folder: Path, second: str = "x = 1") -> Path:
    return toy.write(
        folder,
        {
            "00_sammanfattning": toy.page("Sammanfattning", toy.show("Sammanfattning")),
            "01_sida": toy.page("Sida", second, toy.show("Sida")),
        },
    )


def _good_run(sample_data_dir, tmp_path):
    reports = tmp_path / "reports"
    good = run_report(
        2025, 3, data_dir=sample_data_dir, reports_dir=reports, notebooks_dir=_toy_notebooks(tmp_path / "good"), **QUIET
    )
    return reports, _snapshot(good.public_dir)


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _log(reports: Path) -> str:
    return (reports / "_internal" / "run.log").read_text(encoding="utf-8")


def _leftovers(reports: Path) -> list:
    return [p.name for p in reports.iterdir() if p.name.startswith((".staging", ".old"))]


def _hold_lock(reports: Path, label: str) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from snanalys.reporting.lock import period_lock
        with period_lock(Path({str(reports)!r}), {label!r}):
            print("locked", flush=True)
            time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_fails_at_once_and_a_killed_holder_never_blocks(sample_data_dir, tmp_path, monkeypatch, capsys):
    reports = tmp_path / "reports"
    holder = _hold_lock(reports, "2025-T3")
    try:
        t0 = time.perf_counter()
        with pytest.raises(ReportError, match=rf"another run of 2025-T3 is in progress \(pid {holder.pid}\)"):
            run_report(
                2025,
                3,
                data_dir=sample_data_dir,
                reports_dir=reports,
                notebooks_dir=_toy_notebooks(tmp_path / "nb"),
                **QUIET,
            )
        assert time.perf_counter() - t0 < 5
        # the command line, with the on-failure command from the environment
        marker = tmp_path / "alert.txt"
        monkeypatch.setenv("SNANALYS_ON_FAILURE", f'echo "$SNANALYS_PERIOD $SNANALYS_LOG" > "{marker}"')
        code = main(
            [
                "--data-dir",
                str(sample_data_dir),
                "report",
                "--year",
                "2025",
                "--tertial",
                "3",
                "--notebooks",
                str(tmp_path / "nb"),
                "--reports-dir",
                str(reports),
            ]
        )
        assert code != 0 and "another run of 2025-T3 is in progress" in capsys.readouterr().err
        assert marker.read_text().split() == ["2025-T3", str(reports.resolve() / "_internal" / "run.log")]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    monkeypatch.delenv("SNANALYS_ON_FAILURE")
    assert not (reports / "2025-T3").exists()
    result = run_report(2025, 3, data_dir=sample_data_dir, reports_dir=reports, notebooks_dir=tmp_path / "nb", **QUIET)
    assert (result.public_dir / "index.html").exists()
    lines = _log(reports).splitlines()
    assert [line.split("\t")[2] for line in lines] == ["outcome=busy", "outcome=busy", "outcome=ok"]
    assert all(line.split("\t")[1] == "period=2025-T3" for line in lines)
    assert "error=another run of 2025-T3 is in progress" in lines[0]


def test_a_run_killed_midway_keeps_the_last_good_report_and_is_cleaned_up(sample_data_dir, tmp_path):
    reports, before = _good_run(sample_data_dir, tmp_path)
    marker = tmp_path / "midway"
    slow = _toy_notebooks(tmp_path / "slow", second=f"import time\nopen({str(marker)!r}, 'w').close()\ntime.sleep(120)")
    proc = subprocess.Popen(
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
            str(slow),
            "--reports-dir",
            str(reports),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the run never reached the slow cell"
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its kernel
        proc.wait()
    assert _snapshot(reports / "2025-T3") == before
    assert any(name.startswith(".staging-2025-T3-") for name in _leftovers(reports))
    messages = []
    run_report(
        2025,
        3,
        data_dir=sample_data_dir,
        reports_dir=reports,
        notebooks_dir=tmp_path / "good",
        progress=messages.append,
    )
    assert _leftovers(reports) == []
    assert any("leftover staging" in m for m in messages)


def test_a_failing_notebook_is_logged_and_runs_the_on_failure_command(sample_data_dir, tmp_path, capsys):
    reports, before = _good_run(sample_data_dir, tmp_path)
    tolvan = "19121212" + "-1212"  # Skatteverket's test number, built so git never holds it
    bad = _toy_notebooks(tmp_path / "bad", second=f"raise ValueError('deliberate failure {tolvan}')")
    alert = tmp_path / "alert.txt"
    code = main(
        [
            "--data-dir",
            str(sample_data_dir),
            "report",
            "--year",
            "2025",
            "--tertial",
            "3",
            "--notebooks",
            str(bad),
            "--reports-dir",
            str(reports),
            "--on-failure",
            f'echo "$SNANALYS_PERIOD" > "{alert}"; echo "$SNANALYS_LOG" >> "{alert}"; exit 7',
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and "01_sida.ipynb failed in cell 1" in err  # the command's failure masks nothing
    assert _snapshot(reports / "2025-T3") == before
    assert alert.read_text().split() == ["2025-T3", str(reports.resolve() / "_internal" / "run.log")]
    failed, hook = _log(reports).splitlines()[-2:]
    assert "period=2025-T3\toutcome=failed" in failed and "deliberate failure" in failed
    assert "19121212" not in failed  # no personal data in the log
    assert "outcome=on-failure-error" in hook and "status 7" in hook


@pytest.mark.parametrize(
    "where", ["writing a public file", "swapping the public folder in", "swapping the internal folder in"]
)
def test_a_full_disk_keeps_the_last_good_report(sample_data_dir, tmp_path, monkeypatch, where):
    reports, before = _good_run(sample_data_dir, tmp_path)
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if where == "writing a public file":

        def write_tables(*args, **kwargs):
            raise full

        monkeypatch.setattr(run_module, "write_key_figure_tables", write_tables)
    else:
        folder = "public" if where == "swapping the public folder in" else "internal"
        real_exchange, real_rename = publish_module.exchange, os.rename

        def refused(src):
            return Path(src).name == folder and Path(src).parent.name.startswith(".staging-")

        def exchange(a, b):
            if refused(a):
                raise full
            return real_exchange(a, b)

        def rename(src, dst, *args, **kwargs):
            if refused(src):
                raise full
            return real_rename(src, dst, *args, **kwargs)

        monkeypatch.setattr(publish_module, "exchange", exchange)
        monkeypatch.setattr(publish_module.os, "rename", rename)
    with pytest.raises(ReportError, match="no space left"):
        run_report(2025, 3, data_dir=sample_data_dir, reports_dir=reports, notebooks_dir=tmp_path / "good", **QUIET)
    assert _snapshot(reports / "2025-T3") == before
    assert (reports / "_internal" / "2025-T3" / "manifest.json").exists()
    assert _leftovers(reports) == [] and _leftovers(reports / "_internal") == []
    assert not publish_module.pending(reports, "2025-T3")
    assert "outcome=failed" in _log(reports).splitlines()[-1] and "no space left" in _log(reports).splitlines()[-1]


def _modes(folder: Path) -> set:
    return {stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


def test_freeze_archives_a_read_only_copy_that_later_runs_never_touch(sample_data_dir, tmp_path, capsys):
    reports, before = _good_run(sample_data_dir, tmp_path)
    assert main(["report", "freeze", "2025-T3", "--reports-dir", str(reports)]) == 0
    v1 = reports / "archive" / "2025-T3-v1"
    assert capsys.readouterr().out.strip() == str(v1.resolve())
    assert _snapshot(v1) == before  # exactly the public files, byte for byte
    assert _modes(v1) == {0o555, 0o444}
    manifest = json.loads((reports / "_internal" / "archive" / "2025-T3-v1" / "manifest.json").read_text("utf-8"))
    assert manifest["period"] == "2025-T3" and manifest["version"] == 1
    assert manifest["sha256"] == {name: hashlib.sha256(data).hexdigest() for name, data in before.items()}

    _toy_notebooks(tmp_path / "again", second="y = 2")
    run_report(2025, 3, data_dir=sample_data_dir, reports_dir=reports, notebooks_dir=tmp_path / "again", **QUIET)
    assert _snapshot(v1) == before and _modes(v1) == {0o555, 0o444}
    assert main(["report", "freeze", "2025-T3", "--reports-dir", str(reports)]) == 0
    assert _snapshot(reports / "archive" / "2025-T3-v2") == _snapshot(reports / "2025-T3")
    assert (reports / "_internal" / "archive" / "2025-T3-v2" / "manifest.json").exists()
    assert sorted(p.name for p in (reports / "archive").iterdir()) == ["2025-T3-v1", "2025-T3-v2"]
    assert "outcome=frozen-v2" in _log(reports)

    assert main(["report", "freeze", "2024-T1", "--reports-dir", str(reports)]) != 0
    assert "no published report of 2024-T1" in capsys.readouterr().err
    assert main(["report", "freeze", "2025-T4", "--reports-dir", str(reports)]) != 0
    assert main(["report", "freeze", "--reports-dir", str(reports)]) == 2


def _without_generated(text: bytes) -> list:
    return [line for line in text.splitlines() if b"Skapad" not in line]


def test_two_runs_on_the_same_inputs_give_the_same_pages(built_reports, sample_data_dir, tmp_path):
    _, runs = built_reports
    first = runs["2025-T1"]
    second = run_report(
        2025,
        1,
        data_dir=sample_data_dir,
        reports_dir=tmp_path / "reports",
        notebooks_dir=ROOT / "notebooks",
        commentary_dir=ROOT / "commentary",
        **QUIET,
    ).public_dir
    pages = sorted(p.name for p in first.glob("*.html"))
    assert pages == sorted(p.name for p in second.glob("*.html")) and "index.html" in pages
    for name in pages:
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        assert _without_generated(a) == _without_generated(b), name
        assert len(a.splitlines()) - len(_without_generated(a)) == 1, name  # only the one time-stamp line differs
    assert (first / "nyckeltal.csv").read_bytes() == (second / "nyckeltal.csv").read_bytes()
    # the PDF embeds no creation date or random id: the same pages give the same bytes
    html = [(second / name).read_text(encoding="utf-8") for name in pages]
    pdf_from_pages(html, title="t", output=tmp_path / "a.pdf")
    pdf_from_pages(html, title="t", output=tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
