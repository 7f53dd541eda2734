"""Kolada's figures offline: the extract shipped in ``data/external/``.

The comparison page reads real public data for the municipality, its peers and the
country from here, so the report runs without network access. The live API (``client``)
gives the same tables when it is reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from snanalys.memo import Memo, folder_state

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


def external_dir(data_directory: Path) -> Path:
    """``data/external`` beside a municipality's processed folder; the project's own copy when there is none."""
    beside = Path(data_directory).parent.parent / "external"
    if (beside / VALUES_FILE).exists():
        return beside
    return Path(__file__).resolve().parents[3] / "data" / "external"


@dataclass(frozen=True)
class ComparisonExtract:
    """The shipped Kolada extract as the comparison uses it: the values split by KPI, with the
    derived series ``N31857_per_inv`` (kr per inhabitant)."""

    by_kpi: dict[str, pd.DataFrame]
    geos: frozenset[str]
    catalog: pd.DataFrame
    names: dict[str, str]


_EXTRACTS = Memo(2)


def comparison_extract(folder: Path) -> ComparisonExtract:
    """Read and split once per process and folder state: every report reads the same extract,
    and a county run makes many reports in one kernel."""

    def read() -> ComparisonExtract:
        all_values = values(folder)
        by_kpi = {str(kpi): rows for kpi, rows in all_values.groupby("kpi", sort=False)}
        # kr per inhabitant: paid (N31857) × 1 000 / inhabitants (N01951) of the same geo and year
        paid = by_kpi.get("N31857", all_values.iloc[:0]).copy()
        population = by_kpi.get("N01951", all_values.iloc[:0]).set_index(["geo", "year"])["value"]
        paid["value"] = paid["value"] * 1000 / paid.set_index(["geo", "year"]).index.map(population)
        paid["kpi"] = "N31857_per_inv"
        by_kpi["N31857_per_inv"] = paid
        return ComparisonExtract(by_kpi, frozenset(all_values["geo"]), catalog(folder), municipality_names(folder))

    return _EXTRACTS.get(folder_state(folder), read)


def kpi_rows(extract: ComparisonExtract, kpi: str) -> pd.DataFrame:
    """The extract's rows of one KPI (none, with the same columns, for a KPI it lacks)."""
    return extract.by_kpi.get(kpi, extract.by_kpi["N31857_per_inv"].iloc[:0])
