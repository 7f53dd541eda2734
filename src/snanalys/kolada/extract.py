"""Kolada's figures offline: the newest extract on disk.

The comparison page reads real public data for the municipality, its peers and the
country from here, so the report runs without network access: the extract written by
``snanalys external update`` (``data/external/fetched/``, with its manifest) where there is
one, else the one shipped in ``data/external/`` (2010–2022, fetched in autumn 2024).

Peers, in order of precedence: a configured list (``peers.toml`` in the external folder,
``[peers]`` table, ``"0480" = ["0114", …]``), Kolada's own group "Liknande kommuner IFO"
of the municipality (the newest year in the extract), else the six municipalities nearest
in population (:func:`similar_size_peers`).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from snanalys.memo import Memo, folder_state

VALUES_FILE = "kolada_ifo_values_2010_2022.csv"
BY_SEX_FILE = "kolada_ifo_values_by_sex_2010_2022.csv"
CATALOG_FILE = "kolada_kpi_catalog_ifo.csv"
GROUPS_FILE = "kolada_liknande_kommuner_ifo_2024.csv"
COUNTIES_FILE = "municipality_county.csv"
PEERS_FILE = "peers.toml"
SHIPPED_PULLED = "hösten 2024"  # when the shipped extract was pulled from Kolada (data/external/README.md)
# the extract `snanalys external update` writes (snanalys.external.update)
FETCHED = "fetched"
FETCHED_VALUES = "kolada_values.csv"  # kpi, geo, year, gender (T/K/M), value, count, status
FETCHED_CATALOG = "kolada_kpi_catalog.csv"
FETCHED_GROUPS = "kolada_peer_groups.csv"
FETCHED_SOS = "socialstyrelsen_ekb_hushall_manad.csv"
FETCHED_POPULATION = "scb_befolkning.csv"
MANIFEST = "manifest.json"
GROUP_COLUMNS = ["municipality_id", "year", "group_id", "group_title", "member_id", "member_title"]
SEXES = {"K": "Kvinnor", "M": "Män"}
COUNTRY = "0"  # the extract's code for Riket ("0000" in API v3)
SOURCE_SV = "Källa: Kolada (RKA), CC BY 4.0"


class KoladaDataError(FileNotFoundError):
    """The shipped Kolada extract is missing."""


def _read(external_dir: Path, name: str, **kwargs) -> pd.DataFrame:
    path = Path(external_dir) / name
    if not path.exists():
        raise KoladaDataError(f"{path} is missing: the public data ships in data/external/ (see its README)")
    return pd.read_csv(path, **kwargs)


def values(external_dir: Path) -> pd.DataFrame:
    """kpi, geo (str), year, value — all municipalities, counties and the country."""
    return _read(external_dir, VALUES_FILE, dtype={"geo": str, "kpi": str})


def catalog(external_dir: Path) -> pd.DataFrame:
    return _read(external_dir, CATALOG_FILE).set_index("id")


def municipality_names(external_dir: Path) -> dict[str, str]:
    table = _read(external_dir, COUNTIES_FILE, dtype=str)
    names = dict(zip(table["municipality_code"], table["municipality_name_short"]))
    names[COUNTRY] = "Riket"
    return names


def similar_size_peers(all_values: pd.DataFrame, municipality: str, n: int = 6) -> list[str]:
    """The ``n`` municipalities nearest in population (Kolada N01951, latest year in the extract).

    The documented default peer set: similar size matters most for economic assistance and
    placements; a configured list replaces it.
    """
    population = all_values.loc[(all_values["kpi"] == "N01951") & (all_values["geo"].str.len() == 4)]
    latest = population.loc[population["year"] == population["year"].max()].set_index("geo")["value"]
    if municipality not in latest.index:
        raise KeyError(f"municipality {municipality} has no population in the Kolada extract")
    distance = (latest - latest[municipality]).abs().drop(municipality)
    return list(distance.nsmallest(n).index)


def comparison(all_values: pd.DataFrame, kpi: str, municipality: str, peers: list[str]) -> pd.DataFrame:
    """Years × [the municipality, the peers' median, the country]; a gap stays NaN."""
    rows = all_values.loc[all_values["kpi"] == kpi]
    wide = rows.pivot_table(index="year", columns="geo", values="value", aggfunc="first")
    out = pd.DataFrame(index=wide.index)
    out["municipality"] = wide.get(municipality)
    present = [p for p in peers if p in wide.columns]
    out["peers_median"] = wide[present].median(axis=1) if present else float("nan")
    out["peers_n"] = wide[present].notna().sum(axis=1) if present else 0
    out["country"] = wide.get(COUNTRY)
    return out


def identity_exceptions(all_values: pd.DataFrame, tolerance: float = 0.001) -> pd.DataFrame:
    """Municipality-years where N31857 × 1000 / N31910 differs from N31849 by more than ``tolerance``.

    Kronor paid / households should be kronor per household; where Kolada's three KPIs
    disagree, the data-quality log names the municipality-year.
    """
    wide = all_values.loc[all_values["kpi"].isin(["N31857", "N31910", "N31849"])].pivot_table(
        index=["geo", "year"], columns="kpi", values="value", aggfunc="first"
    )
    wide = wide.dropna(subset=["N31857", "N31910", "N31849"])
    wide = wide.loc[wide.index.get_level_values("geo").str.len() == 4]
    ratio = wide["N31857"] * 1000 / wide["N31910"] / wide["N31849"]
    out = ratio.loc[(ratio - 1).abs() > tolerance].rename("ratio").reset_index()
    return out.sort_values(["geo", "year"]).reset_index(drop=True)


def external_dir(data_directory: Path) -> Path:
    """``data/external`` beside a municipality's processed folder; the project's own copy when there is none."""
    beside = Path(data_directory).parent.parent / "external"
    if (beside / VALUES_FILE).exists():
        return beside
    return Path(__file__).resolve().parents[3] / "data" / "external"


def fetched_dir(external: Path) -> Path | None:
    """``external/fetched`` when ``snanalys external update`` has written a complete extract there."""
    folder = Path(external) / FETCHED
    if (folder / MANIFEST).exists() and (folder / FETCHED_VALUES).exists():
        return folder
    return None


@dataclass(frozen=True)
class ComparisonExtract:
    """The Kolada extract as the comparison uses it: the totals split by KPI, with the
    derived series ``N31857_per_inv`` (kr per inhabitant); the values by sex; Kolada's peer
    groups; and where it comes from (``fetched_on`` is None for the shipped extract)."""

    by_kpi: dict[str, pd.DataFrame]
    geos: frozenset[str]
    catalog: pd.DataFrame
    names: dict[str, str]
    by_sex: dict[str, pd.DataFrame] = field(default_factory=dict)
    groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=GROUP_COLUMNS))
    fetched_on: str | None = None
    preliminary: dict[str, int] = field(default_factory=dict)  # KPI -> its preliminary year
    configured_peers: dict[str, list[str]] = field(default_factory=dict)


