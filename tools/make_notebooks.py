"""Writes the report notebooks in notebooks/ and the analyst's notebooks/utforska/utforska.ipynb.

The pages, their order, modules and titles are the page list's
(``snanalys.reporting.pages_list.PAGES``); what each notebook says and which sections it
shows is :data:`CONTENT` below.

The notebooks are the source the analyst opens in JupyterLab; this script only keeps
their boilerplate identical. Edit a notebook by hand or here, then commit it without
outputs.
"""

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from snanalys.pages import PARAMETERS as PAGE_PARAMETERS
from snanalys.reporting.pages_list import PAGES, ReportPage

ROOT = Path(__file__).resolve().parents[1]


def parameters_cell() -> str:
    """The parameters cell, typed and commented (``name: type = default  # help``), so that
    ``papermill --help-notebook`` shows each one's type and help; from the one declaration,
    ``snanalys.pages.PARAMETERS``."""
    lines = ["# Parameters (papermill injects its values in a cell after this one). Never personal data."]
    for p in PAGE_PARAMETERS:
        lines.append(f"{p.name}: {p.type.__name__} = {json.dumps(p.default, ensure_ascii=False)}  # {p.help}")
    return "\n".join(lines)


PARAMETERS = parameters_cell()

OPEN = """from snanalys.pages import check_parameters, open_page, show
from snanalys.pages.common import page_heading

# an unknown parameter (papermill -p tertal 2) or a value of the wrong type stops the notebook here
ctx = open_page(**check_parameters(globals()))"""

#: What each page's notebook says and shows, by its stem; which pages there are, their order,
#: modules and titles come from the page list (snanalys.reporting.pages_list.PAGES).
CONTENT = {
    "00_sammanfattning": (
        "The summary page: the 'Volymer och nyckeltal' table over years and the committee's targets.",
        ["key_figures_section", "targets_section"],
    ),
    "01_ekonomiskt_bistand": (
        "Economic assistance: households, kronor, per month, Socialstyrelsen's official monthly statistics, "
        "by sex and reason, long-term assistance.",
        ["overview_section", "monthly_section", "official_section", "by_sex_section", "long_term_section"],
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


#: The analyst's explore notebook: not a page of the report (the page list takes only
#: notebooks/NN_*.ipynb), its figures are unprotected, so it says so first.
EXPLORE = Path("utforska") / "utforska.ipynb"

EXPLORE_CELLS = [
    (
        "markdown",
        "# Utforska – internt, ej för publicering\n\n"
        "Siffrorna här är **oskyddade**: små antal (1–4 personer) visas som de är. Dela inte utdata från den här "
        "anteckningsboken; det nämnden ser kommer från rapporten (`snanalys report`), där små tal skyddas "
        "(docs/disclosure.md). Spara den utan utdata (nbstripout gör det vid commit), och kör "
        "`snanalys scan notebooks` om en kopia med utdata ska sparas någon annanstans.",
    ),
    ("parameters", None),
    (
        "code",
        """import matplotlib.pyplot as plt
import seaborn as sns

from snanalys import charts
from snanalys.key_figures import key_figures
from snanalys.measures.facts import build_facts
from snanalys.pages import check_parameters, open_page

ctx = open_page(**check_parameters(globals()))
data = ctx.data  # the processed tables: data.payments, data.members, data.placements, data.placement_costs …
# the report's colours (Okabe–Ito) and style for seaborn and for pandas' own .plot()
sns.set_theme(style="whitegrid", palette=charts.OKABE_ITO, rc=charts.STYLE)
data.extract""",
    ),
    ("markdown", "## Nyckeltalen för perioden\n\nÅret till och med tertialet, som i rapporten, men oskyddade."),
    ("code", 'key_figures(data, ctx.period)[["measure", "label_sv", "value", "unit"]]'),
    ("markdown", "Samma period alla år som data täcker:"),
    ("code", 'ctx.key_figures_by_year.pivot_table(index="label_sv", columns="year", values="value")'),
    (
        "markdown",
        "## Underlaget bakom nyckeltalen\n\n"
        "De fakta varje nyckeltal räknas fram ur (`snanalys.measures.facts`, reglerna i docs/measures.md): "
        "hushåll med utbetalning, personer, placeringar med vårddygn och kostnad.",
    ),
    (
        "code",
        """facts = build_facts([data.directory], [data.extract], ctx.period)
households = facts.query("SELECT * FROM f_households WHERE counted")
spells = facts.query("SELECT * FROM f_spells")
facts.close()
spells.head()""",
    ),
    ("markdown", "### Utbetalt per månad"),
    (
        "code",
        """paid = data.payments.set_index("payment_date").sort_index()
per_month = paid.loc[str(ctx.period.start) : str(ctx.period.end), "amount_kr"].resample("MS").sum() / 1000
per_month.plot(title="Utbetalt ekonomiskt bistånd per månad, tkr", xlabel="", ylabel="tkr");""",
    ),
    ("markdown", "### Hushåll efter den sökandes kön"),
    (
        "code",
        """households.groupby("applicant_sex").agg(hushall=("kr", "size"), kr=("kr", "sum"))""",
    ),
    ("markdown", "### Vårddygn efter målgrupp, form och utförare"),
    (
        "code",
        """spells.pivot_table(
    index=["target_group", "form"], columns="provider_type", values="care_days", aggfunc="sum", fill_value=0
)""",
    ),
    (
        "code",
        """ax = sns.barplot(data=spells, y="form", x="care_days", hue="provider_type", estimator="sum", errorbar=None)
ax.set(title="Vårddygn efter form och utförare", xlabel="vårddygn", ylabel="");""",
    ),
    ("markdown", "### Kostnad per vårddygn, placering för placering"),
    (
        "code",
        """priced = spells[(spells.care_days > 0) & (spells.cost_kr > 0)].assign(
    kr_per_dygn=lambda d: d.cost_kr / d.care_days
)
ax = sns.boxplot(data=priced, y="form", x="kr_per_dygn", hue="provider_type")
ax.set(title="Kronor per vårddygn", xlabel="kr per vårddygn", ylabel="");""",
    ),
]


def build_explore() -> nbformat.NotebookNode:
    cells = []
    for kind, source in EXPLORE_CELLS:
        if kind == "parameters":
            cells.append(new_code_cell(PARAMETERS.replace('"../', '"../../'), metadata={"tags": ["parameters"]}))
        elif kind == "markdown":
            cells.append(new_markdown_cell(source))
        else:
            cells.append(new_code_cell(source))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "snanalys", "display_name": "Python (snanalys)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["snanalys"] = {"title": "Utforska (internt)", "public": False}
    return nb


def _write(nb: nbformat.NotebookNode, path: Path) -> None:
    for i, cell in enumerate(nb.cells):
        cell["id"] = str(i)  # as nbstripout numbers them
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def main() -> None:
    missing = [p.stem for p in PAGES if p.stem not in CONTENT]
    if missing:
        raise SystemExit(f"no CONTENT in tools/make_notebooks.py for the page(s) {', '.join(missing)}")
    for page in PAGES:
        _write(build(page, *CONTENT[page.stem]), ROOT / "notebooks" / page.notebook)
    _write(build_explore(), ROOT / "notebooks" / EXPLORE)


if __name__ == "__main__":
    main()
