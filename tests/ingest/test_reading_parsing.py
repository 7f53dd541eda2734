"""Reading (encodings, xlsx, layout) and the vectorised parsers, pseudonyms and masking."""

from __future__ import annotations

import datetime as dt
import hmac
import json

import numpy as np
import pandas as pd
import pytest

from snanalys.ingest import IngestError, ingest_municipality
from snanalys.ingest import pseudonymise as ps
from snanalys.ingest.errors import shown_value
from snanalys.ingest.parsing import (
    birth_dates,
    luhn_valid,
    normalise_personnummer,
    parse_amount,
    parse_date,
    parse_integer,
    parse_month,
    parse_yes_no,
)

from rawfolder import ADULT, KEY, TEEN, RawFolder, luhn_digit, pnr

PLACEMENTS = "placeringar.csv"


def _ingest(raw, tmp_path, name="processed"):
    return ingest_municipality(raw.write(tmp_path / "raw"), tmp_path / name, key=KEY)


def _raw_files(result) -> dict:
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    return {f["name"]: f for f in meta["raw_files"]}


def _text(values) -> pd.Series:
    return pd.Series(values, dtype="str")


# --- encodings and layout ------------------------------------------------------------------------


def test_a_windows_1252_file_reads_its_swedish_letters(tmp_path):
    raw = RawFolder()
    raw.set(PLACEMENTS, 2, "utforar_id", "Vårdhem Ängsö Öst")
    raw.encodings[PLACEMENTS] = "cp1252"
    result = _ingest(raw, tmp_path)
    placements = pd.read_parquet(result.output_dir / "placements.parquet")
    assert placements["provider_id"].iloc[0] == "Vårdhem Ängsö Öst"
    files = _raw_files(result)
    assert files[PLACEMENTS]["encoding"] == "cp1252"
    assert files["budget.csv"]["encoding"] == "utf-8"


def test_utf8_with_and_without_bom(tmp_path):
    raw = RawFolder()
    raw.set(PLACEMENTS, 2, "utforar_id", "Vårdhem Ängsö")
    raw.raw_bytes["budget.csv"] = b"\xef\xbb\xbf" + raw.text("budget.csv").encode()
    result = _ingest(raw, tmp_path)
    files = _raw_files(result)
    assert files["budget.csv"]["encoding"] == "utf-8-sig"
    assert files[PLACEMENTS]["encoding"] == "utf-8"
    assert pd.read_parquet(result.output_dir / "placements.parquet")["provider_id"].iloc[0] == "Vårdhem Ängsö"
    assert pd.read_parquet(result.output_dir / "budget.parquet")["municipality_code"].eq("0480").all()


def test_column_order_extra_columns_whitespace_and_crlf(tmp_path):
    plain = _ingest(RawFolder(), tmp_path, "plain")
    raw = RawFolder()
    columns, rows = raw.files["ekb_utbetalningar.csv"]
    columns.reverse()
    columns.insert(2, "Kommentar")
    for row in rows:
        row["Kommentar"] = "fri text"
        row["hushallstyp"] = f"  {row['hushallstyp']} "
        row["transaktions_id"] = f"{row['transaktions_id']}\t"
    raw.raw_bytes["ekb_utbetalningar.csv"] = raw.text("ekb_utbetalningar.csv").replace("\n", "\r\n").encode()
    result = _ingest(raw, tmp_path, "shuffled")
    assert result.warnings == ['0480/ekb_utbetalningar.csv: okända kolumner ignoreras: "kommentar"']
    a = pd.read_parquet(plain.output_dir / "payments.parquet")
    b = pd.read_parquet(result.output_dir / "payments.parquet")
    pd.testing.assert_frame_equal(a, b)
    meta = json.loads((result.output_dir / "extract.json").read_text(encoding="utf-8"))
    assert meta["warnings"] == result.warnings


