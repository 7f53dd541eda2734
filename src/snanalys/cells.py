"""Cells that a spreadsheet opens safely: numbers as numbers, no text run as a formula.

A spreadsheet runs a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection). Every CSV and workbook the project writes passes
its cells through :func:`safe_cell` (the public key figures, the unsuppressed ones, the
county CSV, the quarantine files), and the ingest refuses such text in its raw text,
code and identifier columns (:func:`is_formula_text`). A value that reads as a number
(``-850,00``, ``-1 200``, ``-0.5``) is a number, not a formula, and is left as it is.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re

import pandas as pd

#: The first characters that make a spreadsheet read a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number as the raw exports and our own files write one: optional sign, digits with or
# without thousands groups (space, no-break or thin space), an optional decimal comma or point.
NUMBER_PATTERN = r"[-+]?(?:[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+)(?:[,.][0-9]+)?"
_NUMBER = re.compile(NUMBER_PATTERN)


def is_number_text(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def is_formula_text(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (a number is not one)."""
    return bool(text) and text.startswith(FORMULA_START) and not is_number_text(text)


def safe_text(text: str) -> str:
    """``text``, prefixed with ``'`` if a spreadsheet would run it as a formula."""
    return "'" + text if is_formula_text(text) else text


def safe_cell(value: object) -> object:
    """A cell to write: numbers stay numbers (None for a missing one), text is made safe."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Number):
        number = float(value) if not isinstance(value, numbers.Integral) else int(value)
        return None if isinstance(number, float) and math.isnan(number) else number
    if pd.api.types.is_scalar(value) and pd.isna(value):  # NA, NaT
        return None
    return safe_text(str(value))


def format_value(value) -> str:
    """A figure as the CSV writes it: point decimals, at most two, no thousands separator, empty if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")


def safe_csv_writer(out: io.StringIO):
    """A CSV writer whose every cell goes through :func:`snanalys.cells.safe_cell`
    (no text a spreadsheet would run as a formula; numbers stay numbers)."""
    writer = csv.writer(out, lineterminator="\n")

    class Safe:
        def writerow(self, row) -> None:
            writer.writerow(["" if (cell := safe_cell(v)) is None else cell for v in row])

    return Safe()
