"""Writing the raw files: semicolon CSV with decimal comma, written atomically.

Each file is written to a temporary name in its own folder and renamed, so a reader
(or an interrupted run) never sees half a file. Amounts are held as integer öre so
that sums are exact and the two-decimal text is exact too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd


def kronor(ore: np.ndarray) -> np.ndarray:
    """Integer öre as ``1234,50`` / ``-850,00`` text (decimal comma, no thousands separator)."""
    o = np.asarray(ore, dtype=np.int64)
    sign = np.where(o < 0, "-", "")
    a = np.abs(o)
    whole = (a // 100).astype(str)
    cents = np.char.zfill((a % 100).astype(str), 2)
    return np.char.add(np.char.add(np.char.add(sign, whole), ","), cents).astype(object)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_csv(path: Path, frame: pd.DataFrame, *, bom: bool = False) -> None:
    """Write ``frame`` (all columns already text or integers) as semicolon CSV, UTF-8."""
    text = frame.to_csv(sep=";", index=False, lineterminator="\n")
    atomic_write_bytes(path, text.encode("utf-8-sig" if bom else "utf-8"))


def write_json(path: Path, obj: dict) -> None:
    atomic_write_bytes(path, (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
