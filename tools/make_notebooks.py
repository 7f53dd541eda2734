"""Writes the report notebooks in notebooks/ (run once when the page list changes).

The notebooks are the source the analyst opens in JupyterLab; this script only keeps
their boilerplate identical. Edit a notebook by hand or here, then commit it without
outputs.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

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

PAGES = {
    "00_sammanfattning": (
        "summary",
        "Sammanfattning",
        "The summary page: the 'Volymer och nyckeltal' table over years and the committee's targets.",
        ["key_figures_section", "targets_section"],
    ),
    "01_ekonomiskt_bistand": (
        "economic_assistance",
        "Ekonomiskt bistånd",
        "Economic assistance: households, kronor, per month, by sex and reason, long-term assistance.",
        ["overview_section", "monthly_section", "by_sex_section", "long_term_section"],
    ),
    "02_placeringar": (
        "placements",
        "Placeringar",
        "Placements: care days and persons placed by form and sex; placements against open care.",
        ["overview_section", "children_section", "adults_section"],
    ),
    "03_vardkostnader": (
        "care_costs",
        "Kostnad per vårddygn",
        "Care-day costs: kronor per care day over years, by form and provider, and the spread.",
        ["overview_section", "by_form_section", "spread_section"],
    ),
    "04_ekonomi": (
        "economy",
        "Ekonomi",
        "Economy: the committee's result per verksamhet, volume-driven costs, forecasts, volume and price effects.",
        ["committee_section", "costs_section", "forecast_note_section"],
    ),
    "05_jamforelser": (
        "comparison",
        "Jämförelser",
        "Comparison with similar municipalities and the country (Kolada), and the committee's indicators.",
        ["indicators_section", "kolada_section"],
    ),
}


def build(stem: str, module: str, title: str, about: str, sections: list[str]) -> nbformat.NotebookNode:
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
    cells.append(new_code_cell("show(ctx.commentary(page.TITLE))"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "snanalys", "display_name": "Python (snanalys)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["snanalys"] = {"title": title, "public": True}
    return nb


def main() -> None:
    for stem, (module, title, about, sections) in PAGES.items():
        nb = build(stem, module, title, about, sections)
        for i, cell in enumerate(nb.cells):
            cell["id"] = str(i)  # as nbstripout numbers them
        nbformat.write(nb, ROOT / "notebooks" / f"{stem}.ipynb")


if __name__ == "__main__":
    main()
