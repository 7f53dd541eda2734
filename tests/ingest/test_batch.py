"""The batched ingest (ingest_all over many folders at once) gives, for every folder, exactly
what ingest_municipality gives for that folder alone: the same Parquet tables (content and
schema), the same pseudonyms, the same extract.json (apart from ingested_at), the same rows
set aside, and the same error for a failing folder, naming that folder's file and context;
and a failing folder means nothing is written."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings

from snanalys.ingest import IngestError, ingest_all, ingest_municipality

from rawfolder import KEY, snapshot

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITIES, YEARS, PAYMENT_ROWS, SEED = 4, 3, 12_000, 11
PAY, PLA, COS = "ekb_utbetalningar.csv", "placeringar.csv", "placeringskostnader.csv"


def _load_scale():
    # A name of its own: tests/benchmarks/test_scale.py registers "benchmarks_scale" for its forked workers.
    spec = importlib.util.spec_from_file_location("benchmarks_scale_for_test_batch", ROOT / "benchmarks" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def raw_root(tmp_path_factory) -> Path:
    """Four municipalities × three years of scaled synthetic data (benchmarks/scale.py)."""
    root = tmp_path_factory.mktemp("batch") / "raw"
    _load_scale().write_scaled(root, MUNICIPALITIES, YEARS, payment_rows=PAYMENT_ROWS, seed=SEED, workers=1)
    return root


def _folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/uttag.json"))


def _copy(raw_root: Path, target: Path) -> Path:
    shutil.copytree(raw_root, target)
    return target


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines(keepends=True)


def _set(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell of a raw CSV file by its row in the file (header = row 1)."""
    lines = _lines(path)
    header = lines[0].lstrip("\ufeff").rstrip("\r\n").split(";")
    cells = lines[row - 1].rstrip("\r\n").split(";")
    cells[header.index(column)] = value
    lines[row - 1] = ";".join(cells) + "\n"
    path.write_bytes("".join(lines).encode("utf-8"))


def _cell(path: Path, row: int, column: str) -> str:
    lines = _lines(path)
    header = lines[0].lstrip("\ufeff").rstrip("\r\n").split(";")
    return lines[row - 1].rstrip("\r\n").split(";")[header.index(column)]


def _assert_same_output(single: Path, batched: Path) -> None:
    files = sorted(p.relative_to(single) for p in single.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(batched) for p in batched.rglob("*") if p.is_file())
    assert any(f.suffix == ".parquet" for f in files)
    for rel in files:
        a, b = single / rel, batched / rel
        if rel.suffix == ".parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b), check_exact=True, obj=str(rel))
            assert pq.read_schema(a).equals(pq.read_schema(b), check_metadata=True), rel
        else:
            meta_a, meta_b = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
            meta_a.pop("ingested_at"), meta_b.pop("ingested_at")
            assert meta_a == meta_b, rel
            assert list(meta_a) == list(meta_b)


def _one_by_one(raw: Path, processed: Path, **kwargs) -> list:
    return [ingest_municipality(d, processed, **kwargs) for d in _folders(raw)]


@pytest.mark.parametrize("workers", [1, 2])
def test_batched_ingest_writes_what_each_folder_alone_writes(raw_root, tmp_path, workers):
    singles = _one_by_one(raw_root, tmp_path / "single")
    batched = ingest_all(raw_root, tmp_path / "batched", workers=workers)
    assert [r.municipality_code for r in batched] == [d.name for d in _folders(raw_root)]
    assert len(batched) == MUNICIPALITIES
    for one, many in zip(singles, batched):
        assert (one.rows, one.warnings, one.quality, one.pseudonym_key_id) == (
            many.rows,
            many.warnings,
            many.quality,
            many.pseudonym_key_id,
        )
        assert many.output_dir == tmp_path / "batched" / one.municipality_code
    _assert_same_output(tmp_path / "single", tmp_path / "batched")
    assert not [p for p in (tmp_path / "batched").iterdir() if p.name.startswith(".")]  # no work folder left


def _faulty(raw_root: Path, target: Path) -> Path:
    """Row faults in three of the four folders, among them context-dependent ones."""
    raw = _copy(raw_root, target)
    a, b, c, d = _folders(raw)
    _set(b / PAY, 3, "transaktions_id", _cell(b / PAY, 2, "transaktions_id"))  # a duplicate within b
    _set(b / PAY, 4, "kommunkod", a.name)  # a's code: right for a, wrong in b
    _set(c / COS, 2, "placerings_id", "PL-NOT-THERE")  # an unknown placement
    _set(c / PLA, 2, "fodelsear", "2027")  # after the extract year
    _set(d / PAY, 5, "utbetalningsdatum", "2031-01-01")  # after the extract date + 1 year
    _set(d / PAY, 2, "transaktions_id", _cell(a / PAY, 2, "transaktions_id"))  # a's id: fine in d
    return raw


def test_quarantine_sets_aside_per_folder_as_for_each_folder_alone(raw_root, tmp_path):
    raw = _faulty(raw_root, tmp_path / "raw")
    singles = _one_by_one(raw, tmp_path / "single", quarantine=True)
    batched = ingest_all(raw, tmp_path / "batched", quarantine=True, workers=2)
    aside = {r.municipality_code: {t: n for t, n in r.quality["rows_set_aside"].items() if n} for r in batched}
    a, b, c, d = (f.name for f in _folders(raw))
    assert aside[a] == {}
    assert aside[b] == {"payments": 3}  # two rows of the duplicate, one of the wrong code
    assert aside[c]["placements"] == 1 and aside[c]["placement_costs"] >= 1
    assert aside[d] == {"payments": 1}
    assert [r.quality for r in singles] == [r.quality for r in batched]
    _assert_same_output(tmp_path / "single", tmp_path / "batched")
    reasons = pd.read_parquet(tmp_path / "batched" / b / "_quarantine" / "payments.parquet")
    assert f'väntade kommunkod "{b}"' in " ".join(reasons["reason"])  # b's own code, not the batch's first


