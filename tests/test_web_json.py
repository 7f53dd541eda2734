"""The one cache of the public APIs' answers: expiry, offline, damaged entries."""

from __future__ import annotations

import json

from snanalys.web_json import cache_file, read_cached, write_cached

URL = "https://api.example/v3/data?x=1"


def test_an_entry_expires_except_offline_and_a_damaged_one_is_none(tmp_path):
    write_cached(tmp_path, URL, {"values": [1]})
    assert read_cached(tmp_path, URL, ttl=3600, offline=False) == {"values": [1]}
    path = cache_file(tmp_path, URL)
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["fetched_at"] = "2020-01-01T00:00:00+00:00"
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert read_cached(tmp_path, URL, ttl=3600, offline=False) is None  # expired: fetched again
    assert read_cached(tmp_path, URL, ttl=3600, offline=True) == {"values": [1]}  # offline: served
    assert read_cached(tmp_path, URL, ttl=None, offline=False) == {"values": [1]}  # no expiry
    path.write_text("{not json", encoding="utf-8")
    assert read_cached(tmp_path, URL, ttl=None, offline=True) is None
    assert read_cached(None, URL, ttl=None, offline=False) is None and cache_file(None, URL) is None
    assert not list(tmp_path.glob("*.tmp"))  # written whole


def test_every_clients_error_is_a_request_error_with_its_status_and_url():
    from snanalys.external.http import FetchError, OfflineError
    from snanalys.kolada.client import KoladaError, KoladaOfflineError
    from snanalys.web_json import RequestError

    for error_type in (FetchError, OfflineError, KoladaError, KoladaOfflineError):
        error = error_type("no answer", status=503, url="https://example.invalid/x")
        assert isinstance(error, RequestError)
        assert (str(error), error.status, error.url) == ("no answer", 503, "https://example.invalid/x")
