"""The scheduled tertial run: execute every notebook, export, and publish atomically.

Everything is built in a staging folder beside the reports; only when every notebook
ran and every page passed its checks are the public and internal folders swapped in.
A failed run never replaces the last good report of its period: it keeps the failed
notebook for the analyst in ``reports/_internal/<period>-failed/`` and raises
:class:`ReportError` naming the notebook and the cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from snanalys import __version__
from snanalys.data import load_municipality
from snanalys.periods import latest_closed_tertial, require_covered, year_to_date
from snanalys.reporting import export
from snanalys.reporting.static_checks import check_page

KERNEL_NAME = "snanalys-run"


class ReportError(RuntimeError):
    """The report could not be built; the last good report is untouched."""


@dataclass
class ReportResult:
    label: str
    public_dir: Path
    internal_dir: Path
    pages: list[str]
    seconds: float
    durations: dict[str, float] = field(default_factory=dict)


def period_label(year: int, tertial: int) -> str:
    return f"{year}-T{tertial}"


def resolve_latest(as_of: dt.date, extract) -> tuple[int, int]:
    """The latest tertial closed on ``as_of``; an error naming the missing months if the data
    does not cover it (never a fall-back to an older period)."""
    year, tertial = latest_closed_tertial(as_of)
    require_covered(year_to_date(year, tertial), extract.data_from, extract.covered_through)
    return year, tertial


def discover_pages(notebooks_dir: Path) -> list[export.Page]:
    pages = []
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        meta = nbformat.read(path, as_version=4).metadata.get("snanalys", {})
        pages.append(export.Page(path.stem, meta.get("title", path.stem), bool(meta.get("public", True))))
    if not pages or not pages[0].stem.startswith("00_"):
        raise ReportError(f"no report notebooks (00_*.ipynb first) in {notebooks_dir}")
    return pages


@contextmanager
def interpreter_kernel():
    """A kernelspec for the interpreter running snanalys, whatever kernel a notebook names."""
    with tempfile.TemporaryDirectory(prefix="snanalys-kernel-") as tmp:
        spec_dir = Path(tmp) / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"],
            "display_name": "snanalys (this interpreter)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        previous = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = tmp + (os.pathsep + previous if previous else "")
        try:
            yield KERNEL_NAME
        finally:
            if previous is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = previous


def _source_cell_index(executed: Path, index: int) -> int:
    """The failing cell's index in the committed notebook (papermill inserts a parameters cell)."""
    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return index
    injected = sum(1 for c in cells[:index] if "injected-parameters" in c.metadata.get("tags", []))
    return index - injected


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _versions() -> dict[str, str]:
    import matplotlib
    import nbconvert
    import numpy
    import pandas
    import papermill

    return {
        "snanalys": __version__,
        "python": sys.version.split()[0],
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "papermill": papermill.__version__,
        "nbconvert": nbconvert.__version__,
        "matplotlib": matplotlib.__version__,
    }


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; the old one is removed only after the new one is in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.parent / f".old-{target.name}-{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _write_public_tables(data, year: int, tertial: int, public_dir: Path, internal_dir: Path) -> None:
    from snanalys.cli import key_figures_csv
    from snanalys.metrics.key_figures import key_figures
    from snanalys.reporting.tables_export import key_figures_xlsx
    from snanalys.suppression import suppress_key_figures

    period = year_to_date(year, tertial)
    table = key_figures(data, period)
    public = suppress_key_figures(table)
    synthetic = data.extract.synthetic
    (public_dir / "nyckeltal.csv").write_text(
        key_figures_csv(public, synthetic=synthetic, period_label=period.label, preliminary=False), encoding="utf-8"
    )
    key_figures_xlsx(public, public_dir / "nyckeltal.xlsx", synthetic=synthetic, period_label=period.label)
    (internal_dir / "nyckeltal_unsuppressed.csv").write_text(
        key_figures_csv(table, synthetic=synthetic, period_label=period.label, preliminary=False), encoding="utf-8"
    )


def _forecasts(data, year: int, tertial: int) -> dict:
    """Method and backtested error of every full-year forecast on the economy page."""
    from snanalys.economy.drivers import cost_table
    from snanalys.economy.figures import cost_budget_or_none
    from snanalys.economy.ledger import result_table

    months = year_to_date(year, tertial).end.month
    ledger = result_table(data.table("ledger"), data.table("budget"), year, months)
    costs = cost_table(data, year, tertial, cost_budget_or_none(data))
    return {
        "committee": {r.key: r.forecast_detail for r in ledger.itertuples(index=False)},
        "volume_driven_costs": {r.area: r.forecast_detail for r in costs.itertuples(index=False)},
    }


