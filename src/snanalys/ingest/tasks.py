"""Running an ingest's tasks: in this process, or in forked worker processes.

Tasks send back counts and errors only (their tables are written by the task itself).
:func:`run_tasks` stops early once the error to raise is known: the first failing folder
in folder order, within it the first failing file in
:data:`~snanalys.ingest.tables.TABLE_ORDER`.
"""

from __future__ import annotations

import ctypes
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import pandas as pd

from snanalys.ingest import pseudonymise
from snanalys.ingest.plan import Task
from snanalys.ingest.table_task import Outcomes, run_task
from snanalys.ingest.tables import TABLE_ORDER


def _rank(table: str) -> int:
    return TABLE_ORDER.index(table)


class _Errors:
    """The first failing folder so far, and its first failing table."""

    def __init__(self) -> None:
        self.position: int | None = None
        self.rank = len(TABLE_ORDER)

    def add(self, outcomes: Outcomes) -> None:
        for position, by_table in outcomes.items():
            for table, outcome in by_table.items():
                if outcome.error is None:
                    continue
                if self.position is None or position < self.position:
                    self.position, self.rank = position, _rank(table)
                elif position == self.position:
                    self.rank = min(self.rank, _rank(table))

    def needed(self, task: Task) -> bool:
        """Whether ``task`` could still change which error is raised."""
        if self.position is None:
            return True
        if task.first < self.position:
            return True
        return task.first == self.position and min(_rank(t) for t in task.tables) < self.rank


def _merge(into: Outcomes, outcomes: Outcomes) -> None:
    for position, by_table in outcomes.items():
        into.setdefault(position, {}).update(by_table)


def _load_validation() -> None:
    """pandera loads its pandas backend (and hypothesis) on its first validation: do it now."""
    import pandera.pandas as pandera

    pandera.DataFrameSchema({"x": pandera.Column("int64")}).validate(pd.DataFrame({"x": [1]}))


def _worker_init() -> None:
    pseudonymise.PARALLEL = False  # the other CPUs run workers of their own
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let a worker's allocator (glibc) keep freed memory for reuse rather than hand it back to
    the system at once: tasks allocate and free the same large arrays over and over, and the
    page faults of fresh memory cost CPU. Nothing happens where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GiB of freed heap
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: heap, not mmap, up to its maximum of 32 MiB
    except (OSError, AttributeError):
        pass


def run_tasks(tasks: list[Task], workers: int) -> Outcomes:
    """Run ``tasks`` (in worker processes if ``workers`` > 1); stops early once the error to raise is known."""
    outcomes: Outcomes = {}
    errors = _Errors()
    if workers <= 1:
        for task in tasks:
            if errors.needed(task):
                result = run_task(task)
                errors.add(result)
                _merge(outcomes, result)
        return outcomes
    _load_validation()  # once here rather than in every worker
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init) as pool:
        futures = {pool.submit(run_task, task): task for task in tasks}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    result = future.result()  # a worker's exception is raised here
                    errors.add(result)
                    _merge(outcomes, result)
                for future in list(pending):
                    if not errors.needed(futures[future]) and future.cancel():
                        pending.discard(future)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return outcomes
