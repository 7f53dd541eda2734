"""``snanalys external update`` against the hand-written fake APIs (fake_apis.py): an injected
transport and a local test server, never the network. Writes the extract and manifest, the
next comparison page shows the newest year and the fetch date, and a run that fails or is
killed mid-way leaves the previous extract as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import fake_apis
import pandas as pd
import pytest

from snanalys.external import update as updating
from snanalys.external.http import JsonSource
from snanalys.external.scb import ScbSource
from snanalys.external.sos import SocialstyrelsenSource
from snanalys.kolada import extract
from snanalys.kolada.client import KoladaClient

import tracing

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
G36609 = ["0114", "0183", "0583", "1282", "1293", "1485", "1488"]


@pytest.fixture
def external(tmp_path) -> Path:
    """A data/external folder holding a copy of the shipped extract (never the project's own)."""
    folder = tmp_path / "data" / "external"
    shutil.copytree(ROOT / "data" / "external", folder, ignore=shutil.ignore_patterns("fetched", ".*"))
    return folder


def sources(transport: fake_apis.FakeTransport) -> updating.Sources:
    session = fake_apis.session(transport)
    common = {"min_interval": 0, "session": session, "cache_dir": None}
    return updating.Sources(
        KoladaClient(fake_apis.URLS["kolada"], **common),
        SocialstyrelsenSource(JsonSource("Socialstyrelsen", **common), fake_apis.URLS["socialstyrelsen"]),
        ScbSource(JsonSource("SCB", **common), fake_apis.URLS["scb"]),
    )


def run(external: Path, transport=None, **kw) -> Path:
    return updating.update(
        external, ["0480"], sources(transport or fake_apis.FakeTransport()), today=TODAY, first_year=2017, **kw
    )


def test_update_writes_the_extract_and_its_manifest(external):
    transport = fake_apis.FakeTransport()
    folder = run(external, transport)
    assert folder == external / "fetched" and folder.is_symlink()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    kolada = manifest["sources"]["kolada"]
    # the peer group looked up by title, its double-encoded title repaired
    assert kolada["peer_groups"]["0480"] == {
        "id": "G36609",
        "title": "Liknande kommuner IFO, Nyköping, 2024",
        "year": 2024,
        "members": G36609,
    }
    values = pd.read_csv(folder / extract.FETCHED_VALUES, dtype={"geo": str, "status": str})
    assert {"kpi", "geo", "year", "gender", "value", "count", "status"} <= set(values.columns)
    own = values.loc[(values["kpi"] == "N31814") & (values["geo"] == "0480") & (values["year"] == 2022)]
    assert set(own["gender"]) == {"T", "K", "M"}  # by sex where Kolada has it
    assert set(values.loc[values["kpi"] == "N31849", "geo"]) == {"0480", "0", *G36609}
    assert values.loc[values["kpi"] == "N01951", "geo"].nunique() == 291  # every municipality and the country
    assert kolada["kpis"]["N31814"]["latest_year"] == fake_apis.MADE_UP_YEAR
    assert kolada["kpis"]["N31814"]["publication_date"] == "2026-06-17"
    # the fake answers 422 above 8 municipalities: no data URL asked for more
    data_urls = [u for u in transport.seen if "/data/kpi/" in u]
    assert all(len(u.split("/municipality/")[1].split("/")[0].split(",")) <= 8 for u in data_urls)
    assert any("page=2" in u for u in data_urls)  # pages followed
    # Socialstyrelsen, in the shipped long format, marks kept
    monthly = pd.read_csv(folder / extract.FETCHED_SOS, dtype=str, keep_default_na=False)
    assert list(monthly.columns) == ["region_code", "region_name", "hushall_ursprung", "year", "month", "value_raw"]
    shipped = pd.read_csv(external / "socialstyrelsen_ekb_hushall_manad_2017.csv", dtype=str, keep_default_na=False)
    want = shipped.loc[shipped["region_code"].isin(["0480", "1282", "00"])]
    got = monthly.loc[monthly["region_code"].isin(["0480", "1282", "00"])]
    assert len(got) == len(want) and "--" in set(got["value_raw"])
    merged = got.merge(want, on=["region_code", "hushall_ursprung", "year", "month"], suffixes=("", "_shipped"))
    assert (merged["value_raw"] == merged["value_raw_shipped"]).all()
    # SCB where befolkning.csv is missing (no raw folder here)
    population = pd.read_csv(folder / extract.FETCHED_POPULATION, dtype={"kommunkod": str})
    assert set(population["aldersgrupp"]) == {"0-17", "18-20", "21-64", "65-W"}
    assert population.loc[population["aldersgrupp"] == "18-20", "antal"].eq(3 * 300).all()
    assert manifest["sources"]["scb"]["published"] == "2026-02-20T07:00:00Z"
    assert manifest["fetched_date"] == "2026-11-20"


def test_scb_is_not_fetched_where_the_municipality_has_befolkning(external, tmp_path):
    raw = tmp_path / "raw"
    (raw / "0480").mkdir(parents=True)
    (raw / "0480" / "befolkning.csv").write_text("kommunkod,ar,juridiskt_kon,aldersgrupp,antal\n", encoding="utf-8")
    transport = fake_apis.FakeTransport()
    folder = run(external, transport, raw_dir=raw)
    assert "scb" not in json.loads((folder / "manifest.json").read_text())["sources"]
    assert not any("/scb/" in u for u in transport.seen)


def test_the_next_comparison_page_shows_the_newest_year_and_the_fetch_date(
    external, sample_data_dir, monkeypatch, tmp_path
):
    from snanalys.pages import open_page
    from snanalys.pages.comparison import kolada_section
    from snanalys.report_cells import _kolada_cells

    run(external)
    monkeypatch.setattr(extract, "external_dir", lambda _: external)
    ctx = open_page(year=2026, tertial=2, kommun="0480", data_dir=sample_data_dir)
    html = kolada_section(ctx)
    assert "Kolada-data hämtade 2026-11-20, senaste år 2025." in html
    assert "Liknande kommuner IFO, Nyköping, 2024" in html
    assert '<th scope="row">2025</th>' in html or ">2025<" in html
    cells = pd.concat(_kolada_cells(ctx.data))
    own_2025 = cells.loc[
        (cells["measure"] == "kolada_N31814") & (cells["period"] == "2025") & (cells["key"] == "municipality"),
        "value",
    ]
    assert len(own_2025) == 1  # the newest year is a declared cell, as every number of the page
    assert {"municipality_K", "municipality_M", "country_K", "country_M"} <= set(
        cells.loc[cells["measure"] == "kolada_N31814", "key"]
    )
    # every number the section prints maps to one of those cells (the number-tracing rule)
    page = tmp_path / "jamforelser.html"
    page.write_text(f"<!doctype html><html lang='sv'><body>{html}</body></html>", encoding="utf-8")
    numbers = tracing.html_numbers(page)
    assert any(n.text == "2025" for n in numbers)
    left = tracing.unmapped(numbers, cells)
    assert left == [], tracing.report_unmapped(left)


def test_a_run_that_fails_mid_way_leaves_the_previous_extract(external):
    first = run(external)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    target = os.readlink(first)
    with pytest.raises(Exception, match="connection dropped"):
        run(external, fake_apis.FakeTransport(fail_after=30))
    assert os.readlink(external / "fetched") == target
    assert {p.name: p.read_bytes() for p in (external / "fetched").iterdir()} == before
    assert not list((external / ".fetched").glob(".building-*"))  # nothing half-written left behind


def test_a_run_killed_mid_way_leaves_the_previous_extract(external):
    """A real process, killed (SIGKILL) while it waits on the local test server."""
    first = run(external)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    server, base, reached = fake_apis.serve(block_on="/sdb/api/v1/sv/ekonomisktbistandmanad/resultat")
    try:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "snanalys.cli", "--data-dir", str(external.parent),
                "external", "update", "--kommun", "0480", "--no-cache", "--from-year", "2017",
                "--kolada-url", f"{base}/kolada/v3", "--sos-url", f"{base}/sdb/api/v1/sv", "--scb-url", f"{base}/scb/api/v2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert reached.wait(120), process.communicate(timeout=5)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        server.release.set()
        server.shutdown()
    assert {p.name: p.read_bytes() for p in (external / "fetched").iterdir()} == before
    assert list((external / ".fetched").glob(".building-*"))  # the killed run's folder, never swapped in
    run(external)  # the next run cleans it up
    assert not list((external / ".fetched").glob(".building-*"))
    assert len([p for p in (external / ".fetched").iterdir()]) == 1


def test_the_command_line_over_a_local_test_server(external):
    server, base, _ = fake_apis.serve()
    try:
        done = subprocess.run(
            [
                sys.executable, "-m", "snanalys.cli", "--data-dir", str(external.parent),
                "external", "update", "--kommun", "0480", "--from-year", "2020", "--sources", "kolada",
                "--kolada-url", f"{base}/kolada/v3",
            ],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert "latest year 2025" in done.stdout
    assert (external / ".cache" / "kolada").is_dir()
    offline = subprocess.run(
        [
            sys.executable, "-m", "snanalys.cli", "--data-dir", str(external.parent),
            "external", "update", "--kommun", "0480", "--from-year", "2020", "--sources", "kolada",
            "--kolada-url", f"{base}/kolada/v3", "--offline",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert offline.returncode == 0, offline.stderr  # everything is in the cache
    missing = subprocess.run(
        [
            sys.executable, "-m", "snanalys.cli", "--data-dir", str(external.parent),
            "external", "update", "--kommun", "0183", "--sources", "kolada", "--offline",
            "--kolada-url", f"{base}/kolada/v3",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert missing.returncode == 3 and "offline and not cached" in missing.stderr


def test_edition_is_preliminary_between_the_two_publication_dates():
    meta = {"publ_period": 2025, "prel_publication_date": "2026-03-31", "publication_date": "2026-06-17"}
    assert updating.edition(meta, 2025, date(2026, 4, 1)) == "preliminary"
    assert updating.edition(meta, 2025, date(2026, 6, 17)) == "final"
    assert updating.edition(meta, 2024, date(2026, 4, 1)) == "final"
    assert updating.edition({"publ_period": None}, 2025, date(2026, 4, 1)) == "final"


def test_preliminary_values_are_marked_on_the_page(external, sample_data_dir, monkeypatch):
    """A manifest whose KPI N31814 is preliminary for its newest year (as ``edition`` decides
    between Kolada's two publication dates): the page says so and marks that year's values."""
    from snanalys.pages import open_page
    from snanalys.pages.comparison import kolada_section

    folder = run(external)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["sources"]["kolada"]["kpis"]["N31814"]["edition"] = "preliminary"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(extract, "external_dir", lambda _: external)
    html = kolada_section(open_page(year=2026, tertial=2, kommun="0480", data_dir=sample_data_dir))
    assert "preliminära värden markerade (prel.)" in html
    assert "2025 års värden är ännu inte slutliga" in html
    assert html.count(" prel.</td>") >= 3  # the municipality, the peers' median and the country


def test_an_extract_fetched_for_another_municipality_leaves_the_shipped_one_in_use(external):
    updating.update(external, ["0180"], sources(fake_apis.FakeTransport()), today=TODAY, first_year=2020)
    other = extract.comparison_extract(external, "0180")
    assert other.fetched_on == "2026-11-20"
    own = extract.comparison_extract(external, "0480")  # only its population was fetched
    assert own.fetched_on is None and extract.latest_year(own, "0480") == 2022