def run_report(
    year: int,
    tertial: int,
    *,
    data_dir: Path,
    reports_dir: Path,
    notebooks_dir: Path,
    commentary_dir: Path | None = None,
    as_of: dt.date | None = None,
    kommun: str | None = None,
    progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True),
) -> ReportResult:
    """Build the report of ``year``-T``tertial`` and publish it only if all of it succeeded."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    started_at = dt.datetime.now().astimezone()
    data_dir, reports_dir, notebooks_dir = Path(data_dir).resolve(), Path(reports_dir).resolve(), Path(notebooks_dir).resolve()
    commentary_dir = Path(commentary_dir).resolve() if commentary_dir else notebooks_dir.parent / "commentary"
    data = load_municipality(data_dir / "processed", kommun)
    period = year_to_date(year, tertial)
    through = data.extract.covered_through if as_of is None else min(data.extract.covered_through, as_of)
    require_covered(period, data.extract.data_from, through)
    label = period_label(year, tertial)
    pages = discover_pages(notebooks_dir)

    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{label}-", dir=reports_dir))
    public_dir, internal_dir = staging / "public", staging / "internal"
    public_dir.mkdir()
    internal_dir.mkdir()
    parameters = {
        "year": year,
        "tertial": tertial,
        "kommun": data.extract.municipality_code,
        "data_dir": str(data_dir),
        "as_of": as_of.isoformat() if as_of else "",
        "commentary_dir": str(commentary_dir),
    }
    extract = data.extract
    page_context = {
        "pages": [p for p in pages if p.public],
        "report_title": f"Socialnämndens tertialuppföljning {label} – {extract.municipality_name}",
        "synthetic": extract.synthetic,
        "footer": (
            f"{extract.municipality_name} ({extract.municipality_code}) · period {period.start:%Y-%m-%d}–"
            f"{period.end:%Y-%m-%d} · underlaget omfattar {extract.data_from:%Y-%m-%d}–"
            f"{extract.covered_through:%Y-%m-%d}, uttaget {extract.extract_date:%Y-%m-%d}"
            + (" · syntetiska exempeldata" if extract.synthetic else "")
        ),
        "generated": f"Skapad {started_at:%Y-%m-%d %H:%M} med snanalys {__version__}.",
    }
    durations: dict[str, float] = {}
    html_pages: list[str] = []
    try:
        with interpreter_kernel() as kernel_name:
            for number, page in enumerate(pages, start=1):
                t0 = time.perf_counter()
                executed = internal_dir / f"{page.stem}.ipynb"
                try:
                    pm.execute_notebook(
                        str(notebooks_dir / f"{page.stem}.ipynb"),
                        str(executed),
                        parameters=parameters,
                        kernel_name=kernel_name,
                        language="python",
                        cwd=str(notebooks_dir),
                        progress_bar=False,
                        log_output=False,
                    )
                except PapermillExecutionError as exc:
                    raise ReportError(
                        f"notebook {page.stem}.ipynb failed in cell {_source_cell_index(executed, exc.cell_index)} "
                        f"(counting from 0 in the notebook as committed): {exc.ename}: {exc.evalue}"
                    ) from None
                nb = nbformat.read(executed, as_version=4)
                if page.public:
                    html = export.export_page(nb, page, page_context=page_context)
                    problems = check_page(html, synthetic=extract.synthetic)
                    if problems:
                        raise ReportError(f"page {page.filename} ({page.stem}) fails its checks: {'; '.join(problems)}")
                    (public_dir / page.filename).write_text(html, encoding="utf-8")
                    html_pages.append(html)
                durations[page.stem] = round(time.perf_counter() - t0, 2)
                progress(f"[{number}/{len(pages)}] {page.stem} … {durations[page.stem]:.1f} s")
        export.pdf_from_pages(html_pages, title=page_context["report_title"], output=public_dir / "rapport.pdf")
        progress("rapport.pdf … klar")
        _write_public_tables(data, year, tertial, public_dir, internal_dir)
        manifest = {
            "period": label,
            "parameters": parameters,
            "as_of": as_of.isoformat() if as_of else None,
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 2),
            "notebook_seconds": durations,
            "versions": _versions(),
            "git_commit": _git_commit(notebooks_dir),
            "extract": {k: v for k, v in extract.raw.items() if k != "raw_files"},
            "inputs": {p.name: _sha256(p) for p in sorted(data.directory.iterdir()) if p.is_file()},
            "raw_files": extract.raw.get("raw_files", []),
            "public_files": {p.name: _sha256(p) for p in sorted(public_dir.iterdir())},
            "forecasts": _forecasts(data, year, tertial),
        }
        (internal_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        failed = reports_dir / "_internal" / f"{label}-failed"
        if internal_dir.exists():
            _swap(internal_dir, failed)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(public_dir, reports_dir / label)
    _swap(internal_dir, reports_dir / "_internal" / label)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(reports_dir / "_internal" / f"{label}-failed", ignore_errors=True)
    return ReportResult(
        label,
        reports_dir / label,
        reports_dir / "_internal" / label,
        [p.filename for p in pages if p.public],
        round(time.perf_counter() - started, 2),
        durations,
    )
