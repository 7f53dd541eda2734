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


def test_the_comparison_names_kolada_s_peer_group_and_the_age_of_the_shipped_data(sample_data_dir):
    from snanalys.pages.comparison import kolada_section

    html = kolada_section(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    assert "Koladas jämförelsegrupp ”Liknande kommuner IFO, Nyköping, 2024”" in html
    assert "Upplands Väsby, Sundbyberg, Motala, Landskrona, Hässleholm, Uddevalla, Trollhättan" in html
    assert "Kolada-data ur projektets medföljande extrakt (hämtat ur Kolada hösten 2024), senaste år 2022." in html
    # by sex where Kolada splits the KPI (N31814, N31816, N33816, N33817), said where it does not
    assert html.count(", efter kön</caption>") == 4
    assert "Kolada redovisar inte nyckeltalet uppdelat på kön." in html
