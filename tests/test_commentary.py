"""The analyst's commentary: sections to pages, HTML escaped, images and links checked."""

import base64
import struct
import zlib

import pytest

from snanalys.commentary import NO_COMMENTARY_SV, CommentaryError, check_commentary, commentary_html


def test_sections_go_to_their_page_and_html_is_escaped(tmp_path):
    (tmp_path / "2026-T2.md").write_text(
        "# Kommentarer T2\n\n## Ekonomiskt bistånd\n\nFler hushåll **än väntat**.\n<script>alert(1)</script>\n\n"
        "### Orsaker\n- arbetslöshet\n\n## Placeringar\n\nFärre placeringar.\n",
        encoding="utf-8",
    )
    eb = commentary_html(tmp_path, 2026, 2, "Ekonomiskt  bistånd")
    assert "<strong>än väntat</strong>" in eb and "<script>" not in eb and "&lt;script&gt;" in eb
    assert "<h3>Orsaker</h3>" in eb and "Färre placeringar" not in eb
    assert "Färre placeringar" in commentary_html(tmp_path, 2026, 2, "Placeringar")


def test_without_a_file_or_section_the_page_says_so(tmp_path):
    assert NO_COMMENTARY_SV in commentary_html(tmp_path, 2025, 3, "Ekonomiskt bistånd")
    (tmp_path / "2025-T3.md").write_text("## Placeringar\n\ntext\n", encoding="utf-8")
    assert NO_COMMENTARY_SV in commentary_html(tmp_path, 2025, 3, "Ekonomiskt bistånd")


# --- images and links: checked before the run, local images inlined ------------------------------------


def _png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _write(folder, body: str):
    path = folder / "2026-T2.md"
    path.write_text(f"## Placeringar\n\nText.\n{body}\n", encoding="utf-8")
    return path


SVG = "data:image/svg+xml;base64," + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()


@pytest.mark.parametrize(
    "body, reason",
    [
        ("![c](http:host/c.png)", "only a PNG or JPEG file inside the commentary folder"),
        ("![c](//host/c.png)", "only a PNG or JPEG file inside the commentary folder"),
        ("![c](https://host/c.png)", "only a PNG or JPEG file inside the commentary folder"),
        ("![c](file:///etc/passwd)", "only a PNG or JPEG file inside the commentary folder"),
        ("![c](../../secret.png)", "the image lies outside the commentary folder"),
        ("![c](/etc/c.png)", "only a PNG or JPEG file inside the commentary folder"),
        (f"![c]({SVG})", "only a PNG or JPEG file inside the commentary folder"),
        ("![c](data:image/png;base64,PHN2Zy8+)", "says image/png but holds no PNG or JPEG image"),
        ("![c](saknas.png)", "no such image file"),
        ("![c][ref]\n\n[ref]: http://host/c.png", "only a PNG or JPEG file"),
        ("[x](javascript:alert(1))", "a link must go to an https://"),
    ],
)
def test_a_bad_image_or_link_is_refused_naming_file_and_line(tmp_path, body, reason):
    folder = tmp_path / "commentary"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(_png())
    path = _write(folder, body)
    with pytest.raises(CommentaryError) as info:
        check_commentary(path)
    message = str(info.value)
    line = 4 if "[ref]:" not in body else 6  # the reference definition holds the address
    assert f"{path}, line {line}: " in message and reason in message, message
    assert "\n" not in message


def test_local_images_are_inlined_and_data_uris_and_web_links_pass(tmp_path):
    folder = tmp_path / "commentary"
    (folder / "bilder").mkdir(parents=True)
    (folder / "bilder" / "trend.png").write_bytes(_png())
    uri = "data:image/png;base64," + base64.b64encode(_png()).decode()
    path = _write(
        folder,
        f"![Trend](bilder/trend.png) ![Punkt]({uri})\n\n[Socialstyrelsen](https://www.socialstyrelsen.se)"
        " [mejla](mailto:a@b.se) [upp](#kommentar) [förra](../2026-T1/index.html)",
    )
    check_commentary(path)
    html = commentary_html(folder, 2026, 2, "Placeringar")
    assert html.count('src="data:image/png;base64,') == 2 and "bilder/trend.png" not in html
    assert 'alt="Trend"' in html and 'href="https://www.socialstyrelsen.se"' in html


def test_rendering_refuses_what_the_check_refuses(tmp_path):
    _write(tmp_path, "![c](http:host/c.png)")
    with pytest.raises(CommentaryError, match="http:host/c.png"):
        commentary_html(tmp_path, 2026, 2, "Placeringar")


def test_no_file_nothing_to_check_and_a_file_not_in_utf8_is_named(tmp_path):
    check_commentary(tmp_path / "2026-T2.md")
    (tmp_path / "2026-T2.md").write_bytes("## Placeringar\n\nÅr\n".encode("cp1252"))
    with pytest.raises(CommentaryError, match="not UTF-8"):
        check_commentary(tmp_path / "2026-T2.md")


@pytest.mark.parametrize(
    "phrase", ["Under perioden fick 3 hushåll bistånd.", "Tre nya barn placerades.", "2 nya placeringar på HVB"]
)
def test_a_count_of_one_to_four_individuals_stops_the_run_naming_the_line(tmp_path, phrase):
    path = tmp_path / "2026-T2.md"
    path.write_text(f"## Placeringar\n\nInledning.\n{phrase}\n", encoding="utf-8")
    with pytest.raises(CommentaryError, match=r"2026-T2\.md, line 4: .* count of 1–4 individuals"):
        check_commentary(path)


@pytest.mark.parametrize(
    "text", ["1 234 hushåll fick bistånd.", "Kostnaden ökade med 2,5 procent.", "Mål 2 är nått för 12 personer."]
)
def test_large_counts_shares_and_goal_numbers_pass(tmp_path, text):
    path = tmp_path / "2026-T2.md"
    path.write_text(f"## Sammanfattning\n\n{text}\n", encoding="utf-8")
    check_commentary(path)


def test_the_true_value_of_a_hidden_cell_stops_the_run(tmp_path):
    path = tmp_path / "2026-T2.md"
    path.write_text("## Kostnad per vårddygn\n\nHVB kostade 1 873 000 kronor.\n", encoding="utf-8")
    check_commentary(path)  # nothing hidden: a number like any other
    with pytest.raises(CommentaryError, match=r"line 3: '1 873 000' is the hidden value of care_cost_kr"):
        check_commentary(path, {"care_cost_kr|2025-01-01|2025-08-31|form|HVB": 1_873_000.0})
