"""Executed notebooks → the board's static HTML pages (in-process) and one PDF (see ``pdf``).

nbconvert's own HTML templates pull require.js, MathJax and a mermaid module from CDNs;
the project's template (``templates/snanalys_page``) writes a complete page with inline
CSS, a navigation, the synthetic-data banner and a footer, and no script at all.
"""

from __future__ import annotations

import html
import re
import threading
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
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Cover:
    """What the PDF's title page says (Swedish, for the meeting papers)."""

    committee: str  # "Socialnämnden"
    title: str  # "Tertialuppföljning T2 2025"
    municipality: str  # "Exempelkommun (0480)"
    period: str  # "januari–augusti 2025"
    made: str  # "Skapad 2026-12-03 med snanalys 0.x"
    synthetic: bool


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _numbered_h2(body: str, prefix: str) -> str:
    """Each h2 of a page with an id of its own in the book ("sida-2-0" …): pages reuse ids."""
    counter = iter(range(10_000))
    return _H2.sub(lambda m: f"<h2 id='{prefix}-{next(counter)}'>{m.group(1)}</h2>", body)


def _quoted(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


class PdfBook:
    """The whole report as one PDF for the meeting papers: a title page, the contents with page
    numbers, then every page of the report on new sheets, "Sida 3 av 24" and the report's
    title on every sheet but the first; tagged (PDF/UA structure) with its fonts embedded.

    The pages are collected as their HTML exists, in whatever order they finish, and laid
    out together in :meth:`write`: one document, so that the contents' page numbers and
    "av 24" are WeasyPrint's own (``target-counter``, ``counter(pages)``), not guessed.
    With a :class:`~snanalys.reporting.pdf.LayoutProcess` the layout runs in that process
    (see there why); without one, in the calling thread.
    """

    def __init__(
        self, count: int, *, title: str, layout: LayoutProcess | None = None, cover: Cover | None = None
    ) -> None:
        self.title = title
        self.cover = cover
        self._count = count
        self._layout = layout
        self._sections: list[str | None] = [None] * count
        self._lock = threading.Lock()

    def add(self, index: int, page_html: str) -> None:
        match = _MAIN.search(page_html)
        body = match.group(1) if match else page_html
        with self._lock:
            self._sections[index] = body

    def document(self) -> str:
        """The book's one HTML document (title page, contents, the pages)."""
        missing = [i for i, s in enumerate(self._sections) if s is None]
        if missing:
            raise ValueError(f"the PDF lacks pages {missing}")
        entries, sections = [], []
        for i, body in enumerate(self._sections):
            h1 = _H1.search(body)
            heading = _text(h1.group(1)) if h1 else f"Sida {i + 1}"
            subs = "".join(
                f"<li class='toc-sub'><a href='#sida-{i}-{j}'>{html.escape(_text(h2))}</a></li>"
                for j, h2 in enumerate(_H2.findall(body))
            )
            entries.append(
                f"<li><a href='#sida-{i}'>{html.escape(heading)}</a>{f'<ul>{subs}</ul>' if subs else ''}</li>"
            )
            body = _numbered_h2(body, f"sida-{i}")
            sections.append(f"<section class='page' id='sida-{i}'>{body}</section>")
        contents = f"<nav class='toc' aria-label='Innehåll'><h1>Innehåll</h1><ul>{''.join(entries)}</ul></nav>"
        running = _quoted(self.title)
        page_css = (
            f"@page {{ @top-left {{ content: {running}; }} "
            "@bottom-right { content: 'Sida ' counter(page) ' av ' counter(pages); } }"
        )
        return (
            f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>"
            f"<style>{css()}\n@media print {{ {page_css} }}</style></head><body>"
            f"{self._cover_html()}{contents}{''.join(sections)}</body></html>"
        )

    def _cover_html(self) -> str:
        c = self.cover
        if c is None:
            return f"<section class='cover'><p class='cover-title'>{html.escape(self.title)}</p></section>"
        notice = (
            "<p class='cover-notice'><strong>Syntetiska exempeldata.</strong> Rapporten bygger på "
            "syntetiska exempeldata – inga verkliga personer.</p>"
            if c.synthetic
            else ""
        )
        return (
            "<section class='cover'>"
            f"<p class='cover-committee'>{html.escape(c.committee)}</p>"
            f"<p class='cover-title'>{html.escape(c.title)}</p>"
            f"<p class='cover-municipality'>{html.escape(c.municipality)}</p>"
            f"<p class='cover-period'>Period: {html.escape(c.period)}, ackumulerat</p>"
            f"{notice}<p class='cover-made'>{html.escape(c.made)}</p></section>"
        )

    def write(self, output: Path) -> None:
        document = self.document()
        if self._layout is None:
            pdf.write_document(document, output)
        else:
            self._layout.write_document(document, output)


def pdf_from_pages(pages_html: list[str], *, title: str, output: Path) -> None:
    """The whole report as one PDF, from every page's HTML at once (see :class:`PdfBook`)."""
    book = PdfBook(len(pages_html), title=title)
    for index, page_html in enumerate(pages_html):
        book.add(index, page_html)
    book.write(output)
