"""The run log, ``reports/_internal/run.log``: one line per run, and the on-failure command.

Each line holds the time stamp, the period, the outcome (``ok``, ``failed``, ``busy``,
``interrupted``, ``frozen-vN``, ``on-failure-error``), the seconds and the error, on one
bounded line with every personal identity removed (:mod:`snanalys.identity`): the log
holds no personal data. A full disk never hides the run's own error.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from snanalys.identity import mask_identities

LOG_NAME = "run.log"


def run_log_path(reports_dir: Path) -> Path:
    return Path(reports_dir) / "_internal" / LOG_NAME


def _clean_message(text: str) -> str:
    """One line, bounded, with every personal identity (:mod:`snanalys.identity`) removed:
    the log holds no personal data."""
    text = " ".join(str(text).split())
    return mask_identities(text[:1000], replacement="[borttaget]")[:500]


def log_run(reports_dir: Path, period: str, outcome: str, seconds: float | None = None, error: str = "") -> Path:
    """Append one line (timestamp, period, outcome, seconds, error) to ``reports/_internal/run.log``."""
    path = run_log_path(reports_dir)
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    line = f"{now}\tperiod={period}\toutcome={outcome}\tseconds={'' if seconds is None else f'{seconds:.1f}'}"
    line += f"\terror={_clean_message(error)}\n" if error else "\terror=\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:  # a full disk must not hide the run's own error
        print(f"snanalys: could not write {path}: {exc}", file=sys.stderr, flush=True)
    return path


def run_on_failure(command: str | None, *, reports_dir: Path, period: str) -> int | None:
    """Run ``command`` through the shell with SNANALYS_PERIOD and SNANALYS_LOG; its failure is only logged."""
    if not command:
        return None
    env = dict(os.environ, SNANALYS_PERIOD=period, SNANALYS_LOG=str(run_log_path(reports_dir)))
    try:
        code = subprocess.run(command, shell=True, env=env, timeout=600).returncode
    except (OSError, subprocess.SubprocessError) as exc:
        log_run(reports_dir, period, "on-failure-error", error=f"the on-failure command could not run: {exc}")
        return -1
    if code != 0:
        log_run(reports_dir, period, "on-failure-error", error=f"the on-failure command exited with status {code}")
    return code
