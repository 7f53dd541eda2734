"""``snanalys external update``: fetch the public comparison data and swap it in atomically.

What is fetched (docs/external_data.md): for each municipality, its Kolada peer group of
the year ("Liknande kommuner IFO, <name>, <year>", looked up by title since group ids
change yearly); the Kolada KPIs the comparison page uses for the municipality, its peers
and the country, by sex where Kolada has it, with ``count`` and ``status``; the population
KPI for every municipality (the fallback peers are the nearest in population); KPI metadata
with publication dates; Socialstyrelsen's households by month; SCB's population where the
municipality's ``befolkning.csv`` is missing.

Atomic: everything is built in a hidden folder under ``data/external/.fetched/``, the
manifest written last, and ``data/external/fetched`` is a symbolic link swapped to it with
one ``os.replace``. A run killed at any point leaves the previous extract as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from snanalys.external.scb import ScbSource
from snanalys.external.sos import SocialstyrelsenSource
from snanalys.kolada import extract
from snanalys.kolada.client import COUNTRY, KoladaClient, KoladaError
from snanalys.measures.catalog import MEASURES

KOLADA_URL = "https://api.kolada.se/v3"
GROUP_PREFIX = "Liknande kommuner IFO"
GROUP_YEARS_BACK = 4  # this year's group, else the newest of the last four years
POPULATION_KPI = "N01951"
VERSIONS = ".fetched"
SOURCES = ("kolada", "socialstyrelsen", "scb")


def kolada_kpis() -> list[str]:
    """The KPIs of the catalog's Kolada block (a derived series names its KPI first), plus population."""
    kpis = {m.column.split("_")[0] for m in MEASURES if m.kind == "table" and m.source == "kolada"}
    return sorted(kpis | {POPULATION_KPI})


@dataclass
class Sources:
    kolada: KoladaClient | None
    socialstyrelsen: SocialstyrelsenSource | None = None
    scb: ScbSource | None = None
    urls: dict[str, str] = field(default_factory=dict)


def peer_group(client: KoladaClient, name: str, year: int) -> tuple[str, str, int, pd.DataFrame] | None:
    """(group id, title, year, members) of the newest "Liknande kommuner IFO, <name>, <year>"."""
    groups = client.municipality_groups(f"{GROUP_PREFIX}, {name}")
    if groups.empty:  # titles double-encoded on the server: ask broadly, compare repaired titles
        groups = client.municipality_groups(GROUP_PREFIX)
    titles = {str(t).casefold(): (gid, t) for gid, t in groups.itertuples(index=False)}
    for y in range(year, year - GROUP_YEARS_BACK - 1, -1):
        hit = titles.get(f"{GROUP_PREFIX}, {name}, {y}".casefold())
        if hit:
            return hit[0], hit[1], y, client.group_members(hit[0])
    return None


def edition(meta: dict, year: int, fetched: date) -> str:
    """ "preliminary" for the KPI's newest period fetched between its preliminary and final
    publication dates (Kolada's ``prel_publication_date`` / ``publication_date``), else "final"."""
    try:
        period = int(float(meta.get("publ_period")))
    except (TypeError, ValueError):
        return "final"
    prel, final = meta.get("prel_publication_date"), meta.get("publication_date")
    if year != period or not prel or not final:
        return "final"
    try:
        prel_date, final_date = date.fromisoformat(str(prel)[:10]), date.fromisoformat(str(final)[:10])
    except ValueError:
        return "final"
    return "preliminary" if prel_date <= fetched < final_date else "final"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_csv(frame: pd.DataFrame, path: Path) -> dict:
    frame.to_csv(path, index=False)
    return {"rows": int(len(frame)), "sha256": _sha256(path)}


def fetch_kolada(client: KoladaClient, codes: Sequence[str], years: Sequence[int], today: date, out: Path) -> dict:
    municipalities = client.municipalities()
    names = dict(zip(municipalities["id"], municipalities["title"]))
    all_k = sorted(municipalities.loc[municipalities["type"] == "K", "id"])
    group_rows, groups = [], {}
    for code in codes:
        if code not in names:
            raise KoladaError(f"municipality {code} is not in Kolada's municipality list")
        found = peer_group(client, names[code], today.year)
        if found is None:
            groups[code] = None
            continue
        gid, title, year, members = found
        groups[code] = {"id": gid, "title": title, "year": year, "members": list(members["id"])}
        group_rows += [
            {"municipality_id": code, "year": year, "group_id": gid, "group_title": title,
             "member_id": m, "member_title": t}
            for m, t in members.itertuples(index=False)
        ]  # fmt: skip
    geos = sorted({*codes, *(m for g in groups.values() if g for m in g["members"]), COUNTRY})
    kpis = kolada_kpis()
    values = client.values([k for k in kpis if k != POPULATION_KPI], geos, years)
    population = client.values([POPULATION_KPI], sorted({*all_k, COUNTRY}), years)
    values = pd.concat([values, population], ignore_index=True)
    values = values.rename(columns={"municipality": "geo"})
    values["geo"] = values["geo"].where(values["geo"] != COUNTRY, extract.COUNTRY)
    catalog = pd.DataFrame([client.kpi(k) for k in kpis])
    fetched = today
    kpi_notes = {}
    for meta in catalog.to_dict("records"):
        rows = values.loc[(values["kpi"] == meta["id"]) & values["value"].notna()]
        latest = int(rows["year"].max()) if len(rows) else None
        kpi_notes[meta["id"]] = {
            "publication_date": meta.get("publication_date"),
            "prel_publication_date": meta.get("prel_publication_date"),
            "publ_period": meta.get("publ_period"),
            "latest_year": latest,
            "edition": edition(meta, latest, fetched) if latest else None,
        }
    files = {
        extract.FETCHED_VALUES: _write_csv(values, out / extract.FETCHED_VALUES),
        extract.FETCHED_CATALOG: _write_csv(catalog, out / extract.FETCHED_CATALOG),
        extract.FETCHED_GROUPS: _write_csv(pd.DataFrame(group_rows, columns=extract.GROUP_COLUMNS),
                                           out / extract.FETCHED_GROUPS),
    }  # fmt: skip
    return {"files": files, "peer_groups": groups, "kpis": kpi_notes, "geos": geos, "requests": client.requests_made}


