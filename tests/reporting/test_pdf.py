"""The PDF for the meeting papers: one document laid out in a process of its own (the same bytes
as in the runner, failures reported), with a title page, contents whose page numbers are right,
"Sida N av M" on every sheet, tagged, fonts embedded, no empty page."""

import re

import pytest
from pypdf import PdfReader

from snanalys.reporting.export import Cover, PdfBook, pdf_from_pages
from snanalys.reporting.pdf import LayoutProcess

COVER = Cover("Socialnämnden", "Tertialuppföljning T2 2025", "Exempelkommun (0480)", "januari–augusti 2025",
              "Skapad 2026-12-03 10:00 med snanalys.", synthetic=True)  # fmt: skip


def _page(title: str, body: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><body><p class="banner">Syntetiska exempeldata</p><main><h1>{title}</h1>'
        f"<h2>Avsnitt om {title}</h2><p>Text på sidan {title}.</p>{body}</main>"
        '<footer class="site">Sidfot</footer></body></html>'
    )


def test_a_book_laid_out_in_the_layout_process_is_the_book_laid_out_here(tmp_path):
    pages = [_page("Sammanfattning"), _page("Ekonomi"), _page("Jämförelser")]
    pdf_from_pages(pages, title="Rapport", output=tmp_path / "here.pdf")
    with LayoutProcess() as layout:
        books = [PdfBook(len(pages), title="Rapport", layout=layout) for _ in range(2)]
        for index in (2, 0, 1):  # pages arrive in any order, two books interleaved
            for book in books:
                book.add(index, pages[index])
        for number, book in enumerate(books):
            book.write(tmp_path / f"there-{number}.pdf")
    here = (tmp_path / "here.pdf").read_bytes()
    assert (tmp_path / "there-0.pdf").read_bytes() == here
    assert (tmp_path / "there-1.pdf").read_bytes() == here


def test_a_page_that_cannot_be_laid_out_fails_the_book_not_the_process(tmp_path):
    with LayoutProcess() as layout:
        bad = PdfBook(1, title="Rapport", layout=layout)
        bad.add(0, _page("Fel", "<img src='https://example.org/x.png' alt=''>"))
        with pytest.raises(BaseException, match="example.org"):  # WeasyPrint: a fatal URL error
            bad.write(tmp_path / "bad.pdf")
        good = PdfBook(1, title="Rapport", layout=layout)
        good.add(0, _page("Rätt"))
        good.write(tmp_path / "good.pdf")
    assert not (tmp_path / "bad.pdf").exists() and not list(tmp_path.glob("*.tmp"))
    assert (tmp_path / "good.pdf").read_bytes().startswith(b"%PDF")


def test_a_book_missing_a_page_is_refused(tmp_path):
    with LayoutProcess() as layout:
        book = PdfBook(2, title="Rapport", layout=layout)
        book.add(0, _page("Sammanfattning"))
        with pytest.raises(ValueError, match=r"lacks pages \[1\]"):
            book.write(tmp_path / "r.pdf")


def test_a_layout_process_that_dies_fails_the_calls_instead_of_hanging(tmp_path):
    with LayoutProcess() as layout:
        layout._process.kill()
        book = PdfBook(1, title="Rapport", layout=layout)
        book.add(0, _page("Sammanfattning"))
        with pytest.raises(RuntimeError, match="ended unexpectedly"):
            book.write(tmp_path / "r.pdf")


def _texts(path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _contents(texts: list[str]) -> list[tuple[str, int]]:
    """(entry, page number) of the contents page: "Ekonomiskt bistånd ..... 6"."""
    entries = []
    for line in texts[1].splitlines():
        match = re.match(r"^(.*?)[ .]*\s(\d+)$", line.strip())
        if match and match.group(1) and "Sida" not in line:
            entries.append((match.group(1).strip(" ."), int(match.group(2))))
    return entries


def test_title_page_then_contents_whose_page_numbers_are_right(tmp_path):
    long_table = (
        "<table><thead><tr><th>År</th><th>Värde</th></tr></thead><tbody>"
        + "".join(f"<tr><th>Rad {i}</th><td>{i}</td></tr>" for i in range(120))
        + "</tbody></table>"
    )
    pages = [_page("Sammanfattning"), _page("Ekonomiskt bistånd", long_table), _page("Ekonomi")]
    book = PdfBook(len(pages), title="Socialnämndens tertialuppföljning 2025-T2", cover=COVER)
    for i, html in enumerate(pages):
        book.add(i, html)
    book.write(tmp_path / "r.pdf")
    texts = _texts(tmp_path / "r.pdf")
    assert "Tertialuppföljning T2 2025" in texts[0] and "Exempelkommun (0480)" in texts[0]
    assert "Syntetiska exempeldata" in texts[0] and "Sida" not in texts[0]
    assert texts[1].lstrip().startswith(("Innehåll", "Socialnämndens")) and "Innehåll" in texts[1]
    entries = dict(_contents(texts))
    assert set(entries) >= {"Sammanfattning", "Ekonomiskt bistånd", "Ekonomi", "Avsnitt om Ekonomi"}
    for entry, number in entries.items():
        assert entry in texts[number - 1], (entry, number)
    assert entries["Ekonomi"] > entries["Ekonomiskt bistånd"] + 1  # the long table runs over sheets
    total = len(texts)
    for number, text in enumerate(texts[1:], start=2):
        assert f"Sida {number} av {total}" in text
        assert "Socialnämndens tertialuppföljning 2025-T2" in text  # the running header


def test_the_report_pdf_is_tagged_with_fonts_embedded_and_no_empty_page(built_reports):
    path = built_reports[1]["2025-T2"] / "rapport.pdf"
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    assert root.get("/Lang") == "sv"
    fonts = 0
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    fonts += 1
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font
    assert fonts
    texts = _texts(path)
    header = "Socialnämndens tertialuppföljning 2025-T2"
    for number, text in enumerate(texts, start=1):
        body = re.sub(rf"{header}.*|Sida \d+ av \d+", "", text).strip()
        assert len(body) > 40, f"page {number} holds nothing but its header and footer"
    entries = _contents(texts)
    assert len(entries) >= 6
    for entry, number in entries:
        assert entry.split()[0] in texts[number - 1], (entry, number)
