"""Checks beyond the contracts: formulas (numbers are not formulas), free text (length,
control characters, identities) and the own family home's provider, pseudonymised."""

from __future__ import annotations

import hmac

import pandas as pd

from snanalys.ingest import IngestError, checks, ingest_municipality
from snanalys.ingest.parsing import TEXT_DTYPE
from snanalys.ingest.tables import SPECS

from rawfolder import KEY, PARTNER, RawFolder

PLA = "placeringar.csv"


def _text_frame(spec, **columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    frame = {f.raw: [""] * n for f in spec.fields}
    frame.update(columns)
    return pd.DataFrame({k: pd.Series(v, dtype=TEXT_DTYPE) for k, v in frame.items()})


def test_a_cell_starting_like_a_formula_is_refused_in_text_columns_unless_it_is_a_number():
    spec = SPECS["payments"]
    values = ["-850,00", "-1 200", "+5", "-12", "-cmd", "=1", "@x", "-1-2", "+46 70 123 45 67", "HH-1", ""]
    bad = checks.formula_failures(spec, _text_frame(spec, hushalls_id=values, belopp=values))
    by_column = {c: sorted(bad.loc[bad["column"] == c, "index"].tolist()) for c in ("household_id", "amount_kr")}
    assert by_column["household_id"] == [4, 5, 6, 7, 8]
    assert by_column["amount_kr"] == [4, 5, 6]  # the rest is the amount parser's to judge


def test_free_text_is_bounded_free_of_control_characters_and_identities():
    spec = SPECS["placements"]
    tolvan = "19121212" + "-1212"  # Skatteverket's test number
    values = [
        "ORG-5560001",
        "A" * 201,
        "ORG\x005",
        "ORG\t5",
        f"Familjehem {tolvan}",
        "070-123 45 67",
        "a.b@example.se",
        "556677-8899",
        f"Familjehem {tolvan}",
    ]
    forms = ["HVB"] * 8 + ["FAMILJEHEM_EGET"]  # the last names a person by design: pseudonymised, not refused
    failures = checks.text_failures(spec, _text_frame(spec, utforar_id=values, placeringsform=forms))
    reasons = dict(zip(failures["index"].tolist(), failures["expected"]))
    assert reasons == {
        1: checks.EXPECT_TEXT_LENGTH,
        2: checks.EXPECT_CONTROL,
        3: checks.EXPECT_CONTROL,
        4: "väntade en text utan personuppgifter (hittade: personnummer)",
        5: "väntade en text utan personuppgifter (hittade: telefonnummer)",
        6: "väntade en text utan personuppgifter (hittade: e-postadress)",
    }
    assert set(failures["column"]) == {"provider_id"}


def test_the_message_names_file_row_and_column_and_masks_the_value(tmp_path):
    raw = RawFolder()
    tolvan = "19121212" + "-1212"
    raw.set(PLA, 3, "utforar_id", f"Familjehem {tolvan}")
    try:
        ingest_municipality(raw.write(tmp_path / "raw"), tmp_path / "processed", key=KEY)
    except IngestError as exc:
        error = exc
    assert (error.file, error.row, error.column) == ("0480/placeringar.csv", 3, "utforar_id")
    assert str(error) == (
        '0480/placeringar.csv, rad 3, kolumn "utforar_id": väntade en text utan personuppgifter '
        '(hittade: personnummer), fick "Familjehem 19121*-****"'
    )
    assert not (tmp_path / "processed").exists()


def _provider_key(value: str) -> str:
    return hmac.new(KEY, f"provider:0480:{value}".encode(), "sha256").hexdigest()[:16]


def test_an_own_family_home_provider_is_pseudonymised(tmp_path):
    raw = RawFolder()
    raw.set(PLA, 3, "placeringsform", "FAMILJEHEM_EGET")
    raw.set(PLA, 3, "regi", "INTERN")
    raw.set(PLA, 3, "utforar_id", PARTNER)  # the family home's parent, by personnummer
    result = ingest_municipality(raw.write(tmp_path / "raw"), tmp_path / "processed", key=KEY)
    placements = pd.read_parquet(result.output_dir / "placements.parquet")
    assert placements["provider_id"].tolist()[:2] == ["ORG-5560001", _provider_key(PARTNER)]
    for path in result.output_dir.rglob("*"):
        if path.is_file():
            assert PARTNER.encode() not in path.read_bytes() and PARTNER[2:].encode() not in path.read_bytes()


def test_a_quarantined_own_family_home_keeps_only_the_pseudonym(tmp_path):
    raw = RawFolder()
    raw.set(PLA, 3, "placeringsform", "FAMILJEHEM_EGET")
    raw.set(PLA, 3, "utforar_id", PARTNER)
    raw.set(PLA, 3, "startdatum", "2025-02-30")
    raw.set(PLA, 2, "utforar_id", "=1+1")
    result = ingest_municipality(raw.write(tmp_path / "raw"), tmp_path / "processed", key=KEY, quarantine=True)
    aside = pd.read_parquet(result.output_dir / "_quarantine" / "placements.parquet")
    assert dict(zip(aside["row"], aside["utforar_id"])) == {2: "'=1+1", 3: _provider_key(PARTNER)}
