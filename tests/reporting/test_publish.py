"""The publish step: a process killed (SIGKILL) before or after any change it makes leaves a
complete report of the period in place, and the next run makes the public folder and its
internal counterpart one run's again before it removes anything."""

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from snanalys.reporting import publish
from snanalys.reporting.errors import ReportError
from snanalys.reporting.run import run_report

import toy_notebooks as toy

LABEL = "2025-T3"

CHILD = textwrap.dedent("""
    import errno, json, os, signal, sys
    from pathlib import Path
    from snanalys.reporting import publish

    args = json.loads(sys.argv[1])

    def hook(when, step):
        with open(args["trace"], "a", encoding="utf-8") as trace:
            trace.write(json.dumps([when, step.number, step.action, list(step.paths)]) + "\\n")
        if [when, step.number] == args["kill"]:
            os.kill(os.getpid(), signal.SIGKILL)

    publish.STEP_HOOK = hook
    if not args["fsync"]:  # a kill loses no written data: only a power cut would need the fsyncs
        os.fsync = lambda fd: None
    if args["no_exchange"]:
        def exchange(a, b):
            raise OSError(errno.EINVAL, "no exchange on this file system", str(a))
        publish.exchange = exchange
    reports = Path(args["reports"])
    if args["call"] == "publish":
        publish.publish(reports, args["label"], Path(args["public"]), Path(args["internal"]))
    else:
        publish.recover(reports, args["label"])
""")


# --- toy reports: version n has its own bytes in every file ---------------------------------


def _public_files(n: int) -> dict:
    return {
        "index.html": f"<h1>Sammanfattning v{n}</h1>".encode(),
        "01_sida.html": f"<h1>Sida v{n}</h1>".encode(),
        "rapport.pdf": b"%PDF-1.7 " + bytes([n]) * 5000,
        "nyckeltal.csv": f"nyckeltal;värde\nv;{n}\n".encode(),
    }


def _internal_files(n: int) -> dict:
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in _public_files(n).items()}
    return {
        "manifest.json": json.dumps({"period": LABEL, "public_files": sums}).encode(),
        "00_sammanfattning.ipynb": f'{{"run": {n}}}'.encode(),
        "figurer/data.txt": f"v{n}".encode(),
    }


def _write(folder: Path, files: dict) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _version(folder: Path, kind: str):
    """Which version a folder holds, complete and byte for byte; None if it is missing."""
    if not folder.exists():
        return None
    files = _public_files if kind == "public" else _internal_files
    snapshot = _snapshot(folder)
    return next((n for n in (1, 2, 3) if snapshot == files(n)), "incomplete")


def _state(reports: Path) -> tuple:
    return _version(reports / LABEL, "public"), _version(reports / "_internal" / LABEL, "internal")


def _stage(reports: Path, n: int) -> Path:
    staging = reports / f".staging-{LABEL}-{uuid.uuid4().hex[:8]}"
    _write(staging / "public", _public_files(n))
    _write(staging / "internal", _internal_files(n))
    return staging


def _leftovers(reports: Path) -> list:
    return [
        p.name
        for folder in (reports, reports / "_internal")
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.startswith((".staging", ".old", ".publish"))
    ]


def _good_run(reports: Path, n: int) -> None:
    """What a run of the period does around its publish."""
    publish.recover(reports, LABEL)
    publish.remove_stale_staging(reports, LABEL)
    staging = _stage(reports, n)
    publish.publish(reports, LABEL, staging / "public", staging / "internal")
    shutil.rmtree(staging)


