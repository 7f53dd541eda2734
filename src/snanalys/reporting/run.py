"""The scheduled tertial run: execute every notebook, export, and publish atomically.

Everything is built in a staging folder beside the reports; only when every notebook
ran and every page passed its checks are the public and internal folders swapped in.
A failed run never replaces the last good report of its period: it keeps the failed
notebook for the analyst in ``reports/_internal/<period>-failed/`` and raises
:class:`ReportError` naming the notebook and the cell.

Unattended runs: a run of one period holds the period's OS lock (:mod:`lock`), so two
runs of a period never interleave; it finishes an interrupted publish and removes the
staging leftovers of a killed run of its period (:mod:`publish`); it appends one line per
run to ``reports/_internal/run.log`` and on failure may run a command (:mod:`runlog`).
What else a run writes comes from its own module: the key-figure tables
(:mod:`tables_export`), the manifest (:mod:`manifest`), the data-quality page
(:mod:`quality_page`). ``snanalys report freeze`` is :mod:`freeze`.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from snanalys import __version__
from snanalys.commentary import check_commentary, commentary_path
from snanalys.data import load_municipality
from snanalys.disclosure.published import FILE_NAME as PUBLISHED_FILE
from snanalys.disclosure.published import (
    PublishedFileError,
    published_rows,
    read_published,
    read_published_file,
    write_published,
)
from snanalys.disclosure.report import report_protection
from snanalys.economy import archived
from snanalys.narrative import period_phrase
from snanalys.periods import TERTIAL_LAST_MONTH, latest_closed_tertial, require_covered, year_to_date
from snanalys.reporting import export
from snanalys.reporting.errors import ReportError
from snanalys.reporting.inputs_check import check_report_inputs
from snanalys.reporting.kernels import RESET_TAG, KernelPool, NotebookJob
from snanalys.reporting.labels import period_label
from snanalys.reporting.lock import RunInProgressError, period_lock
from snanalys.reporting.manifest import generated_at, write_manifest
from snanalys.reporting.pages_list import NOTEBOOK_PATTERN, PAGES, declares, notebook_problems
from snanalys.reporting.pdf import LayoutProcess
from snanalys.reporting.publish import PublishError, discard, pending, publish, recover, remove_stale_staging, swap_in
from snanalys.reporting.quality_page import quality_page
from snanalys.reporting.runlog import log_run, run_on_failure
from snanalys.reporting.static_checks import check_page
from snanalys.reporting.tables_export import write_key_figure_tables

KERNEL_NAME = "snanalys-run"


@dataclass
class ReportResult:
    label: str
    public_dir: Path
    internal_dir: Path
    pages: list[str]
    seconds: float
    durations: dict[str, float] = field(default_factory=dict)


def resolve_latest(as_of: dt.date, extract) -> tuple[int, int]:
    """The latest tertial closed on ``as_of``; an error naming the missing months if the data
    does not cover it (never a fall-back to an older period)."""
    year, tertial = latest_closed_tertial(as_of)
    require_covered(year_to_date(year, tertial), extract.data_from, extract.covered_through)
    return year, tertial


def discover_pages(notebooks_dir: Path) -> list[export.Page]:
    """The report's pages in their order: those of the page list (:mod:`pages_list`) when
    ``notebooks_dir`` holds the report's notebooks, which must agree with it; for another set
    of notebooks (a draft, a test's) its ``NN_*.ipynb`` in name order, titled by their metadata."""
    if declares(notebooks_dir):
        problems = notebook_problems(notebooks_dir)
        if problems:
            raise ReportError(
                f"the notebooks in {notebooks_dir} disagree with the page list "
                f"(snanalys.reporting.pages_list): {'; '.join(problems)}"
            )
        return [export.Page(p.stem, p.title, p.public) for p in PAGES]
    pages = []
    for path in sorted(Path(notebooks_dir).glob(NOTEBOOK_PATTERN)):
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
            "argv": [
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                "--IPKernelApp.log_level=ERROR",
            ],
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
    """The failing cell's index in the committed notebook (papermill inserts a parameters
    cell, the kernel pool a reset cell in a used kernel)."""
    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return index
    # papermill counts before it adds its two error-marker cells to the written notebook
    cells = [c for c in cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    added = ("injected-parameters", RESET_TAG)  # papermill's parameters, the kernel pool's reset
    injected = sum(1 for c in cells[:index] if any(t in c.metadata.get("tags", []) for t in added))
    return index - injected


def _recover(reports_dir: Path, label: str) -> list[str]:
    """Finish an interrupted publish of the period before anything else touches it (see ``publish.recover``)."""
    try:
        return recover(reports_dir, label)
    except PublishError as exc:
        raise ReportError(str(exc)) from exc


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    progress: Callable[[str], None] = _progress,
    on_failure: str | None = None,
    workers: int | None = None,
    pool: KernelPool | None = None,
    layout: LayoutProcess | None = None,
) -> ReportResult:
    """Build the report of ``year``-T``tertial`` and publish it only if all of it succeeded.

    Holds the period's lock for the whole run, appends the outcome to ``reports/_internal/run.log``
    and, when the run fails, runs ``on_failure`` through the shell (see :func:`run_on_failure`).
    """
    label = period_label(year, tertial)
    reports_dir = Path(reports_dir).resolve()
    started = time.perf_counter()
    try:
        with period_lock(reports_dir, label):
            for message in _recover(reports_dir, label):
                progress(message)
            removed = remove_stale_staging(reports_dir, label)
            if removed:
                progress(f"removed {len(removed)} leftover staging folder(s) of an interrupted run of {label}")
            result = _build_report(
                year,
                tertial,
                data_dir=data_dir,
                reports_dir=reports_dir,
                notebooks_dir=notebooks_dir,
                commentary_dir=commentary_dir,
                as_of=as_of,
                kommun=kommun,
                progress=progress,
                pool=pool,
                workers=workers,
                layout=layout,
            )
    except Exception as exc:
        message = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
        outcome = "busy" if isinstance(exc, RunInProgressError) else "failed"
        log_run(reports_dir, label, outcome, time.perf_counter() - started, message)
        run_on_failure(on_failure, reports_dir=reports_dir, period=label)
        raise
    except (KeyboardInterrupt, SystemExit) as exc:  # stopped by hand or by the process: nothing published
        log_run(reports_dir, label, "interrupted", time.perf_counter() - started, type(exc).__name__)
        raise
    except BaseException as exc:  # not an Exception, yet a failure (WeasyPrint's fatal URL error is one)
        message = f"{type(exc).__name__}: {exc}"
        log_run(reports_dir, label, "failed", time.perf_counter() - started, message)
        run_on_failure(on_failure, reports_dir=reports_dir, period=label)
        raise ReportError(f"the report of {label} failed: {message}; the last good report is unchanged") from exc
    log_run(reports_dir, label, "ok", result.seconds)
    return result


def run_reports(
    year: int,
    tertial: int,
    *,
    kommuner: list[str],
    data_dir: Path,
    reports_dir: Path,
    notebooks_dir: Path,
    commentary_dir: Path | None = None,
    as_of: dt.date | None = None,
    progress: Callable[[str], None] = _progress,
    on_failure: str | None = None,
    workers: int | None = None,
) -> list[ReportResult]:
    """Several municipalities' reports (a county's), each in ``reports_dir/<code>/YYYY-TN/``.

    They share one pool of warm kernels, and as many reports are built at once as there are
    workers, so one report's PDF and tables are made while the kernels run the next one's
    notebooks. Each report is published, locked and logged on its own; a failing municipality
    does not stop the others, and the call raises :class:`ReportError` naming every failure
    once all have run.
    """
    from concurrent.futures import ThreadPoolExecutor

    notebooks_dir = Path(notebooks_dir).resolve()
    results: dict[str, ReportResult] = {}
    failures: dict[str, str] = {}
    with (
        interpreter_kernel() as kernel_name,
        KernelPool(kernel_name, notebooks_dir, workers) as pool,
        LayoutProcess() as layout,
    ):
        # twice as many reports in flight as kernels: the kernels always have notebooks waiting
        # while reports whose notebooks are done make their PDF and tables
        with ThreadPoolExecutor(max_workers=2 * pool.workers, thread_name_prefix="snanalys-report") as builds:
            futures = {
                code: builds.submit(
                    run_report,
                    year,
                    tertial,
                    data_dir=data_dir,
                    reports_dir=Path(reports_dir) / code,
                    notebooks_dir=notebooks_dir,
                    commentary_dir=commentary_dir,
                    as_of=as_of,
                    kommun=code,
                    progress=lambda message, code=code: progress(f"{code}: {message}"),
                    on_failure=on_failure,
                    pool=pool,
                    layout=layout,
                )
                for code in kommuner
            }
            for code, future in futures.items():
                try:
                    results[code] = future.result()
                except Exception as exc:  # noqa: BLE001 - reported for every municipality below
                    failures[code] = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
    if failures:
        listed = "; ".join(f"{code}: {message}" for code, message in failures.items())
        raise ReportError(f"{len(failures)} of {len(kommuner)} reports failed ({listed})")
    return [results[code] for code in kommuner]


@contextmanager
def _layout_process(layout: LayoutProcess | None):
    """The caller's layout process (a county run shares one), or one of this run's own."""
    if layout is not None:
        yield layout
        return
    with LayoutProcess() as own:
        yield own


@contextmanager
def _kernel_pool(pool: KernelPool | None, notebooks_dir: Path, workers: int | None):
    """The caller's pool (a county run shares one), or a pool of this run's own."""
    if pool is not None:
        yield pool
        return
    with interpreter_kernel() as kernel_name, KernelPool(kernel_name, notebooks_dir, workers) as own:
        yield own


def _execute_pages(
    kernels: KernelPool,
    pages: list[export.Page],
    notebooks_dir: Path,
    internal_dir: Path,
    public_dir: Path,
    parameters: dict,
    page_context: dict,
    *,
    synthetic: bool,
    durations: dict[str, float],
    progress: Callable[[str], None],
    book: export.PdfBook,
) -> list[str]:
    """Execute every notebook on the pool, export its page and lay it out in ``book``;
    the pages' HTML in page order.

    A failure is reported for the first failing notebook in page order (naming its cell),
    whatever order the workers finished in; the notebooks not yet started are cancelled.
    """
    from papermill.exceptions import PapermillExecutionError

    lock = threading.Lock()
    done = [0]

    public = [p.stem for p in pages if p.public]

    def export_page(job: NotebookJob, nb, page: export.Page, t0: float) -> str | None:
        html = None
        if page.public:
            html = export.export_page(nb, page, page_context=page_context)
            problems = check_page(html, synthetic=synthetic)
            if problems:
                raise ReportError(f"page {page.filename} ({page.stem}) fails its checks: {'; '.join(problems)}")
            (public_dir / page.filename).write_text(html, encoding="utf-8")
            book.add(public.index(page.stem), html)
        with lock:
            durations[page.stem] = round(time.perf_counter() - t0, 2)
            done[0] += 1
            progress(f"[{done[0]}/{len(pages)}] {page.stem} … {durations[page.stem]:.1f} s")
        return html

    t0 = time.perf_counter()
    futures = []
    for page in pages:
        job = NotebookJob(
            notebooks_dir / f"{page.stem}.ipynb",
            internal_dir / f"{page.stem}.ipynb",
            parameters,
            group=f"{parameters['data_dir']}:{parameters['kommun']}",
        )
        futures.append(kernels.submit(job, after=lambda job, nb, page=page: export_page(job, nb, page, t0)))
    html_pages: list[str] = []
    try:
        for page, future in zip(pages, futures):
            try:
                html = future.result()
            except PapermillExecutionError as exc:
                executed = internal_dir / f"{page.stem}.ipynb"
                raise ReportError(
                    f"notebook {page.stem}.ipynb failed in cell {_source_cell_index(executed, exc.cell_index)} "
                    f"(counting from 0 in the notebook as committed): {exc.ename}: {exc.evalue}"
                ) from None
            if html is not None:
                html_pages.append(html)
    except BaseException:
        for future in futures:
            future.cancel()
        for future in futures:  # let running notebooks finish before the staging folder goes
            if not future.cancelled():
                try:
                    future.result()
                except BaseException:  # noqa: BLE001 - the first failure is the one reported
                    pass
        raise
    return html_pages


def _build_report(
    year: int,
    tertial: int,
    *,
    data_dir: Path,
    reports_dir: Path,
    notebooks_dir: Path,
    commentary_dir: Path | None,
    as_of: dt.date | None,
    kommun: str | None,
    progress: Callable[[str], None],
    pool: KernelPool | None = None,
    workers: int | None = None,
    layout: LayoutProcess | None = None,
) -> ReportResult:
    started = time.perf_counter()
    started_at = dt.datetime.now().astimezone()
    data_dir, reports_dir, notebooks_dir = (
        Path(data_dir).resolve(),
        Path(reports_dir).resolve(),
        Path(notebooks_dir).resolve(),
    )
    commentary_dir = Path(commentary_dir).resolve() if commentary_dir else notebooks_dir.parent / "commentary"
    check_commentary(commentary_path(commentary_dir, year, tertial))  # a bad image stops the run before any notebook
    data = load_municipality(data_dir / "processed", kommun)
    check_report_inputs(data, year=year, tertial=tertial, data_dir=data_dir, commentary_dir=commentary_dir)
    period = year_to_date(year, tertial)
    through = data.extract.covered_through if as_of is None else min(data.extract.covered_through, as_of)
    require_covered(period, data.extract.data_from, through)
    # once, before the pages (which read it), against what the municipality's reports published
    label = period_label(year, tertial)
    try:
        published = read_published(reports_dir)
        replaced = reports_dir / label / PUBLISHED_FILE  # the report of the period this run replaces
        previous = read_published_file(replaced) if replaced.is_file() else None
    except PublishedFileError as exc:
        raise ReportError(f"an earlier report's published numbers cannot be read: {exc}") from exc
    # the forecasts earlier reports published, for the record of how right they were (the pages read it)
    try:
        forecasts = archived.published_forecasts(reports_dir)
    except PublishedFileError as exc:
        raise ReportError(f"an earlier report's published forecasts cannot be read: {exc}") from exc
    try:
        archived.keep(data.directory, forecasts)
    except OSError as exc:  # a read-only data folder will do if it already holds the same
        if archived.kept(data.directory) != forecasts:
            raise ReportError(f"the published forecasts cannot be kept beside the processed data: {exc}") from exc
    protection = report_protection(data, year, tertial, published=published, previous=previous)
    check_commentary(commentary_path(commentary_dir, year, tertial), _hidden_values(protection))
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
        "generated": f"Skapad {generated_at(started_at):%Y-%m-%d %H:%M} med snanalys {__version__}.",
    }
    durations: dict[str, float] = {}
    try:
        audit = protection.audit_frame()
        audit.to_csv(internal_dir / "rojandekontroll.csv", index=False)  # internal only, kept on failure too
        _require_protected(protection, label)
        with _layout_process(layout) as layouts, _kernel_pool(pool, notebooks_dir, workers) as kernels:
            cover = export.Cover(
                committee="Socialnämnden",
                title=f"Tertialuppföljning T{tertial} {year}",
                municipality=f"{extract.municipality_name} ({extract.municipality_code})",
                period=period_phrase(1, TERTIAL_LAST_MONTH[tertial], year),
                made=page_context["generated"],
                synthetic=extract.synthetic,
            )
            book = export.PdfBook(
                len(page_context["pages"]), title=page_context["report_title"], layout=layouts, cover=cover
            )
            _execute_pages(
                kernels,
                pages,
                notebooks_dir,
                internal_dir,
                public_dir,
                parameters,
                page_context,
                synthetic=extract.synthetic,
                durations=durations,
                progress=progress,
                book=book,
            )
            book.write(public_dir / "rapport.pdf")
        progress("rapport.pdf … klar")
        write_key_figure_tables(
            data,
            year,
            tertial,
            public_dir,
            internal_dir,
            tables=published_rows(protection, label, synthetic=extract.synthetic),
        )
        write_published(protection, public_dir / PUBLISHED_FILE, label, synthetic=extract.synthetic)
        link_downloads(public_dir / "index.html", public_dir)
        write_manifest(
            internal_dir,
            label=label,
            parameters=parameters,
            as_of=as_of,
            started_at=started_at,
            seconds=time.perf_counter() - started,
            durations=durations,
            notebooks_dir=notebooks_dir,
            data=data,
            year=year,
            tertial=tertial,
            public_dir=public_dir,
        )
        (internal_dir / "datakvalitet.html").write_text(
            quality_page(extract, audit, earlier_reports=[period_label(year, t) for t in range(1, tertial)]),
            encoding="utf-8",
        )
        publish(reports_dir, label, public_dir, internal_dir)
    except BaseException as exc:
        failed = reports_dir / "_internal" / f"{label}-failed"
        try:
            if internal_dir.exists() and not pending(reports_dir, label):
                swap_in(internal_dir, failed)
        except OSError:
            pass  # keeping the failed notebook is a courtesy; the run's own error matters
        discard(staging, reports_dir, label)
        if isinstance(exc, OSError):
            if exc.errno == errno.ENOSPC:
                raise ReportError(
                    f"no space left on device while writing the report of {label} ({exc}); "
                    "the last good report is unchanged"
                ) from exc
            raise ReportError(
                f"could not write the report of {label}: {exc}; the last good report is unchanged"
            ) from exc
        raise
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


