"""The economic-assistance page prints X wherever the report's protection hides a cell, in the
tables whose cells table-by-table suppression alone would show: households per month, the
tertials' monthly means, long-term assistance."""

from __future__ import annotations

from page_sections import hiding, table_rows

from snanalys.pages import open_page
from snanalys.pages.economic_assistance import long_term_section, monthly_section


def test_a_month_the_protection_hides_is_x_with_its_tertial_mean(sample_data_dir):
    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir),
        "eb_households_in_month|2025-03-01|2025-03-31||",
        "eb_households_per_month|2025-05-01|2025-08-31||",
    )
    page = monthly_section(ctx)
    months = table_rows(page, "Hushåll per månad</caption>")
    assert months["2025"][2] == "X" and "X" not in months["2025"][:2] + months["2025"][3:]
    assert "X" not in months["2024"]
    means = table_rows(page, "varje tertial för sig")
    assert means["2025"] == ["X", "X"]  # March hides T1's mean, and the protection T2's
    assert "X" not in means["2024"]
    assert "X = uppgiften visas inte" in page


def test_a_long_term_count_the_protection_hides_is_x_with_its_share(sample_data_dir):
    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir),
        "eb_adults_long_term|2023-01-01|2023-12-31||",
    )
    page = long_term_section(ctx)
    rows = table_rows(page, "Långvarigt ekonomiskt bistånd, helår</caption>")
    assert rows["2023"][0] == "X" and rows["2023"][2] == "X" and rows["2023"][1] != "X"
    assert "X" not in rows["2024"]
    assert "X = uppgiften visas inte" in page


def test_a_rounded_month_reads_ca(sample_data_dir):
    ctx = open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)
    ctx = hiding(ctx, rounded={"eb_households_in_month|2025-06-01|2025-06-30||": 700.0})
    months = table_rows(monthly_section(ctx), "Hushåll per månad</caption>")
    assert months["2025"][5] == "ca\u00a0700"


def test_the_monthly_chart_shows_the_committees_target_from_its_configuration(sample_data_dir):
    """The caption and the text alternative give the ceiling of targets.toml (600 a month), built
    from the configuration, not typed in."""
    from snanalys import targets
    from snanalys.presentation import format_number

    ceiling = targets.ceiling("eb_households_per_month")
    assert ceiling is not None
    page = monthly_section(hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)))
    said = f"nämndens mål, under {format_number(ceiling, 'hushåll')} hushåll i genomsnitt per månad"
    assert f"Streckad linje: {said}." in page  # the caption
    assert f"streckad linje: {said}'" in page  # the end of the image's text alternative


def test_kronor_per_inhabitant_is_charted_against_its_reference_year(sample_data_dir):
    """targets.toml: below the same period of 2024. The chart's dashed line is 2024's public
    value, said in the caption from that value."""
    from snanalys.pages.common import public_value
    from snanalys.pages.economic_assistance import overview_section
    from snanalys.presentation import format_number

    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    reference, hidden = public_value(ctx, "eb_kr_per_inhabitant", 2024)
    assert reference is not None and not hidden
    page = overview_section(ctx)
    said = f"nämndens mål: under {format_number(reference, 'kr/invånare')} kr/invånare (samma period 2024)"
    assert f"Streckad linje: {said}." in page
    assert page.count("<figure") == 3


def test_the_unemployment_chart_shows_the_target_path_from_the_public_baseline(sample_data_dir):
    from page_sections import hiding

    from snanalys.pages import open_page
    from snanalys.pages.economic_assistance import unemployment_chart

    ctx = open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)
    chart = unemployment_chart(ctx).replace("\u00a0", " ")
    assert "Mål: 50 % färre 2026 än 2023" in chart and "Målets bana: 2023 T2" in chart and "2026 T2" in chart
    fresh = open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)
    hidden = unemployment_chart(hiding(fresh, "eb_adults_unemployed|2023-01-01|2023-08-31||"))
    assert "Mål" not in hidden  # no path from a hidden baseline


# --- Socialstyrelsen's official monthly statistics beside the own households ------------------------


def _real_municipality(tmp_path, code: str, households_per_month: int):
    """A real (not synthetic) municipality with ``households_per_month`` households paid for each month
    of January–August 2017, a fifth of them paid in the month after; the shipped official statistics."""
    import datetime as dt
    import shutil
    from pathlib import Path

    import pandas as pd

    from snanalys.data import load_municipality
    from snanalys.pages import PageContext
    from snanalys.socialstyrelsen import SHIPPED_FILE

    from through_engine import write_processed

    rows = []
    for month in range(1, 9):
        for h in range(households_per_month):
            paid = dt.date(2017, month + 1, 3) if h % 5 == 0 else dt.date(2017, month, 25)
            rows.append((f"h{h}", paid, dt.date(2017, month, 1), 5000.0))
    payments = pd.DataFrame(rows, columns=["household_key", "payment_date", "for_month", "amount_kr"])
    payments[["payment_date", "for_month"]] = payments[["payment_date", "for_month"]].apply(pd.to_datetime)
    root = tmp_path / "data"
    write_processed(root / "processed", code, extract_date=dt.date(2017, 11, 5), synthetic=False, payments=payments)
    external = tmp_path / "external"
    external.mkdir()
    shutil.copy(Path(__file__).parents[2] / "data" / "external" / SHIPPED_FILE, external / SHIPPED_FILE)
    data = load_municipality(root / "processed", code)
    return hiding(PageContext(data, 2017, 2, None, tmp_path)), external


