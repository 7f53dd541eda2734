"""The summary opens with the largest changes on last year: public values only, one per area."""

from __future__ import annotations

from page_sections import hiding

from snanalys.measures.catalog import BY_ID
from snanalys.pages import open_page
from snanalys.pages.summary import LARGEST_CHANGES, changes_summary, largest_changes


def _area(measure: str) -> str:
    return next(s.split(".")[0] for s in BY_ID[measure].sections if not s.startswith("summary."))


def test_the_largest_changes_are_one_per_area_and_worded_from_the_values(sample_data_dir):
    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    changes = largest_changes(ctx)
    assert 3 <= len(changes) <= LARGEST_CHANGES
    assert len({_area(m) for m, *_ in changes}) == len(changes)
    assert [abs(c[4]) for c in changes] == sorted((abs(c[4]) for c in changes), reverse=True)
    text = changes_summary(ctx)
    for measure, *_ in changes:
        assert ctx.public_rows[(measure, 2025)]["label_sv"] in text


def test_a_figure_the_protection_hides_is_never_singled_out(sample_data_dir):
    first = largest_changes(hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)))[0][0]
    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir), f"{first}|2025-01-01|2025-08-31||"
    )
    assert first not in [m for m, *_ in largest_changes(ctx)]
    assert BY_ID[first].label_sv not in changes_summary(ctx)


def test_the_summary_lists_the_figures_revised_since_the_replaced_report(sample_data_dir):
    import html

    from page_sections import hiding

    from snanalys.pages import open_page
    from snanalys.pages.summary import key_figures_section, revisions_list

    ctx = open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)
    assert revisions_list(hiding(ctx)) == ""
    ctx.protection.revised.update({"eb_households|2025-01-01|2025-08-31|applicant_sex|K": ("1205", "1210")})
    ctx.protection.revised.update({"kolada_N31807|2021|series|peers_median": ("4.1", "4.3")})  # a table's cell
    text = html.unescape(key_figures_section(ctx)).replace("\u00a0", " ")
    assert "Reviderat sedan förra rapporten" in text and "Uppgifterna nedan har ändrats" in text
    assert "Ekonomiskt bistånd, antal hushåll, sökande kvinna" in text and "januari–augusti 2025" in text
    assert "jämförelsekommunernas median" in text
    assert "1 205" in text and "1 210" in text
