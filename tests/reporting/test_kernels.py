"""The warm-kernel pool: notebooks share a kernel, never each other's variables; county runs."""

import os
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from snanalys.reporting.errors import ReportError
from snanalys.reporting.kernels import KernelPool, NotebookJob
from snanalys.reporting.run import interpreter_kernel, run_reports

PARAMS = 'year = 2025\ntertial = 3\nkommun = "0480"\ndata_dir = ""\nas_of = ""\ncommentary_dir = ""'


def _notebook(folder, name, *cells):
    nb = new_notebook(
        cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}), *[new_code_cell(c) for c in cells]]
    )
    nb.metadata["snanalys"] = {"title": name, "public": True}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def _run(folder, paths, workers):
    with interpreter_kernel() as kernel, KernelPool(kernel, folder, workers) as pool:
        futures = [pool.submit(NotebookJob(p, p.with_suffix(".out.ipynb"), {"kommun": "0481"})) for p in paths]
        return [f.result() for f in futures]


def test_notebooks_share_a_warm_kernel_but_not_its_variables(tmp_path):
    first = _notebook(tmp_path, "00_a", "import os\nleaked = 42\nprint('pid', os.getpid())")
    second = _notebook(
        tmp_path,
        "01_b",
        "import os\nprint('pid', os.getpid())\nprint('leaked' in dir(), '_snanalys_reset' in dir(), kommun)",
    )
    a, b = _run(tmp_path, [first, second], workers=1)
    pid_a = _text(a).split()[1]
    assert f"pid {pid_a}" in _text(b)  # the same kernel process ran both
    assert "False False 0481" in _text(
        b
    )  # the first notebook's variables and the reset's are gone; parameters injected


def test_an_executed_notebook_names_its_source_and_has_the_same_cell_ids_in_every_run(tmp_path):
    first = _notebook(tmp_path, "00_a", "x = 1")
    second = _notebook(tmp_path, "01_b", "y = 2")
    _run(tmp_path, [first, second], workers=1)  # the second runs in a used kernel: a reset cell first
    for path, reset in ((first, []), (second, ["snanalys-reset"])):
        executed = nbformat.read(path.with_suffix(".out.ipynb"), as_version=4)
        assert executed.metadata.papermill.input_path == str(path)  # not a copy of the notebook
        parameters, *rest = [c.id for c in nbformat.read(path, as_version=4).cells]
        assert [c.id for c in executed.cells] == [*reset, parameters, "injected-parameters", *rest]


def test_kernels_start_in_the_notebooks_folder_and_the_runner_keeps_its_own(tmp_path):
    here = os.getcwd()
    nb = _notebook(tmp_path, "00_cwd", "import os\nprint(os.getcwd())")
    (out,) = _run(tmp_path, [nb], workers=2)
    assert str(tmp_path) in _text(out)
    assert os.getcwd() == here


def test_workers_run_notebooks_side_by_side(tmp_path):
    paths = [
        _notebook(tmp_path, f"0{i}_n", "import os, time\ntime.sleep(0.5)\nprint('pid', os.getpid())") for i in range(4)
    ]
    results = _run(tmp_path, paths, workers=2)
    assert len({_text(nb).split()[1] for nb in results}) == 2


def test_a_worker_keeps_to_one_municipality_while_it_has_pages_waiting(tmp_path):
    code = "import os, time\ntime.sleep(0.3)\nprint('pid', os.getpid())"
    paths = {g: [_notebook(tmp_path, f"{g}{i}", code) for i in range(3)] for g in ("a", "b")}
    with interpreter_kernel() as kernel, KernelPool(kernel, tmp_path, 2) as pool:
        futures = {g: [] for g in paths}
        for i in range(3):  # submitted interleaved, as two reports in flight do
            for g in paths:
                job = NotebookJob(paths[g][i], paths[g][i].with_suffix(".out.ipynb"), {}, group=g)
                futures[g].append(pool.submit(job))
        pids = {g: {_text(f.result()).split()[1] for f in fs} for g, fs in futures.items()}
    assert len(pids["a"]) == 1 and len(pids["b"]) == 1 and pids["a"] != pids["b"]


