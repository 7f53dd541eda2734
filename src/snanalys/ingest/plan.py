"""The plan of an ingest: its folders, and the tasks its work is cut into.

A task is a unit of tables (:data:`UNITS`: payments with the household members,
placements with their costs, each other table alone) for a run of consecutive folders,
at most :data:`MAX_TASK_BYTES` of raw files each (less with several processes: enough
tasks to keep them all busy). :func:`choose_workers` decides how many processes share
the tasks (:mod:`tasks` runs them).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from snanalys.ingest.contracts import Context
from snanalys.ingest.errors import IngestError
from snanalys.ingest.reading import locate
from snanalys.ingest.tables import SPECS

#: Tables processed together in one task, in this order (a table's :attr:`~snanalys.ingest.tables.TableSpec.references`
#: come before it in its unit; the pseudonyms of an id kind two tables share are hashed once).
UNITS: tuple[tuple[str, ...], ...] = (
    ("payments", "household_members"),  # the members' households are the payments'
    ("placements", "placement_costs"),
    ("interventions",),
    ("population",),
    ("ledger",),
    ("budget",),
    ("cost_budget",),
)
#: The most raw bytes one task reads (its memory is a few times this).
MAX_TASK_BYTES = 192 << 20
#: With several processes, tasks are cut to about this many per process (but not below MIN_TASK_BYTES).
TASKS_PER_WORKER = 4
MIN_TASK_BYTES = 4 << 20
#: Below this many raw bytes in all, one process does everything (starting others costs more).
PARALLEL_FROM_BYTES = 24 << 20


@dataclass(frozen=True)
class Folder:
    """One raw municipality folder of an ingest, and what its tables need to know of it."""

    position: int  # in the ingest's order of folders
    raw_dir: Path
    prefix: str  # its name and a slash, the prefix of its files' names in messages
    code: str
    extract_date: dt.date
    data_from: dt.date
    covered_through: dt.date
    secret: bytes = field(repr=False)  # the pseudonym key: never in a message
    build: Path  # where its processed tables are written (inside its hidden work folder)

    @property
    def context(self) -> Context:
        return Context(self.code, self.extract_date)


@dataclass(frozen=True)
class Task:
    """One unit of tables (:data:`UNITS`) for a run of folders."""

    tables: tuple[str, ...]
    folders: tuple[Folder, ...]
    quarantine: bool
    threads: bool  # let pyarrow use threads (one process only)
    size: int  # raw bytes, for the order of the tasks

    @property
    def first(self) -> int:
        return self.folders[0].position


def raw_bytes(folder_dir: Path, stems: list[str], prefix: str) -> int:
    total = 0
    for stem in stems:
        try:
            total += locate(folder_dir, stem, prefix).stat().st_size
        except (IngestError, OSError):
            pass
    return total


def plan(folders: list[Folder], workers: int, quarantine: bool) -> list[Task]:
    """The tasks of an ingest: each unit of tables cut into runs of consecutive folders."""
    sizes = {
        (unit, f.position): raw_bytes(f.raw_dir, [SPECS[t].stem for t in unit], f.prefix)
        for unit in UNITS
        for f in folders
    }
    total = sum(sizes.values())
    limit = MAX_TASK_BYTES
    if workers > 1:
        limit = min(MAX_TASK_BYTES, max(MIN_TASK_BYTES, total // (workers * TASKS_PER_WORKER)))
    tasks = []
    for unit in UNITS:
        run: list[Folder] = []
        size = 0
        for f in folders:
            b = sizes[(unit, f.position)]
            if run and size + b > limit:
                tasks.append(Task(unit, tuple(run), quarantine, workers == 1, size))
                run, size = [], 0
            run.append(f)
            size += b
        if run:
            tasks.append(Task(unit, tuple(run), quarantine, workers == 1, size))
    if workers > 1:
        tasks.sort(key=lambda task: -task.size)  # the largest first: the processes end together
    return tasks


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def choose_workers(workers: int | None, folders: list[Path]) -> int:
    """``workers`` as asked (at least 1), or by default the CPUs when there is enough to share.
    Worker processes are forked (Linux only; elsewhere everything runs in this process)."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if workers is not None:
        return max(1, int(workers))
    total = 0
    for d in folders:
        try:
            total += sum(p.stat().st_size for p in Path(d).iterdir() if p.is_file())
        except OSError:
            pass
        if total >= PARALLEL_FROM_BYTES:
            return _cpus()
    return 1