_EXTRACTS = Memo(2)


def _configured_peers(external: Path) -> dict[str, list[str]]:
    path = Path(external) / PEERS_FILE
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("peers", {})
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML ({error})") from error
    out = {}
    for code, peers in table.items():
        if not isinstance(peers, list) or not all(isinstance(p, str) and len(p) == 4 for p in peers):
            raise ValueError(f'{path}, [peers] "{code}": expected a list of four-digit codes as strings')
        out[str(code)] = list(peers)
    return out


def _read_fetched(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    rows = pd.read_csv(folder / FETCHED_VALUES, dtype={"geo": str, "kpi": str, "gender": str, "status": str})
    totals = rows.loc[rows["gender"] == "T", ["kpi", "geo", "year", "value"]].reset_index(drop=True)
    by_sex = rows.loc[rows["gender"].isin(list(SEXES)), ["kpi", "geo", "gender", "year", "value"]]
    catalog_table = pd.read_csv(folder / FETCHED_CATALOG).set_index("id")
    groups = pd.read_csv(folder / FETCHED_GROUPS, dtype=str)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return totals, by_sex, catalog_table, groups, manifest


def _read_shipped(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    by_sex = pd.DataFrame(columns=["kpi", "geo", "gender", "year", "value"])
    if (Path(folder) / BY_SEX_FILE).exists():
        by_sex = _read(folder, BY_SEX_FILE, dtype={"geo": str, "kpi": str})
        by_sex["gender"] = by_sex["gender"].str.upper()
    groups = pd.DataFrame(columns=GROUP_COLUMNS)
    if (Path(folder) / GROUPS_FILE).exists():
        groups = _read(folder, GROUPS_FILE, dtype=str)
    return values(folder), by_sex, catalog(folder), groups


def comparison_extract(folder: Path, municipality: str | None = None) -> ComparisonExtract:
    """Read and split once per process and folder state: every report reads the same extract,
    and a county run makes many reports in one kernel. The fetched extract wins where there is
    one, unless it lacks ``municipality`` (fetched for others): then the shipped one."""
    chosen = _load(folder, fetched_dir(folder))
    if municipality is not None and chosen.fetched_on is not None and not covers(chosen, municipality):
        return _load(folder, None)
    return chosen


def covers(extract: ComparisonExtract, municipality: str) -> bool:
    """Whether the extract has the municipality's own series (not only its population, which an
    update fetches for every municipality)."""
    return any(
        (rows["geo"] == municipality).any()
        for kpi, rows in extract.by_kpi.items()
        if kpi not in ("N01951", "N31857_per_inv")
    )


def _load(folder: Path, fetched: Path | None) -> ComparisonExtract:
    state = (folder_state(folder), folder_state(fetched) if fetched else None, str(fetched and fetched.resolve()))

    def read() -> ComparisonExtract:
        fetched_on, preliminary = None, {}
        if fetched is not None:
            all_values, by_sex, catalog_table, groups, manifest = _read_fetched(fetched)
            fetched_on = manifest.get("fetched_date") or str(manifest.get("fetched_at", ""))[:10]
            for kpi, note in manifest.get("sources", {}).get("kolada", {}).get("kpis", {}).items():
                if note.get("edition") == "preliminary" and note.get("latest_year"):
                    preliminary[kpi] = int(note["latest_year"])
        else:
            all_values, by_sex, catalog_table, groups = _read_shipped(folder)
        by_kpi = {str(kpi): rows for kpi, rows in all_values.groupby("kpi", sort=False)}
        # kr per inhabitant: paid (N31857) × 1 000 / inhabitants (N01951) of the same geo and year
        paid = by_kpi.get("N31857", all_values.iloc[:0]).copy()
        population = by_kpi.get("N01951", all_values.iloc[:0]).set_index(["geo", "year"])["value"]
        paid["value"] = paid["value"] * 1000 / paid.set_index(["geo", "year"]).index.map(population)
        paid["kpi"] = "N31857_per_inv"
        by_kpi["N31857_per_inv"] = paid
        if "N31857" in preliminary:
            preliminary["N31857_per_inv"] = preliminary["N31857"]
        sexes = {str(kpi): rows for kpi, rows in by_sex.groupby("kpi", sort=False)}
        return ComparisonExtract(
            by_kpi,
            frozenset(all_values["geo"]),
            catalog_table,
            municipality_names(folder),
            sexes,
            groups,
            fetched_on,
            preliminary,
            _configured_peers(folder),
        )

    return _EXTRACTS.get(state, read)


def kpi_rows(extract: ComparisonExtract, kpi: str) -> pd.DataFrame:
    """The extract's rows of one KPI (none, with the same columns, for a KPI it lacks)."""
    return extract.by_kpi.get(kpi, extract.by_kpi["N31857_per_inv"].iloc[:0])


@dataclass(frozen=True)
class Peers:
    codes: list[str]
    how: str  # "configured" | "kolada_group" | "population"
    group_title: str = ""


def peers(extract: ComparisonExtract, municipality: str) -> Peers:
    """The comparison's peers: configured, else Kolada's "Liknande kommuner IFO" group, else by population."""
    configured = extract.configured_peers.get(municipality)
    if configured:
        return Peers(configured, "configured")
    groups = extract.groups.loc[extract.groups["municipality_id"] == municipality]
    if len(groups):
        newest = groups.loc[groups["year"].astype(int) == groups["year"].astype(int).max()]
        members = [m for m in newest["member_id"] if m != municipality]
        if members:
            return Peers(members, "kolada_group", str(newest["group_title"].iloc[0]))
    return Peers(similar_size_peers(kpi_rows(extract, "N01951"), municipality), "population")


def by_sex(extract: ComparisonExtract, kpi: str, municipality: str) -> pd.DataFrame:
    """Years × [municipality_K, municipality_M, country_K, country_M]; empty where Kolada has no split."""
    rows = extract.by_sex.get(kpi)
    columns = [f"{who}_{sex}" for who in ("municipality", "country") for sex in SEXES]
    if rows is None or rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.loc[rows["geo"].isin([municipality, COUNTRY])]
    wide = rows.assign(who=rows["geo"].map({municipality: "municipality", COUNTRY: "country"}))
    wide = wide.pivot_table(index="year", columns=["who", "gender"], values="value", aggfunc="first")
    wide.columns = [f"{who}_{sex}" for who, sex in wide.columns]
    if not any(c.startswith("municipality_") for c in wide.columns):
        return pd.DataFrame(columns=columns)
    return wide.reindex(columns=columns)


def latest_year(extract: ComparisonExtract, municipality: str) -> int | None:
    """The newest year with a value for the municipality in any KPI of the extract."""
    years = [
        int(rows.loc[(rows["geo"] == municipality) & rows["value"].notna(), "year"].max())
        for rows in extract.by_kpi.values()
        if ((rows["geo"] == municipality) & rows["value"].notna()).any()
    ]
    return max(years) if years else None
