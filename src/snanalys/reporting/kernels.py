"""A pool of warm kernels that executes report notebooks with papermill, in parallel.

Why: starting a kernel and importing pandas, matplotlib and snanalys costs more than most
report pages compute. The naive pipeline pays it once per notebook (and a new interpreter
for papermill and for nbconvert on top); the pool pays it once per worker for a whole run,
or for a county's runs.

Isolation between notebooks run in one kernel: before each notebook the pool clears the
user namespace (``%reset -f``) and closes every figure, so a notebook sees nothing another
one defined; imported modules stay loaded, which is the point. Each worker is a thread that
owns one kernel (the kernel is the process doing the work; the thread only waits for it).
Kernels start in the notebooks' folder, so relative paths in a notebook behave as they do
in JupyterLab; the runner's own working directory is never changed (papermill's ``cwd``
would change it for the whole process, which threads cannot share). On Linux the kernels
talk over Unix sockets in a private folder rather than TCP ports: a port chosen free can be
taken by another process before the kernel binds it ("Address already in use"), which a
scheduled run on a shared server must not stumble on.

The kernels run with matplotlib's Agg backend (:data:`KERNEL_ENV`): the report chooses its
backend here, where it runs, and not on import of the package, so that in JupyterLab the
analyst's kernel keeps its inline backend. A figure a page leaves open is then never shown
as an output of the page (it would reach the board unprotected and without a text alternative).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

#: Clears the namespace and closes every figure. ``%reset`` ends with two full garbage
#: collections, each a walk over every object of the warm kernel (pandas, matplotlib, …),
#: about 0.15 s apiece; the interpreter's own collector frees the garbage of the last
#: notebook as it would in any kernel, so the reset skips them.
RESET_CODE = """\
def _snanalys_reset():
    import gc
    collect, gc.collect = gc.collect, lambda generation=2: 0
    try:
        get_ipython().run_line_magic("reset", "-f")
    finally:
        gc.collect = collect
    import matplotlib.pyplot
    matplotlib.pyplot.close("all")
_snanalys_reset()"""
#: What the report's kernels get on top of the runner's environment.
KERNEL_ENV = {"MPLBACKEND": "Agg"}

#: The tag of the reset cell put first in a notebook that runs in a used kernel; the cell
#: is also tagged "remove-cell", so no page shows it.
RESET_TAG = "snanalys-reset"


def with_reset_cell(source: Path) -> nbformat.NotebookNode:
    """The notebook with the reset as its first cell: run in the same request as the
    notebook itself, it costs no extra round trip to the kernel."""
    nb = nbformat.read(source, as_version=4)
    cell = nbformat.v4.new_code_cell(RESET_CODE, metadata={"tags": [RESET_TAG, "remove-cell"]})
    cell.id = RESET_TAG  # not nbformat's random id: the same in every run
    nb.cells.insert(0, cell)
    return nb


def record_source(executed: Path, source: Path, nb: nbformat.NotebookNode | None = None) -> None:
    """Give the executed notebook the ids and the ``input_path`` of a notebook run from its file.

    Handed a notebook object (the source with the reset cell), papermill records the whole
    object as ``metadata.papermill.input_path``: a second copy of the notebook inside the
    executed one. Its injected-parameters cell gets nbformat's random id, which differs
    from run to run (and can look like a phone number to the privacy scan). Both are put
    right, in ``nb`` (the executed notebook papermill returned) and in its file; without
    ``nb`` (papermill failed) the file is read.
    """
    executed = Path(executed)
    if nb is None:
        if not executed.exists():
            return
        nb = nbformat.read(executed, as_version=4)
    papermill = nb.metadata.get("papermill", {})
    changed = not isinstance(papermill.get("input_path"), (str, type(None)))
    if changed:
        papermill["input_path"] = str(source)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []) and cell.get("id") != "injected-parameters":
            cell.id = "injected-parameters"
            changed = True
    if changed:
        tmp = executed.with_name(f".{executed.name}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, executed)


def default_workers() -> int:
    """One kernel per core (the machine's or the container's share of it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class NotebookJob:
    """One notebook to execute: source, where the executed copy goes, its parameters.

    ``group`` names the data the notebook reads (a municipality's folder): a worker keeps
    to one group while it has notebooks waiting, so what a kernel computed once for that
    data (the key figures of every year) serves all the group's pages it runs.
    """

    source: Path
    executed: Path
    parameters: dict[str, Any]
    group: str = ""


class _Worker(threading.Thread):
    def __init__(self, pool: KernelPool, number: int) -> None:
        super().__init__(name=f"snanalys-kernel-{number}", daemon=True)
        self.pool = pool
        self.number = number
        self.km = None
        self.used = False
        self.group: str | None = None

    def _start_kernel(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name=self.pool.kernel_name)
        if self.pool.socket_dir is not None:
            self.km.transport = "ipc"
            self.km.ip = os.path.join(self.pool.socket_dir, str(self.number))  # sockets <dir>/<number>-<port>
        run_sync(self.km.start_kernel)(cwd=str(self.pool.cwd), env={**os.environ, **KERNEL_ENV})

    def _execute(self, job: NotebookJob):
        import papermill as pm

        if self.km is None:
            self._start_kernel()
        source = with_reset_cell(job.source) if self.used else str(job.source)
        self.used = True
        try:
            nb = self._papermill(pm, source, job)
        except BaseException:
            record_source(job.executed, job.source)
            raise
        record_source(job.executed, job.source, nb)
        return nb

    def _papermill(self, pm, source, job: NotebookJob):
        return pm.execute_notebook(
            source,
            str(job.executed),
            parameters=job.parameters,
            kernel_name=self.pool.kernel_name,
            language="python",
            progress_bar=False,
            log_output=False,
            # written once at the end (and on failure), not re-validated and rewritten per cell
            request_save_on_cell_execute=False,
            km=self.km,
        )

    def run(self) -> None:
        while True:
            item = self.pool._take(self)
            if item is None:
                break
            job, after, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._execute(job)
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)
                self._restart_after_failure()
                continue
            if after is None:
                future.set_result(result)
            else:  # the kernel goes on to its next notebook while the page is finished
                self.pool._finishers.submit(_finish, after, job, result, future)
        self._shutdown()

    def _restart_after_failure(self) -> None:
        """A failed notebook may leave a kernel in any state: the next job gets a new one."""
        self._shutdown()
        self.km, self.used = None, False

    def _shutdown(self) -> None:
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a dying kernel must not hide the run's own outcome
            pass


