"""``snanalys report freeze YYYY-TN``: the report as sent to the board, archived read-only.

:func:`freeze_report` copies ``reports/<period>/`` to ``reports/archive/<period>-vN/``
(N counts up from 1) and writes the sha256 of every file, with the run's own manifest
beside it, to ``reports/_internal/archive/<period>-vN/``. It holds the period's lock
(:mod:`lock`) and finishes an interrupted publish first, so the public folder and its
manifest come from the same run. No later run touches an archive.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from snanalys.reporting.errors import ReportError
from snanalys.reporting.labels import parse_label
from snanalys.reporting.lock import period_lock
from snanalys.reporting.manifest import sha256
from snanalys.reporting.publish import PublishError, recover, remove_tree
from snanalys.reporting.runlog import log_run


@dataclass
class FreezeResult:
    label: str
    version: int
    archive_dir: Path
    manifest: Path


def _archive_versions(reports_dir: Path, label: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(label)}-v([0-9]+)$")
    versions = []
    for folder in (reports_dir / "archive", reports_dir / "_internal" / "archive"):
        if folder.is_dir():
            versions += [int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return versions


def _make_read_only(root: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        os.chmod(dirpath, 0o555)


def freeze_report(label: str, *, reports_dir: Path) -> FreezeResult:
    """Copy ``reports/<label>/`` (as sent to the board) to ``reports/archive/<label>-vN/``, read-only.

    N counts up from 1. The sha256 of every file goes to
    ``reports/_internal/archive/<label>-vN/manifest.json`` (with the run's own manifest beside it),
    so the public archive copy holds exactly the public files. No later run touches an archive.
    """
    parse_label(label)
    reports_dir = Path(reports_dir).resolve()
    source = reports_dir / label
    if not source.is_dir():
        raise ReportError(f"no published report of {label} in {reports_dir} to freeze")
    with period_lock(reports_dir, label):
        try:
            recover(reports_dir, label)  # the public folder and its manifest from the same run
        except PublishError as exc:
            raise ReportError(str(exc)) from exc
        version = max(_archive_versions(reports_dir, label), default=0) + 1
        name = f"{label}-v{version}"
        archive_root, internal_root = reports_dir / "archive", reports_dir / "_internal" / "archive"
        archive_root.mkdir(parents=True, exist_ok=True)
        internal_root.mkdir(parents=True, exist_ok=True)
        staging = archive_root / f".staging-{name}-{uuid.uuid4().hex[:8]}"
        internal_staging = internal_root / f".staging-{name}-{uuid.uuid4().hex[:8]}"
        try:
            shutil.copytree(source, staging)
            files = {p.relative_to(staging).as_posix(): sha256(p) for p in sorted(staging.rglob("*")) if p.is_file()}
            internal_staging.mkdir()
            run_manifest = reports_dir / "_internal" / label / "manifest.json"
            run_info = {}
            if run_manifest.is_file():
                shutil.copy2(run_manifest, internal_staging / "run_manifest.json")
                try:
                    run_info = json.loads(run_manifest.read_text(encoding="utf-8"))
                except ValueError:
                    run_info = {}
            manifest = {
                "period": label,
                "version": version,
                "archive": f"archive/{name}",
                "frozen_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "run_started_at": run_info.get("started_at"),
                "run_public_files": run_info.get("public_files"),
                "sha256": files,
            }
            (internal_staging / "manifest.json").write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
            )
            _make_read_only(staging)
            os.rename(staging, archive_root / name)
            os.rename(internal_staging, internal_root / name)
        except BaseException as exc:
            remove_tree(staging)
            remove_tree(internal_staging)
            if (archive_root / name).is_dir() and not (internal_root / name).is_dir():
                remove_tree(archive_root / name)
            if isinstance(exc, OSError):
                reason = "no space left on device" if exc.errno == errno.ENOSPC else "could not write"
                raise ReportError(f"freezing {label} failed: {reason} ({exc})") from exc
            raise
    log_run(reports_dir, label, f"frozen-v{version}", None)
    return FreezeResult(label, version, archive_root / name, internal_root / name / "manifest.json")
