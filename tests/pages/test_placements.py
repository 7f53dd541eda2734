"""The placements page: care days are X where they rest on 1–4 persons or where the report's
protection hides the days themselves, not wherever it hides the persons (a partner of another
count says nothing about days)."""

from __future__ import annotations

from page_sections import hiding, table_rows

from snanalys.pages import open_page
from snanalys.pages.placements import adults_section, children_section

DAYS_BY_FORM = "Vårddygn för barn och unga efter placeringsform</caption>"


def test_days_follow_the_protection_of_the_days_not_of_the_persons(sample_data_dir):
    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir),
        "children_placed|2025-01-01|2025-08-31|form|FAMILJEHEM_EGET",  # persons: not printed in this table
        "care_days_children|2025-01-01|2025-08-31|form|JOURHEM",
    )
    rows = table_rows(children_section(ctx), DAYS_BY_FORM)
    own_foster_homes, emergency_homes = 2, 3  # the columns after HVB, SiS
    assert rows["2025 T2"][own_foster_homes] != "X"
    assert rows["2025 T2"][emergency_homes] == "X"
    assert "X" not in rows["2024 T2"]


def test_days_of_one_to_four_persons_are_x_whatever_the_protection(sample_data_dir):
    """Adults in external placements by sex, with a protection that hides nothing: the days of
    a sex with 1–4 persons are X, and only those (and the table's own partners of them)."""
    from snanalys.pages.placements import SEX_LABELS_SV, _by_group

    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    persons = _by_group(ctx, "adults_placed_external", "sex", SEX_LABELS_SV)
    days = table_rows(adults_section(ctx), "Vårddygn för vuxna i externa placeringar efter juridiskt kön</caption>")
    small = [(year, i) for year, row in persons.iterrows() for i, n in enumerate(row.iloc[:2]) if 0 < n < 5]
    assert small, "the sample has a sex with 1–4 adults in external placements in some year"
    assert all(days[year][i] == "X" for year, i in small)
    assert all(days[year][2] != "X" for year in persons.index)  # the totals rest on more
