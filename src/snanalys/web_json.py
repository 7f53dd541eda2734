"""JSON from the public APIs, one definition for every client (Kolada, Socialstyrelsen, SCB).

:func:`fetch_json` is one GET with the client's session (its retries), a timeout, and an error of
the client's own type naming the URL and the HTTP status. The answers are kept on disk as JSON,
keyed by the request's URL: an entry names its URL and when it was fetched; it expires after
``ttl`` seconds, except offline, where any entry is served; a damaged entry is as good as none
(fetched again, or reported missing offline). Written whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import requests


class RequestError(RuntimeError):
    """A request to a public API failed (``status``: the HTTP status, or None): each client's own
    error type is one of these, so a caller can catch any of them."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.status = status
        self.url = url


def cache_file(folder: Path | None, url: str) -> Path | None:
    """Where the answer to ``url`` is kept (None: no cache)."""
    if folder is None:
        return None
    return Path(folder) / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".json")


def read_cached(folder: Path | None, url: str, *, ttl: float | None, offline: bool):
    """The kept answer to ``url``, or None (none kept, damaged, another URL's, or expired)."""
    path = cache_file(folder, url)
    if path is None or not path.exists():
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        fetched = datetime.fromisoformat(entry["fetched_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if entry.get("url") != url:
        return None
    if not offline and ttl is not None and (datetime.now(UTC) - fetched).total_seconds() > ttl:
        return None
    return entry["body"]


def write_cached(folder: Path | None, url: str, body) -> None:
    """Keep ``body`` as the answer to ``url``."""
    path = cache_file(folder, url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"url": url, "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"), "body": body}
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fetch_json(session: requests.Session, url: str, *, timeout: float, error: type[Exception], prefix: str = ""):
    """The JSON body of GET ``url``; ``error(message, status=…, url=…)`` when it fails or is not JSON."""
    try:
        response = session.get(url, timeout=timeout)
    except requests.RequestException as exc:
        raise error(f"{prefix}GET {url} failed: {exc}", url=url) from exc
    if response.status_code >= 400:
        raise error(f"{prefix}HTTP {response.status_code} for GET {url}: {response.text[:200]}",
                    status=response.status_code, url=url)  # fmt: skip
    try:
        return response.json()
    except ValueError as exc:
        raise error(f"{prefix}GET {url} did not answer JSON", status=response.status_code, url=url) from exc
