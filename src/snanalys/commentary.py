"""The analyst's commentary: one Markdown file per period, one section per page.

``commentary/2026-T2.md`` holds sections headed ``## <page title>`` (e.g.
``## Ekonomiskt bistånd``); each appears under the matching page of that period's
report. Raw HTML in the file is escaped, so a comment can never add a script or an
external resource to a public page. Without a file or section the page says that no
commentary was given.
"""

from __future__ import annotations

import re
from pathlib import Path

import mistune

NO_COMMENTARY_SV = "Ingen kommentar har lämnats för denna period."

_render = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def _normalise(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def commentary_path(commentary_dir: Path, year: int, tertial: int) -> Path:
    return Path(commentary_dir) / f"{year}-T{tertial}.md"


def read_sections(path: Path) -> dict[str, str]:
    """Markdown sections of a commentary file by their normalised ``##`` heading."""
    if not Path(path).exists():
        return {}
    sections: dict[str, list[str]] = {}
    current = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if heading and not line.startswith("###"):
            current = _normalise(heading.group(1))
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def commentary_html(commentary_dir: Path, year: int, tertial: int, page_title: str) -> str:
    """The page's commentary as HTML, shown under the page's h2 "Kommentar" (headings from h3)."""
    text = read_sections(commentary_path(commentary_dir, year, tertial)).get(_normalise(page_title), "")
    if not text:
        return f"<p class='no-commentary'>{NO_COMMENTARY_SV}</p>"
    text = re.sub(r"^(#{1,6})\s", lambda m: "#" * max(len(m.group(1)), 3) + " ", text, flags=re.M)
    return f"<div class='commentary'>{_render(text)}</div>"
