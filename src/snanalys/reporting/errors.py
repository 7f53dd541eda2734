"""The report's own error: what ``snanalys report`` (and ``report freeze``) stop with.

Every module of :mod:`snanalys.reporting` raises it; it lives here, below them all, so
that none needs the runner to name it.
"""

from __future__ import annotations


class ReportError(RuntimeError):
    """The report could not be built; the last good report is untouched."""
