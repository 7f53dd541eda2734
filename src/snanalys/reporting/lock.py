"""One run per period at a time: ``reports/.lock-<period>``, held with ``flock``.

The operating system releases the lock when its process dies, so a killed run never
blocks the next; a second run of the period fails at once, naming the holder's pid.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from snanalys.reporting.errors import ReportError


class RunInProgressError(ReportError):
    """Another process holds the lock of the period."""


@contextmanager
def period_lock(reports_dir: Path, label: str):
    """Hold ``reports/.lock-<label>`` (flock, non-blocking) or fail at once naming the holder's pid."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f".lock-{label}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise RunInProgressError(f"another run of {label} is in progress (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield path
        finally:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
