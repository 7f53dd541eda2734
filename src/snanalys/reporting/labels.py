"""The period label of a report, ``YYYY-TN`` (``2025-T3``): its folder's name and the lock's."""

from __future__ import annotations

import re

from snanalys.reporting.errors import ReportError

LABEL = re.compile(r"^(\d{4})-T([123])$")


def period_label(year: int, tertial: int) -> str:
    return f"{year}-T{tertial}"


def parse_label(label: str) -> tuple[int, int]:
    """``(year, tertial)`` of a label; :class:`ReportError` for anything else."""
    match = LABEL.match(label or "")
    if not match:
        raise ReportError(f"not a period (YYYY-TN, e.g. 2025-T3): {label!r}")
    return int(match.group(1)), int(match.group(2))
