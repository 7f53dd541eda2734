"""Executed notebooks → the board's static HTML pages and one PDF, in-process.

nbconvert's own HTML templates pull require.js, MathJax and a mermaid module from CDNs;
the project's template (``templates/snanalys_page``) writes a complete page with inline
CSS, a navigation, the synthetic-data banner and a footer, and no script at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from snanalys import __version__

TEMPLATES = Path(str(resources.files("snanalys.reporting").joinpath("templates")))
FORBIDDEN_MIMETYPES = ("application/javascript", "application/vnd.jupyter.widget-view+json", "text/vnd.mermaid")


class ExportError(RuntimeError):
    """A notebook produced something that cannot go on a public page."""


@dataclass(frozen=True)
class Page:
    stem: str  # notebook file stem, e.g. "01_ekonomiskt_bistand"
    title: str
    public: bool

    @property
    def filename(self) -> str:
        slug = self.stem.split("_", 1)[1] if "_" in self.stem else self.stem
        return "index.html" if self.stem.startswith("00_") else f"{slug}.html"


def css() -> str:
    return resources.files("snanalys.reporting").joinpath("style.css").read_text(encoding="utf-8")


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(
        template_name="snanalys_page",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell"}), enabled=True)
    return exporter


def refuse_active_content(nb: nbformat.NotebookNode, name: str) -> None:
    """Fail loudly if a notebook output would need a script to show."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            kinds = set(output.get("data", {})) & set(FORBIDDEN_MIMETYPES)
            html = output.get("data", {}).get("text/html", "")
            if kinds or re.search(r"<script\b", html if isinstance(html, str) else "".join(html), re.I):
                raise ExportError(f"{name}, cell {index}: output needs a script ({', '.join(kinds) or '<script>'})")


def export_page(nb: nbformat.NotebookNode, page: Page, *, page_context: dict) -> str:
    """One executed notebook as a complete public HTML page."""
    refuse_active_content(nb, page.stem)
    context = dict(page_context)
    context["title"] = page.title
    context["nav"] = [
        {"href": p.filename, "title": p.title, "current": p.stem == page.stem} for p in page_context["pages"]
    ]
    context["css"] = css()
    context["version"] = __version__
    body, _ = _exporter().from_notebook_node(nb, resources={"snanalys": context})
    return body


_MAIN = re.compile(r"<main[^>]*>(.*)</main>", re.S)


def pdf_from_pages(pages_html: list[str], *, title: str, output: Path) -> None:
    """The whole report as one PDF for the meeting papers (print stylesheet, page per page)."""
    from weasyprint import HTML

    sections = []
    for text in pages_html:
        match = _MAIN.search(text)
        sections.append(f"<section class='page'>{match.group(1) if match else text}</section>")
    first = pages_html[0]
    banner = re.search(r"<p class=\"banner\".*?</p>", first, re.S)
    footer = re.search(r"<footer class=\"site\">.*?</footer>", first, re.S)
    document = (
        f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{css()}</style></head><body>{banner.group(0) if banner else ''}"
        f"{''.join(sections)}{footer.group(0) if footer else ''}</body></html>"
    )
    # only data: URIs may be read (the images); anything else is a fault in the page
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    HTML(string=document, base_url=str(output.parent), url_fetcher=fetcher).write_pdf(str(output))