def _failing_run(reports: Path, n: int, monkeypatch) -> None:
    """A run whose publish fails (a full disk) after the public folder went in."""
    publish.recover(reports, LABEL)
    publish.remove_stale_staging(reports, LABEL)
    staging = _stage(reports, n)
    internal = str(reports / "_internal" / LABEL)

    def hook(when, step):
        if when == "before" and step.action in ("exchange", "rename") and step.paths[-1] == internal:
            monkeypatch.setattr(publish, "STEP_HOOK", None)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish, "STEP_HOOK", hook)
    with pytest.raises(OSError) as raised:
        publish.publish(reports, LABEL, staging / "public", staging / "internal")
    assert raised.value.errno == errno.ENOSPC and not isinstance(raised.value, publish.PublishError)
    monkeypatch.setattr(publish, "STEP_HOOK", None)
    publish.discard(staging, reports, LABEL)


SCENARIOS = {
    # name: (version published before, exchange supported)
    "replace": (1, True),
    "replace without exchange": (1, False),
    "first publish": (None, True),
}


def _needs_exchange(tmp_path: Path, scenario: str) -> None:
    if not SCENARIOS[scenario][1] or SCENARIOS[scenario][0] is None:
        return
    a, b = tmp_path / ".probe-a", tmp_path / ".probe-b"
    a.mkdir(parents=True), b.mkdir()
    try:
        publish.exchange(a, b)
    except OSError as exc:
        pytest.skip(f"no atomic exchange on this file system ({exc}); the scenario without it still runs")
    finally:
        a.rmdir(), b.rmdir()


