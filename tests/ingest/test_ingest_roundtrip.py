"""The ingest round trip: raw folder → processed tables and extract.json, pseudonymised."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from snanalys.ingest import (
    SAMPLE_PSEUDONYM_KEY,
    IngestError,
    PseudonymKeyError,
    covered_through,
    ingest_all,
    ingest_municipality,
    key_fingerprint,
)

from rawfolder import ADULT, ADULT_PLACED, CHILD, HH_A, KEY, OTHER_KEY, TEEN, RawFolder, identifier_values

# The processed tables of docs/processed_data.md, exactly.
DOCUMENTED = {
    "payments": "municipality_code, household_key, payment_date, for_month, amount_kr, household_type",
    "household_members": "municipality_code, household_key, person_key, role, legal_sex, birth_date, reason, "
    "newly_arrived, valid_from, valid_to",
    "placements": "municipality_code, placement_key, person_key, legal_sex, birth_year, target_group, form, "
    "legal_basis, provider_type, provider_id, start_date, end_date",
    "placement_costs": "municipality_code, placement_key, care_month, booking_date, amount_kr",
    "interventions": "municipality_code, intervention_key, person_key, kind, intervention, provider_type, "
    "start_date, end_date",
    "population": "municipality_code, year, legal_sex, age_band, inhabitants",
    "ledger": "municipality_code, year, month, verksamhet, account_group, amount_kr",
    "budget": "municipality_code, year, verksamhet, budget_kr",
    "cost_budget": "municipality_code, year, area, budget_kr",
}
DATE_COLUMNS = {
    "payments": ["payment_date", "for_month"],
    "household_members": ["birth_date", "valid_from", "valid_to"],
    "placements": ["start_date", "end_date"],
    "placement_costs": ["care_month", "booking_date"],
    "interventions": ["start_date", "end_date"],
}
MONTH_COLUMNS = {"payments": ["for_month"], "placement_costs": ["care_month"]}
AMOUNT_COLUMNS = {
    "payments": ["amount_kr"],
    "placement_costs": ["amount_kr"],
    "ledger": ["amount_kr"],
    "budget": ["budget_kr"],
    "cost_budget": ["budget_kr"],
}


def _ingest(raw, tmp_path, key=KEY, name="processed"):
    folder = raw.write(tmp_path / "raw")
    return ingest_municipality(folder, tmp_path / name, key=key)


def _tables(result) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(result.output_dir / f"{t}.parquet") for t in DOCUMENTED}


def _person_keys(tables, table):
    return tables[table]["person_key"].tolist()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """One ingest of the base folder, shared by the tests that only read it."""
    result = _ingest(RawFolder(), tmp_path_factory.mktemp("ingested"))
    return result, _tables(result)


def test_round_trip_writes_nine_tables_and_extract_json(raw, ingested):
    result, tables = ingested
    assert result.municipality_code == "0480"
    assert result.output_dir.name == "0480"
    assert sorted(p.name for p in result.output_dir.iterdir()) == sorted(
        [f"{t}.parquet" for t in DOCUMENTED] + ["extract.json"]
    )
    assert result.rows == {t: len(raw.rows(name)) for t, name in zip(DOCUMENTED, raw.files, strict=True)}
    assert result.synthetic is False
    assert result.warnings == []
    # Nothing else left in processed_root (no temporary or old folders).
    assert [p.name for p in result.output_dir.parent.iterdir()] == ["0480"]


def test_extract_json(raw, ingested):
    result, _ = ingested
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    assert meta["municipality_code"] == "0480"
    assert meta["municipality_name"] == "Testkommun"
    assert meta["extract_date"] == "2026-11-05"
    assert meta["data_from"] == "2024-01-01"
    assert meta["covered_through"] == "2026-10-31"
    assert meta["synthetic"] is False
    assert meta["counting_basis"] == "payment_date"  # the default: uttag.json names no raknegrund
    assert dt.datetime.fromisoformat(meta["ingested_at"]).tzinfo is not None
    assert meta["pseudonym_key_id"] == key_fingerprint(KEY) == result.pseudonym_key_id
    assert KEY.decode() not in json.dumps(meta)
    folder = result.output_dir.parent.parent / "raw" / "0480"
    files = {f["name"]: f for f in meta["raw_files"]}
    assert sorted(files) == sorted(raw.files)
    for name, info in files.items():
        assert info["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert info["rows"] == len(raw.rows(name))
        assert info["encoding"] == "utf-8"


def test_columns_and_dtypes_are_the_documented_ones(ingested):
    _, tables = ingested
    for table, frame in tables.items():
        assert list(frame.columns) == DOCUMENTED[table].split(", "), table
        assert (frame["municipality_code"] == "0480").all()
        for column in frame.columns:
            if column.endswith("_key"):
                assert frame[column].str.fullmatch(r"[0-9a-f]{16}").all(), (table, column)
        for column in DATE_COLUMNS.get(table, []):
            assert pd.api.types.is_datetime64_dtype(frame[column]), (table, column)
            values = frame[column].dropna()
            assert (values == values.dt.normalize()).all()
        for column in MONTH_COLUMNS.get(table, []):
            assert (frame[column].dt.day == 1).all()
        for column in AMOUNT_COLUMNS.get(table, []):
            assert frame[column].dtype == np.float64
    members = tables["household_members"]
    assert members["newly_arrived"].dtype == "boolean"
    assert pd.api.types.is_integer_dtype(tables["placements"]["birth_year"])
    for table, column in [
        ("population", "year"),
        ("population", "inhabitants"),
        ("ledger", "month"),
        ("budget", "year"),
        ("cost_budget", "year"),
    ]:
        assert pd.api.types.is_integer_dtype(tables[table][column])


def test_the_written_tables_meet_the_processed_contracts(ingested):
    from snanalys.ingest.contracts import PROCESSED_SCHEMAS

    _, tables = ingested
    for table, frame in tables.items():
        PROCESSED_SCHEMAS[table].validate(frame, lazy=True)


def test_values_are_parsed(ingested):
    _, t = ingested
    assert t["payments"]["amount_kr"].tolist() == [12345.5, 12345.5, -850.0, 7800.0, 1000000.5]
    assert t["payments"]["payment_date"].iloc[0] == pd.Timestamp("2025-01-25")
    assert t["payments"]["for_month"].iloc[2] == pd.Timestamp("2025-02-01")  # for February, paid in March
    members = t["household_members"]
    assert members["birth_date"].tolist() == [
        pd.Timestamp(d) for d in ("1985-03-12", "1987-07-04", "2015-06-01", "1990-02-20", "2010-01-15")
    ]
    assert members["newly_arrived"].tolist()[:2] == [False, True]
    children = members["role"] == "BARN"
    assert members.loc[children, "newly_arrived"].isna().all()
    assert members.loc[children, "reason"].isna().all()
    assert members["valid_to"].isna().tolist() == [True, False, True, False, True]
    placements = t["placements"]
    assert placements["birth_year"].tolist() == [2010, 2010, 1990]
    assert placements["provider_id"].iloc[0] == "ORG-5560001"  # an organisation: kept as it is
    assert pd.isna(placements["provider_id"].iloc[2])
    assert placements["end_date"].isna().tolist() == [False, True, False]
    assert placements["start_date"].iloc[2] == placements["end_date"].iloc[2]  # a same-day placement
    assert t["ledger"]["amount_kr"].tolist() == [-10384416.67, 90333.0, -178916.67]
    assert t["budget"]["budget_kr"].iloc[0] == -124613000.0
    cost_budget = t["cost_budget"]
    assert cost_budget["area"].tolist() == [
        "EKONOMISKT_BISTAND",
        "EKONOMISKT_BISTAND_FLYKTING",
        "HVB_BARN_UNGA",
        "FAMILJEHEM",
        "PLACERINGAR_VUXNA",
        "PLACERINGAR_VUXNA",
    ]
    assert cost_budget["year"].tolist() == [2025] * 5 + [2024]
    assert cost_budget["budget_kr"].tolist() == [78e6, 2e6, 29608e3, 35813e3, 20457e3, 0.0]
    assert t["placement_costs"]["amount_kr"].sum() == 45000 + 52000 - 1200 + 4662


def test_costs_refer_to_placements_by_key(ingested):
    _, t = ingested
    assert set(t["placement_costs"]["placement_key"]) <= set(t["placements"]["placement_key"])


def test_same_person_has_the_same_key_in_every_table(ingested):
    _, t = ingested
    members, placements, interventions = t["household_members"], t["placements"], t["interventions"]
    teen_in_members = members.loc[members["birth_date"] == pd.Timestamp("2010-01-15"), "person_key"].unique()
    assert len(teen_in_members) == 1
    assert set(placements["person_key"].iloc[:2]) == set(teen_in_members)
    assert set(interventions["person_key"].iloc[:2]) == set(teen_in_members)
    child = members.loc[members["birth_date"] == pd.Timestamp("2015-06-01"), "person_key"].iloc[0]
    assert interventions["person_key"].iloc[2] == child
    adult_placed = members.loc[members["birth_date"] == pd.Timestamp("1990-02-20"), "person_key"].iloc[0]
    assert placements["person_key"].iloc[2] == adult_placed
    # Households: the same household key on payments and members.
    assert set(t["payments"]["household_key"]) == set(members["household_key"])


def test_pseudonyms_are_stable_and_keyed(raw, tmp_path):
    first = _tables(_ingest(raw, tmp_path, KEY, "one"))
    again = _tables(_ingest(raw, tmp_path, KEY, "two"))
    other = _tables(_ingest(raw, tmp_path, OTHER_KEY, "three"))
    for table, frame in first.items():
        keys = [c for c in frame.columns if c.endswith("_key")]
        for column in keys:
            assert frame[column].tolist() == again[table][column].tolist()
            assert not set(frame[column]) & set(other[table][column]), (table, column)
        pd.testing.assert_frame_equal(frame.drop(columns=keys), other[table].drop(columns=keys))


def test_pseudonyms_do_not_depend_on_how_the_personnummer_is_written(raw, tmp_path):
    before = _tables(_ingest(raw, tmp_path, KEY, "one"))
    for row in raw.rows("placeringar.csv"):
        row["personnummer"] = row["personnummer"].replace("-", "")
    after = _tables(_ingest(raw, tmp_path, KEY, "two"))
    assert before["placements"]["person_key"].tolist() == after["placements"]["person_key"].tolist()


def test_a_household_id_and_an_intervention_id_written_alike_get_different_keys(raw, tmp_path):
    raw.set("insatser_barn_unga.csv", 2, "insats_id", HH_A)  # payments' row 2 is household HH_A's
    t = _tables(_ingest(raw, tmp_path))
    assert t["interventions"]["intervention_key"].iloc[0] != t["payments"]["household_key"].iloc[0]


def test_no_raw_identifier_reaches_the_processed_folder(ingested):
    result, tables = ingested
    identifiers = identifier_values()
    assert ADULT in identifiers and HH_A in identifiers and "TX-QZ-0001" in identifiers
    cells = []
    for frame in tables.values():
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_datetime64_dtype(frame[column]):
                cells.extend(str(v) for v in frame[column].dropna().unique())
    texts = cells + [(result.output_dir / "extract.json").read_text(encoding="utf-8")]
    texts += [str(frame.columns.tolist()) for frame in tables.values()]
    leaks = [v for v in identifiers for text in texts if v in text]
    assert leaks == []
    # Nor in the Parquet files' bytes (metadata, statistics …).
    for path in result.output_dir.glob("*.parquet"):
        data = path.read_bytes()
        assert not [v for v in identifiers if v.encode() in data], path.name


def test_the_counting_basis_is_the_municipalitys_setting_in_uttag_json(tmp_path):
    raw = RawFolder()
    raw.extract["raknegrund"] = "avser_manad"
    result = _ingest(raw, tmp_path)
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    assert meta["counting_basis"] == "for_month"
    from snanalys.data import load_municipality

    assert load_municipality(result.output_dir.parent, "0480").extract.counting_basis == "for_month"


def test_covered_through_is_the_last_complete_month():
    assert covered_through(dt.date(2026, 11, 5)) == dt.date(2026, 10, 31)
    assert covered_through(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)  # the last day: its month counts
    assert covered_through(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)
    assert covered_through(dt.date(2024, 2, 29)) == dt.date(2024, 2, 29)
    assert covered_through(dt.date(2025, 2, 28)) == dt.date(2025, 2, 28)


# --- the key -------------------------------------------------------------------------------------


def test_real_data_without_a_key_is_refused_before_anything_is_read(raw, tmp_path):
    raw.raw_bytes["ekb_utbetalningar.csv"] = b""  # would fail if it were read
    folder = raw.write(tmp_path / "raw")
    with pytest.raises(PseudonymKeyError) as info:
        ingest_municipality(folder, tmp_path / "processed")
    assert isinstance(info.value, IngestError)
    assert "SNANALYS_PSEUDONYM_KEY" in str(info.value)
    assert not (tmp_path / "processed").exists()


def test_a_short_key_is_refused(raw, tmp_path, monkeypatch):
    folder = raw.write(tmp_path / "raw")
    with pytest.raises(PseudonymKeyError):
        ingest_municipality(folder, tmp_path / "processed", key=b"short")
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", "too-short")
    with pytest.raises(PseudonymKeyError):
        ingest_municipality(folder, tmp_path / "processed")
    assert not (tmp_path / "processed").exists()


def test_the_key_may_come_from_the_environment(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", KEY.decode())
    from_env = _ingest(raw, tmp_path, key=None, name="env")
    from_argument = _ingest(raw, tmp_path, key=KEY, name="arg")
    assert from_env.pseudonym_key_id == key_fingerprint(KEY)
    assert _tables(from_env)["payments"].equals(_tables(from_argument)["payments"])


def test_synthetic_data_uses_the_public_sample_key(raw, tmp_path, monkeypatch):
    raw.extract["syntetiska_data"] = True
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", KEY.decode())  # ignored for the sample
    result = _ingest(raw, tmp_path, key=None)
    assert result.synthetic is True
    assert result.pseudonym_key_id == key_fingerprint(SAMPLE_PSEUDONYM_KEY)
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True


# --- replacing and several municipalities -------------------------------------------------------------


def test_a_second_ingest_replaces_the_first(raw, tmp_path):
    _ingest(raw, tmp_path)
    raw.rows("ekb_utbetalningar.csv").pop()
    result = _ingest(raw, tmp_path)
    assert result.rows["payments"] == 4
    assert len(pd.read_parquet(result.output_dir / "payments.parquet")) == 4
    assert [p.name for p in (tmp_path / "processed").iterdir()] == ["0480"]


def test_ingest_all_ingests_every_municipality_folder(raw, tmp_path):
    raw.write(tmp_path / "raw")
    other = RawFolder(code="0481")
    other.extract["kommunkod"] = "0481"
    for _columns, rows in other.files.values():
        for row in rows:
            row["kommunkod"] = "0481"
    other.write(tmp_path / "raw")
    (tmp_path / "raw" / "notes").mkdir()  # no uttag.json: not a municipality
    results = ingest_all(tmp_path / "raw", tmp_path / "processed", key=KEY)
    assert [r.municipality_code for r in results] == ["0480", "0481"]
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["0480", "0481"]
    a = pd.read_parquet(tmp_path / "processed" / "0480" / "placements.parquet")
    b = pd.read_parquet(tmp_path / "processed" / "0481" / "placements.parquet")
    # The same person is the same person everywhere; a case id is local to its municipality.
    assert a["person_key"].tolist() == b["person_key"].tolist()
    assert not set(a["placement_key"]) & set(b["placement_key"])
    assert ingest_all(tmp_path / "nothing", tmp_path / "processed", key=KEY) == []


def test_loads_with_the_projects_data_module(ingested):
    from snanalys.data import load_municipality

    result, _ = ingested
    data = load_municipality(result.output_dir.parent, "0480")
    assert data.extract.covered_through == dt.date(2026, 10, 31)
    assert data.extract.synthetic is False
    assert len(data.payments) == 5 and len(data.members) == 5


def test_the_fixture_people_are_distinct():
    assert len({ADULT, ADULT_PLACED, CHILD, TEEN}) == 4
