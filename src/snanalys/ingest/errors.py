"""Errors of the ingest: located (file, row, column), in Swedish, never showing an identifier.

Every problem the ingest finds in the raw data is a :class:`Problem`: the file's name
relative to the raw root (e.g. ``0480/placeringar.csv``),
the 1-based row as in the file (the header is row 1, so the first data row is row 2;
for an ``.xlsx`` workbook the sheet's row number), the raw column name and what was
expected. :class:`IngestError` carries the first few problems of a file and their
total count; its text reads, one problem a line (here wrapped)::

    0480/ekb_utbetalningar.csv, rad 17, kolumn "belopp": väntade ett belopp i kronor
    med decimalkomma (t.ex. 1234,50 eller -850,00), fick "12.5.3"
    … totalt 23 fel i 0480/ekb_utbetalningar.csv (de första 5 visas)

Privacy: the value of an identifier column (personnummer, hushalls_id, transaktions_id,
placerings_id, faktura_id, insats_id) is never shown; it is replaced by ``***``. In any
other value, whatever :mod:`snanalys.identity` finds (a personnummer, a phone number …)
is shown masked (``19850*-****``) and the value is truncated. A value holding a character
that could pass for another (a zero-width space, a Cyrillic letter that looks Latin, a
non-breaking space) or a control character is shown with that character escaped,
``'H\\u200b'``, ``'A\\x00B'``, so that a code that is refused never reads as a valid one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from snanalys.identity import mask_identities

#: Raw columns whose values identify a person, a household or a case: never shown.
IDENTIFIER_COLUMNS = frozenset(
    {"personnummer", "hushalls_id", "transaktions_id", "placerings_id", "faktura_id", "insats_id"}
)
MASK = "***"
MAX_SHOWN = 5
MAX_VALUE_CHARS = 30

#: C0 and C1 control characters (NUL, tab, line breaks …): shown escaped, never as they are.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """``text`` with each control character written as ``\\xNN``."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown_value(value: object, *, column: str | None) -> str | None:
    """``value`` as it may appear in a message: masked, truncated, quoted; None if empty."""
    if value is None:
        return None
    text = str(value)
    if text == "" or text.lower() in ("nan", "nat", "<na>", "none"):
        return None
    if column is not None and column in IDENTIFIER_COLUMNS:
        return MASK
    # (cut first: a value may be a megabyte; what could be masked in the shown part is kept whole)
    text = mask_identities(text[: 3 * MAX_VALUE_CHARS])
    cut = len(text) > MAX_VALUE_CHARS
    text = text[:MAX_VALUE_CHARS]
    if all(_plain(ch) for ch in text):
        return f'"{text}…"' if cut else f'"{text}"'
    escaped = "".join(ch if _plain(ch) and ch not in "'\\" else _escape(ch) for ch in text)
    return f"'{escaped}…'" if cut else f"'{escaped}'"


#: Characters shown as they are: printable ASCII, the Latin-1 letters and signs of Swedish
#: text (å, ä, ö, é, ü, §, °, ½ …) and the usual dashes and quotes. Anything else is escaped.
_PLAIN_EXTRA = frozenset("–—‘’“”…€")


def _plain(ch: str) -> bool:
    code = ord(ch)
    return 0x20 <= code <= 0x7E or (0xA1 <= code <= 0xFF and code != 0xAD) or ch in _PLAIN_EXTRA


def _escape(ch: str) -> str:
    if ch in "'\\":
        return "\\" + ch
    if CONTROL_CHARACTERS.fullmatch(ch):
        return escape_controls(ch)
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@dataclass(frozen=True)
class Problem:
    """One located problem. ``value`` is the already masked text to show (or None)."""

    file: str
    row: int | None
    column: str | None
    expected: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rad {self.row}"
        if self.column is not None:
            where += f', kolumn "{self.column}"'
        text = f"{where}: {self.expected}"
        if self.value is not None:
            text += f", fick {self.value}"
        return text


def problem(
    file: str, expected: str, *, row: int | None = None, column: str | None = None, value: object = None
) -> Problem:
    """A :class:`Problem` whose ``value`` is masked as :func:`shown_value` says."""
    return Problem(file, row, column, expected, shown_value(value, column=column))


class IngestError(Exception):
    """The raw data does not meet its contract; nothing was written.

    ``file``, ``row``, ``column`` and ``expected`` describe the first problem;
    ``problems`` holds the first few (at most 5) and ``total`` counts them all.
    """

    def __init__(self, problems: Sequence[Problem] | Problem, total: int | None = None) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("an IngestError needs at least one problem")
        self.problems: list[Problem] = list(problems)[:MAX_SHOWN]
        self.total: int = max(int(total if total is not None else len(problems)), len(self.problems))
        first = self.problems[0]
        self.file: str = first.file
        self.row: int | None = first.row
        self.column: str | None = first.column
        self.expected: str = first.expected
        super().__init__(self._text())

    @classmethod
    def single(
        cls, file: str, expected: str, *, row: int | None = None, column: str | None = None, value: object = None
    ) -> IngestError:
        return cls([problem(file, expected, row=row, column=column, value=value)])

    def _text(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            files = sorted({p.file for p in self.problems})
            lines.append(f"… totalt {self.total} fel i {', '.join(files)} (de första {len(self.problems)} visas)")
        return "\n".join(lines)

    def __reduce__(self):  # picklable (e.g. across processes) with its problems
        return (self.__class__, (self.problems, self.total))
