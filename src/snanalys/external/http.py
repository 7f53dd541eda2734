"""JSON over HTTP for the open statistics APIs that are not Kolada (Socialstyrelsen, SCB).

The same politeness as the Kolada client: requests a minimum interval apart (≤ 5 a second
by default), a timeout, retries with backoff from ``urllib3.util.Retry`` on the session's
adapter (``snanalys.kolada.client.build_session``), a disk cache whose entries expire after
``cache_ttl`` seconds, and an offline mode that serves the cache only, with a clear error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from snanalys.kolada.client import build_session, default_retry


class FetchError(RuntimeError):
    """A request failed (``status``: the HTTP status, or None)."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.status = status
        self.url = url


class OfflineError(FetchError):
    """Offline mode, and the answer is not in the cache."""


class JsonSource:
    """GET JSON from one API, politely. ``session`` is used as given (tests inject a transport)."""

    def __init__(
        self,
        name: str,
        *,
        cache_dir: Path | None = None,
        offline: bool = False,
        min_interval: float = 0.2,
        timeout: float = 30,
        cache_ttl: float | None = 24 * 3600,
        session: requests.Session | None = None,
        retries: int = 5,
        backoff_factor: float = 1.0,
    ):
        self.name = name
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.offline = offline
        self.min_interval = float(min_interval)
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.session = session if session is not None else build_session(default_retry(retries, backoff_factor))
        self.requests_made = 0
        self._last: float | None = None

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".json")

    def _cached(self, url: str):
        path = self._cache_path(url)
        if path is None or not path.exists():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            fetched = datetime.fromisoformat(entry["fetched_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if entry.get("url") != url:
            return None
        if not self.offline and self.cache_ttl is not None:
            if (datetime.now(UTC) - fetched).total_seconds() > self.cache_ttl:
                return None
        return entry["body"]

    def _store(self, url: str, body) -> None:
        path = self._cache_path(url)
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

    def get_json(self, url: str):
        cached = self._cached(url)
        if cached is not None:
            return cached
        if self.offline:
            where = f"cache {self.cache_dir}" if self.cache_dir is not None else "no cache folder"
            raise OfflineError(f"{self.name}: offline and not cached: GET {url} ({where})", url=url)
        if self._last is not None:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last = time.monotonic()
        self.requests_made += 1
        try:
            response = self.session.get(url, timeout=self.timeout)
        except requests.RequestException as error:
            raise FetchError(f"{self.name}: GET {url} failed: {error}", url=url) from error
        if response.status_code >= 400:
            raise FetchError(
                f"{self.name}: HTTP {response.status_code} for GET {url}: {response.text[:200]}",
                status=response.status_code,
                url=url,
            )
        try:
            body = response.json()
        except ValueError as error:
            raise FetchError(f"{self.name}: GET {url} did not answer JSON", url=url) from error
        self._store(url, body)
        return body
