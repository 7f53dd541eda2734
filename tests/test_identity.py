"""The one identity rule: every spelling of a personnummer is found, what the project
publishes is not. Test numbers are built at run time (git holds none)."""

from __future__ import annotations

import datetime as dt
import hashlib
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from snanalys.identity import (
    DIGIT_RUN,
    EMAIL,
    PERSONNUMMER,
    PHONE,
    SAMORDNINGSNUMMER,
    find_identities,
    luhn_ok,
    mask_identities,
)
from snanalys.presentation import format_decimal_sv, format_number


def _check_digit(nine: str) -> str:
    for d in "0123456789":
        if luhn_ok(nine + d):
            return d
    raise AssertionError(nine)


def _number(day: dt.date, serial: int, *, coordination: bool = False, valid: bool = True) -> tuple[str, str]:
    """(century, ten digits) of a personnummer or samordningsnummer born on ``day``."""
    date = f"{day:%y%m}{day.day + (60 if coordination else 0):02d}"
    nine = date + f"{serial:03d}"
    check = _check_digit(nine)
    if not valid:
        check = str((int(check) + 1) % 10)
    return f"{day:%Y}"[:2], nine + check


SEPARATORS = ["-", "+", " ", "", "\u2013"]
days = st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2026, 12, 31))
serials = st.integers(min_value=0, max_value=999)


@settings(max_examples=300)
@given(days, serials, st.booleans(), st.booleans(), st.sampled_from(SEPARATORS), st.booleans())
def test_every_personnummer_in_every_spelling_is_found(day, serial, coordination, century, sep, valid):
    cc, ten = _number(day, serial, coordination=coordination, valid=valid)
    written = (cc if century else "") + ten[:6] + sep + ten[6:]
    text = f"Anteckning: {written}, se akten."
    findings = find_identities(text)
    assert len(findings) == 1, (written, findings)
    f = findings[0]
    assert f.kind == (SAMORDNINGSNUMMER if coordination else PERSONNUMMER)
    assert f.check_digit_ok is valid
    assert text[f.start : f.end] == written
    # only the first five digits as written are shown, never the serial ("0000" may well be in
    # "20000*" as part of the year 2000, so the test names what is shown)
    assert f.masked == ((cc if century else "") + ten)[:5] + "*-****"
    assert written not in mask_identities(text) and mask_identities(text).startswith("Anteckning: ")


@given(days, serials, st.sampled_from(SEPARATORS))
def test_a_personnummer_in_a_numeric_cell_is_found_but_a_10_digit_amount_is_not(day, serial, sep):
    _, ten = _number(day, serial)
    assert [f.kind for f in find_identities(ten, numeric=True)] == [PERSONNUMMER]
    assert find_identities("1500000000", numeric=True) == []
    assert [f.kind for f in find_identities("1500000000")] == [DIGIT_RUN]


@given(st.integers(min_value=100000, max_value=999999).filter(lambda n: str(n)[2] >= "2"), st.integers(0, 9999))
def test_organisation_numbers_are_allowed(first, last):
    number = f"{first}-{last:04d}"
    assert find_identities(f"Utförare {number} AB") == []
    assert find_identities(f"Utförare 16{number} AB") == []
    bare = f"{first}{last:04d}"
    if luhn_ok(bare):
        assert find_identities(bare) == []
    assert find_identities("556677-8899") == [] and find_identities("212000-0142") == []


@given(
    st.one_of(st.integers(min_value=-(10**12), max_value=10**12), st.floats(-1e12, 1e12, allow_nan=False)),
    st.sampled_from(["kr", "tkr", "hushåll", "kr/vårddygn", "personer", "%"]),
)
def test_published_amounts_are_not_identities(value, unit):
    assert find_identities(format_number(value, unit)) == []
    assert find_identities(format_decimal_sv(value, 2)) == []
    assert find_identities(f"{format_decimal_sv(value, 0)} {format_decimal_sv(value, 1)}") == []


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(1, 3))
def test_dates_years_and_periods_are_not_identities(day, tertial):
    text = f"{day:%Y-%m-%d} {day:%Y} {day:%Y}-T{tertial} {day:%Y-%m} {day:%Y-%m-%d}–{day:%Y-%m-%d} {day:%Y%m%d}"
    assert find_identities(text) == []


@given(st.binary(min_size=8, max_size=8), st.binary(min_size=1, max_size=64))
def test_pseudonyms_digests_and_uuids_are_not_identities(key, data):
    pseudonym = key.hex()
    digest = hashlib.sha256(data).hexdigest()
    assert find_identities(f"{pseudonym} {digest} {digest.upper()}") == []
    assert find_identities(f"{pseudonym[:8]}-{pseudonym[8:12]}-4{pseudonym[13:16]}-a{digest[:3]}-{digest[3:15]}") == []


def test_the_examples_of_the_brief():
    tolvan = "19121212" + "-1212"  # Skatteverket's test number
    assert [str(f) for f in find_identities(f"x {tolvan} y")] == ["personnummer 19121*-****"]
    assert find_identities("96 507 251 1 123 2026-11-22 2025-T3 4 849,5 4\u00a0849,5 0480") == []
    assert [f.kind for f in find_identities("070-123 45 67")] == [PHONE]
    assert [f.kind for f in find_identities("+46 70 123 45 67")] == [PHONE]
    assert [f.kind for f in find_identities("08-123 456 78")] == [PHONE]
    assert [f.kind for f in find_identities("Ring 0046 8 123 456 78")] == [PHONE]
    assert [f.masked for f in find_identities("anna.berg@kommun.se")] == ["a***@kommun.se"]
    assert [f.kind for f in find_identities("kontakt: anna.berg@kommun.se.")] == [EMAIL]
    assert [f.kind for f in find_identities("ärende 9900123456")] == [DIGIT_RUN]
    assert find_identities("ärende 0123456789") != []  # (a phone number without separators, or a case number)
    assert find_identities("9408227271a05124") == []  # a pseudonym (hex) is not a personnummer
    assert find_identities("0.12345678901 1763800000.25") == []  # decimals


def test_an_amount_table_read_out_of_a_pdf_is_not_a_phone_number():
    # cells of a table as a PDF's text gives them: amounts with no-break spaces side by side
    assert find_identities("2025 8\u00a0036 582 18\u00a0524 335 5\u00a0180 2\u00a0621 35\u00a0278") == []
    assert find_identities("Exempelkommun (0480) · period 2025-01-01–2025-08-31") == []


@given(st.text(alphabet=string.ascii_letters + string.digits + " -+.,:;/()@", max_size=80))
def test_masking_never_shows_a_found_value(text):
    masked = mask_identities(text)
    for f in find_identities(text):
        value = text[f.start : f.end]
        if sum(c.isdigit() for c in value) >= 10:
            assert value not in masked
    assert find_identities(mask_identities(text, replacement="[borttaget]")) == []
