"""The corpus of bad inputs (tests/ingest/corpus/make_corpus.py, docs/bad_inputs.md): every case
has its documented outcome; a stop names file, row and column and leaves processed_root as
it was; quarantine sets the rows aside; no message or quarantined row holds an identifier."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from corpus.make_corpus import CASES, Case, folder

from snanalys.identity import find_identities
from snanalys.ingest import IngestError, ingest_municipality

from rawfolder import KEY, RawFolder, identifier_values, snapshot

DOC = Path(__file__).resolve().parents[2] / "docs" / "bad_inputs.md"
ID_COLUMNS = ("personnummer", "hushalls_id", "transaktions_id", "placerings_id", "faktura_id", "insats_id")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus-baseline")
    ingest_municipality(RawFolder().write(root / "raw"), root / "processed", key=KEY)
    return root / "processed"


def _identifiers(case: Case) -> list[str]:
    raw = RawFolder()
    case.change(raw)
    values = set(identifier_values())
    for columns, rows in raw.files.values():
        for column in ID_COLUMNS:
            if column in columns:
                values.update(r[column] for r in rows if r.get(column))
    return sorted(values)


def _assert_clean(text: str, case: Case) -> None:
    leaked = [v for v in _identifiers(case) if v in text]
    assert leaked == [], text
    # nothing the identity rule finds (digests and pseudonyms are hex: not counted), no raw control character
    assert [str(f) for f in find_identities(text)] == [], text
    assert "\x00" not in text and len(text) < 100_000


def _stop(case: Case, tmp_path, baseline, *, quarantine: bool) -> IngestError:
    processed = tmp_path / f"processed-{quarantine}"
    shutil.copytree(baseline, processed)
    before = snapshot(processed)
    raw_dir = folder(case, tmp_path / f"raw-{quarantine}")
    with pytest.raises(IngestError) as info:
        ingest_municipality(raw_dir, processed, key=KEY, quarantine=quarantine)
    assert snapshot(processed) == before
    error = info.value
    file, row, column = case.where
    assert (error.file, error.row, error.column) == (file, row, column), str(error)
    if case.says is not None:
        assert case.says in str(error), str(error)
    _assert_clean(str(error), case)
    return error


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case: Case, tmp_path, baseline):
    if case.outcome == "read":
        result = ingest_municipality(folder(case, tmp_path / "raw"), tmp_path / "processed", key=KEY)
        assert all(n > 0 for n in result.rows.values())
        assert set(result.quality["rows_set_aside"].values()) == {0}
        assert not (result.output_dir / "_quarantine").exists()
        return
    _stop(case, tmp_path, baseline, quarantine=False)
    if case.outcome == "stop":
        _stop(case, tmp_path, baseline, quarantine=True)
        return
    assert case.outcome == "quarantine"
    result = ingest_municipality(folder(case, tmp_path / "raw-q"), tmp_path / "processed-q", key=KEY, quarantine=True)
    aside = {t: n for t, n in result.quality["rows_set_aside"].items() if n}
    assert aside == case.aside
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    assert meta["quality"] == result.quality
    _assert_clean(json.dumps(meta, ensure_ascii=False), case)
    file, row, column = case.where
    for table, n in case.aside.items():
        frame = pd.read_parquet(result.output_dir / "_quarantine" / f"{table}.parquet")
        assert frame["row"].nunique() == n
        assert {"file", "row", "column", "reason"} <= set(frame.columns)
        _assert_clean(frame.to_csv(index=False), case)
        assert result.rows[table] == result.quality["rows_read"][table] - n
    first = pd.read_parquet(result.output_dir / "_quarantine" / f"{list(case.aside)[0]}.parquet")
    assert ((first["file"] == file) & (first["row"] == row) & (first["column"] == column)).any()


def test_the_corpus_is_documented():
    """docs/bad_inputs.md lists every case with its expected outcome (and at least 30 of them)."""
    assert len(CASES) >= 30
    text = DOC.read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| ([RSQ]\d\d) \|.*?\| (read|stop|quarantine) \|", text, flags=re.M))
    assert documented == {c.id: c.outcome for c in CASES}
    assert {c.outcome for c in CASES} == {"read", "stop", "quarantine"}


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("SNANALYS_SLOW") != "1", reason="large file: set SNANALYS_SLOW=1")
def test_a_200_mb_payment_file_with_a_few_bad_rows_is_quarantined(tmp_path):
    """About 200 MB of payments with three bad rows: read with quarantine, the three set aside."""
    raw = RawFolder()
    folder_ = raw.write(tmp_path / "raw")
    n = 2_600_000
    ids = pd.Series(range(n)).astype(str)
    frame = pd.DataFrame(
        {
            "kommunkod": "0480",
            "transaktions_id": "TX-QZ-" + ids,
            "hushalls_id": "HH-QZ-" + (pd.Series(range(n)) % 50_000).astype(str),
            "utbetalningsdatum": "2025-03-25",
            "avser_manad": "2025-03",
            "belopp": "12 345,50",
            "hushallstyp": "SAMBO_MED_BARN",
        }
    )
    frame.loc[10, "utbetalningsdatum"] = "2025-02-30"
    frame.loc[20, "belopp"] = "99 000 000,00"
    frame.loc[30, "hushallstyp"] = "=cmd|' /C calc'!A0"
    frame.to_csv(folder_ / "ekb_utbetalningar.csv", sep=";", index=False)
    assert (folder_ / "ekb_utbetalningar.csv").stat().st_size > 150_000_000
    result = ingest_municipality(folder_, tmp_path / "processed", key=KEY, quarantine=True)
    assert result.quality["rows_set_aside"]["payments"] == 3
    assert result.rows["payments"] == n - 3
