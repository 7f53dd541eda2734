"""Whether the processed data is there and up to date, and the ingest when it is not.

``snanalys nyckeltal`` and ``snanalys report`` call :func:`ensure_processed` before they
read ``data/processed/``: they ingest when the processed data is missing or older than the
raw, saying so on standard error. Neither ever writes the sample: a data folder without raw
data (empty, not mounted, mistyped) stops the command, naming the folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def require_raw_data(data_dir: Path) -> list[Path]:
    """The raw municipality folders of ``data_dir`` (:mod:`snanalys.folders`); DataNotFoundError
    naming the folder when it is missing or holds none. Writes nothing: an unmounted or mistyped
    data folder must stop a run, never be filled with the sample."""
    from snanalys.data import DataNotFoundError
    from snanalys.folders import raw_municipality_dirs

    where = Path(os.path.abspath(data_dir))
    if not where.is_dir():
        raise DataNotFoundError(
            f"the data folder {where} does not exist (mistyped --data-dir, or not mounted?); nothing was written"
        )
    dirs = raw_municipality_dirs(where / "raw")
    if not dirs:
        raise DataNotFoundError(
            f"no raw data in {where / 'raw'}: no municipality folder (four digits, e.g. 0480/ with uttag.json); "
            "is the data folder mounted? `snanalys sample` writes the synthetic sample; nothing was written"
        )
    return dirs


def ensure_processed(data_dir: Path) -> None:
    """Ingest when the processed data is missing or older than the raw (rebuilding from raw);
    stops when there is no raw data (:func:`require_raw_data`). Never writes the sample."""
    raw_dirs = require_raw_data(data_dir)
    processed_root = Path(data_dir) / "processed"
    stale = []
    for raw_dir in raw_dirs:
        extract_json = processed_root / raw_dir.name / "extract.json"
        newest_raw = max(p.stat().st_mtime for p in raw_dir.iterdir() if p.is_file())
        if not extract_json.exists():
            _err(f"snanalys: no processed data for {raw_dir.name}: ingesting {raw_dir}")
        elif extract_json.stat().st_mtime < newest_raw:
            _err(f"snanalys: processed data for {raw_dir.name} is older than the raw data: ingesting again")
        else:
            continue
        stale.append(raw_dir)
    if stale:
        from snanalys.ingest import ingest_folders

        ingest_folders(stale, processed_root)