#: The report's files the index offers for download, with what they are (Swedish).
DOWNLOADS = (
    ("rapport.pdf", "Rapporten som PDF (för handlingarna)"),
    ("nyckeltal.xlsx", "Nyckeltalen i Excel"),
    ("nyckeltal.csv", "Nyckeltalen som CSV (maskinläsbar, UTF-8, punkt som decimaltecken)"),
    (PUBLISHED_FILE, "Alla publicerade tal som CSV (maskinläsbar)"),
)


def _size_sv(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1000))} kB"


def link_downloads(index: Path, public_dir: Path) -> None:
    """The index's block of downloads (the PDF, the workbook, the CSV files, with their sizes),
    after the page's main content: on the web page only, not in the PDF, which is made from
    the pages' main content before these files exist."""
    items = "".join(
        f"<li><a href='{name}'>{html.escape(what)}</a> ({_size_sv((public_dir / name).stat().st_size)})</li>"
        for name, what in DOWNLOADS
        if (public_dir / name).exists()
    )
    block = (
        "<aside class='downloads' aria-labelledby='ladda-ner'><h2 id='ladda-ner'>Ladda ner</h2>"
        f"<ul>{items}</ul></aside>"
    )
    page = index.read_text(encoding="utf-8")
    if "</main>" not in page:
        raise ReportError(f"{index.name} has no main content to put the downloads after")
    index.write_text(page.replace("</main>", "</main>" + block, 1), encoding="utf-8")


def _require_protected(protection, label: str) -> None:
    """Stop the run if a protected quantity can still be worked back and this report narrowed
    it (a quantity an earlier report gave away passes unless narrowed further)."""
    unresolved = protection.unresolved
    if unresolved:
        names = "; ".join(f.quantity.name.strip() for f in unresolved[:5])
        raise ReportError(
            f"disclosure control: {len(unresolved)} protected quantities of {label} can be worked back from what "
            f"the report would publish ({names}{' …' if len(unresolved) > 5 else ''}); the audit is in "
            f"reports/_internal/{label}-failed/rojandekontroll.csv"
        )


def _hidden_values(protection) -> dict[str, float]:
    """The true values of the cells the report hides: the commentary must not print them."""
    value = dict(zip(protection.table.cells["id"], protection.table.cells["value"]))
    return {cell: value[cell] for cell in protection.hidden if cell in value}
