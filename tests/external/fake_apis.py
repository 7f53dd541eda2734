"""HAND-WRITTEN fake Kolada v3, Socialstyrelsen and SCB APIs for the tests (never the network).

``respond(url)`` answers a URL with (status, JSON body) in the documented shapes
(docs/external_data.md); ``FakeTransport`` serves it to a ``requests.Session`` (an
injected transport) and ``serve()`` over a local HTTP server. The numbers are the real
ones of the shipped extract in ``data/external/``, except Kolada's year 2025, which is
MADE UP here as a copy of 2022 (illustrative only) so a test can see a year newer than the
shipped extract. Kolada behaviours imitated from the notes on the live API (August 2026):
the path form only, HTTP 422 for more than 8 municipalities or 4 KPIs in one call, paging
by ``next_url``, group titles double-encoded (UTF-8 read as Latin-1).
"""

from __future__ import annotations

import json
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter

EXTERNAL = Path(__file__).resolve().parents[2] / "data" / "external"
MADE_UP_YEAR = 2025  # hand-written: a copy of 2022
PAGE = 40  # records per page of the fake Kolada (so that paging is exercised)
MAX_MUNICIPALITIES, MAX_KPIS = 8, 4
SOS_VARIABLES = ["region", "ar", "manad", "matt", "utrikesfodda"]
SOS_ORIGINS = {"1": "Inrikes födda", "2": "En av sökande/sambo utrikesfödd"}


