"""Results memoised in the process, keyed by the state of the data folder they come from.

Why: a warm report kernel runs every page of a municipality (and a county run many
municipalities), and the pages and the runner ask for the same tables again. The key
holds each file's name, modification time and size, so a re-ingest, which rewrites the
files, is never served a stale result. Only the process's memory: nothing outlives a run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any


def folder_state(directory: Path) -> tuple:
    """The folder and what it holds now (name, modification time, size of every file)."""
    directory = Path(directory).resolve()
    files = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir() if p.is_file()))
    return str(directory), files


class Memo:
    """The ``size`` most recently used results, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key) -> Any:
        """The result kept for ``key``, or None (computes nothing)."""
        with self._lock:
            return self._items.get(key)

    def get(self, key, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: two threads may compute the same value once each
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value
