"""The report's pages, in one place: which notebook, which page module, which Swedish title, in which order.

``notebooks/NN_<name>.ipynb`` are the sources of the pages; each builds its sections with
``snanalys.pages.<module>`` and shows ``<module>.TITLE`` as its heading. :data:`PAGES` is
the one list of them: the runner (:func:`snanalys.reporting.run.discover_pages`) takes the
pages, their order and their titles (the menu, the PDF) from it, ``tools/make_notebooks.py``
writes the notebooks from it, and ``tests/reporting/test_pages_list.py`` checks the
committed notebooks against it (:func:`notebook_problems`). A new page is a new entry here,
then ``tools/make_notebooks.py``.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
_STEM = re.compile(r"^(\d\d)_[a-z0-9_]+$")


@dataclass(frozen=True)
class ReportPage:
    stem: str  # the notebook's file name without .ipynb; its two digits are the page's place
    module: str  # the page module, ``snanalys.pages.<module>``
    title: str  # the page's Swedish title: its heading, its menu entry, the notebook's metadata
    public: bool = True  # published to the board (an internal page is run, not published)

    @property
    def order(self) -> int:
        return int(self.stem[:2])

    @property
    def notebook(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def module_name(self) -> str:
        return f"snanalys.pages.{self.module}"


PAGES: tuple[ReportPage, ...] = (
    ReportPage("00_sammanfattning", "summary", "Sammanfattning"),
    ReportPage("01_ekonomiskt_bistand", "economic_assistance", "Ekonomiskt bistånd"),
    ReportPage("02_placeringar", "placements", "Placeringar"),
    ReportPage("03_vardkostnader", "care_costs", "Kostnad per vårddygn"),
    ReportPage("04_ekonomi", "economy", "Ekonomi"),
    ReportPage("05_jamforelser", "comparison", "Jämförelser"),
    ReportPage("06_definitioner", "definitions", "Definitioner och metod"),
)


def list_problems(pages: tuple[ReportPage, ...] = PAGES) -> list[str]:
    """What is wrong with the list itself: stems not ``NN_name``, places not 00, 01 … in order,
    a module or a title twice."""
    problems = []
    for i, page in enumerate(pages):
        if not _STEM.match(page.stem):
            problems.append(f"{page.stem}: not NN_name")
        elif page.order != i:
            problems.append(f"{page.stem}: page {i} of the list, numbered {page.order:02d}")
    for what, values in (("module", [p.module for p in pages]), ("title", [p.title for p in pages])):
        twice = sorted({v for v in values if values.count(v) > 1})
        problems += [f"the {what} {v!r} is on more than one page" for v in twice]
    return problems


def declares(notebooks_dir: Path) -> bool:
    """Whether ``notebooks_dir`` holds the report's notebooks rather than another set (a draft,
    a test's): it holds every notebook of :data:`PAGES`, or a notebook that imports a page
    module of the list. (So a notebook missing from, or added to, the report's folder is
    found, and a folder of other notebooks is run as it is.)"""
    found = sorted(Path(notebooks_dir).glob(NOTEBOOK_PATTERN))
    if {p.stem for p in PAGES} <= {path.stem for path in found}:
        return True
    modules = [p.module_name for p in PAGES]
    for path in found:
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        code = ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code"]
        if any(_imports(source, module) for source in code for module in modules):
            return True
    return False


def _imports(source: str, module_name: str) -> bool:
    """Whether the code imports ``module_name`` (``from snanalys.pages import x``, ``import snanalys.pages.x``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    package, _, name = module_name.rpartition(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == module_name or (node.module == package and any(a.name == name for a in node.names)):
                return True
        elif isinstance(node, ast.Import) and any(a.name == module_name for a in node.names):
            return True
    return False


def notebook_problems(notebooks_dir: Path, pages: tuple[ReportPage, ...] = PAGES) -> list[str]:
    """Where the notebooks of ``notebooks_dir`` disagree with ``pages``: a page without its
    notebook, a notebook no page names, a notebook that does not import its page module, a
    title (or public flag) in the notebook's metadata other than the page's."""
    notebooks_dir = Path(notebooks_dir)
    found = {path.stem: path for path in notebooks_dir.glob(NOTEBOOK_PATTERN)}
    problems = [f"{p.notebook}: missing in {notebooks_dir}" for p in pages if p.stem not in found]
    declared = {p.stem for p in pages}
    problems += [f"{stem}.ipynb: no page of the page list" for stem in sorted(found) if stem not in declared]
    for page in pages:
        path = found.get(page.stem)
        if path is None:
            continue
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{page.notebook}: not readable ({exc})")
            continue
        meta = nb.get("metadata", {}).get("snanalys", {})
        if meta.get("title") != page.title:
            problems.append(f"{page.notebook}: title {meta.get('title')!r}, the page list says {page.title!r}")
        if bool(meta.get("public", True)) != page.public:
            problems.append(f"{page.notebook}: public={meta.get('public')!r}, the page list says {page.public}")
        code = ["".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        if not any(_imports(source, page.module_name) for source in code):
            problems.append(f"{page.notebook}: does not import {page.module_name}")
    return problems
