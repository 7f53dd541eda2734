"""The comparison page's own indicators print X wherever the report's protection hides them."""

from __future__ import annotations

from page_sections import hiding, table_rows

from snanalys.pages import open_page


def test_the_indicator_share_the_protection_hides_is_x_on_the_comparison_page(sample_data_dir):
    from snanalys.pages.comparison import indicators_section

    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir),
        "eb_long_term_share|2023-01-01|2023-12-31||",
    )
    rows = table_rows(indicators_section(ctx), "Nämndens indikatorer, helår</caption>")
    long_term = next(v for k, v in rows.items() if "långvarigt" in k)
    assert long_term[1] == "X" and "X" not in long_term[0] + long_term[2]
