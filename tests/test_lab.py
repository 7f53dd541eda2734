"""The analyst's JupyterLab: notebooks run in the "Python (snanalys)" kernel as in Lab, the
analyst's own plots show, parameters explain themselves and refuse typos, and nbconvert's
command line makes the board's page from an executed notebook.

One execution of the explore notebook and one of a report page serve every test here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent
PAGE = NOTEBOOKS / "01_ekonomiskt_bistand.ipynb"
EXPLORE = NOTEBOOKS / "utforska" / "utforska.ipynb"
#: The analyst's own plot, as typed into a report page in Lab.
OWN_PLOT = 'ctx.data.payments.groupby("for_month")["amount_kr"].sum().plot(title="egen")'


def _kernel() -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("snanalys")
    except NoSuchKernel:
        pytest.fail('the kernel "Python (snanalys)" is not installed: run make (it registers it)')
    return "snanalys"


def _execute(source: Path | nbformat.NotebookNode, out: Path, cwd: Path, parameters: dict):
    import papermill as pm

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("MPLBACKEND", raising=False)  # the analyst's Lab has none: the kernel's own default
        return pm.execute_notebook(
            source if isinstance(source, nbformat.NotebookNode) else str(source),
            str(out),
            parameters=parameters,
            kernel_name=_kernel(),
            cwd=str(cwd),
            progress_bar=False,
        )


@pytest.fixture(scope="module")
def executed(sample_data_dir, tmp_path_factory):
    """The explore notebook and a report page with the analyst's own plot, run as in Lab."""
    out = tmp_path_factory.mktemp("lab")
    data = {"data_dir": str(sample_data_dir), "commentary_dir": str(ROOT / "commentary")}
    explore = _execute(EXPLORE, out / "utforska.ipynb", EXPLORE.parent, {**data, "tertial": 2})
    page = nbformat.read(PAGE, as_version=4)
    page.cells.append(new_code_cell(OWN_PLOT))
    page = _execute(page, out / "01_ekonomiskt_bistand.ipynb", NOTEBOOKS, {**data, "tertial": 2})
    return {"explore": (explore, out / "utforska.ipynb"), "page": (page, out / "01_ekonomiskt_bistand.ipynb")}


def _pngs(cell) -> int:
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def test_the_explore_notebook_runs_and_its_own_plots_show(executed):
    nb, _ = executed["explore"]
    plots = [c for c in nb.cells if c.cell_type == "code" and _pngs(c)]
    sources = [c.source for c in plots]
    assert any(".plot(" in s for s in sources)  # pandas' df.plot()
    assert any("sns.barplot(" in s for s in sources) and any("sns.boxplot(" in s for s in sources)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


def test_importing_the_pages_leaves_the_analysts_backend_alone(executed):
    nb, _ = executed["page"]
    assert _pngs(nb.cells[-1]) == 1, "df.plot() on a report page shows nothing: the backend was switched"
    # the report's own charts are HTML with embedded PNGs, never a figure shown by the backend
    assert sum(_pngs(c) for c in nb.cells[:-1]) == 0


def test_the_executed_explore_notebook_is_covered_by_the_privacy_scan(executed, sample_data_dir):
    from snanalys.privacy import raw_identifiers, scan_files

    _, path = executed["explore"]
    result = scan_files([path.parent], raw_identifiers(sample_data_dir / "raw"))
    assert result.files >= 2 and not result.hits and not result.unreadable


def _run(*args, cwd=NOTEBOOKS, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, capture_output=True, text=True, env=env)


def test_papermill_help_lists_each_parameters_type_and_help():
    from snanalys.pages import PARAMETERS

    proc = _run("papermill", "--help-notebook", PAGE.name)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    for p in PARAMETERS:
        assert f"{p.name}: {p.type.__name__} (default" in text
        assert " ".join(p.help.split()) in text
    assert "Unknown type" not in text


def test_papermill_with_a_misspelt_parameter_fails_naming_it(tmp_path, sample_data_dir):
    proc = _run(
        "papermill", PAGE.name, str(tmp_path / "out.ipynb"), "-k", _kernel(), "--no-progress-bar",
        "-p", "data_dir", str(sample_data_dir), "-p", "tertal", "2",
    )  # fmt: skip
    assert proc.returncode != 0
    assert re.search(r"ParameterError: unknown notebook parameter\(s\) 'tertal' \(did you mean 'tertial'", proc.stderr)
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    executed.cells = [c for c in executed.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    tags = [c.metadata.get("tags", []) for c in executed.cells]
    failed = next(
        i for i, c in enumerate(executed.cells) if any(o.output_type == "error" for o in c.get("outputs", []))
    )
    assert "injected-parameters" in tags[failed - 1]  # stopped at the first cell after the injected parameters


def test_nbconvert_finds_the_template_by_name_and_makes_a_self_contained_page(executed, tmp_path):
    from snanalys.reporting.templates import install

    _, path = executed["page"]
    nb = nbformat.read(path, as_version=4)
    nb.cells.pop()  # the analyst's own plot is no part of the page
    page = tmp_path / "sida.ipynb"
    nbformat.write(nb, page)
    prefix = tmp_path / "prefix"
    install(prefix)  # what make does for the environment, here into a prefix of the test's own
    env = {**os.environ, "JUPYTER_PATH": str(prefix / "share" / "jupyter")}
    proc = _run("jupyter", "nbconvert", "--to", "html", "--template", "snanalys_page", "--no-input", page.name,
                cwd=tmp_path, env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "sida.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", html, re.I)
    assert "<title>Ekonomiskt bistånd – Socialnämndens tertialuppföljning 2025-T2 – Exempelkommun</title>" in html
    assert "Syntetiska exempeldata." in html  # the banner, from the record open_page left in the notebook
    from snanalys.reporting.export import css

    assert css() in html
    assert "Run by `snanalys report`" not in html and "Parameters" not in html  # hidden cell, inputs
    assert html.count("<img ") == sum(1 for _ in re.finditer(r"<figure", html)) >= 1


def test_the_installed_template_is_a_link_to_the_packages_own(tmp_path):
    from snanalys.reporting.templates import install, source

    target = install(tmp_path)
    install(tmp_path)  # again: replaced, not nested
    assert (target / "index.html.j2").read_text() == (source() / "index.html.j2").read_text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["snanalys_page"]
