"""Every failure of a report ends the same way: one line on standard error, exit 3, a `failed`
line in run.log, the on-failure command run, nothing published. Commentary images are checked
before any notebook runs; local images are inlined into the pages and the PDF."""

import base64
import dataclasses
import struct
import zlib
from pathlib import Path

import pytest

from snanalys.cli import main
from snanalys.reporting import run as run_module
from snanalys.reporting.run import run_report
from snanalys.reporting.static_checks import check_page

import toy_notebooks as toy

QUIET = {"progress": lambda message: None}
SHOW = "from IPython.display import HTML, display\n"


def toy_notebooks(folder: Path, *, commentary: bool = False) -> Path:
    """Two small pages; with ``commentary`` the second shows its commentary as the real pages do."""
    body = "'<h1>Sida</h1><p>syntetiska exempeldata</p>'"
    if commentary:
        body += " + commentary_html(commentary_dir, year, tertial, 'Sida')"
    second = toy.SHOW + "from snanalys.commentary import commentary_html\n" + f"display(HTML({body}))"
    return toy.write(
        folder,
        {
            "00_sammanfattning": toy.page("Sammanfattning", toy.show("Sammanfattning")),
            "01_sida": toy.page("Sida", second),
        },
    )


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _log(reports: Path) -> list[str]:
    return (reports / "_internal" / "run.log").read_text(encoding="utf-8").splitlines()


def _report(sample_data_dir, tmp_path, *extra) -> list[str]:
    return [
        "--data-dir",
        str(sample_data_dir),
        "report",
        "--year",
        "2025",
        "--tertial",
        "3",
        "--notebooks",
        str(toy_notebooks(tmp_path / "notebooks")),
        "--reports-dir",
        str(tmp_path / "reports"),
        "--on-failure",
        f"touch {tmp_path / 'alerted'}",
        *extra,
    ]


SVG = "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode()


@pytest.mark.parametrize("image", ["http:host/c.png", "//host/c.png", "file:///etc/passwd", "../../secret.png", SVG])
def test_a_bad_commentary_image_stops_the_run_at_once_naming_file_and_line(sample_data_dir, tmp_path, capsys, image):
    commentary = tmp_path / "commentary"
    commentary.mkdir()
    path = commentary / "2025-T3.md"
    path.write_text(f"## Sida\n\nText.\n\n![c]({image})\n", encoding="utf-8")
    code = main(_report(sample_data_dir, tmp_path, "--commentary", str(commentary)))
    err = capsys.readouterr().err
    assert code == 3
    started, error = err.splitlines()  # no notebook ran, no traceback
    assert started == "snanalys: report 2025-T3"
    assert error.startswith(f"snanalys: error: commentary refused: {path}, line 5: image ")
    failed = _log(tmp_path / "reports")[-1]
    assert "period=2025-T3\toutcome=failed" in failed and "line 5" in failed
    assert (tmp_path / "alerted").exists()
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [".lock-2025-T3", "_internal"]


class _FatalURLFetchingError(BaseException):
    """Like WeasyPrint's error for a resource it may not fetch: a BaseException, not an Exception."""


def test_an_error_that_is_not_an_exception_is_a_failure_too(sample_data_dir, tmp_path, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise _FatalURLFetchingError("URL fetching failed for http:host/c.png")

    monkeypatch.setattr(run_module, "discover_pages", fail)
    code = main(_report(sample_data_dir, tmp_path))
    err = capsys.readouterr().err
    assert code == 3 and "Traceback" not in err
    assert err.splitlines()[-1] + "\n" == (
        "snanalys: error: the report of 2025-T3 failed: _FatalURLFetchingError: URL fetching failed for "
        "http:host/c.png; the last good report is unchanged\n"
    )
    failed = _log(tmp_path / "reports")[-1]
    assert "outcome=failed" in failed and "_FatalURLFetchingError" in failed
    assert (tmp_path / "alerted").exists()
    assert not (tmp_path / "reports" / "2025-T3").exists()


def test_an_interrupted_run_is_logged_as_such_publishes_nothing_and_alerts_nobody(
    sample_data_dir, tmp_path, monkeypatch
):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "discover_pages", interrupt)
    reports = tmp_path / "reports"
    with pytest.raises(KeyboardInterrupt):
        run_report(
            2025,
            3,
            data_dir=sample_data_dir,
            reports_dir=reports,
            notebooks_dir=tmp_path,
            on_failure=f"touch {tmp_path / 'alerted'}",
            **QUIET,
        )
    assert "outcome=interrupted" in _log(reports)[-1]
    assert not (tmp_path / "alerted").exists() and not (reports / "2025-T3").exists()


def test_a_local_commentary_image_is_inlined_into_the_page_and_the_pdf(sample_data_dir, tmp_path):
    commentary = tmp_path / "commentary"
    (commentary / "bilder").mkdir(parents=True)
    (commentary / "bilder" / "punkt.png").write_bytes(_png())
    (commentary / "2025-T3.md").write_text("## Sida\n\nSe bilden.\n\n![En punkt](bilder/punkt.png)\n", encoding="utf-8")
    notebooks = toy_notebooks(tmp_path / "notebooks", commentary=True)
    result = run_report(
        2025,
        3,
        data_dir=sample_data_dir,
        reports_dir=tmp_path / "reports",
        notebooks_dir=notebooks,
        commentary_dir=commentary,
        **QUIET,
    )
    page = (result.public_dir / "sida.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page and 'alt="En punkt"' in page and "bilder/" not in page
    assert (result.public_dir / "rapport.pdf").stat().st_size > 0


def test_the_page_check_refuses_an_image_that_is_not_inlined():
    page = "<html lang='sv'><body><h1>T</h1><img src='c.png' alt='c'></body></html>"
    assert any("not inlined as a data: URI" in p for p in check_page(page, synthetic=False))
    inlined = page.replace("c.png", "data:image/png;base64,AAAA")
    assert check_page(inlined, synthetic=False) == []


def test_a_quantity_that_can_be_worked_back_stops_the_run_and_keeps_the_audit(
    sample_data_dir, tmp_path, capsys, monkeypatch
):
    """The run does not publish a report whose audit finds a protected quantity narrowed."""
    from snanalys.disclosure.audit import Finding, Quantity

    real = run_module.report_protection

    def leaky(data, year, tertial, **kwargs):
        protection = real(data, year, tertial, **kwargs)
        quantity = Quantity("eb_households|2025-01-01|2025-12-31|sex|K", "count", 3.0, ((0, 1.0),), why="X")
        pinned = Finding(quantity, 3.0, 3.0)  # breaks the rule; a copy: the process keeps the real one
        return dataclasses.replace(protection, findings=[*protection.findings, pinned])

    monkeypatch.setattr(run_module, "report_protection", leaky)
    code = main(_report(sample_data_dir, tmp_path))
    err = capsys.readouterr().err
    assert code == 3
    assert "disclosure control: 1 protected quantities of 2025-T3 can be worked back" in err
    assert "eb_households|2025-01-01|2025-12-31|sex|K" in err
    assert not (tmp_path / "reports" / "2025-T3").exists()  # nothing published
    audit = (tmp_path / "reports" / "_internal" / "2025-T3-failed" / "rojandekontroll.csv").read_text(encoding="utf-8")
    assert "eb_households|2025-01-01|2025-12-31|sex|K,X,3.0,3.0,3.0,False,False" in audit
