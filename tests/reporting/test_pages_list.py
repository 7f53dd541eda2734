"""The page list (snanalys.reporting.pages_list) against the committed notebooks, the page modules and the runner."""

from __future__ import annotations

import importlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from snanalys.reporting.errors import ReportError
from snanalys.reporting.pages_list import PAGES, list_problems, notebook_problems
from snanalys.reporting.run import discover_pages

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def test_the_list_is_numbered_in_order_without_repeats():
    assert list_problems() == []
    assert [p.order for p in PAGES] == list(range(len(PAGES)))


def test_the_committed_notebooks_are_exactly_the_listed_pages():
    assert notebook_problems(NOTEBOOKS) == []
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) == [p.stem for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_each_title_is_its_page_modules_title(page):
    assert importlib.import_module(page.module_name).TITLE == page.title


def test_the_runner_takes_its_pages_from_the_list():
    assert [(p.stem, p.title, p.public) for p in discover_pages(NOTEBOOKS)] == [
        (p.stem, p.title, p.public) for p in PAGES
    ]


def test_make_notebooks_writes_every_listed_page():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_notebooks", module)
    spec.loader.exec_module(module)
    assert set(module.CONTENT) == {p.stem for p in PAGES}
    for page in PAGES:
        nb = module.build(page, *module.CONTENT[page.stem])
        assert nb.metadata["snanalys"]["title"] == page.title


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    return folder


def test_a_missing_an_extra_a_mistitled_and_a_wrong_import_are_found(tmp_path):
    folder = _copy(tmp_path)
    (folder / "05_jamforelser.ipynb").unlink()
    shutil.copy(folder / "04_ekonomi.ipynb", folder / "06_extra.ipynb")
    nb = json.loads((folder / "02_placeringar.ipynb").read_text(encoding="utf-8"))
    nb["metadata"]["snanalys"]["title"] = "Placeringar och annat"
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"]).replace("import placements as page", "import summary as page")
    (folder / "02_placeringar.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert notebook_problems(folder) == [
        f"05_jamforelser.ipynb: missing in {folder}",
        "06_extra.ipynb: no page of the page list",
        "02_placeringar.ipynb: title 'Placeringar och annat', the page list says 'Placeringar'",
        "02_placeringar.ipynb: does not import snanalys.pages.placements",
    ]
    with pytest.raises(ReportError, match=r"disagree with the page list .*06_extra\.ipynb: no page of the page list"):
        discover_pages(folder)


def test_a_folder_of_other_notebooks_runs_as_it_is(tmp_path):
    from nbformat import write
    from nbformat.v4 import new_code_cell, new_notebook

    for stem, title in (("00_sammanfattning", "Först"), ("01_sida", "Sida")):
        nb = new_notebook(cells=[new_code_cell("from snanalys.pages import open_page\nx = 1")])
        nb.metadata["snanalys"] = {"title": title, "public": True}
        write(nb, tmp_path / f"{stem}.ipynb")
    assert [(p.stem, p.title) for p in discover_pages(tmp_path)] == [
        ("00_sammanfattning", "Först"),
        ("01_sida", "Sida"),
    ]
