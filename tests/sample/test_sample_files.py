"""The sample's files: formats of data/raw/README.md, determinism, valid identity numbers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from snanalys.sample import write_sample

FILES = (
    "ekb_utbetalningar.csv",
    "ekb_hushallsmedlemmar.csv",
    "placeringar.csv",
    "placeringskostnader.csv",
    "insatser_barn_unga.csv",
    "befolkning.csv",
    "huvudbok.csv",
    "budget.csv",
    "kostnadsbudget.csv",
)
COLUMNS = {
    "ekb_utbetalningar.csv": "kommunkod;transaktions_id;hushalls_id;utbetalningsdatum;avser_manad;belopp;hushallstyp",
    "ekb_hushallsmedlemmar.csv": "kommunkod;hushalls_id;personnummer;roll;juridiskt_kon;forsorjningshinder;nyanland;giltig_fran;giltig_till",
    "placeringar.csv": "kommunkod;placerings_id;personnummer;juridiskt_kon;fodelsear;malgrupp;placeringsform;lagrum;regi;utforar_id;startdatum;slutdatum",
    "placeringskostnader.csv": "kommunkod;faktura_id;placerings_id;avser_manad;bokforingsdatum;belopp",
    "insatser_barn_unga.csv": "kommunkod;insats_id;personnummer;insatstyp;insats;regi;startdatum;slutdatum",
    "befolkning.csv": "kommunkod;ar;juridiskt_kon;aldersgrupp;antal",
    "huvudbok.csv": "kommunkod;ar;manad;verksamhet;kontogrupp;belopp",
    "budget.csv": "kommunkod;ar;verksamhet;budget",
    "kostnadsbudget.csv": "kommunkod;ar;omrade;budget",
}


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, sep=";", decimal=",", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("sample_a"))


def test_writes_every_file_and_nothing_else(folder):
    assert folder.name == "0480"
    assert sorted(p.name for p in folder.iterdir()) == sorted((*FILES, "uttag.json"))


def test_extract_json(folder):
    meta = json.loads((folder / "uttag.json").read_text(encoding="utf-8"))
    assert meta == {
        "kommunkod": "0480",
        "kommunnamn": "Exempelkommun",
        "uttagsdatum": "2026-11-05",
        "data_fran": "2022-01-01",
        "syntetiska_data": True,
    }


@pytest.mark.parametrize("name", FILES)
def test_header_code_and_encoding(folder, name):
    raw = (folder / name).read_bytes()
    bom = name == "ekb_utbetalningar.csv"
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == COLUMNS[name]
    assert "\r" not in text
    frame = read(folder, name)
    assert len(frame) > 0
    assert (frame["kommunkod"] == "0480").all()


def test_same_seed_same_bytes_other_seed_differs(folder, tmp_path):
    again = write_sample(tmp_path / "b")
    assert digests(again) == digests(folder)
    other = write_sample(tmp_path / "c", seed=7)
    changed = {n for n, d in digests(other).items() if d != digests(folder)[n]}
    assert {"ekb_utbetalningar.csv", "placeringar.csv", "ekb_hushallsmedlemmar.csv"} <= changed
    assert not list(folder.glob(".*tmp"))  # no temporary files left behind


def luhn_ok(pnr: str) -> bool:
    digits = pnr[2:8] + pnr[9:13]
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def test_personnummer_valid_unique_and_sex(folder):
    members = read(folder, "ekb_hushallsmedlemmar.csv")
    placed = read(folder, "placeringar.csv")
    interventions = read(folder, "insatser_barn_unga.csv")
    sexed = pd.concat([members[["personnummer", "juridiskt_kon"]], placed[["personnummer", "juridiskt_kon"]]])
    every = pd.concat([sexed["personnummer"], interventions["personnummer"]])
    assert every.str.fullmatch(r"\d{8}-\d{4}").all()
    assert all(luhn_ok(p) for p in every.unique())
    assert pd.to_datetime(every.str[:8], format="%Y%m%d").notna().all()
    # Legal sex: second-to-last digit odd for men, even for women; one sex per number.
    odd = sexed["personnummer"].str[-2].astype(int) % 2 == 1
    assert ((sexed["juridiskt_kon"] == "M") == odd).all()
    assert sexed.drop_duplicates().groupby("personnummer").size().max() == 1
    # A person placed is one person: same number, same birth year.
    births = placed.groupby("personnummer")["fodelsear"].nunique()
    assert births.max() == 1
    assert (placed["fodelsear"] == placed["personnummer"].str[:4]).all()


def test_payment_rows(folder):
    p = read(folder, "ekb_utbetalningar.csv")
    amount = p["belopp"].str.replace(",", ".").astype(float)
    assert p["belopp"].str.fullmatch(r"-?\d+,\d{2}").all()
    assert p["transaktions_id"].is_unique
    assert p["utbetalningsdatum"].max() <= "2026-10-31"
    assert p["utbetalningsdatum"].min() >= "2022-01-01"
    negative = amount < 0
    assert 0.01 < negative.mean() < 0.08
    # A negative row follows an earlier positive payment of the same household.
    first_positive = p.loc[~negative].groupby("hushalls_id")["utbetalningsdatum"].min()
    neg = p.loc[negative]
    assert (neg["utbetalningsdatum"] > neg["hushalls_id"].map(first_positive)).all()
    assert set(p["hushallstyp"]) <= {"ENSAM_UTAN_BARN", "ENSAM_MED_BARN", "SAMBO_UTAN_BARN", "SAMBO_MED_BARN", "OVRIGT"}


def test_invoices_never_booked_after_the_extract(folder):
    inv = read(folder, "placeringskostnader.csv")
    placed = read(folder, "placeringar.csv")
    assert inv["bokforingsdatum"].max() <= "2026-11-05"
    assert inv["faktura_id"].is_unique
    assert set(inv["placerings_id"]) <= set(placed["placerings_id"])
    assert (inv["bokforingsdatum"].str[:7] >= inv["avser_manad"]).all()
    assert inv["belopp"].str.fullmatch(r"-?\d+,\d{2}").all()


def test_placements_consistent(folder):
    p = read(folder, "placeringar.csv")
    assert p["placerings_id"].is_unique
    assert (p["slutdatum"] == "").any()  # open placements at the extract
    closed = p.loc[p["slutdatum"] != ""]
    assert (closed["slutdatum"] >= closed["startdatum"]).all()
    assert closed["slutdatum"].max() <= "2026-11-05"
    assert p["startdatum"].max() <= "2026-11-05"
    assert (p.loc[p["lagrum"] == "LVM", "malgrupp"] == "VUXNA").all()
    assert (p.loc[p["lagrum"] == "LVU", "malgrupp"] == "BARN_UNGA").all()
    assert (p.loc[p["placeringsform"] == "SIS", "lagrum"] != "SOL").all()
    assert set(p.loc[p["malgrupp"] == "VALDSUTSATTA", "placeringsform"]) == {"SKYDDAT_BOENDE"}
    age_at_start = p["startdatum"].str[:4].astype(int) - p["fodelsear"].astype(int)
    assert age_at_start[p["malgrupp"] == "BARN_UNGA"].between(0, 21).all()
    assert (age_at_start[p["malgrupp"] != "BARN_UNGA"] >= 18).all()


def test_cost_budget(folder):
    """2024 and 2025 are the agreement's compensation table (tkr × 1000); every year has every area."""
    b = read(folder, "kostnadsbudget.csv")
    assert b["budget"].str.fullmatch(r"\d+,00").all()  # positive, whole kronor
    kr = b["budget"].str.replace(",", ".").astype(float)
    assert not b.duplicated(["ar", "omrade"]).any()
    assert sorted(b["ar"].unique()) == ["2022", "2023", "2024", "2025", "2026"]
    areas = {"EKONOMISKT_BISTAND", "EKONOMISKT_BISTAND_FLYKTING", "HVB_BARN_UNGA", "FAMILJEHEM", "PLACERINGAR_VUXNA"}
    assert all(set(group) == areas for _, group in b.groupby("ar")["omrade"])
    by_year = {(a, o): v for a, o, v in zip(b["ar"], b["omrade"], kr, strict=True)}
    assert {o: v for (a, o), v in by_year.items() if a == "2025"} == {
        "EKONOMISKT_BISTAND": 78_000_000,
        "EKONOMISKT_BISTAND_FLYKTING": 2_000_000,
        "HVB_BARN_UNGA": 29_608_000,
        "FAMILJEHEM": 35_813_000,
        "PLACERINGAR_VUXNA": 20_457_000,
    }
    total_2024 = sum(v for (a, _), v in by_year.items() if a == "2024")
    assert total_2024 == (76_000 + 2_000 + 24_140 + 33_130 + 22_391) * 1000
    assert (kr % 1000 == 0).all()  # whole tkr
    for area in set(b["omrade"]):  # the other years: a few per cent a year from the published ones
        assert 0.9 < by_year[("2022", area)] / by_year[("2023", area)] < 1.0, area
        assert 0.9 < by_year[("2023", area)] / by_year[("2024", area)] < 1.0, area
        assert 1.0 < by_year[("2026", area)] / by_year[("2025", area)] < 1.1, area
