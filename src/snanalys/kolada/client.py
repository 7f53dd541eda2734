"""A small client for Kolada's live API v3 (``https://api.kolada.se/v3``; v2 is gone).

The shape used here (see ``tests/kolada/fixtures/README.md`` for where it was read):

* every answer is ``{"count": n, "values": [...], "next_url": <url or null>}``
  (``next_page`` is accepted too); pages are followed until the link is empty;
* data: ``/data/kpi/{ids}/municipality/{ids}/year/{years}`` (path form, comma-separated
  lists) answers one record per KPI, municipality and period, each holding
  ``values: [{gender, count, status, value, isdeleted}]``; the country is ``"0000"``;
* metadata: ``/kpi/{id}``, ``/municipality``, ``/municipality_groups?title=...`` and
  ``/municipality_groups/{id}`` with ``members: [{member_id, member_title}]``.

Requests are rate-limited (``min_interval`` seconds apart), time out, and are retried
with backoff by ``urllib3.util.Retry`` mounted on the session's ``HTTPAdapter``. Each
answer can be cached on disk as JSON, keyed by the request URL; ``offline=True`` serves
the cache only. A cached answer older than ``cache_ttl`` seconds is fetched again (offline
it is still served: an old answer is better than none when the network is gone).

Group titles have come back double-encoded (UTF-8 read as Latin-1, "NykÃ¶ping");
:func:`repair_text` undoes that before titles are compared or kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from snanalys.web_json import RequestError, cache_file, fetch_json, read_cached, write_cached

BASE_URL = "https://api.kolada.se/v3"
COUNTRY = "0000"  # Riket in API v3
VALUE_COLUMNS = ["kpi", "municipality", "year", "gender", "value", "count", "status"]
RETRY_STATUSES = (429, 500, 502, 503, 504)
USER_AGENT = "snanalys-kolada-client/1.0 (+https://api.kolada.se/v3)"


class KoladaError(RequestError):
    """A request to Kolada failed (``status`` is the HTTP status, or None)."""


class KoladaOfflineError(KoladaError):
    """Offline mode, and the request is not in the cache."""


def default_retry(retries: int = 5, backoff_factor: float = 1.0) -> Retry:
    """GETs retried on connection errors and on 429/5xx, honouring ``Retry-After``."""
    return Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_factor,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer comes back and becomes a KoladaError
    )


def build_session(retry: Retry | None = None) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry if retry is not None else default_retry())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
    return session


def repair_text(text):
    """``text`` with a UTF-8-read-as-Latin-1 double encoding undone ("NykÃ¶ping" -> "Nyköping");
    anything else unchanged."""
    if not isinstance(text, str) or not any(ch in text for ch in "ÃÂ"):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _chunks(items: Sequence, size: int) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def _ids(items: Sequence) -> str:
    return ",".join(quote(str(item), safe="") for item in items)


class KoladaClient:
    """Kolada API v3.

    ``session``: a ``requests.Session`` used as given (tests pass one with a fake
    adapter); without it a session with ``default_retry(retries, backoff_factor)``
    mounted on its ``HTTPAdapter`` is built. URL lists are split into chunks of at most
    ``max_kpis`` KPIs, ``max_municipalities`` municipalities and ``max_years`` years,
    since the API answers 422 to URLs with too many ids.
    """

    def __init__(
        self,
        base_url: str = BASE_URL,
        cache_dir: Path | None = None,
        offline: bool = False,
        min_interval: float = 0.5,
        timeout: float = 20,
        session: requests.Session | None = None,
        *,
        retries: int = 5,
        backoff_factor: float = 1.0,
        per_page: int | None = 5000,
        max_kpis: int = 4,
        max_municipalities: int = 8,
        max_years: int = 25,
        cache_ttl: float | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.offline = offline
        self.min_interval = float(min_interval)
        self.timeout = timeout
        self.session = session if session is not None else build_session(default_retry(retries, backoff_factor))
        self.per_page = per_page
        self.max_kpis = max_kpis
        self.max_municipalities = max_municipalities
        self.max_years = max_years
        self.cache_ttl = cache_ttl  # seconds; None: a cached answer never expires
        self.requests_made = 0  # network requests (cache hits not counted)
        self._last_request: float | None = None
        self._clock = time.monotonic
        self._sleep = time.sleep

    # ------------------------------------------------------------------ transport

    def _cache_path(self, url: str) -> Path | None:
        return cache_file(self.cache_dir, url)

    def _read_cache(self, url: str):
        return read_cached(self.cache_dir, url, ttl=self.cache_ttl, offline=self.offline)

    def _write_cache(self, url: str, body) -> None:
        write_cached(self.cache_dir, url, body)

    def _wait_turn(self) -> None:
        if self._last_request is not None and self.min_interval > 0:
            remaining = self._last_request + self.min_interval - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last_request = self._clock()

    def get_json(self, url: str):
        """The JSON body at ``url``: from the cache if there, else fetched (and cached)."""
        cached = self._read_cache(url)
        if cached is not None:
            return cached
        if self.offline:
            where = f"cache {self.cache_dir}" if self.cache_dir is not None else "no cache_dir was given"
            raise KoladaOfflineError(f"offline and not cached: GET {url} ({where})", url=url)
        self._wait_turn()
        self.requests_made += 1
        body = fetch_json(self.session, url, timeout=self.timeout, error=KoladaError)
        self._write_cache(url, body)
        return body

    def _pages(self, url: str) -> Iterator[dict]:
        """Each record of a paged answer, following ``next_url`` (or ``next_page``)."""
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            body = self.get_json(url)
            values = body.get("values") or []
            yield from values
            url = (body.get("next_url") or body.get("next_page")) if values else None

    def _url(self, path: str, **query) -> str:
        url = f"{self.base_url}/{path}"
        pairs = [f"{key}={quote(str(value), safe='')}" for key, value in query.items() if value is not None]
        return url + ("?" + "&".join(pairs) if pairs else "")

    # ------------------------------------------------------------------ metadata

    def kpi(self, kpi_id: str) -> dict:
        """Metadata of one KPI: id, title, description, is_divided_by_gender, publication_date, …"""
        url = self._url(f"kpi/{quote(kpi_id, safe='')}")
        for record in self._pages(url):
            if record.get("id") == kpi_id:
                return record
        raise KoladaError(f"KPI {kpi_id} not found (GET {url})", url=url)

    def municipalities(self) -> pd.DataFrame:
        """id, title, type (K municipality, L region) of every area, the country "0000" included."""
        url = self._url("municipality", per_page=self.per_page)
        rows = [{"id": r.get("id"), "title": r.get("title"), "type": r.get("type")} for r in self._pages(url)]
        return pd.DataFrame(rows, columns=["id", "title", "type"])

    def municipality_groups(self, title_contains: str) -> pd.DataFrame:
        """id, title of the municipality groups whose title contains ``title_contains``
        (case-insensitive), e.g. "Liknande kommuner IFO, Nyköping" — group ids change every
        year, so look them up by title."""
        url = self._url("municipality_groups", title=title_contains, per_page=self.per_page)
        wanted = title_contains.casefold()
        rows = [
            {"id": str(r.get("id")), "title": repair_text(r.get("title"))}
            for r in self._pages(url)
            if wanted in str(repair_text(r.get("title", ""))).casefold()
        ]
        return pd.DataFrame(rows, columns=["id", "title"])

    def group_id(self, title: str) -> str:
        """The id of the one group titled exactly ``title`` (case-insensitive)."""
        groups = self.municipality_groups(title)
        exact = groups.loc[groups["title"].str.casefold() == title.casefold()]
        if len(exact) != 1:
            raise KoladaError(f"{len(exact)} municipality groups titled {title!r} (near: {list(groups['title'])})")
        return exact["id"].iloc[0]

    def group_members(self, group_id: str) -> pd.DataFrame:
        """id, title of the municipalities in a municipality group."""
        url = self._url(f"municipality_groups/{quote(str(group_id), safe='')}")
        rows = []
        for group in self._pages(url):
            if str(group.get("id")) != str(group_id):
                continue
            for member in group.get("members") or []:
                rows.append(
                    {
                        "id": str(member.get("member_id", member.get("id"))),
                        "title": repair_text(member.get("member_title", member.get("title"))),
                    }
                )
        if not rows:
            raise KoladaError(f"municipality group {group_id} not found or empty (GET {url})", url=url)
        return pd.DataFrame(rows, columns=["id", "title"])

    # ------------------------------------------------------------------ data

    def data_urls(self, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]) -> list[str]:
        """The first-page URLs ``values`` asks for, chunked to keep URLs short."""
        urls = []
        for kpi_chunk in _chunks(kpis, self.max_kpis):
            for muni_chunk in _chunks(municipalities, self.max_municipalities):
                for year_chunk in _chunks(sorted({int(y) for y in years}), self.max_years):
                    urls.append(
                        self._url(
                            f"data/kpi/{_ids(kpi_chunk)}/municipality/{_ids(muni_chunk)}/year/{_ids(year_chunk)}",
                            per_page=self.per_page,
                        )
                    )
        return urls

    def _chunk_rows(self, kpis: list, municipalities: list, years: list) -> list[dict]:
        """The rows of one URL's pages; an HTTP 422 (too many ids) splits the chunk in two and asks again."""
        url = self._url(
            f"data/kpi/{_ids(kpis)}/municipality/{_ids(municipalities)}/year/{_ids(years)}", per_page=self.per_page
        )
        try:
            return [
                {
                    "kpi": record.get("kpi"),
                    "municipality": str(record.get("municipality")),
                    "year": int(record.get("period")),
                    "gender": point.get("gender"),
                    "value": point.get("value"),
                    "count": point.get("count"),
                    "status": point.get("status"),
                }
                for record in self._pages(url)
                for point in record.get("values") or []
            ]
        except KoladaError as error:
            if error.status != 422 or len(municipalities) + len(kpis) + len(years) <= 3:
                raise
        # split the longest list in two and ask for each half
        lists = {"kpis": list(kpis), "municipalities": list(municipalities), "years": list(years)}
        longest = max(lists, key=lambda name: len(lists[name]))
        half = len(lists[longest]) // 2
        out = []
        for piece in (lists[longest][:half], lists[longest][half:]):
            out += self._chunk_rows(**{**lists, longest: piece})
        return out

    def values(self, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
        """kpi, municipality, year, gender (T/K/M), value, count, status — one row per value.

        A missing value is NaN (never 0); ``count`` and ``status`` are kept as Kolada gives
        them. All pages of every chunk are read.
        """
        if isinstance(kpis, str) or isinstance(municipalities, str):
            raise TypeError("kpis and municipalities are lists of ids")
        rows = []
        if kpis and municipalities and years:
            for kpi_chunk in _chunks(kpis, self.max_kpis):
                for muni_chunk in _chunks(municipalities, self.max_municipalities):
                    for year_chunk in _chunks(sorted({int(y) for y in years}), self.max_years):
                        rows += self._chunk_rows(kpi_chunk, muni_chunk, year_chunk)
        frame = pd.DataFrame(rows, columns=VALUE_COLUMNS, dtype=object)  # status stays as given
        for column in ("kpi", "municipality", "gender"):
            frame[column] = frame[column].astype("str")
        frame["year"] = frame["year"].astype("int64")
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
        frame["count"] = pd.to_numeric(frame["count"], errors="coerce").astype("Int64")
        frame = frame.drop_duplicates(subset=["kpi", "municipality", "year", "gender"], keep="last")
        return frame.sort_values(["kpi", "municipality", "year", "gender"], kind="stable").reset_index(drop=True)
