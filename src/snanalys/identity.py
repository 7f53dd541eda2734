"""The one rule for "is this text a personal identity?", and how such a value is masked.

Everything that guards a public or internal file asks this module: the ingest (free-text
raw columns, ``uttag.json``), the report's pre-check of its inputs, ``snanalys scan``,
the run log's cleaner and the ingest's error messages. :func:`find_identities` returns
every finding with its position and a masked value; a value is never shown in full.

What counts as an identity:

* **personnummer** and **samordningsnummer** (day + 60) in any common spelling: with or
  without the century (10 or 12 digits), with ``-``, ``+``, a dash, a space or no
  separator. The digits must be shaped like a date (month 01–12, day 01–31 or 61–91)
  followed by four digits; the check digit does **not** have to be right — a mistyped
  personnummer still identifies a person (:attr:`Finding.check_digit_ok` tells);
* any other run of 10–12 digits (a case or customer number, a phone number written
  without separators);
* e-mail addresses;
* Swedish phone numbers (``070-123 45 67``, ``+46 70 123 45 67``, ``08-123 456 78`` …).

Allowed, because the project publishes or stores them legitimately:

* organisation numbers (``556677-8899``: the third digit is 2 or more, which no
  personnummer has; without separator only with a valid check digit), also with the
  ``16`` prefix;
* amounts (``96 507 251``, ``1 123``, ``4 849,5``), dates (``2026-11-22``), years,
  periods (``2025-T3``), decimals (a run of digits next to a decimal mark is part of a
  number);
* hex pseudonyms (16 hex characters), sha256 digests and other long encoded tokens
  (``data:`` URIs): digits inside a token of 16 or more hex characters, or of 24 or more
  letters and digits, are not a written number; and UUIDs.

A cell known to hold a number (a numeric cell of a workbook, the value column of a CSV,
a JSON number) is judged with ``numeric=True``: there only the personnummer shapes
count, since a 10-digit amount is an amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
DIGIT_RUN = "digit run"
EMAIL = "e-mail"
PHONE = "phone"

#: The kinds of personal identity numbers (the shapes that count even in a numeric cell).
IDENTITY_NUMBERS = frozenset({PERSONNUMMER, SAMORDNINGSNUMMER})

_LABELS_SV = {
    PERSONNUMMER: "personnummer",
    SAMORDNINGSNUMMER: "samordningsnummer",
    DIGIT_RUN: "nummer med 10–12 siffror",
    EMAIL: "e-postadress",
    PHONE: "telefonnummer",
}


@dataclass(frozen=True)
class Finding:
    """One identity in a text: ``text[start:end]`` is it; ``masked`` may be shown."""

    kind: str
    start: int
    end: int
    masked: str
    check_digit_ok: bool | None = None  # personnummer and samordningsnummer only

    @property
    def label(self) -> str:
        """English, e.g. ``personnummer (wrong check digit)``."""
        if self.check_digit_ok is False:
            return f"{self.kind} (wrong check digit)"
        return self.kind

    @property
    def label_sv(self) -> str:
        """Swedish, for the ingest's messages."""
        text = _LABELS_SV[self.kind]
        return f"{text} (fel kontrollsiffra)" if self.check_digit_ok is False else text

    def __str__(self) -> str:
        return f"{self.label} {self.masked}"


def luhn_ok(digits: str) -> bool:
    """The Luhn check (personnummer and organisation numbers) of ten digits."""
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


# Separators written between the date and the four last digits: hyphen, plus (100 years
# or older), the dashes a word processor makes of a hyphen, a space or a no-break space.
_SEP = "[-+\u2010\u2011\u2012\u2013\u2212 \u00a0]"
# Not inside a longer number: no digit next to it, and no decimal mark with a digit.
_BEFORE = r"(?<![0-9])(?<![0-9][.,])"
_AFTER = r"(?![0-9])(?![.,][0-9])"
_TEN_OR_TWELVE = re.compile(
    _BEFORE + rf"(?P<century>1[6-9]|20)?(?P<date>[0-9]{{6}})(?P<sep>{_SEP}?)(?P<serial>[0-9]{{4}})" + _AFTER
)
_DIGIT_RUN = re.compile(_BEFORE + r"[0-9]{10,12}" + _AFTER)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# +46 / 0046 or the trunk 0, an area code of 1–3 digits, then the subscriber's 5–8 digits
# (after a separator in groups of 2–3 separated by spaces, or as one block).
_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?<![0-9][.,])(?<![0-9][-/])"  # not in a decimal, a date or a hyphenated number
    r"(?<![0-9][ \u00a0\u202f\u2009])"  # nor a group of an amount
    r"(?:(?:\+|00)46[ -]?(?:\(0\)[ ]?)?|0)(?P<area>[1-9][0-9]{0,2})"
    r"(?:(?:[ -]|[ ]?/[ ]?)(?P<sub>[0-9]{2,3}(?:[ ][0-9]{2,3}){1,3}|[0-9]{5,8})|(?P<block>[0-9]{5,8}))"
    r"(?![0-9])(?!-[0-9])(?![.,][0-9])"
)
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_HEX = frozenset("0123456789abcdefABCDEF")
# Cheap pre-filter: no text without one of these can hold an identity.
_MAYBE = re.compile(r"[0-9]{5}|@|[0-9][ -][0-9]{2}")


