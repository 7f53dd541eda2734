"""Narrative sentences built from computed values — never typed numbers.

Each function takes the values a sentence reports and returns Swedish text; a value
that is suppressed or missing gives a sentence that says so instead of a number.
"""

from __future__ import annotations

from snanalys.measures.engine import change_on_last_year, difference
from snanalys.presentation import format_decimal_sv, format_number, is_missing

MONTHS_SV = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]  # fmt: skip


def period_phrase(start_month: int, end_month: int, year: int) -> str:
    """'januari–augusti 2026'."""
    if start_month == end_month:
        return f"{MONTHS_SV[start_month - 1]} {year}"
    return f"{MONTHS_SV[start_month - 1]}–{MONTHS_SV[end_month - 1]} {year}"


def joined_sv(words: list[str]) -> str:
    """'a', 'a och b', 'a, b och c': a list in a Swedish sentence."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def uncertain_forecasts_sentence(wide: list[str], of: int) -> str | None:
    """What the board is told of the forecasts whose interval is wide (``wide``: their labels), once for
    all of them rather than after each: all ``of`` forecasts with an interval, or which of them."""
    if not wide:
        return None
    if len(wide) == of:
        return "Prognoserna är osäkra: intervallen är breda."
    return f"Osäkra, med breda intervall, är prognoserna för {joined_sv([w[0].lower() + w[1:] for w in wide])}."


def change_phrase(current: float, previous: float, unit: str) -> str:
    """'94 fler (+9,1 %)' / 'oförändrat' — the change against the same period last year."""
    diff = difference(current, previous)
    decimals = 1 if unit == "procent" else 0
    if round(diff, decimals) == 0:
        return "oförändrat"
    if unit == "procent":
        return f"{format_decimal_sv(abs(diff), 1)} procentenheter {'högre' if diff > 0 else 'lägre'}"
    counted = unit.split("/")[0] in ("hushåll", "personer", "insatser", "vårddygn")
    more, less = ("fler", "färre") if counted else ("högre", "lägre")
    amount = format_number(abs(diff), unit)
    change, _ = change_on_last_year(current, previous, unit)
    relative = f" ({'+' if diff > 0 else '−'}{format_decimal_sv(abs(change), 1)}\u00a0%)" if change is not None else ""
    return f"{amount} {more if diff > 0 else less}{relative}"


def compare_sentence(
    subject: str,
    current: float | None,
    previous: float | None,
    *,
    unit: str,
    period: str,
    previous_period: str,
    current_suppressed: bool = False,
    previous_suppressed: bool = False,
) -> str:
    """'<Subject> var 1 123 hushåll under januari–december 2025, 94 fler (+9,1 %) än samma period 2024.'"""
    if current_suppressed:
        return f"{subject} under {period} redovisas inte, eftersom uppgiften avser färre än 5 personer eller hushåll."
    if is_missing(current):
        return f"{subject} under {period} kan inte beräknas ur underlaget."
    unit_word = "" if unit in ("procent", "kr", "") else f"\u00a0{unit}"
    value = format_number(current, unit)
    text = f"{subject} var {value}{unit_word} under {period}"
    if previous_suppressed or is_missing(previous):
        return text + f"; jämförelse med {previous_period} saknas."
    return text + f", {change_phrase(current, previous, unit)} än {previous_period}."
