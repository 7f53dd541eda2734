"""Executed notebooks → the board's static HTML pages (in-process) and one PDF (see ``pdf``).

nbconvert's own HTML templates pull require.js, MathJax and a mermaid module from CDNs;
the project's template (``templates/snanalys_page``) writes a complete page with inline
CSS, a navigation, the synthetic-data banner and a footer, and no script at all.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from snanalys import __version__
from snanalys.reporting import pdf
from snanalys.reporting.pdf import LayoutProcess

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


_EXPORTERS = threading.local()


def _exporter() -> HTMLExporter:
    """One exporter per thread: building one loads and compiles the templates again."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _EXPORTERS.exporter = _new_exporter()
    return exporter


def _new_exporter() -> HTMLExporter:
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


class PdfBook:
    """The whole report as one PDF for the meeting papers, laid out page by page.

    Each page is laid out (the costly part) as soon as its HTML exists, in whatever order
    the pages finish, so the layout runs while other notebooks still execute; :meth:`write`
    then joins the pages in report order into one file. The first page carries the
    synthetic-data banner, the last the footer; every page starts on a new sheet.

    With a :class:`~snanalys.reporting.pdf.LayoutProcess` the pages are laid out in that
    process (see there why); without one, in the calling thread.
    """

    def __init__(self, count: int, *, title: str, layout: LayoutProcess | None = None) -> None:
        self.title = title
        self._count = count
        self._layout = layout
        self._book = layout.new_book() if layout is not None else None
        self._documents: list = [None] * count  # laid out here, without a layout process
        self._pending: dict[int, Future] = {}  # laid out in the layout process
        self._written = False
        self._lock = threading.Lock()

    def _document(self, index: int, page_html: str) -> str:
        match = _MAIN.search(page_html)
        banner = re.search(r"<p class=\"banner\".*?</p>", page_html, re.S) if index == 0 else None
        footer = re.search(r"<footer class=\"site\">.*?</footer>", page_html, re.S)
        footer = footer if index == self._count - 1 else None
        return (
            f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>{self.title}</title>"
            f"<style>{css()}</style></head><body>{banner.group(0) if banner else ''}"
            f"<section class='page'>{match.group(1) if match else page_html}</section>"
            f"{footer.group(0) if footer else ''}</body></html>"
        )

    def add(self, index: int, page_html: str) -> None:
        document = self._document(index, page_html)
        if self._layout is None:
            rendered = pdf.render(document)
            with self._lock:
                self._documents[index] = rendered
            return
        future = self._layout.add(self._book, self._count, index, document)
        with self._lock:
            self._pending[index] = future

    def write(self, output: Path) -> None:
        if self._layout is None:
            pdf.write(self._documents, output)
            return
        missing = [i for i in range(self._count) if i not in self._pending]
        if missing:
            raise ValueError(f"the PDF lacks pages {missing}")
        for index in sorted(self._pending):
            self._pending[index].result()  # a page that could not be laid out fails the PDF
        self._layout.write(self._book, self._count, output)
        self._written = True

    def close(self) -> None:
        """Free the pages the layout process holds for a book that was not written (a failed run)."""
        if self._layout is not None and not self._written:
            self._layout.drop(self._book)
            self._written = True


def pdf_from_pages(pages_html: list[str], *, title: str, output: Path) -> None:
    """The whole report as one PDF, from every page's HTML at once (see :class:`PdfBook`)."""
    book = PdfBook(len(pages_html), title=title)
    for index, page_html in enumerate(pages_html):
        book.add(index, page_html)
    book.write(output)
