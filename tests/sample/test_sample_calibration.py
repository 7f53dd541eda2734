"""The synthetic sample reproduces the published figures by the brief's definitions.

Self-contained: the sample is written once into a temporary folder and read back
with plain pandas; every published cell is recomputed here with straightforward code
(not with the generator's own helpers, nor with ``snanalys.metrics``), so the test
is an independent reading of ``shared/BRIEF.md``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from snanalys.sample import write_sample

from published import HOUSEHOLDS_PER_MONTH, PUBLISHED

EXTRACT = pd.Timestamp("2026-11-05")
YEARS = (2022, 2023, 2024, 2025)


CHILD_FORMS = ["HVB", "SIS", "FAMILJEHEM_EGET", "JOURHEM", "FAMILJEHEM_KONSULENT", "STODBOENDE"]
CHILD_EXT_PRICE_FORMS = ["HVB", "SIS", "FAMILJEHEM_KONSULENT", "STODBOENDE"]
ADULT_EXT_FORMS = ["HVB", "SIS", "FAMILJEHEM_EGET", "FAMILJEHEM_KONSULENT"]
ADULT_EXT_PRICE_FORMS = ["HVB", "SIS"]


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / name,
        sep=";",
        decimal=",",
        dtype={"kommunkod": str},
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8-sig",
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("sample_raw"))


@pytest.fixture(scope="module")
def payments(folder) -> pd.DataFrame:
    p = read(folder, "ekb_utbetalningar.csv")
    p["utbetalningsdatum"] = pd.to_datetime(p["utbetalningsdatum"])
    return p


@pytest.fixture(scope="module")
def members(folder) -> pd.DataFrame:
    m = read(folder, "ekb_hushallsmedlemmar.csv")
    m["giltig_fran"] = pd.to_datetime(m["giltig_fran"])
    m["giltig_till"] = pd.to_datetime(m["giltig_till"])
    m["birth"] = pd.to_datetime(m["personnummer"].str[:8], format="%Y%m%d")
    return m


@pytest.fixture(scope="module")
def placements(folder) -> pd.DataFrame:
    p = read(folder, "placeringar.csv")
    p["startdatum"] = pd.to_datetime(p["startdatum"])
    p["slutdatum"] = pd.to_datetime(p["slutdatum"])
    return p


@pytest.fixture(scope="module")
def invoices(folder) -> pd.DataFrame:
    return read(folder, "placeringskostnader.csv")


# --- the definitions, written out plainly -----------------------------------------


def positive_in(payments: pd.DataFrame, year: int) -> pd.DataFrame:
    p = payments.loc[payments["utbetalningsdatum"].dt.year == year]
    return p.loc[p["belopp"] > 0]


def care_days(spells: pd.DataFrame, year: int) -> int:
    """Days S … E−1 (a same-day spell 1 day; open: to min(year end, extract)), clipped to the year."""
    lo = pd.Timestamp(year, 1, 1)
    hi_excl = pd.Timestamp(year + 1, 1, 1)
    start = spells["startdatum"]
    end = spells["slutdatum"]
    stop = end.where(end > start, start + pd.Timedelta(days=1))
    stop = stop.where(end.notna(), min(hi_excl, EXTRACT + pd.Timedelta(days=1)))
    days = (stop.clip(upper=hi_excl) - start.clip(lower=lo)).dt.days
    return int(days.clip(lower=0).sum())


def age_on(birth: pd.Series, day: pd.Series) -> pd.Series:
    before = (day.dt.month < birth.dt.month) | ((day.dt.month == birth.dt.month) & (day.dt.day < birth.dt.day))
    return day.dt.year - birth.dt.year - before.astype(int)


def members_at_payments(payments, members, year) -> pd.DataFrame:
    paid = positive_in(payments, year)[["hushalls_id", "utbetalningsdatum"]].drop_duplicates()
    j = paid.merge(members, on="hushalls_id")
    ok = (j["giltig_fran"] <= j["utbetalningsdatum"]) & (
        j["giltig_till"].isna() | (j["utbetalningsdatum"] <= j["giltig_till"])
    )
    return j.loc[ok]


def select(placements, group, forms, regi) -> pd.DataFrame:
    return placements.loc[
        (placements["malgrupp"] == group) & placements["placeringsform"].isin(forms) & placements["regi"].isin(regi)
    ]


def measure(name: str, year: int, payments, members, placements, invoices) -> float:
    if name == "eb_households":
        return positive_in(payments, year)["hushalls_id"].nunique()
    if name == "eb_kr_per_household":
        total = payments.loc[payments["utbetalningsdatum"].dt.year == year, "belopp"].sum()
        return total / positive_in(payments, year)["hushalls_id"].nunique()
    if name == "eb_households_with_children":
        at = members_at_payments(payments, members, year)
        kids = at.loc[(at["roll"] == "BARN") & (age_on(at["birth"], at["utbetalningsdatum"]) < 18)]
        return kids["hushalls_id"].nunique()
    if name == "care_days_children":
        return care_days(select(placements, "BARN_UNGA", CHILD_FORMS, ["INTERN", "EXTERN"]), year)
    if name == "care_days_adults_external":
        return care_days(select(placements, "VUXNA", ADULT_EXT_FORMS, ["EXTERN"]), year)
    group, forms = {
        "kr_per_care_day_children_external": ("BARN_UNGA", CHILD_EXT_PRICE_FORMS),
        "kr_per_care_day_adults_external": ("VUXNA", ADULT_EXT_PRICE_FORMS),
    }[name]
    chosen = select(placements, group, forms, ["EXTERN"])
    cost = invoices.loc[
        invoices["placerings_id"].isin(chosen["placerings_id"]) & invoices["avser_manad"].str.startswith(str(year)),
        "belopp",
    ].sum()
    return cost / care_days(chosen, year)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", list(PUBLISHED))
def test_published_cell(name, year, payments, members, placements, invoices):
    value = measure(name, year, payments, members, placements, invoices)
    expected = PUBLISHED[name][year]
    assert value == pytest.approx(expected, rel=0.005), f"{name} {year}: {value} vs {expected}"


@pytest.mark.parametrize("year", sorted(HOUSEHOLDS_PER_MONTH))
def test_households_per_month(year, payments):
    paid = positive_in(payments, year)
    per_month = paid.groupby(paid["utbetalningsdatum"].dt.month)["hushalls_id"].nunique()
    mean = per_month.reindex(range(1, 13), fill_value=0).mean()
    assert mean == pytest.approx(HOUSEHOLDS_PER_MONTH[year], rel=0.01)


def test_long_term_share_near_kolada(payments, members):
    """Adults (18+) paid in 10–12 months of the year, share of adult recipients (N31814)."""
    kolada = {2022: 0.538, 2023: 0.534, 2024: 0.495}
    for year, expected in kolada.items():
        at = members_at_payments(payments, members, year)
        adults = at.loc[
            at["roll"].isin(["SOKANDE", "MEDSOKANDE"]) & (age_on(at["birth"], at["utbetalningsdatum"]) >= 18)
        ]
        months = adults.assign(m=adults["utbetalningsdatum"].dt.month).groupby("personnummer")["m"].nunique()
        assert (months >= 10).mean() == pytest.approx(expected, abs=0.01), year


def test_households_with_only_negative_rows_do_not_count(payments):
    """Some households have only corrections in a year; they are in no published count."""
    found = 0
    for year in YEARS:
        in_year = payments.loc[payments["utbetalningsdatum"].dt.year == year]
        positive = set(in_year.loc[in_year["belopp"] > 0, "hushalls_id"])
        only_negative = set(in_year["hushalls_id"]) - positive
        found += len(only_negative)
    assert found > 0
