"""Writing one municipality's processed folder atomically.

Everything is written into a new hidden work folder, ``<processed_root>/.tmp-<code>-<random>/<code>/``
(each file itself to a temporary name, then renamed, so not even a single file is ever
half-written); then the folders are swapped with renames: the old
``<processed_root>/<code>`` moves to ``.old-<code>-<random>/<code>``, the new one takes
its place, and the old one is removed. On any error the work folder is removed and
``processed_root`` is as it was.

The work folders hold the municipality folder one level down, so that the globs
readers use (``processed_root/*/extract.json``, ``processed_root/*/<table>.parquet``)
never see a half-built or an outgoing copy, not even one left by a crash.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def _fresh_dir(parent: Path, prefix: str) -> Path:
    """A new folder ``parent/<prefix><random>`` created with the usual permissions (umask)."""
    for _ in range(100):
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary folder in {parent}")


def write_parquet(path: Path, frame: pd.DataFrame | pa.Table) -> None:
    """``frame`` as Parquet (pyarrow), written to a temporary name and renamed (a pyarrow
    table: as made by ``pa.Table.from_pandas(frame, preserve_index=False)``)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        # Pseudonyms are (nearly) all distinct: a dictionary would only cost time.
        dictionary = [c for c in table.column_names if not str(c).endswith("_key")]
        pq.write_table(table, tmp, use_dictionary=dictionary)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(obj, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# --- an ingest of many folders: every folder built before any is swapped in -----------------------------


def start(processed_root: Path, code: str) -> Path:
    """A new hidden work folder for ``code``; returns the folder to build in (``<work>/<code>``)."""
    build = _fresh_dir(Path(processed_root), f".tmp-{code}-") / code
    build.mkdir()
    return build


def write_table(build: Path, name: str, frame: pd.DataFrame | pa.Table) -> None:
    """``build/<name>.parquet`` (``name`` may hold a sub-folder, e.g. ``_quarantine/payments``)."""
    path = build / f"{name}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(path, frame)


def finish(build: Path, meta: dict) -> Path:
    """Write ``extract.json`` (last: a folder with it is complete) and swap ``build`` into place."""
    write_json(build / "extract.json", meta)
    final = build.parent.parent / build.name
    _swap(build, final)
    return final


def discard(work: Path) -> None:
    """Remove a work folder (what :func:`start` made, whatever it holds)."""
    shutil.rmtree(work, ignore_errors=True)


def remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _swap(new: Path, final: Path) -> None:
    """Put ``new`` in place of ``final`` (which may not exist) with renames."""
    if not final.exists():
        os.rename(new, final)
        return
    outgoing = _fresh_dir(final.parent, f".old-{final.name}-")
    try:
        os.rename(final, outgoing / final.name)
        try:
            os.rename(new, final)
        except BaseException:
            os.rename(outgoing / final.name, final)
            raise
    finally:
        shutil.rmtree(outgoing, ignore_errors=True)
