"""The full-year forecasts earlier reports published, for the record of how right they were.

Read from the reports folder's public files (``tabelldata.csv`` of ``reports/<period>/`` and
``reports/archive/<period>-vN/``): the committee lines' ``economy_forecast_tkr`` and the cost areas'
``cost_forecast_tkr`` of each T1 and T2 report. Where a period was published more than once, the
newest version counts: the current ``reports/<period>/`` (a freeze copies it to the archive, a re-run
replaces it), else the archive's highest ``vN``.

The run keeps them beside the processed data (``_record/published_forecasts.json``, written whole
or not at all) before any page, so that the pages' kernels and the report's cells read the same
values the run found, as the report's protection is kept (:mod:`snanalys.disclosure.report`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from snanalys.disclosure.published import FILE_NAME, read_published_file

#: The forecast measures a report publishes per committee line and per cost area.
FORECAST_MEASURES = ("economy_forecast_tkr", "cost_forecast_tkr")
FOLDER = "_record"
KEPT_FILE = "published_forecasts.json"
_LABEL = re.compile(r"^(\d{4})-T([12])$")
_ARCHIVED = re.compile(r"^(\d{4}-T[12])-v([0-9]+)$")


def newest_reports(reports_dir: Path) -> dict[str, Path]:
    """T1 and T2 label → the ``tabelldata.csv`` of its newest published version."""
    reports_dir = Path(reports_dir)
    out: dict[str, tuple[int, Path]] = {}
    archive = reports_dir / "archive"
    if archive.is_dir():
        for folder in archive.iterdir():
            match = _ARCHIVED.match(folder.name)
            if match and (folder / FILE_NAME).is_file():
                label, version = match.group(1), int(match.group(2))
                if label not in out or version > out[label][0]:
                    out[label] = (version, folder / FILE_NAME)
    if reports_dir.is_dir():
        for folder in reports_dir.iterdir():
            if _LABEL.match(folder.name) and (folder / FILE_NAME).is_file():
                out[folder.name] = (10**9, folder / FILE_NAME)  # the current one is newer than any frozen copy
    return {label: path for label, (_, path) in sorted(out.items())}


def published_forecasts(reports_dir: Path) -> dict[str, float | None]:
    """``<measure>|<period>|key|<line or area>`` → the forecast as published, tkr (None: published as X),
    from the newest version of each earlier T1 and T2 report."""
    out: dict[str, float | None] = {}
    for label, path in newest_reports(reports_dir).items():
        published = read_published_file(path)
        for measure in FORECAST_MEASURES:
            prefix = f"{measure}|{label}|key|"
            for cell_id, value in published.shown.items():
                if cell_id.startswith(prefix):
                    out[cell_id] = float(value)
            for cell_id in published.hidden:
                if cell_id.startswith(prefix):
                    out[cell_id] = None
            for cell_id in published.rounded:  # printed as "ca …": not the forecast's value, treated as hidden
                if cell_id.startswith(prefix):
                    out[cell_id] = None
    return out


def keep(directory: Path, forecasts: dict[str, float | None]) -> None:
    """Keep ``forecasts`` beside the processed data of one municipality (``directory``)."""
    folder = Path(directory) / FOLDER
    folder.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(forecasts, f, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, folder / KEPT_FILE)


def kept(directory: Path) -> dict[str, float | None]:
    """What the last run kept for this data (nothing kept: no report published, all recomputed)."""
    path = Path(directory) / FOLDER / KEPT_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise ValueError(f"{path}: not the kept published forecasts ({exc}); run the report again") from exc


def kept_state(directory: Path) -> tuple:
    """What :func:`kept` reads now (for memoising what is computed from it)."""
    path = Path(directory) / FOLDER / KEPT_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ()
    return (stat.st_mtime_ns, stat.st_size)


def forecast_id(measure: str, year: int, tertial: int, key: str) -> str:
    return f"{measure}|{year}-T{tertial}|key|{key}"
