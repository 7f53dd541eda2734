"""The one protection of a report, computed once per run, for every page and export.

The reports of the year before this one (T1 before T2, T1 and T2 before T3) are protected
first, in order, so that what they showed stays shown and what they hid stays hidden
(:func:`.protect.protect_report`'s ``earlier``). They are recomputed from the same data, not
yet read back from their public files (docs/disclosure.md).

The report run computes it before any page (:func:`report_protection`) and keeps it beside
the processed data (``<processed>/<kommun>/_disclosure/``, internal, keyed by the processed
files' names and times), so that each page's kernel reads it instead of choosing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

import pandas as pd

from snanalys.data import MunicipalityData
from snanalys.disclosure.protect import Protection, protect_report
from snanalys.periods import Period
from snanalys.report_cells import published_cells, report_cells
from snanalys.suppression import suppress_key_figures

CACHE_FOLDER = "_disclosure"
_MEMORY: dict[tuple, Protection] = {}


def _state(data: MunicipalityData) -> str:
    """What the protection depends on besides the period: the processed files and their times."""
    files = sorted(data.directory.glob("*.parquet"))
    text = repr([(f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _load(path) -> Protection | None:
    """The kept choice (hidden and rounded cells): enough for a page, which only asks what is hidden."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Protection(None, dict(kept["hidden"]), {k: float(v) for k, v in kept["rounded"].items()})


def _store(path, protection: Protection) -> None:
    """Written whole or not at all: a page never reads half a protection. JSON, so that
    ``snanalys scan`` reads it like every other file beside the processed data."""
    path.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"hidden": protection.hidden, "rounded": protection.rounded}, f, ensure_ascii=False)
    os.replace(tmp, path)


def report_protection(data: MunicipalityData, year: int, tertial: int, *, full: bool = False) -> Protection:
    """The protection of ``year`` T``tertial``'s report, with the year's earlier reports out.

    Computed in full (with the linked table and the audit) when ``full`` (the run, before its
    pages) or where this process has not done so and nothing is kept; else the kept choice."""
    state = _state(data)
    key = (str(data.directory.resolve()), state, year, tertial)
    path = data.directory / CACHE_FOLDER / f"{year}-T{tertial}-{state}.json"
    if key in _MEMORY:
        return _MEMORY[key]
    kept = None if full else _load(path)
    if kept is not None:
        return kept
    earlier: list[Protection] = []
    for t in range(1, tertial + 1):  # each earlier report once per process, in full
        before = key[:3] + (t,)
        if before not in _MEMORY:
            cells = published_cells(report_cells(data, year, t), year, t)
            _MEMORY[before] = protect_report(cells, year, t, earlier)
        earlier.append(_MEMORY[before])
    protection = earlier[-1]
    try:
        _store(path, protection)
    except OSError:  # a read-only data folder: computed again next time
        pass
    return protection


def public_key_figures(table: pd.DataFrame, protection: Protection, period: Period) -> pd.DataFrame:
    """One period's key figures as the board may see them: suppressed table by table
    (:func:`snanalys.suppression.suppress_key_figures`) and wherever the report's protection
    hides the figure."""
    out = suppress_key_figures(table)
    hidden = out["measure"].map(lambda m: protection.hides(m, period)).astype(bool)
    out["suppressed"] = out["suppressed"] | hidden
    out["value"] = out["value"].where(~out["suppressed"], None)
    return out
