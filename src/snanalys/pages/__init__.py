"""The board's pages: what each report notebook shows, built as HTML from computed values.

A report notebook stays short: its parameters cell (generated from :data:`PARAMETERS`,
typed and commented, so ``papermill --help-notebook`` explains them), then
``open_page(**check_parameters(globals()))`` right after papermill's injected cell (an
unknown name or a value of the wrong type stops the notebook there, whoever runs it), then
one call per section. The sections live here so they are tested
and reused, and every number in them comes from one metric function.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
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


@dataclass(frozen=True)
class Parameter:
    """One parameter of the report notebooks: what ``tools/make_notebooks.py`` writes as
    ``name: type = default  # help`` and what :func:`check_parameters` checks."""

    name: str
    type: type
    default: object
    help: str


#: The report notebooks' parameters, in the order of their cell (``snanalys report`` passes
#: them all). Never personal data.
PARAMETERS = (
    Parameter("year", int, 2025, "the report's year"),
    Parameter("tertial", int, 3, "1: January-April, 2: January-August, 3: the whole year (year to date)"),
    Parameter("kommun", str, "0480", "municipality code, the folder in data_dir/processed"),
    Parameter("data_dir", str, "../data", "folder with raw/ and processed/, relative to the notebook"),
    Parameter("as_of", str, "", "the day the report is made, YYYY-MM-DD; empty: the data's extract date"),
    Parameter("commentary_dir", str, "../commentary", "folder of the analyst's commentary (YYYY-TN.md)"),
)
_DECLARED = {p.name: p for p in PARAMETERS}
#: What IPython itself puts in a notebook's namespace.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
#: The kinds of value papermill can inject (``-p``, ``-y``, ``-f``, ``parameters=``).
_INJECTABLE = (type(None), bool, int, float, str, list, dict)


def check_parameters(namespace: Mapping[str, object]) -> dict[str, object]:
    """The declared parameters from a notebook's namespace (``globals()``), checked.

    papermill injects whatever it is given (``-p tertal 2``, a typo, becomes a new variable
    and the page would silently show the default tertial); so any other variable holding a
    value papermill could have injected stops the notebook, naming it, as does a declared
    parameter of another type than its declaration (``-p tertial 2.5``). Names with a
    leading underscore, modules, functions and objects are the notebook's own.
    """
    unknown = sorted(
        name
        for name, value in namespace.items()
        if name not in _DECLARED
        and not name.startswith("_")
        and name not in _KERNEL_NAMES
        and isinstance(value, _INJECTABLE)
    )
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(_DECLARED), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise ParameterError(
            f"unknown notebook parameter(s) {', '.join(hints)}; the parameters are {', '.join(_DECLARED)}"
        )
    missing = [name for name in _DECLARED if name not in namespace]
    if missing:
        raise ParameterError(f"the parameters cell does not set {', '.join(missing)}")
    for p in PARAMETERS:
        value = namespace[p.name]
        if not isinstance(value, p.type) or (p.type is int and isinstance(value, bool)):
            raise ParameterError(
                f"parameter {p.name} must be {p.type.__name__} ({p.help}), not {type(value).__name__} {value!r}"
            )
    return {name: namespace[name] for name in _DECLARED}


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
    ctx = PageContext(data, year, tertial, as_of_date, Path(commentary_dir))
    _record_page(ctx)
    return ctx


#: The key of the page's record in the metadata of an output (see :func:`page_record`).
RECORD_KEY = "snanalys"


def page_record(ctx: PageContext) -> dict:
    """What an exported page needs to know about its data: whether it is synthetic (the
    banner), whose it is and the period. Nothing about a person."""
    extract, period = ctx.data.extract, ctx.period
    return {
        "data_source": "synthetic" if extract.synthetic else "real",
        "municipality_code": extract.municipality_code,
        "municipality_name": extract.municipality_name,
        "period": f"{ctx.year}-T{ctx.tertial}",
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "extract_date": extract.extract_date.isoformat(),
    }


def _record_page(ctx: PageContext) -> None:
    """Leave :func:`page_record` in the executed notebook, as the metadata of an empty output:
    a kernel cannot write the notebook's own metadata, and ``jupyter nbconvert --template
    snanalys_page`` reads the synthetic-data banner from it (the template shows no such output)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:  # not in a kernel: nothing to record in
        return
    from IPython.display import display

    display({"text/plain": ""}, raw=True, metadata={RECORD_KEY: page_record(ctx)})


def show(html_text: str) -> None:
    """Display a section in the notebook (and so in the exported page)."""
    from IPython.display import HTML, display

    display(HTML(html_text))