def test_an_xlsx_workbook_reads_like_the_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    plain = _ingest(RawFolder(), tmp_path, "plain")
    raw = RawFolder()
    columns, rows = raw.files[PLACEMENTS]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        cells = dict(row)
        cells["fodelsear"] = int(row["fodelsear"])  # a number cell
        cells["startdatum"] = dt.datetime.fromisoformat(row["startdatum"])  # a date cell
        cells["slutdatum"] = row["slutdatum"] or None
        cells["utforar_id"] = row["utforar_id"] or None
        sheet.append([cells[c] for c in columns])
    book.create_sheet("Anteckningar").append(["ignored"])
    raw.raw_bytes[PLACEMENTS] = None
    folder = raw.write(tmp_path / "raw-xlsx")
    book.save(folder / "placeringar.xlsx")
    result = ingest_municipality(folder, tmp_path / "xlsx", key=KEY)
    pd.testing.assert_frame_equal(
        pd.read_parquet(plain.output_dir / "placements.parquet"),
        pd.read_parquet(result.output_dir / "placements.parquet"),
    )
    files = _raw_files(result)
    assert files["placeringar.xlsx"]["encoding"] == "xlsx" and files["placeringar.xlsx"]["rows"] == 3

    # An error in a workbook is located by the sheet's row.
    sheet.cell(row=3, column=columns.index("lagrum") + 1, value="LVX")
    book.save(folder / "placeringar.xlsx")
    with pytest.raises(IngestError) as info:
        ingest_municipality(folder, tmp_path / "xlsx", key=KEY)
    assert (info.value.file, info.value.row, info.value.column) == ("0480/placeringar.xlsx", 3, "lagrum")
    # A workbook that is not one.
    (folder / "placeringar.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(IngestError, match="Excel"):
        ingest_municipality(folder, tmp_path / "xlsx", key=KEY)


# --- parsers -----------------------------------------------------------------------------------------


def test_amounts():
    text = ["1234,50", "-850,00", "1 234,50", "1\u00a0234,5", "1\u202f000\u202f000", "7800", "\u2212850", "", "0,05"]
    parsed, bad = parse_amount(_text(text))
    assert parsed.tolist()[:7] == [1234.5, -850.0, 1234.5, 1234.5, 1000000.0, 7800.0, -850.0]
    assert np.isnan(parsed.iloc[7]) and parsed.iloc[8] == 0.05
    assert not bad.any()
    wrong = ["12.5.3", "1.234,50", "12,345", "1 23,00", "12 3456", "abc", "--5", "5-", "1,", ",5"]
    parsed, bad = parse_amount(_text(wrong))
    assert bad.all() and parsed.isna().all()


def test_dates_and_months():
    parsed, bad = parse_date(_text(["2024-02-29", "2025-02-29", "2025-1-05", "", "2025-01-05 ", "20250105"]))
    assert parsed.iloc[0] == pd.Timestamp("2024-02-29")
    assert bad.tolist() == [False, True, True, False, True, True]
    assert str(parsed.dtype) == "datetime64[us]"
    parsed, bad = parse_month(_text(["2025-03", "2025-13", "2025-3", "2025-03-01", ""]))
    assert parsed.iloc[0] == pd.Timestamp("2025-03-01")
    assert bad.tolist() == [False, True, True, True, False]
    # Many rows: parsed once per distinct value, the same result.
    many = _text(["2025-01-31", "2025-02-31", ""] * 1000)
    parsed, bad = parse_date(many)
    assert parsed.iloc[3] == pd.Timestamp("2025-01-31") and bad.sum() == 1000 and parsed.isna().sum() == 2000


def test_integers_and_yes_no():
    parsed, bad = parse_integer(_text(["2025", "-3", "", "2,5", "1e3", " 7"]))
    assert parsed.tolist()[:2] == [2025, -3] and pd.isna(parsed.iloc[2])
    assert bad.tolist() == [False, False, False, True, True, True]
    parsed, bad = parse_yes_no(_text(["J", "N", "", "j", "Ja"]))
    assert parsed.tolist()[:2] == [True, False] and pd.isna(parsed.iloc[2])
    assert bad.tolist() == [False, False, False, True, True]


def test_luhn_and_birth_dates():
    good = [pnr("19850312", "123"), pnr("20000229", "001"), pnr("19121231", "999")]
    coordination = pnr("19850372", "123")  # samordningsnummer: day + 60
    numbers = _text(good + [coordination, good[0][:-1] + str((int(good[0][-1]) + 5) % 10), "19850312-12", ""])
    twelve = normalise_personnummer(numbers)
    assert twelve.iloc[0] == good[0].replace("-", "") and twelve.iloc[5:].isna().all()
    assert luhn_valid(twelve).tolist() == [True, True, True, True, False, False, False]
    born = birth_dates(twelve)
    assert born.iloc[:4].tolist() == [pd.Timestamp(d) for d in ("1985-03-12", "2000-02-29", "1912-12-31", "1985-03-12")]
    assert born.iloc[5:].isna().all()
    assert birth_dates(normalise_personnummer(_text([pnr("20010229", "123")]))).isna().all()  # no such day
    # The vectorised check agrees with the plain one on many numbers.
    rng = np.random.default_rng(1)
    nine = [f"{n:09d}" for n in rng.integers(0, 10**9, 500)]
    digits = [str(luhn_digit(n)) for n in nine]
    shifted = [str((int(d) + 1) % 10) for d in digits]
    text = _text([f"19{n[:6]}-{n[6:]}{d}" for n, d in zip(nine + nine, digits + shifted, strict=True)])
    assert luhn_valid(normalise_personnummer(text)).tolist() == [True] * 500 + [False] * 500


# --- pseudonyms and masking -------------------------------------------------------------------------


def test_pseudonyms_are_standard_hmac_sha256():
    p = ps.Pseudonymiser(KEY)
    values = _text(["HH-1", "HH-2", "HH-1", None, "Åsa"])
    keys = p.pseudonymise(values, "household", scope="0480")
    expected = [hmac.new(KEY, f"household:0480:{v}".encode(), "sha256").hexdigest()[:16] for v in ("HH-1", "HH-2")]
    assert keys.tolist()[:3] == [expected[0], expected[1], expected[0]]
    assert pd.isna(keys.iloc[3])
    assert keys.iloc[4] == hmac.new(KEY, "household:0480:Åsa".encode(), "sha256").hexdigest()[:16]
    twelve = "19850312" + "1234"  # built at run time: git holds no personnummer-shaped value
    person = p.pseudonymise(_text([twelve]), "person", scope="0480")
    assert person.iloc[0] == hmac.new(KEY, f"person::{twelve}".encode(), "sha256").hexdigest()[:16]
    import pyarrow as pa

    for array in (pa.array(["a", "bb", "ccc"], pa.large_string()), pa.array(["a", "bb", "ccc"], pa.string())):
        sliced = p.hex_keys(array.slice(1), "invoice", "0480").to_pylist()  # an array that starts inside its buffer
        assert sliced == [hmac.new(KEY, f"invoice:0480:{v}".encode(), "sha256").hexdigest()[:16] for v in ("bb", "ccc")]
    long_key = b"k" * 100  # longer than SHA-256's block: hashed first, as HMAC does
    assert (
        ps.Pseudonymiser(long_key).pseudonymise(_text(["x"]), "invoice", "0480").iloc[0]
        == hmac.new(long_key, b"invoice:0480:x", "sha256").hexdigest()[:16]
    )


def test_parallel_hashing_gives_the_same_keys(monkeypatch):
    p = ps.Pseudonymiser(KEY)
    values = _text([f"TX-{i}" for i in range(5000)])
    serial = p.pseudonymise(values, "transaction", "0480", unique=True)
    monkeypatch.setattr(ps, "PARALLEL_MIN", 10)
    monkeypatch.setattr(ps, "_workers", lambda n: 3)
    parallel = p.pseudonymise(values, "transaction", "0480", unique=True)
    assert parallel.tolist() == serial.tolist()
    assert parallel.iloc[7] == hmac.new(KEY, b"transaction:0480:TX-7", "sha256").hexdigest()[:16]


def test_values_are_masked_in_messages():
    assert shown_value("HH-QALPHA-7", column="hushalls_id") == "***"
    # anything the identity rule finds is shown masked, wherever it stands
    assert shown_value(ADULT, column="belopp") == f'"{ADULT[:5]}*-****"'
    assert shown_value(TEEN.replace("-", ""), column=None) == f'"{TEEN[:5]}*-****"'
    assert shown_value(TEEN.replace("-", "")[2:], column=None) == f'"{TEEN[2:7]}*-****"'
    assert shown_value(f"Familjehem {ADULT} tel 070-123 45 67", column="utforar_id") == (
        f'"Familjehem {ADULT[:5]}*-**** tel 070…"'
    )
    assert shown_value("a\x00b\tc", column="utforar_id") == "'a\\x00b\\x09c'"
    assert shown_value("y" * 1_000_000, column="utforar_id") == '"' + "y" * 30 + '…"'
    assert shown_value("12.5.3", column="belopp") == '"12.5.3"'
    assert shown_value("x" * 50, column="utforar_id") == '"' + "x" * 30 + '…"'
    assert shown_value("", column="belopp") is None
