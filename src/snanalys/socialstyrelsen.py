"""Socialstyrelsen's official monthly statistics on households with economic assistance.

The statistical database marks a suppressed value "X" and a missing one "--". Both
stay visible as marked gaps: the value is missing (NaN) and ``mark`` says why, so a
chart or table can show the mark rather than a zero.

The statistics give households by origin (born in Sweden / one of the applicants born
abroad) without a total: a month's total is the sum of its parts only where every part
is a number; where a part is marked, the total is unknown (marked "X" if any part is
suppressed, else "--"), never the sum of the rest.

They count by the calendar month the assistance is for (HSLF-FS 2015:30, 3 §), not by
the month it is paid: the own series beside them is counted on that basis
(``eb_households_for_month``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

MARKS = {"X": "sekretess", "--": "saknas"}
#: What the fetched statistics are written to by ``snanalys external update`` (git-ignored), and the
#: shipped extract read where nothing has been fetched: both in the same long format.
FETCHED_FILE = Path("fetched") / "socialstyrelsen_ekb_hushall_manad.csv"
SHIPPED_FILE = Path("socialstyrelsen_ekb_hushall_manad_2017.csv")
COLUMNS = ("region_code", "region_name", "hushall_ursprung", "year", "month", "value_raw")


def monthly_file(external: Path) -> Path:
    """The fetched monthly statistics in ``external`` where present, else the shipped extract."""
    fetched = Path(external) / FETCHED_FILE
    return fetched if fetched.is_file() else Path(external) / SHIPPED_FILE


def read_monthly_households(path: Path) -> pd.DataFrame:
    """region_code (str), region_name, origin, year, month, households (float, NaN at a mark), mark."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{Path(path).name}, row 1: missing column(s) {', '.join(missing)}")
    value_raw = raw["value_raw"].str.strip()
    numeric = pd.to_numeric(value_raw.str.replace("\u00a0", "").str.replace(" ", ""), errors="coerce")
    unknown = numeric.isna() & ~value_raw.isin(list(MARKS))
    if unknown.any():
        first = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(
            f"{Path(path).name}, row {first + 2}, column value_raw: expected a number, 'X' or '--', "
            f"got {value_raw.iloc[first]!r}"
        )
    for column in ("year", "month"):
        bad = ~raw[column].str.strip().str.fullmatch(r"\d{1,4}")
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{Path(path).name}, row {first + 2}, column {column}: expected a whole number, "
                f"got {raw[column].iloc[first]!r}"
            )
    return pd.DataFrame(
        {
            "region_code": raw["region_code"],
            "region_name": raw["region_name"],
            "origin": raw["hushall_ursprung"],
            "year": raw["year"].astype(int),
            "month": raw["month"].astype(int),
            "households": numeric.astype(float),
            "mark": value_raw.where(value_raw.isin(list(MARKS)), ""),
        }
    )


#: The names an origin category has when it is the total over origins (then it is used as it is).
TOTAL_ORIGINS = ("totalt", "samtliga", "samtliga hushåll", "alla", "alla hushåll", "total")


def monthly_totals(table: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """One region's households per month over every origin: year, month, households, mark.

    A month with a marked part has no total (NaN) and the part's mark: "X" where a part is
    suppressed (the sum of the rest would narrow it), else "--". Sorted by year and month."""
    rows = table.loc[table["region_code"] == region_code] if len(table) else table
    if rows.empty:
        return pd.DataFrame({"year": [], "month": [], "households": [], "mark": []}).astype(
            {"year": int, "month": int, "households": float, "mark": str}
        )
    total = rows["origin"].str.strip().str.lower().isin(TOTAL_ORIGINS)
    if total.any():  # the statistics' own total (a fetched table may hold one beside its parts): that, not a sum
        rows = rows.loc[total]
    grouped = rows.groupby(["year", "month"], sort=True)
    out = grouped["households"].sum(min_count=1).rename("households").reset_index()
    marks = grouped["mark"].agg(lambda m: "X" if (m == "X").any() else ("--" if (m == "--").any() else ""))
    out["mark"] = marks.to_numpy()
    out.loc[out["mark"] != "", "households"] = np.nan
    return out


def region_name(table: pd.DataFrame, region_code: str) -> str | None:
    names = table.loc[table["region_code"] == region_code, "region_name"]
    return None if names.empty else str(names.iloc[0])


#: Where the synthetic sample shows a real official series of its own (Nyköping, whose published
#: figures the sample is calibrated to): the sample's own months can have no official figures.
SAMPLE_EXAMPLE_REGION = "0480"
#: A month whose own count differs from the official one by more than this share (per cent) is flagged.
DIFFERENCE_LIMIT_PCT = 5.0


def shown_series(external: Path, region_code: str, synthetic: bool, months: list) -> pd.DataFrame:
    """The official months the economic-assistance page shows, as :func:`monthly_totals` gives them.

    Real data: the municipality's own code for ``months`` (first days of the report's months; those
    the statistics do not reach are absent). The synthetic sample: :data:`SAMPLE_EXAMPLE_REGION`'s
    latest year in the statistics, every month of it."""
    path = monthly_file(external)
    if not path.is_file():
        return monthly_totals(pd.DataFrame(columns=["region_code"]), region_code)
    table = read_monthly_households(path)
    if synthetic:
        totals = monthly_totals(table, SAMPLE_EXAMPLE_REGION)
        return totals.loc[totals["year"] == totals["year"].max()].reset_index(drop=True) if len(totals) else totals
    totals = monthly_totals(table, region_code)
    wanted = {(m.year, m.month) for m in months}
    keep = [(y, m) in wanted for y, m in zip(totals["year"], totals["month"])]
    return totals.loc[keep].reset_index(drop=True)
