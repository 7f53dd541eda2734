"""The board's pages: what each report notebook shows, built as HTML from computed values.

A report notebook stays short: its parameters cell, :func:`open_page` (which validates
the parameters), then one call per section. The sections live here so they are tested
and reused, and every number in them comes from one metric function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from snanalys.commentary import commentary_html
from snanalys.data import MunicipalityData, load_municipality
from snanalys.disclosure.protect import Protection
from snanalys.disclosure.report import public_key_figures, report_protection
from snanalys.periods import Period, PeriodError, require_covered, validate_tertial, year_to_date
from snanalys.trends import same_period_key_figures


class ParameterError(ValueError):
    """A notebook parameter that cannot give a report."""


@dataclass
class PageContext:
    """Everything a page needs: the data, the period and where the commentary is."""

    data: MunicipalityData
    year: int
    tertial: int
    as_of: dt.date | None
    commentary_dir: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def period(self) -> Period:
        return year_to_date(self.year, self.tertial)

    @property
    def synthetic(self) -> bool:
        return self.data.extract.synthetic

    @cached_property
    def key_figures_by_year(self) -> pd.DataFrame:
        """Key figures for the same period of every year (unsuppressed: internal)."""
        return same_period_key_figures(self.data, self.year, self.tertial)

    @cached_property
    def protection(self) -> Protection:
        """What the whole report hides, chosen over all its tables at once (docs/disclosure.md)."""
        return report_protection(self.data, self.year, self.tertial)

    @cached_property
    def public_key_figures_by_year(self) -> pd.DataFrame:
        """The same, with small counts suppressed year by year and every figure the report's
        protection hides: what the board may see."""
        frames = [
            public_key_figures(group, self.protection, year_to_date(int(year), self.tertial))
            for year, group in self.key_figures_by_year.groupby("year", sort=True)
        ]
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def public_rows(self) -> dict[tuple[str, int], pd.Series]:
        """(measure, year) → that row of :attr:`public_key_figures_by_year` (the first, if several).

        Pages look up a few hundred single figures; a boolean mask over the whole table for
        each cost more than the rest of the page."""
        long = self.public_key_figures_by_year
        first = ~long.duplicated(["measure", "year"]).to_numpy()
        return {
            (measure, year): long.iloc[i]
            for i, (measure, year) in enumerate(zip(long["measure"], long["year"]))
            if first[i]
        }

    def commentary(self, page_title: str) -> str:
        return (
            "<section aria-labelledby='kommentar'><h2 id='kommentar'>Kommentar</h2>"
            + commentary_html(self.commentary_dir, self.year, self.tertial, page_title)
            + "</section>"
        )


def _parse_as_of(as_of) -> dt.date | None:
    if as_of in (None, ""):
        return None
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise ParameterError(f"as_of must be a date YYYY-MM-DD or empty, not {as_of!r}") from None


def open_page(*, year, tertial, kommun, data_dir, as_of="", commentary_dir="../commentary") -> PageContext:
    """Validate a notebook's parameters and open its data.

    Stops with a clear error for an unknown tertial, a year that is not a year, or a
    period the data does not cover (naming the missing months).
    """
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"year must be a year such as 2025, not {year!r}") from None
    try:
        tertial = validate_tertial(int(tertial))
    except (TypeError, ValueError, PeriodError):
        raise ParameterError(
            f"unknown tertial {tertial!r}: expected 1 (Jan–Apr), 2 (Jan–Aug) or 3 (the year)"
        ) from None
    as_of_date = _parse_as_of(as_of)
    data = load_municipality(Path(data_dir) / "processed", str(kommun) if kommun else None)
    through = data.extract.covered_through if as_of_date is None else min(data.extract.covered_through, as_of_date)
    require_covered(year_to_date(year, tertial), data.extract.data_from, through)
    return PageContext(data, year, tertial, as_of_date, Path(commentary_dir))


def show(html_text: str) -> None:
    """Display a section in the notebook (and so in the exported page)."""
    from IPython.display import HTML, display

    display(HTML(html_text))
