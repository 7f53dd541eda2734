"""Tables as accessible HTML for the board's pages.

A table gets a ``<caption>``, column headers with ``scope="col"``, row headers with
``scope="row"``, numbers right-aligned in Swedish format, and its footnotes (e.g. what
the suppression mark "X" means) directly beneath it.
"""

from __future__ import annotations

import html
import re

import pandas as pd

#: A cell that prints a number or a mark: right-aligned, never wrapped (td.num); other text wraps (td.text).
_NUMBER = re.compile(
    r"^\s*((ca\s|ca\u00a0)?[−+-]?[\d\s\u00a0.,]*\d[\d\s\u00a0.,]*\s?(%|tkr|mnkr|kr|procentenheter)?|X|–|--|\.\.|)\s*$"
)


def html_table(
    display: pd.DataFrame,
    *,
    caption: str,
    row_header: str = "",
    footnotes: list[str] | tuple[str, ...] = (),
    css_class: str = "data",
    classes: pd.DataFrame | None = None,
) -> str:
    """Render a frame of display strings (already formatted) as an accessible table; ``classes``
    (the same rows and columns) gives a cell a CSS class of its own (e.g. a goal's status colour)."""
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in display.columns)
    rows = []
    for index, row in display.iterrows():
        extra = [""] * len(row) if classes is None else [f" {c}" if c else "" for c in classes.loc[index]]
        cells = "".join(
            f"<td class='{'num' if _NUMBER.match(str(v)) else 'text'}{e}'>{html.escape(str(v))}</td>"
            for v, e in zip(row, extra)
        )
        rows.append(f"<tr><th scope='row'>{html.escape(str(index))}</th>{cells}</tr>")
    notes = "".join(f"<p class='footnote'>{html.escape(n)}</p>" for n in footnotes if n)
    return (
        # a wide table scrolls sideways on a tablet: the region takes keyboard focus (WCAG 2.1.1)
        f"<div class='table-wrap' tabindex='0' role='region' aria-label='{html.escape(caption, quote=True)}'>"
        f"<table class='{css_class}'><caption>{html.escape(caption)}</caption>"
        f"<thead><tr><th scope='col'>{html.escape(row_header)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{notes}</div>"
    )