def double_encode(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


@cache
def _kolada_rows() -> pd.DataFrame:
    totals = pd.read_csv(EXTERNAL / "kolada_ifo_values_2010_2022.csv", dtype={"geo": str, "kpi": str})
    totals["gender"] = "T"
    sexes = pd.read_csv(EXTERNAL / "kolada_ifo_values_by_sex_2010_2022.csv", dtype={"geo": str, "kpi": str})
    sexes["gender"] = sexes["gender"].str.upper()
    rows = pd.concat([totals, sexes], ignore_index=True)
    made_up = rows.loc[rows["year"] == 2022].assign(year=MADE_UP_YEAR)  # HAND-WRITTEN year
    rows = pd.concat([rows, made_up], ignore_index=True)
    rows["geo"] = rows["geo"].where(rows["geo"] != "0", "0000")
    return rows


@cache
def _names() -> dict[str, str]:
    table = pd.read_csv(EXTERNAL / "municipality_county.csv", dtype=str)
    return dict(zip(table["municipality_code"], table["municipality_name_short"]))


@cache
def _groups() -> pd.DataFrame:
    return pd.read_csv(EXTERNAL / "kolada_liknande_kommuner_ifo_2024.csv", dtype=str)


def _page(values: list, url: str, page: int) -> dict:
    start = (page - 1) * PAGE
    chunk = values[start : start + PAGE]
    more = start + PAGE < len(values)
    base = url.split("?")[0]
    return {
        "count": len(chunk),
        "values": chunk,
        "next_url": f"{base}?page={page + 1}&per_page=5000" if more else None,
        "previous_url": f"{base}?page={page - 1}&per_page=5000" if page > 1 else None,
    }


def kolada(path: str, query: dict, url: str) -> tuple[int, object]:
    parts = [unquote(p) for p in path.split("/") if p]
    page = int(query.get("page", ["1"])[0])
    if parts == ["municipality"]:
        values = [{"id": "0000", "title": "Riket", "type": "L"}]
        values += [{"id": c, "title": n, "type": "K"} for c, n in sorted(_names().items())]
        return 200, {"count": len(values), "values": values, "next_url": None}
    if parts == ["municipality_groups"]:
        wanted = query.get("title", [""])[0]
        groups = _groups().drop_duplicates("group_id")
        values = [
            {"id": g, "title": double_encode(t)}
            for g, t in zip(groups["group_id"], groups["group_title"])
            if wanted.casefold() in double_encode(t).casefold()  # the server compares its stored (broken) titles
        ]
        return 200, _page(values, url, page)
    if len(parts) == 2 and parts[0] == "municipality_groups":
        members = _groups().loc[_groups()["group_id"] == parts[1]]
        if members.empty:
            return 200, {"count": 0, "values": [], "next_url": None}
        value = {
            "id": parts[1],
            "title": double_encode(members["group_title"].iloc[0]),
            "members": [
                {"member_id": m, "member_title": double_encode(t)}
                for m, t in zip(members["member_id"], members["member_title"])
            ],
        }
        return 200, {"count": 1, "values": [value], "next_url": None}
    if len(parts) == 2 and parts[0] == "kpi":
        catalog = pd.read_csv(EXTERNAL / "kolada_kpi_catalog_ifo.csv", dtype=str, keep_default_na=False)
        row = catalog.loc[catalog["id"] == parts[1]]
        if row.empty:
            return 404, {"detail": "not found"}
        record = row.iloc[0].to_dict()
        record["is_divided_by_gender"] = record["is_divided_by_gender"] == "True"
        record["publ_period"] = int(float(record["publ_period"])) if record["publ_period"] else None
        return 200, {"count": 1, "values": [record], "next_url": None}
    if len(parts) == 7 and parts[0] == "data" and parts[1] == "kpi" and parts[3] == "municipality":
        kpis, geos, years = parts[2].split(","), parts[4].split(","), [int(y) for y in parts[6].split(",")]
        if len(geos) > MAX_MUNICIPALITIES or len(kpis) > MAX_KPIS:
            return 422, {"detail": "Unprocessable Entity"}
        rows = _kolada_rows()
        rows = rows.loc[rows["kpi"].isin(kpis) & rows["geo"].isin(geos) & rows["year"].isin(years)]
        values = [
            {
                "kpi": kpi,
                "municipality": geo,
                "period": int(year),
                "values": [
                    {"gender": g, "count": 1, "status": "", "value": v, "isdeleted": False}
                    for g, v in zip(group["gender"], group["value"])
                ],
            }
            for (kpi, geo, year), group in rows.groupby(["kpi", "geo", "year"], sort=True)
        ]
        return 200, _page(values, url, page)
    return 404, {"detail": f"no route for {path}"}


@cache
def _sos_rows() -> pd.DataFrame:
    return pd.read_csv(EXTERNAL / "socialstyrelsen_ekb_hushall_manad_2017.csv", dtype=str, keep_default_na=False)


def socialstyrelsen(path: str, query: dict) -> tuple[int, object]:
    parts = [unquote(p) for p in path.split("/") if p]
    if parts[0] != "ekonomisktbistandmanad":
        return 404, {"detail": "unknown dataset"}
    if len(parts) == 1:
        return 200, [{"namn": v, "text": v} for v in SOS_VARIABLES]
    if len(parts) == 2:
        if parts[1] == "matt":
            return 200, [{"id": 1, "text": "Antal biståndshushåll"}, {"id": 2, "text": "Utbetalt bistånd, tkr"}]
        if parts[1] == "utrikesfodda":
            return 200, [{"id": int(k), "text": t} for k, t in SOS_ORIGINS.items()]
        if parts[1] == "region":
            regions = _sos_rows().drop_duplicates("region_code")
            return 200, [{"id": int(c), "text": n} for c, n in zip(regions["region_code"], regions["region_name"])]
        return 404, {"detail": "unknown variable"}
    if parts[1] == "resultat":
        filters = dict(zip(parts[2::2], parts[3::2]))
        if "," in filters.get("matt", ""):
            return 404, {"detail": "one measure per request"}
        rows = _sos_rows()
        regions = {int(r) for r in filters["region"].split(",")}
        years = set(filters["ar"].split(","))
        origins = {SOS_ORIGINS[o] for o in filters.get("utrikesfodda", "1,2").split(",")}
        rows = rows.loc[
            rows["region_code"].astype(int).isin(regions)
            & rows["year"].isin(years)
            & rows["hushall_ursprung"].isin(origins)
        ]
        back = {t: int(k) for k, t in SOS_ORIGINS.items()}
        data = [
            {
                "mattId": int(filters["matt"]),
                "regionId": int(r.region_code),
                "ar": int(r.year),
                "manadId": int(r.month),
                "utrikesfoddaId": back[r.hushall_ursprung],
                "varde": r.value_raw,
            }
            for r in rows.itertuples()
        ]
        size = int(query.get("per_sida", ["5000"])[0])
        page = int(query.get("sida", ["1"])[0])
        pages = max(1, -(-len(data) // size))
        more = page < pages
        return 200, {
            "data": data[(page - 1) * size : page * size],
            "sidor": pages,
            "nasta_sida": f"/sdb/api/v1/sv/{path.strip('/')}?per_sida={size}&sida={page + 1}" if more else None,
        }
    return 404, {"detail": "no route"}


def scb(path: str, query: dict) -> tuple[int, object]:
    """A json-stat2 answer for TAB638 (population by region, age, sex, year): HAND-WRITTEN numbers."""
    if not path.rstrip("/").endswith("/tables/TAB638/data"):
        return 404, {"detail": "no route"}
    codes = {k[len("valueCodes[") : -1]: v[0].split(",") for k, v in query.items() if k.startswith("valueCodes[")}
    ages = [str(a) for a in range(0, 100)] + ["100+"]
    dims = {
        "Region": codes["Region"],
        "Alder": ages,
        "Kon": codes["Kon"],
        "ContentsCode": codes["ContentsCode"],
        "Tid": codes["Tid"],
    }
    sizes = [len(v) for v in dims.values()]
    total = 1
    for s in sizes:
        total *= s
    return 200, {
        "version": "2.0",
        "class": "dataset",
        "label": "Folkmängden efter region, ålder, kön och år (hand-written test answer)",
        "source": "SCB",
        "updated": "2026-02-20T07:00:00Z",
        "id": list(dims),
        "size": sizes,
        "dimension": {k: {"category": {"index": {c: i for i, c in enumerate(v)}}} for k, v in dims.items()},
        "value": [300] * total,  # hand-written: 300 inhabitants in every cell
    }


def respond(url: str) -> tuple[int, object]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    path = parts.path
    if "/kolada/v3/" in path:
        return kolada(path.split("/kolada/v3/", 1)[1], query, url)
    if "/sdb/api/v1/sv/" in path:
        return socialstyrelsen(path.split("/sdb/api/v1/sv/", 1)[1], query)
    if "/scb/" in path:
        return scb(path, query)
    return 404, {"detail": "unknown API"}


BASE = "http://fake.invalid"
URLS = {"kolada": f"{BASE}/kolada/v3", "socialstyrelsen": f"{BASE}/sdb/api/v1/sv", "scb": f"{BASE}/scb/api/v2"}


class FakeTransport(HTTPAdapter):
    """An injected ``requests`` transport answering from :func:`respond`; records every URL."""

    def __init__(self, fail_after: int | None = None):
        super().__init__()
        self.seen: list[str] = []
        self.fail_after = fail_after

    def send(self, request, **kwargs):
        self.seen.append(request.url)
        if self.fail_after is not None and len(self.seen) > self.fail_after:
            raise requests.ConnectionError(f"connection dropped (test) at {request.url}")
        status, body = respond(request.url)
        response = requests.Response()
        response.url, response.request, response.status_code = request.url, request, status
        response._content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response.headers["Content-Type"] = "application/json"
        return response


def session(transport: FakeTransport) -> requests.Session:
    s = requests.Session()
    s.mount("http://", transport)
    s.mount("https://", transport)
    return s


def serve(block_on: str | None = None):
    """A local HTTP server on 127.0.0.1 answering from :func:`respond`: (server, base URL, reached event).
    A request whose URL contains ``block_on`` sets ``reached`` and then hangs (to kill a client mid-way)."""
    reached = threading.Event()
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            if block_on and block_on in self.path:
                reached.set()
                release.wait(30)
            status, body = respond(f"http://{self.headers['Host']}{self.path}")
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.release = release
    return server, f"http://127.0.0.1:{server.server_address[1]}", reached