def _token(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of letters and digits around ``text[start:end]`` (which may hold separators)."""
    a = start
    while a > 0 and text[a - 1].isascii() and text[a - 1].isalnum():
        a -= 1
    b = end
    while b < len(text) and text[b].isascii() and text[b].isalnum():
        b += 1
    return a, b


def _encoded(text: str, start: int, end: int) -> bool:
    """Whether the digits at ``start:end`` sit inside a pseudonym, digest or encoded data."""
    for a, b in (_token(text, start, start + 1), _token(text, end - 1, end)):
        token = text[a:b]
        if (len(token) >= 16 and set(token) <= _HEX) or len(token) >= 24:
            return True
    return False


def _date_shaped(six: str) -> tuple[bool, bool]:
    """(a date YYMMDD or a samordningsnummer's date, whether it is a samordningsnummer)."""
    month, day = int(six[2:4]), int(six[4:6])
    if not 1 <= month <= 12:
        return False, False
    if 1 <= day <= 31:
        return True, False
    if 61 <= day <= 91:
        return True, True
    return False, False


def _mask_digits(value: str, keep: int) -> str:
    """The first ``keep`` digits of ``value``, every later digit or letter as ``*``."""
    out, seen = [], 0
    for ch in value:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen <= keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def find_identities(text: str, *, numeric: bool = False) -> list[Finding]:
    """Every identity in ``text``, in order of position (see the module's docstring).

    ``numeric``: ``text`` is a cell known to hold a number; only personnummer and
    samordningsnummer count there.
    """
    if not text or not _MAYBE.search(text):
        return []
    uuids = [m.span() for m in _UUID.finditer(text)] if "-" in text else []

    def skipped(start: int, end: int) -> bool:
        return _encoded(text, start, end) or any(a <= start and end <= b for a, b in uuids)

    found: list[Finding] = []
    taken: list[tuple[int, int]] = []  # spans already judged (found or allowed)

    def overlaps(start: int, end: int) -> bool:
        return any(start < b and a < end for a, b in taken)

    for m in _TEN_OR_TWELVE.finditer(text):
        start, end = m.span()
        if skipped(start, end):
            continue
        century, date, sep, serial = m.group("century"), m.group("date"), m.group("sep"), m.group("serial")
        if sep == " " and re.match(r" [0-9]{3}(?![0-9])", text[end:]):
            continue  # "123456 7890 123": groups of an amount, not a date and four digits
        ten = date + serial
        if int(date[2]) >= 2:  # an organisation number (never a personnummer's month)
            if sep in ("-", "\u2010", "\u2011", "") and (sep or luhn_ok(ten)) and century in (None, "16"):
                taken.append((start, end))
            continue
        shaped, coordination = _date_shaped(date)
        if not shaped or (century is not None and century not in ("18", "19", "20")):
            continue
        kind = SAMORDNINGSNUMMER if coordination else PERSONNUMMER
        digits = (century or "") + ten
        masked = digits[:5] + "*-****"
        found.append(Finding(kind, start, end, masked, check_digit_ok=luhn_ok(ten)))
        taken.append((start, end))
    if not numeric:
        for m in _EMAIL.finditer(text):
            found.append(Finding(EMAIL, m.start(), m.end(), _mask_email(m.group())))
            taken.append(m.span())
        for m in _PHONE.finditer(text):
            start, end = m.span()
            if overlaps(start, end) or skipped(start, end):
                continue
            national = m.group("area") + re.sub(r"[^0-9]", "", m.group("sub") or m.group("block"))
            if 7 <= len(national) <= 9:
                found.append(Finding(PHONE, start, end, _mask_digits(m.group(), 3)))
                taken.append((start, end))
        for m in _DIGIT_RUN.finditer(text):
            start, end = m.span()
            if overlaps(start, end) or skipped(start, end):
                continue
            found.append(Finding(DIGIT_RUN, start, end, _mask_digits(m.group(), 2)))
    return sorted(found, key=lambda f: f.start)


def has_identity(text: str, *, numeric: bool = False) -> bool:
    return bool(find_identities(text, numeric=numeric))


def mask_identities(text: str, replacement: str | None = None) -> str:
    """``text`` with every identity replaced by its masked value (or by ``replacement``)."""
    findings = find_identities(text)
    if not findings:
        return text
    out, at = [], 0
    for f in findings:
        if f.start < at:
            continue
        out += [text[at : f.start], f.masked if replacement is None else replacement]
        at = f.end
    out.append(text[at:])
    return "".join(out)