@pytest.fixture(autouse=True)
def _no_fsync_in_process(monkeypatch):
    """The test's own publishes need no fsync (the kill tests' uninterrupted child runs keep them)."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def _setup(root: Path, scenario: str) -> tuple[Path, Path]:
    reports = root / "reports"
    reports.mkdir(parents=True)
    if SCENARIOS[scenario][0] is not None:
        _good_run(reports, 1)
    return reports, _stage(reports, 2)


def _child(call: str, reports: Path, staging: Path | None, *, scenario: str, kill=None, trace: Path) -> tuple:
    args = {
        "call": call,
        "reports": str(reports),
        "label": LABEL,
        "kill": kill,
        "trace": str(trace),
        "fsync": kill is None,
        "no_exchange": not SCENARIOS[scenario][1],
        "public": str(staging / "public") if staging else None,
        "internal": str(staging / "internal") if staging else None,
    }
    trace.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], capture_output=True, text=True, timeout=60)
    events = [json.loads(line) for line in trace.read_text().splitlines()] if trace.exists() else []
    return proc, events


def _events(root: Path, scenario: str, call: str = "publish") -> list:
    """Every before/after event of an uninterrupted publish: the kill points."""
    reports, staging = _setup(root, scenario)
    proc, events = _child(call, reports, staging, scenario=scenario, trace=root / "trace")
    assert proc.returncode == 0, proc.stderr
    assert _state(reports) == (2, 2) and _leftovers(reports) == [staging.name]  # run.py removes the staging folder
    return events


def _assert_complete_at_kill(reports: Path, staging: Path, scenario: str, event) -> None:
    """A complete report of the period is at reports/<period> (old or new); without the exchange,
    only between its two renames may it be missing, and then the old one is whole in staging."""
    before, exchange = SCENARIOS[scenario]
    public = _version(reports / LABEL, "public")
    if public is None and not exchange:
        assert _version(staging / "public.old", "public") == before, event
    else:
        assert public in {before, 2} - {None} or (before is None and public is None), event


def _assert_next_runs(reports: Path, expected, monkeypatch, event) -> None:
    _failing_run(reports, 3, monkeypatch)
    assert _state(reports) == (expected, expected), event
    assert _leftovers(reports) == [], event
    _good_run(reports, 3)
    assert _state(reports) == (3, 3) and _leftovers(reports) == [], event


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_publish_killed_before_or_after_any_step_keeps_a_complete_report(tmp_path, scenario, monkeypatch):
    _needs_exchange(tmp_path, scenario)
    events = _events(tmp_path / "trace", scenario)
    actions = [action for when, _, action, _ in events if when == "before"]
    if SCENARIOS[scenario][0] is None:  # first publish: _internal/ created, a rename for each folder
        assert actions == ["mkdir", "write", "rename", "rename", "rename", "remove"]
    elif SCENARIOS[scenario][1]:
        assert actions == ["write", "rename", "exchange", "exchange", "remove", "remove", "remove"]
    else:  # each refused exchange is followed by two renames
        assert actions == [
            "write",
            "rename",
            "exchange",
            "rename",
            "rename",
            "exchange",
            "rename",
            "rename",
            "remove",
            "remove",
            "remove",
        ]
    for i, (when, number, action, paths) in enumerate(events):
        event = f"killed {when} step {number}: {action} {[Path(p).name for p in paths]}"
        reports, staging = _setup(tmp_path / str(i), scenario)
        proc, seen = _child(
            "publish", reports, staging, scenario=scenario, kill=[when, number], trace=tmp_path / str(i) / "trace"
        )
        assert proc.returncode == -signal.SIGKILL and seen[-1][:2] == [when, number], (event, proc.stderr)
        _assert_complete_at_kill(reports, staging, scenario, event)
        # with a journal the killed run had decided to publish: the next run finishes it
        expected = (
            2 if publish.pending(reports, LABEL) or _version(reports / LABEL, "public") == 2 else SCENARIOS[scenario][0]
        )
        publish.recover(reports, LABEL)
        assert _state(reports) == (expected, expected), event
        _assert_next_runs(reports, expected, monkeypatch, event)


@pytest.mark.parametrize("scenario", ["replace", "replace without exchange"])
def test_a_recovery_killed_at_any_step_is_finished_by_the_next_one(tmp_path, scenario, monkeypatch):
    _needs_exchange(tmp_path, scenario)
    # every change is a step, so the state after step N is the state before step N + 1: killing
    # "before" each step of the publish and of the recovery reaches every state (fewer processes)
    events = [e for e in _events(tmp_path / "trace", scenario) if e[0] == "before"]
    case = 0
    for when, number, action, _paths in events:
        root = tmp_path / f"probe-{when}-{number}"
        reports, staging = _setup(root, scenario)
        _child("publish", reports, staging, scenario=scenario, kill=[when, number], trace=root / "trace")
        if not publish.pending(reports, LABEL):
            continue  # nothing to recover
        proc, recovery = _child("recover", reports, None, scenario=scenario, trace=root / "trace")
        assert proc.returncode == 0 and recovery, proc.stderr
        for r_when, r_number, r_action, _r_paths in (e for e in recovery if e[0] == "before"):
            case += 1
            event = f"publish killed {when} step {number} ({action}), recovery killed {r_when} {r_number} ({r_action})"
            reports, staging = _setup(tmp_path / f"r{case}", scenario)
            _child("publish", reports, staging, scenario=scenario, kill=[when, number], trace=root / "trace")
            proc, _ = _child("recover", reports, None, scenario=scenario, kill=[r_when, r_number], trace=root / "trace")
            assert proc.returncode == -signal.SIGKILL, event
            _assert_complete_at_kill(reports, staging, scenario, event)
            publish.recover(reports, LABEL)
            assert _state(reports) == (2, 2) and not publish.pending(reports, LABEL), event
            _assert_next_runs(reports, 2, monkeypatch, event)
    assert case >= 4


def _killed_after_public(tmp_path) -> tuple[Path, Path]:
    _needs_exchange(tmp_path, "replace")
    reports, staging = _setup(tmp_path, "replace")
    events = [e for e in _events(tmp_path / "trace", "replace") if e[2] == "exchange"]
    proc, _ = _child(
        "publish", reports, staging, scenario="replace", kill=["after", events[0][1]], trace=tmp_path / "kill-trace"
    )
    assert proc.returncode == -signal.SIGKILL
    assert _state(reports) == (2, 1) and publish.pending(reports, LABEL)
    return reports, staging


def test_the_cleanup_never_removes_what_an_interrupted_publish_needs(tmp_path):
    reports, staging = _killed_after_public(tmp_path)
    assert publish.remove_stale_staging(reports, LABEL) == []
    publish.discard(staging, reports, LABEL)
    assert _version(staging / "public", "public") == 1  # the old public folder, kept
    assert _version(staging / "internal", "internal") == 2
    with pytest.raises(publish.PublishError, match="not recovered"):
        publish.publish(reports, LABEL, staging / "public", staging / "internal")
    run = json.loads(publish.journal_path(reports, LABEL).read_text(encoding="utf-8"))["run"]
    assert publish.recover(reports, LABEL) == [f"finished the interrupted publish of {LABEL} (run {run})"]
    assert _state(reports) == (2, 2)
    assert publish.remove_stale_staging(reports, LABEL) == [staging] and _leftovers(reports) == []


def test_a_recovery_rolls_back_when_a_new_folder_is_gone_and_refuses_when_both_are(tmp_path):
    reports, staging = _killed_after_public(tmp_path)
    shutil.rmtree(staging / "internal")  # the new internal folder, lost
    messages = publish.recover(reports, LABEL)
    assert _state(reports) == (1, 1) and messages[-1].startswith(f"rolled back the interrupted publish of {LABEL}")

    reports, staging = _killed_after_public(tmp_path / "both")
    shutil.rmtree(staging / "internal")
    shutil.rmtree(staging / "public")  # and the old public one
    with pytest.raises(publish.PublishError, match="neither finished nor rolled back"):
        publish.recover(reports, LABEL)
    assert _state(reports) == (2, 1) and publish.pending(reports, LABEL)  # nothing changed


def test_a_publish_that_cannot_be_undone_is_left_to_the_next_run(tmp_path, monkeypatch):
    _needs_exchange(tmp_path, "replace")
    reports, staging = _setup(tmp_path, "replace")
    internal = str(reports / "_internal" / LABEL)
    failing = []

    def hook(when, step):  # the disk fails at the internal folder, and again when the public one goes back
        if when == "before" and step.action == "exchange" and (step.paths[-1] == internal or failing):
            failing.append(step)
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(publish, "STEP_HOOK", hook)
    with pytest.raises(publish.PublishError, match="could not be undone") as raised:
        publish.publish(reports, LABEL, staging / "public", staging / "internal")
    monkeypatch.setattr(publish, "STEP_HOOK", None)
    assert len(failing) == 2 and raised.value.errno == errno.EIO and publish.pending(reports, LABEL)
    publish.discard(staging, reports, LABEL)  # what a failed run does with its staging folder
    assert _state(reports) == (2, 1) and _version(staging / "public", "public") == 1
    publish.recover(reports, LABEL)
    assert _state(reports) == (2, 2)


def test_an_earlier_versions_half_done_publish_is_restored_not_removed(tmp_path):
    reports = tmp_path / "reports"
    _good_run(reports, 1)
    old = reports / f".old-{LABEL}-0123abcd"  # the old two-rename publish, killed between them
    os.rename(reports / LABEL, old)
    _stage(reports, 2)
    removed = publish.remove_stale_staging(reports, LABEL)
    assert old.is_dir() and len(removed) == 1
    assert publish.recover(reports, LABEL) == [
        f"restored {reports / LABEL} from {old.name} (left by an interrupted run)"
    ]
    assert _state(reports) == (1, 1)


def test_exchange_swaps_two_folders_or_says_why_not(tmp_path):
    a, b = _write(tmp_path / "a", {"x": b"a"}), _write(tmp_path / "b", {"y": b"b"})
    try:
        publish.exchange(a, b)
    except OSError as exc:
        pytest.skip(f"no atomic exchange here: {exc}")
    assert _snapshot(a) == {"y": b"b"} and _snapshot(b) == {"x": b"a"}
    with pytest.raises(FileNotFoundError):
        publish.exchange(a, tmp_path / "missing")


# --- the same through a real run ------------------------------------------------------------

REAL_CHILD = textwrap.dedent("""
    import json, os, signal, sys
    from pathlib import Path
    from snanalys.reporting import publish
    from snanalys.reporting.run import run_report

    args = json.loads(sys.argv[1])

    def hook(when, step):
        if when == "after" and step.action in ("exchange", "rename") and step.paths[1] == args["target"]:
            os.kill(os.getpid(), signal.SIGKILL)  # the public folder is new, the internal one still old

    publish.STEP_HOOK = hook
    run_report(2025, 3, data_dir=Path(args["data"]), reports_dir=Path(args["reports"]),
               notebooks_dir=Path(args["notebooks"]), progress=lambda message: None)
