"""Numbers as the board reads them: Swedish conventions, via Babel's sv_SE locale.

``85 937`` (non-breaking space between thousands), ``4,6 %``, ``96,5 mnkr``.
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal

LOCALE = "sv_SE"
SUPPRESSED_MARK = "X"
#: Before a value the report's protection rounded to tens ("ca 800"): the exact count would
#: tell how many came since an earlier report (docs/disclosure.md).
ROUNDED_PREFIX = "ca\u00a0"
#: The mark of a rounded value in the CSV files and the workbook (the value beside it is the rounded one).
ROUNDED_MARK = "avrundat"
ROUNDED_FOOTNOTE_SV = (
    "ca = värdet är avrundat till tiotal så att skillnaden mot en tidigare rapport inte avslöjar ett fåtal "
    "personer eller hushåll."
)
MISSING_MARK = "–"

_DECIMALS_BY_UNIT = {
    "procent": 1,
    "hushåll/månad": 0,
    "kr": 0,
    "kr/hushåll": 0,
    "kr/vårddygn": 0,
}


def decimals_of(unit: str) -> int:
    """The decimals a value of ``unit`` is shown with (the pages', the workbook's)."""
    return _DECIMALS_BY_UNIT.get(unit, 0)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_decimal_sv(value: float, decimals: int = 0) -> str:
    """``value`` with a decimal comma and a non-breaking space between thousands."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale=LOCALE)


def format_percent(value: float, decimals: int = 1) -> str:
    """A percentage given as 0–100: ``4,6 %``."""
    return f"{format_decimal_sv(value, decimals)}\u00a0%"


def format_mnkr(kronor: float, decimals: int = 1) -> str:
    """Kronor as million kronor: ``96,5 mnkr``."""
    return f"{format_decimal_sv(kronor / 1e6, decimals)}\u00a0mnkr"


def format_tkr(kronor: float) -> str:
    """Kronor as thousand kronor, rounded for display only: ``-299 775``."""
    return format_decimal_sv(kronor / 1e3, 0)


def format_number(value, unit: str = "", *, suppressed: bool = False, rounded: bool = False) -> str:
    """A key figure as the board sees it, by its unit (``rounded``: "ca 800", the value already rounded)."""
    if suppressed:
        return SUPPRESSED_MARK
    if rounded and not is_missing(value):
        return ROUNDED_PREFIX + format_number(value, unit)
    if is_missing(value):
        return MISSING_MARK
    if unit == "procent":
        return format_percent(value)
    if unit == "kr":
        return format_mnkr(value)
    return format_decimal_sv(value, decimals_of(unit))