def _clean_stale(root: Path) -> None:
    """Folders left by a killed run (never the one the link points to)."""
    for stale in root.glob(".building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _swap(external_dir: Path, built: Path) -> None:
    link = external_dir / extract.FETCHED
    if link.exists() and not link.is_symlink():  # an older plain folder: keep it as a version first
        os.replace(link, built.parent / f"legacy-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
    tmp = external_dir / f".fetched-link-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(Path(VERSIONS) / built.name, tmp)
    os.replace(tmp, link)  # the one atomic step
    for old in built.parent.iterdir():
        if old != built and not old.name.startswith(".building-"):
            shutil.rmtree(old, ignore_errors=True)


def update(
    external_dir: Path,
    codes: Sequence[str],
    sources: Sources,
    *,
    today: date | None = None,
    first_year: int = 2010,
    raw_dir: Path | None = None,
    wanted: Sequence[str] = SOURCES,
) -> Path:
    """Fetch, write and swap in; the path of the new extract (``external_dir/fetched``)."""
    today = today or datetime.now(UTC).date()
    started = datetime.now(UTC)
    external_dir = Path(external_dir)
    root = external_dir / VERSIONS
    root.mkdir(parents=True, exist_ok=True)
    _clean_stale(root)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        building.chmod(0o755)  # mkdtemp's 0700 would hide the extract from the report's other users
        manifest: dict = {
            "fetched_at": started.isoformat(timespec="seconds"),
            "fetched_date": today.isoformat(),
            "municipalities": list(codes),
            "sources": {},
        }
        years = list(range(first_year, today.year + 1))
        peers: list[str] = []
        if "kolada" in wanted and sources.kolada is not None:
            result = fetch_kolada(sources.kolada, codes, years, today, building)
            peers = [g for g in result["geos"] if g not in codes and g != COUNTRY]
            manifest["sources"]["kolada"] = {
                "what": "Kolada KPIs (by sex where Kolada has it; count, status kept), KPI metadata, peer groups",
                "from": sources.urls.get("kolada", sources.kolada.base_url),
                **result,
            }
        if "socialstyrelsen" in wanted and sources.socialstyrelsen is not None:
            regions = sorted({*codes, *peers, "00"})
            monthly = sources.socialstyrelsen.households_by_month(regions, years)
            manifest["sources"]["socialstyrelsen"] = {
                "what": "households with economic assistance by month (ekonomisktbistandmanad), X and -- kept",
                "from": sources.urls.get("socialstyrelsen", sources.socialstyrelsen.base_url),
                "files": {extract.FETCHED_SOS: _write_csv(monthly, building / extract.FETCHED_SOS)},
                "latest": _latest_month(monthly),
                "edition": "as published on the fetch date (Socialstyrelsen revises earlier months)",
            }
        if "scb" in wanted and sources.scb is not None:
            missing = [c for c in codes if raw_dir is None or not (Path(raw_dir) / c / "befolkning.csv").exists()]
            if missing:
                table, updated = sources.scb.population(missing, years[-6:-1])
                manifest["sources"]["scb"] = {
                    "what": "population 31 Dec by municipality, sex and age group (befolkning.csv format)",
                    "from": sources.urls.get("scb", sources.scb.base_url) + f"/tables/{sources.scb.table}",
                    "published": updated,
                    "files": {extract.FETCHED_POPULATION: _write_csv(table, building / extract.FETCHED_POPULATION)},
                    "note": "from reference year 2025 SCB adds small random noise (cell-key method)",
                }
        manifest["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        (building / extract.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = root / f"{started:%Y%m%dT%H%M%S%f}"
        os.replace(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap(external_dir, final)
    return external_dir / extract.FETCHED


def _latest_month(monthly: pd.DataFrame) -> str | None:
    known = monthly.loc[~monthly["value_raw"].isin(["X", "--"])]
    if known.empty:
        return None
    last = known.sort_values(["year", "month"]).iloc[-1]
    return f"{int(last['year'])}-{int(last['month']):02d}"
