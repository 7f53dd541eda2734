"""Statements on one DuckDB database, each run as soon as the tables it names are built, two at a time.

The facts are a dozen statements of very different sizes that read each other's tables. Run in
fixed stages, one core idles while the longer chain of a stage finishes, and the engine's queries
wait for every fact although each reads one. Here a statement, or a query the engine asks while
the facts are still being built, waits only for the statements that make the tables and views it
names (and what those wait for); two cursors of the one connection take the first ready item in
the order given, so the placements' queries run while the households are still being counted.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

import duckdb
import pandas as pd

_TARGET = re.compile(r"\s*(?:CREATE (?:TABLE|VIEW)|INSERT INTO|DROP TABLE) (\w+)")
_DROP = re.compile(r"\s*DROP TABLE (\w+)")
_LITERAL = re.compile(r"'(?:[^']|'')*'")  # a file path in a literal names no table
_WORD = re.compile(r"\w+")


def target(sql: str) -> str | None:
    """The table or view a statement makes, adds to or drops (None: a query)."""
    match = _TARGET.match(sql)
    return match.group(1) if match else None


@dataclass
class _Item:
    sql: str
    target: str | None
    waits_for: frozenset[int]
    result: Future = field(default_factory=Future)


class Schedule:
    """Items (statements and queries) run by ``workers`` cursors of ``con`` as soon as they are ready.

    An item waits for the items before it that make or add to a table or view it names, and for
    what those wait for; a query that names none of them (the catalog, say) waits for all of them;
    a ``DROP TABLE`` waits for every item before it that names the table.

    A query's result is its frame; a statement's is None. The first failure fails every item not
    yet run with the same error. The workers stop when nothing is left to run after :meth:`seal`
    (no more statements of the build will come) and none is running; a query offered after that
    is refused (None) and the caller runs it on the connection itself, after :meth:`close`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, workers: int = 2) -> None:
        self._cursors = [con, *(con.cursor() for _ in range(workers - 1))]
        self._items: list[_Item] = []
        self._makers: dict[str, list[int]] = {}  # table or view -> the items that make or add to it
        self._readers: dict[str, list[int]] = {}  # table or view -> the items that name it otherwise
        self._pending: list[int] = []
        self._done: set[int] = set()
        self._running = 0
        self._error: BaseException | None = None
        self._sealed = self._stopped = False
        self._cond = threading.Condition()
        self._threads = [
            threading.Thread(target=self._work, args=(cursor,), name=f"facts-{i}", daemon=True)
            for i, cursor in enumerate(self._cursors)
        ]
        for thread in self._threads:
            thread.start()

    def add(self, sql: str) -> Future | None:
        """Run ``sql`` once the items making what it names are done; None if the schedule has stopped."""
        names = set(_WORD.findall(_LITERAL.sub("''", sql)))
        made = target(sql)
        with self._cond:
            if self._error is not None:
                failed: Future = Future()
                failed.set_exception(self._error)
                return failed
            if self._stopped:
                return None
            known = names & self._makers.keys()
            direct = {i for name in known for i in self._makers[name]}
            if _DROP.match(sql):  # a table is dropped once everything that reads it is done
                direct |= set(self._readers.get(made, ()))
            if made is None and not direct:  # a query of no table made here (the catalog): after all of them
                direct = set(range(len(self._items)))
            waits_for = set(direct)
            for i in direct:
                waits_for |= self._items[i].waits_for
            item = _Item(sql, made, frozenset(waits_for))
            self._items.append(item)
            index = len(self._items) - 1
            if made:
                self._makers.setdefault(made, []).append(index)
            for name in known - {made}:
                self._readers.setdefault(name, []).append(index)
            self._pending.append(index)
            self._cond.notify_all()
            return item.result

    def seal(self) -> None:
        """No more statements will be added: the workers stop once the pending items are done."""
        with self._cond:
            self._sealed = True
            self._cond.notify_all()

    def wait(self) -> None:
        """Until every item added so far is done; raises the first failure."""
        for item in list(self._items):
            item.result.result()

    def close(self) -> None:
        """Stop taking items (those not started fail as cancelled), wait for the running ones, close the cursors."""
        with self._cond:
            self._sealed = self._stopped = True
            for i in self._pending:
                self._items[i].result.cancel()
            self._pending.clear()
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()
        for cursor in self._cursors[1:]:
            cursor.close()

    def _next(self) -> int | None:
        """The first pending item whose makers are done (None: nothing to run now, or ever)."""
        while True:
            if self._stopped or (self._sealed and not self._pending and not self._running):
                self._stopped = True
                self._cond.notify_all()
                return None
            for position, i in enumerate(self._pending):
                if self._items[i].waits_for <= self._done:
                    del self._pending[position]
                    self._running += 1
                    return i
            self._cond.wait()

    def _work(self, cursor: duckdb.DuckDBPyConnection) -> None:
        while True:
            with self._cond:
                index = self._next()
            if index is None:
                return
            item = self._items[index]
            if not item.result.set_running_or_notify_cancel():
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()
                continue
            try:
                if item.target is None:
                    frame: pd.DataFrame | None = cursor.execute(item.sql).df()
                else:
                    cursor.execute(item.sql)
                    frame = None
            except BaseException as error:  # noqa: BLE001 - handed to whoever waits for the items
                item.result.set_exception(error)
                with self._cond:
                    self._error = error
                    for i in self._pending:
                        self._items[i].result.set_exception(error)
                    self._pending.clear()
            else:
                item.result.set_result(frame)
            with self._cond:
                self._done.add(index)
                self._running -= 1
                self._cond.notify_all()
