"""Writes the report notebooks in notebooks/ (run once when the page list changes).

The pages, their order, modules and titles are the page list's
(``snanalys.reporting.pages_list.PAGES``); what each notebook says and which sections it
shows is :data:`CONTENT` below.

The notebooks are the source the analyst opens in JupyterLab; this script only keeps
their boilerplate identical. Edit a notebook by hand or here, then commit it without
outputs.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from snanalys.reporting.pages_list import PAGES, ReportPage

ROOT = Path(__file__).resolve().parents[1]

PARAMETERS = """# Parameters (papermill replaces this cell). Never personal data.
year = 2025
tertial = 3
kommun = "0480"
data_dir = "../data"
as_of = ""
commentary_dir = "../commentary\""""

OPEN = """from snanalys.pages import open_page, show
from snanalys.pages.common import page_heading

ctx = open_page(
    year=year, tertial=tertial, kommun=kommun, data_dir=data_dir, as_of=as_of, commentary_dir=commentary_dir
)"""

#: What each page's notebook says and shows, by its stem; which pages there are, their order,
#: modules and titles come from the page list (snanalys.reporting.pages_list.PAGES).
CONTENT = {
    "00_sammanfattning": (
        "The summary page: the 'Volymer och nyckeltal' table over years and the committee's targets.",
        ["key_figures_section", "targets_section"],
    ),
    "01_ekonomiskt_bistand": (
        "Economic assistance: households, kronor, per month, by sex and reason, long-term assistance.",
        ["overview_section", "monthly_section", "by_sex_section", "long_term_section"],
    ),
    "02_placeringar": (
        "Placements: care days and persons placed by form and sex; placements against open care.",
        ["overview_section", "children_section", "adults_section"],
    ),
    "03_vardkostnader": (
        "Care-day costs: kronor per care day over years, by form and provider, and the spread.",
        ["overview_section", "by_form_section", "spread_section"],
    ),
    "04_ekonomi": (
        "Economy: the committee's result per verksamhet, volume-driven costs, forecasts, volume and price effects.",
        ["committee_section", "costs_section", "outlook_section", "record_section", "forecast_note_section"],
    ),
    "05_jamforelser": (
        "Comparison with similar municipalities and the country (Kolada), and the committee's indicators.",
        ["indicators_section", "kolada_section"],
    ),
    "06_definitioner": (
        "Definitions and method: what each figure counts, its source and protection, from the measure declarations.",
        ["method_section", "measures_section"],
    ),
}


#: Pages with no commentary of the committee's (the appendix says how the report counts).
NO_COMMENTARY = ("definitions",)


def build(page: ReportPage, about: str, sections: list[str]) -> nbformat.NotebookNode:
    module, title = page.module, page.title
    intro = new_markdown_cell(
        f"# {title}\n\n{about}\n\nRun by `snanalys report`; open it in JupyterLab to explore. The sections are "
        f"built by `snanalys.pages.{module}`; this cell is not shown in the report.",
        metadata={"tags": ["remove-cell"]},
    )
    cells = [
        intro,
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(OPEN),
        new_code_cell(f"from snanalys.pages import {module} as page\n\nshow(page_heading(ctx, page.TITLE))"),
    ]
    cells += [new_code_cell(f"show(page.{name}(ctx))") for name in sections]
    if page.module not in NO_COMMENTARY:
        cells.append(new_code_cell("show(ctx.commentary(page.TITLE))"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "snanalys", "display_name": "Python (snanalys)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["snanalys"] = {"title": title, "public": page.public}
    return nb


def main() -> None:
    missing = [p.stem for p in PAGES if p.stem not in CONTENT]
    if missing:
        raise SystemExit(f"no CONTENT in tools/make_notebooks.py for the page(s) {', '.join(missing)}")
    for page in PAGES:
        nb = build(page, *CONTENT[page.stem])
        for i, cell in enumerate(nb.cells):
            cell["id"] = str(i)  # as nbstripout numbers them
        nbformat.write(nb, ROOT / "notebooks" / page.notebook)


if __name__ == "__main__":
    main()
