"""Vectorised parsing of raw text columns into typed columns, with the failures located.

Every parser takes a column of text (pandas ``str`` dtype, cells already stripped,
``""`` for an empty cell) and returns ``(parsed, bad)``: the typed column, missing
(NaN / NaT / NA) where the cell is empty or could not be parsed, and a boolean mask
of the cells that hold text which could not be parsed. Whether an empty cell is
allowed is the contract's business (:mod:`snanalys.ingest.contracts`), not the
parser's.

No Python loop runs over rows: dates and months are parsed once per distinct value
and mapped back; amounts go through pyarrow compute; the rest use pandas string
methods (backed by pyarrow compute as well).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: The unit of every processed date column (day precision, normalised).
DATE_DTYPE = "datetime64[us]"
TEXT_DTYPE = pd.StringDtype(na_value=np.nan)  # pandas' default ``str`` dtype

DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
MONTH_PATTERN = r"\d{4}-\d{2}"
# Kronor: optional minus, digits with optional thousands groups separated by a space
# (ordinary, no-break or thin), optional decimal comma and one or two decimals.
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")
AMOUNT_PATTERN = r"-?(\d+|\d{1,3}( \d{3})+)(,\d{1,2})?"
INTEGER_PATTERN = r"-?\d+"
PERSONNUMMER_PATTERN = r"\d{8}-?\d{4}"

EXPECT_DATE = "väntade ett datum ÅÅÅÅ-MM-DD"
EXPECT_MONTH = "väntade en månad ÅÅÅÅ-MM"
EXPECT_AMOUNT = "väntade ett belopp i kronor med decimalkomma (t.ex. 1234,50 eller -850,00)"
EXPECT_INTEGER = "väntade ett heltal"
EXPECT_YES_NO = "väntade J eller N"

Parsed = tuple[pd.Series, pd.Series]


def as_text(values: pd.Series) -> pd.Series:
    """``values`` as pandas ``str`` with ``""`` kept (the raw reading's representation)."""
    if values.dtype != TEXT_DTYPE:
        values = values.astype(TEXT_DTYPE)
    return values


def _by_distinct(values: pd.Series, parse: Callable[[pd.Series], pd.Series], *, dtype) -> pd.Series:
    """``parse`` applied to each distinct value once, mapped back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed_uniques = parse(pd.Series(uniques, dtype=values.dtype))
    out = parsed_uniques.to_numpy()[codes] if len(uniques) else np.array([], dtype=parsed_uniques.dtype)
    return pd.Series(out, index=values.index, dtype=dtype)


def _distinct_is_worth_it(values: pd.Series) -> bool:
    return len(values) > 1000


def fullmatch(values: pd.Series, pattern: str) -> pd.Series:
    """Boolean mask: the whole cell matches ``pattern`` (False for missing)."""
    return values.str.fullmatch(pattern).fillna(False).astype(bool)


def parse_text(values: pd.Series) -> Parsed:
    """Free text or a code: the text itself, missing where empty."""
    values = as_text(values)
    empty = (values == "").to_numpy(dtype=bool)
    parsed = values.where(~empty) if empty.any() else values  # no copy of a full column
    return parsed, pd.Series(False, index=values.index)


def _dates(values: pd.Series, pattern: str, suffix: str) -> pd.Series:
    ok = fullmatch(values, pattern)
    text = values.where(ok) + suffix if suffix else values.where(ok)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype(DATE_DTYPE)


def parse_date(values: pd.Series) -> Parsed:
    """``YYYY-MM-DD`` dates (a real calendar day) as ``datetime64``."""
    return _parse_dates(values, DATE_PATTERN, "")


def parse_month(values: pd.Series) -> Parsed:
    """``YYYY-MM`` months as the first day of the month."""
    return _parse_dates(values, MONTH_PATTERN, "-01")


def _parse_dates(values: pd.Series, pattern: str, suffix: str) -> Parsed:
    values = as_text(values)
    if _distinct_is_worth_it(values):
        parsed = _by_distinct(values, lambda u: _dates(u, pattern, suffix), dtype=DATE_DTYPE)
    else:
        parsed = _dates(values, pattern, suffix)
    bad = (values != "") & parsed.isna()
    return parsed, bad.astype(bool)


def arrow_text(values: pd.Series) -> pa.Array:
    """The pyarrow string array of a text column (no copy for pyarrow-backed ``str``)."""
    array = pa.array(values, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def text_series(array: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """A pyarrow string array as a pandas ``str`` column (no copy; ``to_pandas`` is far slower)."""
    series = pd.Series(array, dtype=TEXT_DTYPE)
    if index is not None:
        series.index = index
    return series


def _has(text: pa.Array, substring: str) -> bool:
    return bool(pc.any(pc.match_substring(text, substring)).as_py())


def _repetitive(values: pd.Series, sample: int = 20_000) -> bool:
    """Whether a long column repeats its values enough that parsing its distinct values pays
    (judged from every k-th value: a column of distinct values has as many in the sample
    as the sample is long; one whose values come ten times or more, clearly fewer)."""
    if len(values) < 10 * sample:
        return False
    picked = values.iloc[:: len(values) // sample]
    return picked.nunique(dropna=False) < 0.85 * len(picked)


def _by_distinct_parsed(values: pd.Series, parse: Callable[[pd.Series], Parsed]) -> Parsed:
    """``parse`` (returning values and failures) of each distinct value once, mapped back."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype=values.dtype)
    if (codes < 0).any():  # a missing value: parsed like the others
        distinct = pd.concat([distinct, pd.Series([np.nan], dtype=values.dtype)], ignore_index=True)
        codes = np.where(codes < 0, len(uniques), codes)
    parsed, bad = parse(distinct)
    return (
        pd.Series(parsed.to_numpy()[codes], index=values.index, dtype=parsed.dtype),
        pd.Series(bad.to_numpy(dtype=bool)[codes], index=values.index),
    )


def parse_amount(values: pd.Series) -> Parsed:
    """Kronor with decimal comma (``1234,50``, ``-850,00``, ``1 234,50``) as ``float64``."""
    values = as_text(values)
    if _repetitive(values):
        return _by_distinct_parsed(values, _parse_amount)
    return _parse_amount(values)


def _parse_amount(values: pd.Series) -> Parsed:
    text = arrow_text(values)
    if not pc.all(pc.string_is_ascii(text)).as_py():
        text = pc.replace_substring(text, "\u2212", "-")  # a typographic minus, as Excel may write
        for space in _SPACES[1:]:
            text = pc.replace_substring(text, space, " ")
    ok = pc.fill_null(pc.match_substring_regex(text, f"^{AMOUNT_PATTERN}$"), False)
    if _has(text, " "):
        text = pc.replace_substring(text, " ", "")
    number = pc.if_else(ok, pc.replace_substring(text, ",", "."), pa.scalar(None, text.type))
    parsed = pd.Series(pc.cast(number, pa.float64()).to_numpy(zero_copy_only=False), index=values.index)
    bad = (values != "").to_numpy(dtype=bool) & ~ok.to_numpy(zero_copy_only=False)
    return parsed.astype("float64"), pd.Series(bad, index=values.index)


def parse_integer(values: pd.Series) -> Parsed:
    """Integers (``2025``, ``-3``) as nullable ``Int64``."""
    values = as_text(values)
    ok = fullmatch(values, INTEGER_PATTERN) & (values.str.len() <= 18)
    parsed = pd.to_numeric(values.where(ok), errors="coerce").astype("Int64")
    bad = (values != "") & ~ok
    return parsed, bad.astype(bool)


def parse_yes_no(values: pd.Series) -> Parsed:
    """``J`` / ``N`` as nullable ``boolean`` (NA where empty)."""
    values = as_text(values)
    yes = (values == "J").to_numpy(dtype=bool)
    no = (values == "N").to_numpy(dtype=bool)
    parsed = pd.Series(pd.arrays.BooleanArray(yes, ~(yes | no)), index=values.index)
    bad = (values != "").to_numpy(dtype=bool) & ~(yes | no)
    return parsed, pd.Series(bad, index=values.index)


# --- personnummer ----------------------------------------------------------------------------

_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1], dtype=np.int64)


