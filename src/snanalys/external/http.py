"""JSON over HTTP for the open statistics APIs that are not Kolada (Socialstyrelsen, SCB).

The same politeness as the Kolada client: requests a minimum interval apart (≤ 5 a second
by default), a timeout, retries with backoff from ``urllib3.util.Retry`` on the session's
adapter (``snanalys.kolada.client.build_session``), a disk cache whose entries expire after
``cache_ttl`` seconds, and an offline mode that serves the cache only, with a clear error.
"""

from __future__ import annotations

import time
from pathlib import Path

import requests

from snanalys.kolada.client import build_session, default_retry
from snanalys.web_json import RequestError, cache_file, fetch_json, read_cached, write_cached


class FetchError(RequestError):
    """A request failed (``status``: the HTTP status, or None)."""


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
        return cache_file(self.cache_dir, url)

    def _cached(self, url: str):
        return read_cached(self.cache_dir, url, ttl=self.cache_ttl, offline=self.offline)

    def _store(self, url: str, body) -> None:
        write_cached(self.cache_dir, url, body)

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
        body = fetch_json(self.session, url, timeout=self.timeout, error=FetchError, prefix=f"{self.name}: ")
        self._store(url, body)
        return body
