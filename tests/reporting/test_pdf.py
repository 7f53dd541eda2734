"""The PDF laid out in a process of its own: the same bytes as in the runner, failures reported."""

import pytest

from snanalys.reporting.export import PdfBook, pdf_from_pages
from snanalys.reporting.pdf import LayoutProcess


def _page(title: str, body: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><body><p class="banner">Syntetiska exempeldata</p><main><h1>{title}</h1>'
        f'<p>Text på sidan {title}.</p>{body}</main><footer class="site">Sidfot</footer></body></html>'
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
        bad.close()
        good = PdfBook(1, title="Rapport", layout=layout)
        good.add(0, _page("Rätt"))
        good.write(tmp_path / "good.pdf")
    assert not (tmp_path / "bad.pdf").exists()
    assert (tmp_path / "good.pdf").read_bytes().startswith(b"%PDF")


def test_a_book_missing_a_page_is_refused(tmp_path):
    with LayoutProcess() as layout:
        book = PdfBook(2, title="Rapport", layout=layout)
        book.add(0, _page("Sammanfattning"))
        with pytest.raises(ValueError, match=r"lacks pages \[1\]"):
            book.write(tmp_path / "r.pdf")
        book.close()


def test_a_layout_process_that_dies_fails_the_calls_instead_of_hanging(tmp_path):
    with LayoutProcess() as layout:
        layout._process.kill()
        book = PdfBook(1, title="Rapport", layout=layout)
        book.add(0, _page("Sammanfattning"))
        with pytest.raises(RuntimeError, match="ended unexpectedly"):
            book.write(tmp_path / "r.pdf")
