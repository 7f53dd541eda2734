"""The Kolada API v3 client against hand-written responses (fixtures/README.md): no network.

Responses come from a fake transport: a ``requests`` adapter that serves the fixture
files by URL and records every URL asked for. The retry test goes one level lower and
fakes urllib3's connection pool, so that the client's own ``Retry`` runs.
"""

from __future__ import annotations

import io
import json
import math
import socket
from pathlib import Path

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

from snanalys.kolada.client import (
    BASE_URL,
    COUNTRY,
    VALUE_COLUMNS,
    KoladaClient,
    KoladaError,
    KoladaOfflineError,
    default_retry,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"

KPI_URL = f"{BASE_URL}/kpi/N31814"
DATA_URL = f"{BASE_URL}/data/kpi/N31814,N01951/municipality/0480,0000/year/2022,2023?per_page=5000"
DATA_PAGE2_URL = f"{BASE_URL}/data/kpi/N31814,N01951/municipality/0480,0000/year/2022,2023?page=2&per_page=5000"
MUNICIPALITY_URL = f"{BASE_URL}/municipality?per_page=5000"
GROUPS_URL = f"{BASE_URL}/municipality_groups?title=Liknande%20kommuner%20IFO%2C%20Nyk%C3%B6ping&per_page=5000"
GROUP_EXACT_URL = GROUPS_URL.replace("Nyk%C3%B6ping&", "Nyk%C3%B6ping%2C%202024&")
GROUP_URL = f"{BASE_URL}/municipality_groups/G205123"

ROUTES = {
    KPI_URL: "kpi_N31814.json",
    DATA_URL: "data_page1.json",
    DATA_PAGE2_URL: "data_page2.json",
    MUNICIPALITY_URL: "municipality.json",
    GROUPS_URL: "municipality_groups_nykoping.json",
    GROUP_EXACT_URL: "municipality_groups_nykoping.json",  # the fake server ignores the filter
    GROUP_URL: "municipality_group_G205123.json",
}


class FakeAdapter(HTTPAdapter):
    """Serves fixture files by exact URL; anything else is a 404. Records every URL."""

    def __init__(self, routes: dict[str, str]):
        super().__init__()
        self.routes = routes
        self.seen: list[str] = []

    def send(self, request, **kwargs):
        self.seen.append(request.url)
        response = requests.Response()
        response.url = request.url
        response.request = request
        name = self.routes.get(request.url)
        if name is None:
            response.status_code = 404
            response._content = b'{"detail": "not found"}'
        else:
            response.status_code = 200
            response._content = (FIXTURES / name).read_bytes()
        response.headers["Content-Type"] = "application/json"
        return response


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any DNS look-up or socket connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a Kolada client test tried to reach the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture
def transport():
    return FakeAdapter(ROUTES)


def client_with(transport, **kwargs) -> KoladaClient:
    session = requests.Session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    kwargs.setdefault("min_interval", 0)
    return KoladaClient(session=session, **kwargs)


def test_fixtures_cite_their_source():
    for path in FIXTURES.glob("*.json"):
        assert "_source" in json.loads(path.read_text(encoding="utf-8")), path.name
    assert (FIXTURES / "README.md").exists()


def test_kpi_metadata(transport):
    meta = client_with(transport).kpi("N31814")
    assert meta["id"] == "N31814"
    assert meta["is_divided_by_gender"] is True
    assert meta["publication_date"] == "2026-06-17"
    assert meta["title"].startswith("Vuxna biståndsmottagare")
    assert transport.seen == [KPI_URL]


def test_values_follow_pagination_and_keep_gender_count_status(transport):
    frame = client_with(transport).values(["N31814", "N01951"], ["0480", COUNTRY], [2023, 2022])
    assert transport.seen == [DATA_URL, DATA_PAGE2_URL]  # two pages, then stop at next_url null
    assert list(frame.columns) == VALUE_COLUMNS
    assert len(frame) == 12
    assert frame["municipality"].map(type).eq(str).all()  # leading zeros kept

    rows = frame.set_index(["kpi", "municipality", "year", "gender"])
    # gender rows T/K/M
    assert set(rows.loc[("N01951", "0480", 2022)].index) == {"T", "K", "M"}
    assert rows.loc[("N01951", "0480", 2022, "T"), "value"] == 58021
    assert rows.loc[("N01951", "0480", 2022, "K"), "value"] == 29160
    # the country is 0000, its count kept
    assert rows.loc[("N01951", "0000", 2022, "T"), "count"] == 290
    # a row from page 2
    assert rows.loc[("N31814", "0480", 2023, "M"), "value"] == pytest.approx(57.1)
    # missing: NaN (never 0), status kept as given
    missing = rows.loc[("N31814", "0000", 2022, "T")]
    assert math.isnan(missing["value"]) and missing["status"] == "Missing" and missing["count"] == 0
    women_2023 = rows.loc[("N31814", "0480", 2023, "K")]
    assert math.isnan(women_2023["value"]) and women_2023["status"] == "Missing"
    assert rows.loc[("N31814", "0480", 2022, "T"), "status"] == ""


def test_values_split_long_id_lists_into_short_urls():
    client = KoladaClient(session=requests.Session(), max_kpis=4, max_municipalities=8, max_years=25)
    urls = client.data_urls([f"N{i:05d}" for i in range(5)], [f"{i:04d}" for i in range(10)], range(1990, 2026))
    assert len(urls) == 2 * 2 * 2
    assert urls[0] == (
        f"{BASE_URL}/data/kpi/N00000,N00001,N00002,N00003/municipality/"
        "0000,0001,0002,0003,0004,0005,0006,0007/year/" + ",".join(map(str, range(1990, 2015))) + "?per_page=5000"
    )


def test_municipalities(transport):
    frame = client_with(transport).municipalities()
    assert list(frame.columns) == ["id", "title", "type"]
    assert frame.set_index("id").loc["0000", "title"] == "Riket"
    assert frame.set_index("id").loc["0480", "type"] == "K"
    assert transport.seen == [MUNICIPALITY_URL]


def test_group_lookup_by_title_then_members(transport):
    client = client_with(transport)
    groups = client.municipality_groups("Liknande kommuner IFO, Nyköping")
    # the title filter also holds client-side: the elderly-care group is left out
    assert list(groups["title"]) == [
        "Liknande kommuner IFO, Nyköping, 2023",
        "Liknande kommuner IFO, Nyköping, 2024",
    ]
    group_id = groups.loc[groups["title"].str.endswith("2024"), "id"].item()
    assert group_id == "G205123"
    members = client.group_members(group_id)
    assert list(members["id"]) == ["0484", "0583", "1980"]
    assert members.set_index("id").loc["1980", "title"] == "Västerås"
    assert transport.seen == [GROUPS_URL, GROUP_URL]


def test_group_id_by_exact_title(transport):
    client = client_with(transport)
    assert client.group_id("Liknande kommuner IFO, Nyköping, 2024") == "G205123"
    with pytest.raises(KoladaError, match="0 municipality groups"):
        client.group_id("Liknande kommuner IFO, Nyköping")  # two years match, none exactly
    assert transport.seen == [GROUP_EXACT_URL, GROUPS_URL]


def test_cache_hit_avoids_a_second_request(transport, tmp_path):
    first = client_with(transport, cache_dir=tmp_path).values(["N31814", "N01951"], ["0480", "0000"], [2022, 2023])
    assert transport.seen == [DATA_URL, DATA_PAGE2_URL]
    cached = sorted(tmp_path.glob("*.json"))
    assert len(cached) == 2
    assert {json.loads(p.read_text(encoding="utf-8"))["url"] for p in cached} == {DATA_URL, DATA_PAGE2_URL}
    assert not list(tmp_path.glob("*.tmp"))  # atomic write leaves no temporaries

    again = client_with(transport, cache_dir=tmp_path)
    second = again.values(["N31814", "N01951"], ["0480", "0000"], [2022, 2023])
    assert transport.seen == [DATA_URL, DATA_PAGE2_URL]  # nothing new on the wire
    assert again.requests_made == 0
    assert second.equals(first)


def test_offline_serves_the_cache(transport, tmp_path):
    client_with(transport, cache_dir=tmp_path).kpi("N31814")

    class NoNetwork(HTTPAdapter):
        def send(self, request, **kwargs):
            raise AssertionError(f"offline client touched the network: {request.url}")

    session = requests.Session()
    session.mount("https://", NoNetwork())
    offline = KoladaClient(cache_dir=tmp_path, offline=True, session=session)
    assert offline.kpi("N31814")["id"] == "N31814"
    assert transport.seen == [KPI_URL]


def test_offline_without_cache_names_the_request(tmp_path):
    offline = KoladaClient(cache_dir=tmp_path, offline=True, session=requests.Session())
    with pytest.raises(KoladaOfflineError, match=r"offline and not cached: GET https://api\.kolada\.se/v3/kpi/N31814"):
        offline.kpi("N31814")
    no_cache = KoladaClient(offline=True, session=requests.Session())
    with pytest.raises(KoladaOfflineError, match="no cache_dir"):
        no_cache.municipalities()


def test_http_error_raises_with_status(transport):
    client = client_with(transport)
    with pytest.raises(KoladaError) as caught:
        client.kpi("X99999")
    assert caught.value.status == 404
    assert "HTTP 404" in str(caught.value) and f"{BASE_URL}/kpi/X99999" in str(caught.value)


def test_min_interval_spaces_requests(transport):
    client = client_with(transport, min_interval=0.5)
    now = [100.0]
    slept = []
    client._clock = lambda: now[0]
    client._sleep = lambda seconds: (slept.append(seconds), now.__setitem__(0, now[0] + seconds))
    client.kpi("N31814")
    now[0] += 0.1
    client.municipalities()
    assert slept == [pytest.approx(0.4)]


# --------------------------------------------------------------------------- retries


class ScriptedPool(urllib3.HTTPConnectionPool):
    """A urllib3 pool whose wire is a script of (status, body): urllib3's own retry
    logic (``urlopen``) runs, but no socket is opened."""

    def __init__(self, script):
        super().__init__("api.kolada.se", 443)
        self.script = list(script)
        self.seen: list[str] = []

    def _make_request(self, conn, method, url, **kwargs):
        self.seen.append(url)
        status, body = self.script.pop(0)
        return urllib3.HTTPResponse(
            body=io.BytesIO(body),
            headers={"Content-Type": "application/json"},
            status=status,
            preload_content=False,
            request_method=method,
            request_url=url,
        )


def scripted_client(monkeypatch, script, **kwargs):
    client = KoladaClient(min_interval=0, backoff_factor=0, **kwargs)  # its own session, Retry mounted
    adapter = client.session.get_adapter(BASE_URL)
    assert adapter.max_retries.status_forcelist == (429, 500, 502, 503, 504)
    pool = ScriptedPool(script)
    monkeypatch.setattr(adapter, "get_connection_with_tls_context", lambda *args, **kw: pool)
    return client, pool


def test_503_then_200_is_retried(monkeypatch):
    body = (FIXTURES / "kpi_N31814.json").read_bytes()
    client, pool = scripted_client(monkeypatch, [(503, b"busy"), (200, body)])
    assert client.kpi("N31814")["id"] == "N31814"
    assert pool.seen == ["/v3/kpi/N31814", "/v3/kpi/N31814"]
    assert client.requests_made == 1  # one request from the client, retried below it


def test_503_until_retries_run_out_raises_with_status(monkeypatch):
    client, pool = scripted_client(monkeypatch, [(503, b"busy")] * 3, retries=2)
    with pytest.raises(KoladaError) as caught:
        client.kpi("N31814")
    assert caught.value.status == 503
    assert len(pool.seen) == 3


def test_default_retry_config():
    retry = default_retry()
    assert retry.total == 5 and retry.backoff_factor == 1.0
    assert retry.is_retry("GET", 503) and retry.is_retry("GET", 429)
    assert not retry.is_retry("GET", 404)
    assert not retry.is_retry("POST", 503)
    assert retry.respect_retry_after_header


def test_429_then_200_is_retried(monkeypatch):
    body = (FIXTURES / "kpi_N31814.json").read_bytes()
    client, pool = scripted_client(monkeypatch, [(429, b"slow down"), (200, body)])
    assert client.kpi("N31814")["id"] == "N31814"
    assert len(pool.seen) == 2


def test_a_timeout_is_a_kolada_error_and_the_timeout_is_passed_on(monkeypatch):
    import requests

    client = KoladaClient(min_interval=0, timeout=7)
    seen = {}

    def timing_out(url, timeout=None, **kwargs):
        seen["timeout"] = timeout
        raise requests.exceptions.ConnectTimeout("timed out")

    monkeypatch.setattr(client.session, "get", timing_out)
    with pytest.raises(KoladaError) as caught:
        client.kpi("N31814")
    assert seen["timeout"] == 7 and caught.value.status is None


def test_double_encoded_titles_are_repaired():
    from snanalys.kolada.client import repair_text

    broken = "Liknande kommuner IFO, Nyköping, 2024".encode().decode("latin-1")
    assert broken != "Liknande kommuner IFO, Nyköping, 2024"
    assert repair_text(broken) == "Liknande kommuner IFO, Nyköping, 2024"
    assert repair_text("Nyköping") == "Nyköping" and repair_text("Ånge") == "Ånge"


class UnprocessableAbove(HTTPAdapter):
    """Answers 422 to a data URL with more than ``limit`` municipalities (as the live API did)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.seen = limit, []

    def send(self, request, **kwargs):
        self.seen.append(request.url)
        ids = request.url.split("/municipality/")[1].split("/")[0].split(",")
        response = requests.Response()
        response.url, response.request = request.url, request
        if len(ids) > self.limit:
            response.status_code, response._content = 422, b'{"detail": "Unprocessable Entity"}'
        else:
            values = [
                {"kpi": "N31814", "municipality": m, "period": 2022, "values": [{"gender": "T", "value": 1.0}]}
                for m in ids
            ]
            response.status_code = 200
            response._content = json.dumps({"count": len(values), "values": values, "next_url": None}).encode()
        return response


def test_an_http_422_splits_the_chunk_until_the_api_accepts_it():
    transport = UnprocessableAbove(limit=2)
    codes = ["0114", "0183", "0480", "0583", "1282"]
    frame = client_with(transport, max_municipalities=8).values(["N31814"], codes, [2022])
    assert sorted(frame["municipality"]) == codes
    assert sum(1 for u in transport.seen if "/municipality/" in u) > 1


def test_an_expired_cache_entry_is_fetched_again(transport, tmp_path):
    client = client_with(transport, cache_dir=tmp_path, cache_ttl=3600)
    client.kpi("N31814")
    entry = next(tmp_path.glob("*.json"))
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["fetched_at"] = "2020-01-01T00:00:00+00:00"
    entry.write_text(json.dumps(data), encoding="utf-8")
    client_with(transport, cache_dir=tmp_path, cache_ttl=3600).kpi("N31814")
    assert transport.seen == [KPI_URL, KPI_URL]
    offline = client_with(transport, cache_dir=tmp_path, cache_ttl=3600, offline=True)
    assert offline.kpi("N31814")["id"] == "N31814"  # offline, an old answer is still served
