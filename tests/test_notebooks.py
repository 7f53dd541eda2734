"""Every notebook is committed clean and has what papermill and the runner need: the report's
pages (notebooks/NN_*.ipynb) and the analyst's explore notebook (notebooks/utforska/)."""

import ast
import importlib.util
from pathlib import Path

import nbformat
import pytest

from snanalys.pages import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPLORE = ROOT / "notebooks" / "utforska" / "utforska.ipynb"
ALL = [*NOTEBOOKS, EXPLORE]


def test_there_are_report_notebooks():
    assert [p.stem.split("_", 1)[0] for p in NOTEBOOKS][:1] == ["00"]
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: strip outputs (nbstripout)"


def _parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    return nb, tagged[0]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebook_has_one_parameters_cell_typed_and_commented(path):
    nb, cell = _parameters_cell(path)
    statements = ast.parse(cell.source).body
    assert all(isinstance(s, ast.AnnAssign) for s in statements), "name: type = default  # help"
    declared = {p.name: p for p in PARAMETERS}
    assert [s.target.id for s in statements] == list(declared)
    for statement, line in zip(statements, [x for x in cell.source.splitlines() if not x.startswith("#")]):
        p = declared[statement.target.id]
        assert ast.unparse(statement.annotation) == p.type.__name__
        assert isinstance(ast.literal_eval(statement.value), p.type)
        assert line.split("  # ", 1)[1] == p.help  # papermill --help-notebook shows it
    # checked right after the parameters cell, i.e. right after papermill's injected one
    following = nb.cells[nb.cells.index(cell) + 1]
    assert "open_page(**check_parameters(globals()))" in following.source


def test_the_notebooks_are_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    from snanalys.reporting.pages_list import PAGES

    expected = {ROOT / "notebooks" / p.notebook: make.build(p, *make.CONTENT[p.stem]) for p in PAGES}
    expected[EXPLORE] = make.build_explore()
    for path, nb in expected.items():
        committed = nbformat.read(path, as_version=4)
        assert [c.source for c in committed.cells] == [c.source for c in nb.cells], (
            f"{path.name}: run tools/make_notebooks.py"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_declares_its_page(path):
    meta = nbformat.read(path, as_version=4).metadata["snanalys"]
    assert meta["title"] and isinstance(meta["public"], bool)


def test_the_explore_notebook_says_it_is_internal_and_is_no_page_of_the_report():
    from snanalys.reporting.pages_list import PAGES

    nb = nbformat.read(EXPLORE, as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.splitlines()[0] == "# Utforska – internt, ej för publicering"
    assert nb.metadata["snanalys"]["public"] is False
    assert nb.metadata["kernelspec"]["name"] == "snanalys"
    assert all(not p.notebook.startswith("utforska") for p in PAGES)
    assert "import seaborn as sns" in "".join(c.source for c in nb.cells)
