"""Kolada's figures offline: the extract shipped in ``data/external/``.

The comparison page reads real public data for the municipality, its peers and the
country from here, so the report runs without network access. The live API (``client``)
gives the same tables when it is reachable.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

VALUES_FILE = "kolada_ifo_values_2010_2022.csv"
CATALOG_FILE = "kolada_kpi_catalog_ifo.csv"
COUNTIES_FILE = "municipality_county.csv"
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
