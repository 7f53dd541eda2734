"""Loading processed data: one municipality's tables and what its extract covers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from snanalys.folders import PROCESSED_EXTRACT, municipality_folders
from snanalys.ingest.tables import TABLE_ORDER as TABLES  # one list of the processed tables
from snanalys.periods import Period, require_covered


class DataNotFoundError(FileNotFoundError):
    """The processed data for a municipality is missing."""


@dataclass
class Extract:
    """What the processed data of one municipality holds and how far it reaches."""

    municipality_code: str
    municipality_name: str
    extract_date: dt.date
    data_from: dt.date
    covered_through: dt.date
    synthetic: bool
    raw: dict = field(default_factory=dict)
    #: which month a payment counts in: "payment_date" (kassamässigt) or "for_month" (Socialstyrelsen's
    #: basis); the municipality's setting ``raknegrund`` in uttag.json (data/raw/README.md)
    counting_basis: str = "payment_date"

    @classmethod
    def from_json(cls, path: Path) -> Extract:
        meta = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            municipality_code=str(meta["municipality_code"]),
            municipality_name=meta.get("municipality_name", ""),
            extract_date=dt.date.fromisoformat(meta["extract_date"]),
            data_from=dt.date.fromisoformat(meta["data_from"]),
            covered_through=dt.date.fromisoformat(meta["covered_through"]),
            synthetic=bool(meta["synthetic"]),
            raw=meta,
            counting_basis=meta.get("counting_basis", "payment_date"),
        )

    def require_covered(self, period: Period) -> None:
        require_covered(period, self.data_from, self.covered_through)


@dataclass
class MunicipalityData:
    """The processed tables of one municipality, loaded lazily table by table."""

    directory: Path
    extract: Extract
    _cache: dict = field(default_factory=dict, repr=False)

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        key = (name, tuple(columns) if columns else None)
        if key not in self._cache:
            self._cache[key] = pd.read_parquet(self.directory / f"{name}.parquet", columns=columns)
        return self._cache[key]

    @property
    def payments(self) -> pd.DataFrame:
        return self.table("payments")

    @property
    def members(self) -> pd.DataFrame:
        return self.table("household_members")

    @property
    def placements(self) -> pd.DataFrame:
        return self.table("placements")

    @property
    def placement_costs(self) -> pd.DataFrame:
        return self.table("placement_costs")

    @property
    def interventions(self) -> pd.DataFrame:
        return self.table("interventions")

    @property
    def population(self) -> pd.DataFrame:
        return self.table("population")


def municipality_dirs(processed_root: Path) -> list[Path]:
    """The processed municipality folders (the rule of :mod:`snanalys.folders`); a four-digit folder
    without ``extract.json`` is an error (the ingest writes a folder whole, so it is not its work)."""
    dirs = municipality_folders(processed_root)
    for d in dirs:
        if not (d / PROCESSED_EXTRACT).is_file():
            raise DataNotFoundError(
                f"{d} holds no {PROCESSED_EXTRACT}: not written by the ingest; run `snanalys ingest`"
            )
    return dirs


def load_municipality(processed_root: Path, municipality_code: str | None = None) -> MunicipalityData:
    """Open one municipality's processed data (the only one if ``municipality_code`` is None)."""
    dirs = municipality_dirs(processed_root)
    if municipality_code is not None:
        dirs = [d for d in dirs if d.name == municipality_code]
    if not dirs:
        which = f"municipality {municipality_code}" if municipality_code else "any municipality"
        raise DataNotFoundError(f"no processed data for {which} in {processed_root}: run `snanalys ingest`")
    if len(dirs) > 1:
        codes = ", ".join(d.name for d in dirs)
        raise ValueError(f"several municipalities in {processed_root} ({codes}): choose one with --kommun")
    return MunicipalityData(dirs[0], Extract.from_json(dirs[0] / "extract.json"))


def comparison_years(data: MunicipalityData, year: int) -> list[int]:
    """Years from the first the data fully covers up to ``year``."""
    first = data.extract.data_from.year + (0 if data.extract.data_from.month == 1 else 1)
    return list(range(first, year + 1))
