"""Malformed raw files: an IngestError naming file, row and column; processed_root untouched."""

from __future__ import annotations

import shutil

import pytest

from snanalys.ingest import IngestError, ingest_municipality

from rawfolder import ADULT, KEY, TEEN, RawFolder, identifier_values, snapshot, wrong_check_digit

PAYMENTS = "ekb_utbetalningar.csv"
MEMBERS = "ekb_hushallsmedlemmar.csv"
PLACEMENTS = "placeringar.csv"
COSTS = "placeringskostnader.csv"
INTERVENTIONS = "insatser_barn_unga.csv"

# Every message any test here provokes: none may hold an identifier value.
MESSAGES: list[str] = []


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A processed_root holding a good ingest, to be copied: a failing ingest must leave it as it is."""
    root = tmp_path_factory.mktemp("baseline")
    folder = RawFolder().write(root / "raw")
    ingest_municipality(folder, root / "processed", key=KEY)
    return root / "processed"


@pytest.fixture
def processed(baseline, tmp_path):
    target = tmp_path / "processed"
    shutil.copytree(baseline, target)
    return target


def fail(raw: RawFolder, tmp_path, processed) -> IngestError:
    """Ingest ``raw`` into ``processed`` expecting an IngestError; check nothing changed."""
    before = snapshot(processed)
    folder = raw.write(tmp_path / "raw")
    with pytest.raises(IngestError) as info:
        ingest_municipality(folder, processed, key=KEY)
    assert snapshot(processed) == before  # byte-identical, no temporary folder left behind
    message = str(info.value)
    MESSAGES.append(message)
    assert_no_identifiers(message, raw)
    return info.value


def assert_no_identifiers(message: str, raw: RawFolder) -> None:
    values = set(identifier_values())
    for columns, rows in raw.files.values():
        for column in ("personnummer", "hushalls_id", "transaktions_id", "placerings_id", "faktura_id", "insats_id"):
            if column in columns:
                values.update(r[column] for r in rows if r[column])
    leaked = [v for v in values if v in message]
    assert leaked == [], message


def _set(name, row, column, value):
    return lambda raw: raw.set(name, row, column, value)


BUDGET, LEDGER, POPULATION = "budget.csv", "huvudbok.csv", "befolkning.csv"
COST_BUDGET = "kostnadsbudget.csv"

# One cell set to a bad value → the error expected: (file, row, column, value, expected text[, row, column of
# the reported problem when it is another cell]).
CASES = {
    "bad date": (PAYMENTS, 3, "utbetalningsdatum", "2025-13-01", "ÅÅÅÅ-MM-DD"),
    "no such day": (MEMBERS, 4, "giltig_fran", "2025-02-30", "ÅÅÅÅ-MM-DD"),
    "date with slashes": (PLACEMENTS, 2, "startdatum", "2025/01/10", "ÅÅÅÅ-MM-DD"),
    "implausible date": (PAYMENTS, 2, "utbetalningsdatum", "1850-01-25", "mellan 1900-01-01 och 2027-11-05"),
    "bad month": (COSTS, 3, "avser_manad", "2025-3", "ÅÅÅÅ-MM"),
    "bad amount": (PAYMENTS, 4, "belopp", "12.5.3", "decimalkomma"),
    "amount with a point": (COSTS, 2, "belopp", "45000.00", "decimalkomma"),
    "amount with three decimals": (PAYMENTS, 2, "belopp", "12,345", "decimalkomma"),
    "unknown code": (PLACEMENTS, 3, "placeringsform", "INSTITUTION", "HVB"),
    "lower-case code": (MEMBERS, 2, "juridiskt_kon", "k", "koderna K, M"),
    "unknown verksamhet": (BUDGET, 3, "verksamhet", "SKOLA", "NAMND"),
    "wrong check digit": (MEMBERS, 2, "personnummer", wrong_check_digit(ADULT), "kontrollsiffra"),
    "personnummer malformed": (INTERVENTIONS, 3, "personnummer", "2010-01-15", "ÅÅÅÅMMDD-NNNN"),
    "end before start (placement)": (PLACEMENTS, 2, "slutdatum", "2025-01-09", "startdatum"),
    "end before start (membership)": (MEMBERS, 3, "giltig_till", "2024-05-31", "giltig_fran"),
    "end before start (intervention)": (INTERVENTIONS, 2, "slutdatum", "2024-08-31", "startdatum"),
    "duplicate transaktions_id": (
        PAYMENTS,
        5,
        "transaktions_id",
        "TX-QZ-0002",
        "unikt id, men samma värde finns också på rad 5",
        3,
    ),
    "duplicate placerings_id": (PLACEMENTS, 4, "placerings_id", "PL-QZ-01", "unikt", 2),
    "cost of an unknown placement": (COSTS, 5, "placerings_id", "PL-QZ-99", "placeringar.csv"),
    "missing value": (PAYMENTS, 6, "hushalls_id", "", "värde saknas"),
    "missing code": (PLACEMENTS, 3, "lagrum", "", "värde saknas"),
    "kommunkod of another municipality": (PAYMENTS, 4, "kommunkod", "0481", '"0480"'),
    "kommunkod without its zero": (LEDGER, 2, "kommunkod", "480", '"0480"'),
    "newly arrived child": (MEMBERS, 4, "nyanland", "J", "barn"),
    "bad yes/no": (MEMBERS, 2, "nyanland", "Ja", "J eller N"),
    "bad integer": (PLACEMENTS, 2, "fodelsear", "20x0", "heltal"),
    "month 13": (LEDGER, 3, "manad", "13", "1 och 12"),
    "duplicate population row": (POPULATION, 3, "juridiskt_kon", "K", "en rad per", 2, "aldersgrupp"),
    "unknown cost area": (COST_BUDGET, 3, "omrade", "SKOLA", "EKONOMISKT_BISTAND"),
    "negative cost budget": (COST_BUDGET, 4, "budget", "-29 608 000", "positivt tecken"),
    "cost budget with a point": (COST_BUDGET, 5, "budget", "35813000.00", "decimalkomma"),
    "duplicate cost budget row": (COST_BUDGET, 7, "ar", "2025", "en rad per ar och omrade", 6, "omrade"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_cell_is_located(case, tmp_path, processed):
    name, row, column, value, expected, *reported = CASES[case]
    raw = RawFolder()
    raw.set(name, row, column, value)
    error = fail(raw, tmp_path, processed)
    row = reported[0] if reported else row
    column = reported[1] if len(reported) > 1 else column
    assert error.file == f"0480/{name}"
    assert error.row == row
    assert error.column == column
    assert expected in error.expected
    assert str(error).startswith(f'0480/{name}, rad {row}, kolumn "{column}": ')


def test_the_message_shows_a_bad_value_but_not_an_identifier(tmp_path, processed):
    raw = RawFolder()
    raw.set(PAYMENTS, 4, "belopp", "12.5.3")
    error = fail(raw, tmp_path, processed)
    assert str(error) == (
        '0480/ekb_utbetalningar.csv, rad 4, kolumn "belopp": väntade ett belopp i kronor med decimalkomma '
        '(t.ex. 1234,50 eller -850,00), fick "12.5.3"'
    )
    raw = RawFolder()
    raw.set(MEMBERS, 2, "personnummer", wrong_check_digit(ADULT))
    error = fail(raw, tmp_path, processed)
    assert str(error).endswith("fick ***")


def test_a_personnummer_in_the_wrong_column_is_masked(tmp_path, processed):
    raw = RawFolder()
    raw.set(PLACEMENTS, 2, "fodelsear", TEEN)  # columns shifted by hand: still never shown
    error = fail(raw, tmp_path, processed)
    assert (error.row, error.column) == (2, "fodelsear")
    assert TEEN not in str(error) and TEEN.replace("-", "") not in str(error)


def test_many_failures_show_the_first_five_and_the_count(tmp_path, processed):
    raw = RawFolder()
    for row in range(2, 7):
        raw.set(PAYMENTS, row, "belopp", "x")
    raw.set(PAYMENTS, 3, "avser_manad", "mars")
    raw.set(PAYMENTS, 6, "hushallstyp", "")
    error = fail(raw, tmp_path, processed)
    assert error.total == 7
    assert len(error.problems) == 5
    lines = str(error).splitlines()
    assert len(lines) == 6
    assert [p.row for p in error.problems] == [2, 3, 3, 4, 5]
    assert [p.column for p in error.problems] == ["belopp", "avser_manad", "belopp", "belopp", "belopp"]
    assert "totalt 7 fel" in lines[-1]


def test_an_unparseable_cell_is_not_also_reported_missing(tmp_path, processed):
    raw = RawFolder()
    raw.set(PLACEMENTS, 2, "startdatum", "igår")
    error = fail(raw, tmp_path, processed)
    assert error.total == 1


# --- whole files ----------------------------------------------------------------------------------


def test_a_missing_column_is_named(tmp_path, processed):
    raw = RawFolder()
    raw.drop_column(PAYMENTS, "belopp")
    error = fail(raw, tmp_path, processed)
    assert (error.file, error.column) == (f"0480/{PAYMENTS}", "belopp")
    assert "saknas" in str(error)


def test_an_empty_file(tmp_path, processed):
    raw = RawFolder()
    raw.raw_bytes[COSTS] = b""
    error = fail(raw, tmp_path, processed)
    assert error.file == f"0480/{COSTS}" and "tom" in str(error)
    raw.raw_bytes[COSTS] = b"\xef\xbb\xbf\n\n"
    assert "tom" in str(fail(raw, tmp_path, processed))


def test_a_file_with_only_its_header(tmp_path, processed):
    raw = RawFolder()
    raw.raw_bytes[INTERVENTIONS] = raw.text(INTERVENTIONS).splitlines()[0].encode() + b"\n"
    error = fail(raw, tmp_path, processed)
    assert error.file == f"0480/{INTERVENTIONS}" and "rubrikrad" in str(error)


@pytest.mark.parametrize("name", [BUDGET, COST_BUDGET])
def test_a_missing_file(name, tmp_path, processed):
    raw = RawFolder()
    raw.raw_bytes[name] = None
    error = fail(raw, tmp_path, processed)
    assert error.file == f"0480/{name}" and "saknas" in str(error)
    assert str(error).startswith(f"0480/{name}")


def test_both_csv_and_xlsx(tmp_path, processed):
    raw = RawFolder()
    (tmp_path / "raw" / "0480").mkdir(parents=True)
    (tmp_path / "raw" / "0480" / "budget.xlsx").write_bytes(b"")
    error = fail(raw, tmp_path, processed)
    assert "budget.xlsx" in str(error) and "båda" in str(error)


def test_a_row_with_too_many_fields(tmp_path, processed):
    raw = RawFolder()
    raw.set(PAYMENTS, 4, "hushallstyp", "ENSAM_MED_BARN;extra")
    error = fail(raw, tmp_path, processed)
    assert (error.file, error.row) == (f"0480/{PAYMENTS}", 4)
    assert "7 fält" in str(error)


def test_a_comma_separated_file(tmp_path, processed):
    raw = RawFolder()
    raw.raw_bytes["budget.csv"] = raw.text("budget.csv").replace(";", ",").encode()
    assert "semikolon" in str(fail(raw, tmp_path, processed))


def test_a_file_in_an_unknown_encoding(tmp_path, processed):
    raw = RawFolder()
    raw.raw_bytes["budget.csv"] = raw.text("budget.csv").encode() + b"0480;2026;NAMND;1\x81\n"
    error = fail(raw, tmp_path, processed)
    assert (error.row, "teckenkodning" in str(error)) == (5, True)


def test_row_numbers_count_blank_lines(tmp_path, processed):
    raw = RawFolder()
    raw.set(COSTS, 4, "belopp", "fel")
    lines = raw.text(COSTS).splitlines()
    raw.raw_bytes[COSTS] = ("\n".join(lines[:2] + ["", ";;;;;"] + lines[2:]) + "\n").encode()
    error = fail(raw, tmp_path, processed)
    assert error.row == 6  # the header, one data row, two blank ones, then the second and third rows


# --- uttag.json -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("kommunkod", "0481", "mappens namn"),
        ("kommunkod", 480, "text"),
        ("uttagsdatum", "5 nov 2026", "ÅÅÅÅ-MM-DD"),
        ("syntetiska_data", "ja", "true eller false"),
        ("raknegrund", "kassamassigt", '"utbetalningsdatum" eller "avser_manad"'),
    ],
)
def test_a_bad_extract_file(key, value, expected, tmp_path, processed):
    raw = RawFolder()
    raw.extract[key] = value
    error = fail(raw, tmp_path, processed)
    assert (error.file, error.column) == ("0480/uttag.json", key)
    assert expected in str(error)


# --- the write itself -------------------------------------------------------------------------------


def test_a_failure_while_writing_leaves_processed_root_unchanged(tmp_path, processed, monkeypatch):
    import snanalys.ingest.writing as writing

    real = writing.write_parquet
    calls = []

    def flaky(path, frame):
        calls.append(path.name)
        if len(calls) == 3:
            raise OSError("disk full")
        real(path, frame)

    monkeypatch.setattr(writing, "write_parquet", flaky)
    before = snapshot(processed)
    folder = RawFolder().write(tmp_path / "raw")
    with pytest.raises(OSError, match="disk full"):
        ingest_municipality(folder, processed, key=KEY)
    assert snapshot(processed) == before


def test_a_failed_first_ingest_creates_nothing(tmp_path):
    raw = RawFolder()
    raw.set(PAYMENTS, 2, "belopp", "?")
    folder = raw.write(tmp_path / "raw")
    with pytest.raises(IngestError):
        ingest_municipality(folder, tmp_path / "processed", key=KEY)
    assert not (tmp_path / "processed").exists()


def test_a_crash_during_the_swap_leaves_nothing_a_reader_would_take_for_data(tmp_path, processed, monkeypatch):
    """Even if the work folders were never removed, readers' globs see one municipality."""
    import snanalys.ingest.writing as writing
    from snanalys.data import load_municipality

    monkeypatch.setattr(writing.shutil, "rmtree", lambda *a, **k: None)  # as if the process died
    ingest_municipality(RawFolder().write(tmp_path / "raw"), processed, key=KEY)
    assert any(p.name.startswith((".tmp-0480-", ".old-0480-")) for p in processed.iterdir())
    assert [p.parent.name for p in processed.glob("*/extract.json")] == ["0480"]
    assert len(list(processed.glob("*/payments.parquet"))) == 1
    assert load_municipality(processed).extract.municipality_code == "0480"


