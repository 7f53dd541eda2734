"""Every report notebook is committed clean and has what papermill and the runner need."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PARAMETERS = {"year", "tertial", "kommun", "data_dir", "as_of", "commentary_dir"}


def test_there_are_report_notebooks():
    assert [p.stem.split("_", 1)[0] for p in NOTEBOOKS][:1] == ["00"]
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: strip outputs (nbstripout)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_parameters_cell_with_the_report_parameters(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line}
    assert names == PARAMETERS
    # validated right after the parameters cell
    following = nb.cells[nb.cells.index(tagged[0]) + 1]
    assert "open_page(" in following.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_declares_its_page(path):
    meta = nbformat.read(path, as_version=4).metadata["snanalys"]
    assert meta["title"] and isinstance(meta["public"], bool)
