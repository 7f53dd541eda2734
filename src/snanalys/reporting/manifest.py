"""The run's manifest, ``reports/_internal/<period>/manifest.json``: what the report was made from.

It holds the run's parameters and times, the seconds of each notebook, the package
versions and the git commit, the extract's description, the sha256 of every processed
input and of every public file, and the method and backtested error of every forecast on
the economy page. ``SOURCE_DATE_EPOCH`` fixes the time stamp printed on the pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from snanalys import __version__
from snanalys.periods import year_to_date


def sha256(path: Path) -> str:
    """The sha256 of a file, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def git_commit(root: Path) -> str | None:
    """The commit checked out at ``root`` (None outside git)."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def versions() -> dict[str, str]:
    """The versions of snanalys, Python and the libraries that shape the report."""
    import matplotlib
    import nbconvert
    import numpy
    import pandas
    import papermill

    return {
        "snanalys": __version__,
        "python": sys.version.split()[0],
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "papermill": papermill.__version__,
        "nbconvert": nbconvert.__version__,
        "matplotlib": matplotlib.__version__,
    }


def forecasts(data, year: int, tertial: int) -> dict:
    """Method, backtested error and 80 % interval (``interval_80``, what it rests on:
    ``interval_basis`` own/pooled, ``interval_errors``) of every full-year forecast on the economy page."""
    from snanalys.economy.figures import area_costs, committee_result

    months = year_to_date(year, tertial).end.month
    ledger = committee_result(data, year, months)
    costs = area_costs(data, year, tertial)
    return {
        "committee": {r.key: r.forecast_detail for r in ledger.itertuples(index=False)},
        "volume_driven_costs": {r.area: r.forecast_detail for r in costs.itertuples(index=False)},
        "volumes": {r.area: r.volume_forecast_detail for r in costs.itertuples(index=False)},
    }


def generated_at(started_at: dt.datetime) -> dt.datetime:
    """The run's time stamp; ``SOURCE_DATE_EPOCH`` fixes it (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return started_at


def write_manifest(
    internal_dir: Path,
    *,
    label: str,
    parameters: dict,
    as_of: dt.date | None,
    started_at: dt.datetime,
    seconds: float,
    durations: dict[str, float],
    notebooks_dir: Path,
    data,
    year: int,
    tertial: int,
    public_dir: Path,
) -> Path:
    """Write ``manifest.json`` of a run into ``internal_dir`` (once every public file is written)."""
    extract = data.extract
    manifest = {
        "period": label,
        "parameters": parameters,
        "as_of": as_of.isoformat() if as_of else None,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "notebook_seconds": durations,
        "versions": versions(),
        "git_commit": git_commit(notebooks_dir),
        "extract": {k: v for k, v in extract.raw.items() if k != "raw_files"},
        "inputs": {p.name: sha256(p) for p in sorted(data.directory.iterdir()) if p.is_file()},
        "raw_files": extract.raw.get("raw_files", []),
        "public_files": {p.name: sha256(p) for p in sorted(public_dir.iterdir())},
        "forecasts": forecasts(data, year, tertial),
    }
    path = internal_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