IDENTIFIER_CASES = [
    _set(MEMBERS, 2, "personnummer", wrong_check_digit(ADULT)),
    _set(MEMBERS, 3, "personnummer", ADULT.replace("-", "/")),
    _set(PAYMENTS, 3, "transaktions_id", "TX-QZ-0001"),
    _set(COSTS, 2, "faktura_id", "FK-QZ-02"),
    _set(COSTS, 5, "placerings_id", "PL-QZ-99"),
    _set(INTERVENTIONS, 2, "insats_id", "IN-QZ-" + "Q" * 120),
    _set(PLACEMENTS, 3, "juridiskt_kon", TEEN),
    _set(PAYMENTS, 2, "hushallstyp", f"ENSAM;{ADULT}"),  # a row with a field too many
]


def test_no_message_or_log_holds_an_identifier(tmp_path, processed, caplog):
    caplog.set_level("DEBUG", logger="snanalys")
    messages = list(MESSAGES)
    for i, mutate in enumerate(IDENTIFIER_CASES):
        raw = RawFolder()
        mutate(raw)
        with pytest.raises(IngestError) as info:
            ingest_municipality(raw.write(tmp_path / f"raw{i}"), processed, key=KEY)
        messages.append(str(info.value))
        messages.extend(str(p) for p in info.value.problems)
        assert_no_identifiers(str(info.value), raw)
    identifiers = identifier_values() + [wrong_check_digit(ADULT), "PL-QZ-99", TEEN, ADULT.replace("-", "/")]
    identifiers += [i.replace("-", "") for i in identifiers if i[:2] in ("19", "20")]
    texts = messages + [caplog.text]
    assert [v for v in identifiers for text in texts if v in text] == []