def test_official_months_marked_x_are_x_and_hide_the_own_value_too(tmp_path):
    """Ydre (0512): Socialstyrelsen suppresses a part of January–April and July; the total is unknown
    there (not the sum of the other part), and the own value of those months is hidden with it."""
    from snanalys.pages.economic_assistance import official_section

    ctx, external = _real_municipality(tmp_path, "0512", 30)
    page = official_section(ctx, external)
    rows = table_rows(page, "Egna uppgifter och Socialstyrelsens statistik per månad</caption>")
    for month in ("jan", "feb", "mar", "apr", "jul"):
        assert rows[f"{month} 2017"][:2] == ["X", "X"], month
    assert rows["maj 2017"][:2] == ["30", "27"]  # 18 born in Sweden + 9 with an applicant born abroad
    assert "högre" in rows["maj 2017"][2]  # 30 against 27: more than 5 % above
    assert rows["aug 2017"][:2] == ["30", "23"]
    assert "X = sekretess" in page and "0" not in rows["jan 2017"][1]


def test_official_months_marked_missing_are_shown_as_missing_not_zero(tmp_path):
    """Landskrona (1282): January is "--" in both parts; the own value is shown (nothing is suppressed)."""
    from snanalys.pages.economic_assistance import official_section

    ctx, external = _real_municipality(tmp_path, "1282", 590)
    page = official_section(ctx, external)
    rows = table_rows(page, "Egna uppgifter och Socialstyrelsens statistik per månad</caption>")
    assert rows["jan 2017"][:2] == ["590", "--"]
    assert rows["feb 2017"][:2] == ["590", "593"] and rows["feb 2017"][2] == ""  # within 5 %
    assert "-- = uppgift saknas" in page


def test_the_sample_shows_nykopings_official_series_in_its_own_chart(sample_data_dir):
    from snanalys.pages.economic_assistance import official_section

    page = official_section(hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)))
    assert "syntetiska" in page and "Nyköping" in page and "Egna uppgifter" not in page
    rows = table_rows(page, "Officiell statistik per månad, Nyköping</caption>")
    assert rows["jan 2017"] == ["568"]  # 292 + 276
    assert page.count("<img") == 1


def test_the_pages_say_which_counting_basis_they_use_and_which_months_are_preliminary(tmp_path):
    import dataclasses

    from snanalys.pages.economic_assistance import basis_note

    ctx, _ = _real_municipality(tmp_path, "0512", 30)
    assert "efter utbetalningsdatum (kassamässigt)" in basis_note(ctx) and "reliminär" not in basis_note(ctx)
    ctx.data.extract = dataclasses.replace(
        ctx.data.extract,
        counting_basis="for_month",
        covered_through=ctx.data.extract.covered_through.replace(month=9, day=30),
    )
    note = basis_note(ctx)
    assert "den kalendermånad biståndet avser" in note and "Preliminära i denna rapport: aug 2017." in note


def test_per_inhabitant_figures_note_scbs_noise_where_they_use_population_from_2025(sample_data_dir):
    from snanalys.pages.economic_assistance import overview_section, scb_noise_note

    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    note = scb_noise_note(ctx)
    assert "cell-key-metoden" in note and "för 2025 bygger" in note
    assert note in overview_section(ctx)
    earlier = hiding(open_page(year=2024, tertial=2, kommun="0480", data_dir=sample_data_dir))
    assert scb_noise_note(earlier) == ""  # no SCB figure from 2025 on among the years shown


def test_on_the_basis_of_the_month_paid_for_the_own_series_is_the_monthly_sections_cells(tmp_path):
    """One number, one cell: where the municipality counts by the month paid for, the own months beside
    the official ones are the monthly section's, hidden where the protection hides those."""
    import dataclasses

    from snanalys.pages.economic_assistance import official_section

    ctx, external = _real_municipality(tmp_path, "1282", 590)
    ctx.data.extract = dataclasses.replace(ctx.data.extract, counting_basis="for_month")
    ctx = hiding(ctx, "eb_households_in_month|2017-05-01|2017-05-31||")
    rows = table_rows(
        official_section(ctx, external), "Egna uppgifter och Socialstyrelsens statistik per månad</caption>"
    )
    assert rows["maj 2017"][0] == "X" and rows["jun 2017"][0] == "590"


def test_on_the_basis_of_the_month_paid_for_socialstyrelsens_x_months_stay_hidden_in_the_whole_report(tmp_path):
    """Where the municipality counts as Socialstyrelsen does, an own month they mark X is hidden as a
    cell an earlier report hid: on the monthly section too, with what would give it back."""
    import dataclasses
    import datetime as dt

    from tiny_municipality import cell, frame

    from snanalys.disclosure.protect import protect_report
    from snanalys.disclosure.report import official_suppression
    from snanalys.periods import calendar_month

    ctx, _ = _real_municipality(tmp_path, "0512", 30)
    assert official_suppression(ctx.data, 2017, 2) == []  # the payment basis: the page leaves them out
    ctx.data.extract = dataclasses.replace(ctx.data.extract, counting_basis="for_month")
    (official,) = official_suppression(ctx.data, 2017, 2)
    assert len(official.hidden) == 5  # January–April and July
    cells = frame(
        *(cell("eb_households_in_month", 30, span=(dt.date(2017, 1, 1), dt.date(2017, 8, 31)), by="month", key=str(k))
          for k in range(8)),
        cell("eb_households_per_month", 30, span=(dt.date(2017, 1, 1), dt.date(2017, 8, 31)), base=30),
    )  # fmt: skip
    protection = protect_report(cells, 2017, 2, [official])
    for month in (1, 2, 3, 4, 7):
        assert protection.hides("eb_households_in_month", calendar_month(dt.date(2017, month, 1))), month
    assert not protection.hides("eb_households_in_month", calendar_month(dt.date(2017, 5, 1)))