def normalise_personnummer(values: pd.Series) -> pd.Series:
    """``YYYYMMDD-NNNN`` or ``YYYYMMDDNNNN`` as the twelve digits; missing where malformed."""
    values = as_text(values)
    ok = fullmatch(values, PERSONNUMMER_PATTERN)
    return values.where(ok).str.replace("-", "", regex=False)


def _digits(twelve: pd.Series) -> np.ndarray:
    """An (n, 12) array of the digits of twelve-digit strings (zeros where missing)."""
    n = len(twelve)
    if n == 0:
        return np.zeros((0, 12), np.int64)
    text = arrow_text(as_text(twelve).fillna("000000000000")).cast(pa.large_string())
    _, offsets_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[text.offset : text.offset + n + 1]
    if offsets[-1] - offsets[0] == 12 * n and (np.diff(offsets) == 12).all():  # read the bytes in place
        raw = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(n, 12)
    else:
        filled = twelve.fillna("000000000000").to_numpy(dtype=object)
        raw = np.asarray(filled, dtype="S12").view(np.uint8).reshape(-1, 12)
    return raw.astype(np.int64) - ord("0")


def luhn_valid(twelve: pd.Series) -> pd.Series:
    """The check digit of ``YYMMDDNNNC`` (the last ten digits) is right (Luhn); False if missing."""
    digits = _digits(twelve)
    products = digits[:, 2:] * _LUHN_WEIGHTS
    total = (products // 10 + products % 10).sum(axis=1)
    return pd.Series((total % 10 == 0) & twelve.notna().to_numpy(), index=twelve.index)


def birth_dates(twelve: pd.Series) -> pd.Series:
    """The birth date of twelve-digit personnummer (a samordningsnummer's day − 60); NaT if invalid."""
    digits = _digits(twelve)
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    day = np.where(day > 60, day - 60, day)  # samordningsnummer: the birth day plus 60
    parts = pd.DataFrame({"year": year, "month": month, "day": day}, index=twelve.index)
    parsed = pd.to_datetime(parts, errors="coerce").astype(DATE_DTYPE)
    return parsed.where(twelve.notna())