def test_a_failing_notebook_gets_the_next_job_a_fresh_kernel(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    bad = _notebook(tmp_path, "00_bad", "import os\nprint('pid', os.getpid())\nraise RuntimeError('boom')")
    good = _notebook(tmp_path, "01_good", "import os\nprint('pid', os.getpid())")
    with interpreter_kernel() as kernel, KernelPool(kernel, tmp_path, 1) as pool:
        failed = pool.submit(NotebookJob(bad, tmp_path / "bad.out.ipynb", {}))
        ok = pool.submit(NotebookJob(good, tmp_path / "good.out.ipynb", {}))
        with pytest.raises(PapermillExecutionError, match="boom"):
            failed.result()
        after = ok.result()
    bad_pid = _text(nbformat.read(tmp_path / "bad.out.ipynb", as_version=4)).split()[1]
    assert bad_pid not in _text(after)


def _county(sample_data_dir, tmp_path, codes):
    """The sample's processed folder under several codes: a county on one data folder."""
    data = tmp_path / "data"
    for code in codes:
        target = data / "processed" / code
        shutil.copytree(sample_data_dir / "processed" / "0480", target)
        extract = target / "extract.json"
        extract.write_text(extract.read_text(encoding="utf-8").replace('"0480"', f'"{code}"'), encoding="utf-8")
    return data


def test_a_county_run_publishes_one_report_per_municipality(sample_data_dir, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(
        notebooks,
        "00_sammanfattning",
        "from IPython.display import HTML, display\n"
        "display(HTML(f'<h1>Kommun {kommun}</h1><p>syntetiska exempeldata</p>'))",
    )
    data = _county(sample_data_dir, tmp_path, ["0480", "0481", "0482"])
    results = run_reports(
        2025,
        3,
        kommuner=["0480", "0481", "0482"],
        data_dir=data,
        reports_dir=tmp_path / "r",
        notebooks_dir=notebooks,
        progress=lambda m: None,
        workers=2,
    )
    assert [r.public_dir for r in results] == [tmp_path / "r" / c / "2025-T3" for c in ("0480", "0481", "0482")]
    for code, result in zip(("0480", "0481", "0482"), results):
        assert f"Kommun {code}" in (result.public_dir / "index.html").read_text(encoding="utf-8")
        assert (result.public_dir / "rapport.pdf").exists()


def test_a_failing_municipality_does_not_stop_the_county(sample_data_dir, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(
        notebooks,
        "00_sammanfattning",
        "if kommun == '0481':\n    raise ValueError('deliberate failure')\n"
        "from IPython.display import HTML, display\n"
        "display(HTML(f'<h1>Kommun {kommun}</h1><p>syntetiska exempeldata</p>'))",
    )
    data = _county(sample_data_dir, tmp_path, ["0480", "0481"])
    with pytest.raises(ReportError, match=r"1 of 2 reports failed \(0481: notebook 00_sammanfattning\.ipynb failed"):
        run_reports(
            2025,
            3,
            kommuner=["0480", "0481"],
            data_dir=data,
            reports_dir=tmp_path / "r",
            notebooks_dir=notebooks,
            progress=lambda m: None,
            workers=2,
        )
    assert (tmp_path / "r" / "0480" / "2025-T3" / "index.html").exists()
    assert not (tmp_path / "r" / "0481" / "2025-T3").exists()


def test_a_failing_cell_is_named_as_committed_when_the_kernel_was_used(sample_data_dir, tmp_path):
    """In a used kernel a reset cell goes first; the error still counts cells as committed."""
    from snanalys.reporting.run import run_report

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(
        notebooks,
        "00_sammanfattning",
        "from IPython.display import HTML, display\ndisplay(HTML('<h1>S</h1><p>syntetiska exempeldata</p>'))",
    )
    _notebook(notebooks, "01_sida", "x = 1", "raise ValueError('deliberate failure')")
    with pytest.raises(ReportError, match=r"01_sida\.ipynb failed in cell 2 .*deliberate failure"):
        run_report(
            2025,
            3,
            data_dir=sample_data_dir,
            reports_dir=tmp_path / "r",
            notebooks_dir=notebooks,
            progress=lambda m: None,
            workers=1,
        )
    executed = nbformat.read(tmp_path / "r" / "_internal" / "2025-T3-failed" / "01_sida.ipynb", as_version=4)
    assert any("snanalys-reset" in c.metadata.get("tags", []) for c in executed.cells)  # ran in the used kernel
    assert executed.metadata.papermill.input_path == str(notebooks / "01_sida.ipynb")  # set right on failure too


def test_the_reports_kernels_draw_with_agg_and_show_no_stray_figure(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # chosen by the pool, not inherited
    path = _notebook(
        tmp_path,
        "00_a",
        "import matplotlib, matplotlib.pyplot as plt\nprint(matplotlib.get_backend().lower())\nplt.plot([1, 2])",
    )
    (nb,) = _run(tmp_path, [path], workers=1)
    assert "agg" in _text(nb).split()
    assert not [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
