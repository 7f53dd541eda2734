"""The report's PDF laid out in a process of its own, beside the kernels.

Why: laying out the pages (WeasyPrint, pure Python) is over half of the runner's own CPU.
In the runner's threads it holds the interpreter lock that the notebook clients need to
feed the kernels their next cell, so in a county run the kernels waited on the PDF. A
process of its own lays each book out (one document, when its last page is in) and leaves
the runner free.

This module imports nothing heavy: the layout process imports it (and WeasyPrint) only.
"""

from __future__ import annotations

import collections
import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path


def render(document_html: str):
    """An HTML document laid out (a WeasyPrint document)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # only data: URIs may be read (the images); anything else is a fault in the page
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=document_html, base_url=".", url_fetcher=fetcher).render(pdf_tags=True)


def write_document(document_html: str, output: Path) -> None:
    """The book's one document laid out and written as a tagged PDF (PDF/UA structure, fonts
    embedded), atomically: a failed layout leaves no file."""
    output = Path(output)
    tmp = output.with_suffix(".pdf.tmp")
    render(document_html).write_pdf(str(tmp), pdf_tags=True)
    tmp.replace(output)


def _warm_up() -> None:
    import weasyprint  # noqa: F401 - imported while the kernels start, not when the book is written


def _write_document(document_html: str, output: str) -> None:
    write_document(document_html, Path(output))


_CALLS = {"warm_up": _warm_up, "write_document": _write_document}


def _serve() -> None:
    """The layout process: requests (name, args) in on stdin, one reply each, in order, on stdout."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the replies
    requests = sys.stdin.buffer
    while True:
        try:
            name, args = pickle.load(requests)
        except EOFError:
            return
        try:
            reply = (True, _CALLS[name](*args))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - handed back to the runner (WeasyPrint's fatal
            reply = (False, exc)  # URL error is a BaseException)
        try:
            data = pickle.dumps(reply)
            pickle.loads(data)  # what the runner cannot read back is told as text
        except Exception:  # noqa: BLE001
            data = pickle.dumps((False, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))
        replies.write(data)
        replies.flush()


class LayoutProcess:
    """One process that lays out the pages of every book handed to it, in the order given.

    Use as a context manager; a run (or a county's runs) shares one. The process keeps each
    book's laid-out pages in its memory until the book is written. One process is enough: the
    kernels keep the other cores busy. It is a plain child interpreter
    (``python -m snanalys.reporting.pdf``), not a multiprocessing worker, which would import
    the caller's main script again and cannot be forked safely from the runner's threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: queue.Queue = queue.Queue()
        self._waiting: collections.deque[Future] = collections.deque()
        self._process: subprocess.Popen | None = None
        self._threads: list[threading.Thread] = []
        self._ended = False

    def __enter__(self) -> LayoutProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "snanalys.reporting.pdf"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        # a writer thread, so that a caller never blocks on a full pipe while a page is laid out
        self._threads = [
            threading.Thread(target=self._send, name="snanalys-pdf-send", daemon=True),
            threading.Thread(target=self._receive, name="snanalys-pdf-receive", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._call("warm_up")
        return self

    def __exit__(self, *exc_info) -> None:
        self._requests.put(None)
        for thread in self._threads:
            thread.join()
        self._process.wait()

    def _call(self, name: str, *args) -> Future:
        future: Future = Future()
        with self._lock:  # replies come in the order of the requests
            if self._ended:
                future.set_exception(RuntimeError("the PDF layout process ended unexpectedly"))
            else:
                self._waiting.append(future)
                self._requests.put(pickle.dumps((name, args)))
        return future

    def _send(self) -> None:
        pipe = self._process.stdin
        while (request := self._requests.get()) is not None:
            try:
                pipe.write(request)
                pipe.flush()
            except OSError:
                pass  # the process died: the receiver fails every waiting call
        try:
            pipe.close()
        except OSError:
            pass

    def _receive(self) -> None:
        pipe = self._process.stdout
        while True:
            try:
                ok, value = pickle.load(pipe)
            except Exception:  # noqa: BLE001 - the process ended (EOF) or its replies are garbled
                break
            with self._lock:
                future = self._waiting.popleft()
            future.set_result(value) if ok else future.set_exception(value)
        with self._lock:
            self._ended = True
            while self._waiting:
                self._waiting.popleft().set_exception(RuntimeError("the PDF layout process ended unexpectedly"))

    def write_document(self, document_html: str, output: Path) -> None:
        self._call("write_document", document_html, str(output)).result()


if __name__ == "__main__":
    _serve()
