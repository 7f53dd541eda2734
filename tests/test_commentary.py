from snanalys.commentary import NO_COMMENTARY_SV, commentary_html


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
