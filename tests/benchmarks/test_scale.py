"""The benchmark's scale generator (benchmarks/scale.py): what it writes must pass the ingest
untouched, be as large as asked, span the years asked, and be the same for the same seed."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITIES, YEARS, PAYMENT_ROWS, SEED = 3, 10, 30_000, 7


def _load_scale():
    spec = importlib.util.spec_from_file_location("benchmarks_scale", ROOT / "benchmarks" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # forked workers find their function by module name
    spec.loader.exec_module(module)
    return module


scale = _load_scale()


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.*"))}


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """Three municipalities × ten years, written and ingested (rows with faults set aside, not raised)."""
    from snanalys.ingest import ingest_all

    base = tmp_path_factory.mktemp("scale")
    counts: dict[str, int] = {}
    folders = scale.write_scaled(
        base / "raw", MUNICIPALITIES, YEARS, payment_rows=PAYMENT_ROWS, seed=SEED, counts=counts
    )
    results = ingest_all(base / "raw", base / "processed", quarantine=True)
    return base, folders, counts, results


def _table(base: Path, code: str, table: str) -> pd.DataFrame:
    return pd.read_parquet(base / "processed" / code / f"{table}.parquet")


def test_every_municipality_ingests_with_no_row_set_aside(scaled):
    base, folders, counts, results = scaled
    codes = [f.name for f in folders]
    assert codes[0] == "0480" and len(set(codes)) == MUNICIPALITIES
    assert sorted(r.municipality_code for r in results) == sorted(codes)
    for code in codes:
        quality = json.loads((base / "processed" / code / "extract.json").read_text(encoding="utf-8"))["quality"]
        assert set(quality["rows_set_aside"].values()) == {0}, (code, quality["set_aside_reasons"])
        assert not [w for w in quality["warnings"] if "överlappar" in w]
    read = {t: sum(r.quality["rows_read"][t] for r in results) for t in results[0].quality["rows_read"]}
    assert read["payments"] == counts["ekb_utbetalningar"]
    assert read["placements"] == counts["placeringar"]


def test_extract_files_name_real_municipalities_and_the_window(scaled):
    _, folders, _, _ = scaled
    names = scale.municipalities_table().set_index("code")["name"]
    for folder in folders:
        meta = json.loads((folder / "uttag.json").read_text(encoding="utf-8"))
        assert meta["kommunkod"] == folder.name and meta["kommunnamn"] == names[folder.name]
        assert meta["uttagsdatum"] == "2026-11-05" and meta["data_fran"] == "2016-11-01"
        assert meta["syntetiska_data"] is True


def test_files_keep_the_samples_header_and_byte_order_mark(scaled):
    _, folders, _, _ = scaled
    headers = scale._load_sample().headers
    assert headers["ekb_utbetalningar"].startswith(b"\xef\xbb\xbf")  # the sample's own choice, kept
    for folder in folders:
        for stem, header in headers.items():
            assert (folder / f"{stem}.csv").read_bytes().startswith(header), (folder.name, stem)


def test_household_keys_are_distinct_across_municipalities(scaled):
    base, folders, _, _ = scaled
    keys = [set(_table(base, f.name, "payments")["household_key"]) for f in folders]
    assert all(keys)
    assert sum(len(k) for k in keys) == len(set().union(*keys))


def test_movers_appear_in_two_municipalities(scaled):
    base, folders, _, _ = scaled
    persons = {
        f.name: set().union(
            *(set(_table(base, f.name, t)["person_key"]) for t in ("household_members", "placements", "interventions"))
        )
        for f in folders
    }
    first, second, third = (persons[f.name] for f in folders)
    shared = first & second
    assert shared, "no mover between municipalities 1 and 2"
    assert len(shared) < 0.05 * len(first | second)  # about 2 %, not chance collisions
    assert not (first | second) & third  # municipality 3 has no partner


def test_payment_rows_are_within_ten_percent_of_the_target(scaled):
    _, _, counts, _ = scaled
    assert abs(counts["ekb_utbetalningar"] - PAYMENT_ROWS) <= 0.1 * PAYMENT_ROWS


def test_dates_span_the_ten_year_window(scaled):
    base, folders, _, _ = scaled
    payments = pd.concat([_table(base, f.name, "payments") for f in folders])
    assert payments["payment_date"].min().strftime("%Y-%m") == "2016-11"
    assert payments["payment_date"].max().strftime("%Y-%m") == "2026-10"
    months = payments["payment_date"].dt.to_period("M").nunique()
    assert months == 12 * YEARS
    for folder in folders:
        ledger = _table(base, folder.name, "ledger")
        assert len(ledger[["year", "month"]].drop_duplicates()) == 12 * YEARS
        assert sorted(_table(base, folder.name, "population")["year"].unique()) == list(range(2016, 2027))


def test_the_same_seed_gives_the_same_bytes_whatever_the_workers(scaled, tmp_path):
    base, _, _, _ = scaled
    scale.write_scaled(tmp_path / "again", MUNICIPALITIES, YEARS, payment_rows=PAYMENT_ROWS, seed=SEED, workers=2)
    assert _digests(tmp_path / "again") == _digests(base / "raw")
    scale.write_scaled(tmp_path / "other", MUNICIPALITIES, YEARS, payment_rows=PAYMENT_ROWS, seed=SEED + 1)
    assert _digests(tmp_path / "other") != _digests(base / "raw")


def test_more_municipalities_than_sweden_has_are_refused(tmp_path):
    with pytest.raises(ValueError, match="290"):
        scale.write_scaled(tmp_path, 291, 1)
