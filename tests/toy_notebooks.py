"""Small report notebooks for the runner's tests: the parameters cell of the real ones and a page
of a cell or two, so a test says only what its pages do differently."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

PARAMETERS = 'year = 2025\ntertial = 3\nkommun = "0480"\ndata_dir = ""\nas_of = ""\ncommentary_dir = ""'
SHOW = "from IPython.display import HTML, display\n"


def show(title: str, text: str = "syntetiska exempeldata") -> str:
    """A cell's code that displays a page: its h1 and a line of text."""
    return SHOW + f"display(HTML('<h1>{title}</h1><p>{text}</p>'))"


def page(title: str, *code: str, kernel: str | None = None) -> nbformat.NotebookNode:
    """A public page: the parameters cell, then ``code`` cell by cell."""
    cells = [new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}), *(new_code_cell(c) for c in code)]
    nb = new_notebook(cells=cells)
    nb.metadata["snanalys"] = {"title": title, "public": True}
    if kernel:
        nb.metadata["kernelspec"] = {"name": kernel, "display_name": "x", "language": "python"}
    return nb


def write(folder: Path, pages: dict[str, nbformat.NotebookNode]) -> Path:
    """``pages`` (stem → notebook) written to ``folder``, which is returned."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, nb in pages.items():
        nbformat.write(nb, folder / f"{stem}.ipynb")
    return folder