""")


def _notebooks(folder: Path, version: int, fail: bool = False) -> Path:
    pages = {}
    for stem, title in (("00_sammanfattning", "Sammanfattning"), ("01_sida", "Sida")):
        failing = fail and stem == "01_sida"
        body = (
            "raise ValueError('deliberate')"
            if failing
            else toy.show(title, f"version {version}, syntetiska exempeldata")
        )
        pages[stem] = toy.page(title, body)
    return toy.write(folder, pages)


def _same_run(reports: Path) -> dict:
    """The public folder's files are the ones its internal manifest lists, byte for byte."""
    public = _snapshot(reports / LABEL)
    manifest = json.loads((reports / "_internal" / LABEL / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["public_files"] == {name: hashlib.sha256(data).hexdigest() for name, data in public.items()}
    return public


def test_a_report_run_killed_between_its_two_folders_is_made_whole_by_the_next_run(sample_data_dir, tmp_path):
    reports = (tmp_path / "reports").resolve()
    quiet = {"progress": lambda message: None}
    run_report(
        2025, 3, data_dir=sample_data_dir, reports_dir=reports, notebooks_dir=_notebooks(tmp_path / "v1", 1), **quiet
    )
    first = _same_run(reports)
    args = {
        "data": str(sample_data_dir),
        "reports": str(reports),
        "notebooks": str(_notebooks(tmp_path / "v2", 2)),
        "target": str(reports / LABEL),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", REAL_CHILD, json.dumps(args)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, err = proc.communicate(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything the run left (kernels are closed by then)
        except ProcessLookupError:
            pass
    assert proc.returncode == -signal.SIGKILL, err
    # the new public folder is in, whole: exactly the files its (not yet published) manifest lists
    (staging,) = [p for p in reports.iterdir() if p.name.startswith(f".staging-{LABEL}-")]
    second = _snapshot(reports / LABEL)
    new_manifest = json.loads((staging / "internal" / "manifest.json").read_text(encoding="utf-8"))
    assert new_manifest["public_files"] == {n: hashlib.sha256(d).hexdigest() for n, d in second.items()}
    old = staging / "public" if (staging / "public").exists() else staging / "public.old"  # without exchange
    assert b"version 2" in second["sida.html"] and _snapshot(old) == first
    assert publish.pending(reports, LABEL)

    messages = []
    with pytest.raises(ReportError, match="01_sida.ipynb failed"):
        run_report(
            2025,
            3,
            data_dir=sample_data_dir,
            reports_dir=reports,
            notebooks_dir=_notebooks(tmp_path / "bad", 3, fail=True),
            progress=messages.append,
        )
    assert any(m.startswith(f"finished the interrupted publish of {LABEL}") for m in messages)
    assert _same_run(reports) == second and not publish.pending(reports, LABEL)
    assert _leftovers(reports) == []

    run_report(
        2025, 3, data_dir=sample_data_dir, reports_dir=reports, notebooks_dir=_notebooks(tmp_path / "v3", 3), **quiet
    )
    assert b"version 3" in _same_run(reports)["sida.html"] and _leftovers(reports) == []