def test_a_failing_folder_writes_nothing_and_raises_as_alone(raw_root, tmp_path):
    raw = _faulty(raw_root, tmp_path / "raw")
    processed = tmp_path / "processed"
    ingest_all(raw_root, processed)  # an earlier good ingest: must stay as it is
    before = snapshot(processed)
    a, b, c, d = _folders(raw)
    with pytest.raises(IngestError) as batched:
        ingest_all(raw, processed, workers=2)
    assert snapshot(processed) == before  # byte-identical, no work folder left behind
    with pytest.raises(IngestError) as alone:
        ingest_municipality(b, tmp_path / "alone", key=None)
    assert str(batched.value) == str(alone.value)  # b is the first failing folder (a is fine)
    assert batched.value.file == f"{b.name}/{PAY}"
    assert (batched.value.row, batched.value.column) == (2, "transaktions_id")  # the first of the duplicates
    assert f'väntade kommunkod "{b.name}"' in str(batched.value)  # the row with a's code, in b
    # The later folders' errors are their own, as alone.
    for folder in (c, d):
        with pytest.raises(IngestError) as only:
            ingest_all(_only(folder, tmp_path / f"only-{folder.name}"), tmp_path / f"p-{folder.name}")
        with pytest.raises(IngestError) as single:
            ingest_municipality(folder, tmp_path / f"s-{folder.name}")
        assert str(only.value) == str(single.value)
        assert only.value.file.startswith(f"{folder.name}/")


def _only(folder: Path, target: Path) -> Path:
    """A raw root holding a copy of ``folder`` alone."""
    shutil.copytree(folder, target / folder.name)
    return target


def test_context_of_each_folder_names_its_own_values(raw_root, tmp_path):
    """Folders with different extract dates: each row is checked against, and errors name, its own."""
    raw = _copy(raw_root, tmp_path / "raw")
    a, b, c, d = _folders(raw)
    meta = json.loads((c / "uttag.json").read_text(encoding="utf-8"))
    meta["uttagsdatum"] = "2026-06-30"  # c's extract ends earlier: dates to 2027-06-30
    (c / "uttag.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    _set(c / PAY, 2, "utbetalningsdatum", "2027-07-01")  # after c's limit (fine for the others)
    _set(d / PAY, 2, "utbetalningsdatum", "2027-07-01")  # within d's limit (2027-11-05)
    with pytest.raises(IngestError) as info:
        ingest_all(raw, tmp_path / "processed", workers=1)
    assert info.value.file == f"{c.name}/{PAY}" and info.value.row == 2
    assert "väntade ett datum mellan 1900-01-01 och 2027-06-30" in str(info.value)
    assert not (tmp_path / "processed").exists()


def test_every_key_is_checked_before_any_file_is_read(raw_root, tmp_path):
    from snanalys.ingest import PseudonymKeyError

    raw = _copy(raw_root, tmp_path / "raw")
    last = _folders(raw)[-1]
    meta = json.loads((last / "uttag.json").read_text(encoding="utf-8"))
    meta["syntetiska_data"] = False  # real data, and no key
    (last / "uttag.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (_folders(raw)[0] / PAY).write_bytes(b"")  # would fail if it were read
    with pytest.raises(PseudonymKeyError):
        ingest_all(raw, tmp_path / "processed")
    assert not (tmp_path / "processed").exists()
    results = ingest_all(_copy(raw_root, tmp_path / "raw2"), tmp_path / "keyed", KEY)
    assert all(r.pseudonym_key_id == results[0].pseudonym_key_id for r in results)


def test_folders_with_different_keys_get_each_their_own(raw_root, tmp_path, monkeypatch):
    """A real folder (the key from the environment) among synthetic ones (the sample key):
    persons are hashed once per key, each folder as alone."""
    raw = _copy(raw_root, tmp_path / "raw")
    real = _folders(raw)[1]
    meta = json.loads((real / "uttag.json").read_text(encoding="utf-8"))
    meta["syntetiska_data"] = False
    (real / "uttag.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", KEY.decode())
    singles = _one_by_one(raw, tmp_path / "single")
    batched = ingest_all(raw, tmp_path / "batched", workers=1)
    assert len({r.pseudonym_key_id for r in batched}) == 2
    assert [r.pseudonym_key_id for r in singles] == [r.pseudonym_key_id for r in batched]
    _assert_same_output(tmp_path / "single", tmp_path / "batched")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("ab\x00ö-1"), max_size=30) | st.none(), max_size=40),
    st.integers(min_value=0, max_value=3),
)
def test_text_fingerprints_are_equal_exactly_for_equal_texts(values, skip):
    """The uniqueness check of row ids rests on these: equal ids must get equal fingerprints
    (unequal ones may collide, then they are compared as text, but these do not)."""
    from snanalys.ingest.fingerprints import text_fingerprints

    array = pa.array(["padding"] * skip + values, type=pa.large_string()).slice(skip)  # starts inside its buffer
    prints = text_fingerprints(array).tolist()
    seen: dict[int, str] = {}
    for value, fingerprint in zip(values, prints):
        if value is None:
            continue
        assert seen.setdefault(fingerprint, value) == value
    texts = [v for v in values if v is not None]
    assert len({p for v, p in zip(values, prints) if v is not None}) == len(set(texts))