def _finish(after: Callable, job: NotebookJob, result, future: Future) -> None:
    try:
        future.set_result(after(job, result))
    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
        future.set_exception(exc)


class KernelPool:
    """``workers`` threads, each with one warm kernel, fed from one list of pending notebooks.

    Use as a context manager; :meth:`submit` returns a future per notebook. ``after`` is
    called with (job, executed notebook) once the notebook ran, in a thread of its own, so
    exporting one page (and laying it out for the PDF) overlaps with executing the next
    and no kernel waits for it.
    """

    def __init__(self, kernel_name: str, cwd: Path, workers: int | None = None) -> None:
        self.kernel_name = kernel_name
        self.cwd = Path(cwd)
        self.workers = workers or default_workers()
        self._pending: list = []  # (job, after, future) in submission order
        self._closing = False
        self._ready = threading.Condition()
        self._threads = [_Worker(self, i) for i in range(self.workers)]
        self._finishers = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="snanalys-page")
        self.socket_dir: str | None = None  # the kernels' Unix sockets (Linux), made on entry

    def __enter__(self) -> KernelPool:
        if sys.platform.startswith("linux"):
            self.socket_dir = tempfile.mkdtemp(prefix="snanalys-kernels-")
        for thread in self._threads:
            thread.start()
        return self

    def submit(self, job: NotebookJob, after: Callable | None = None) -> Future:
        future: Future = Future()
        with self._ready:
            self._pending.append((job, after, future))
            self._ready.notify()
        return future

    def _take(self, worker: _Worker):
        """The next job for ``worker``: its own group's first, then a group no other worker
        is on, then the oldest; None once the pool closes and nothing is left."""
        with self._ready:
            while not self._pending and not self._closing:
                self._ready.wait()
            if not self._pending:
                return None
            busy = {w.group for w in self._threads if w is not worker}
            chosen = next((i for i, item in enumerate(self._pending) if item[0].group == worker.group), None)
            if chosen is None:
                chosen = next((i for i, item in enumerate(self._pending) if item[0].group not in busy), 0)
            item = self._pending.pop(chosen)
            worker.group = item[0].group
            return item

    def __exit__(self, *exc_info) -> None:
        with self._ready:
            if exc_info[0] is not None:
                for _, _, future in self._pending:
                    future.cancel()
                self._pending.clear()
            self._closing = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join()
        self._finishers.shutdown(wait=True)
        if self.socket_dir is not None:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
