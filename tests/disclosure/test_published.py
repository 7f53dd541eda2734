"""What a report published, written to ``tabelldata.csv`` and read back by the next report."""

from __future__ import annotations

import pytest
from tiny_municipality import T1, cell, frame

from snanalys.disclosure.protect import protect_report
from snanalys.disclosure.published import (
    FILE_NAME,
    Published,
    PublishedFileError,
    read_published,
    read_published_file,
    write_published,
)


def small_cells():
    return frame(
        cell("eb_households", 40),
        cell("eb_households", 37, by="applicant_sex", key="K"),
        cell("eb_households", 3, by="applicant_sex", key="M"),
    )


def test_what_is_written_is_what_is_read_back(tmp_path):
    protection = protect_report(small_cells(), 2025, 2)
    assert protection.hidden  # the three households
    write_published(protection, tmp_path / FILE_NAME, "2025-T2", synthetic=True)
    back = read_published_file(tmp_path / FILE_NAME)
    assert back == protection.as_published("2025-T2")
    text = (tmp_path / FILE_NAME).read_text(encoding="utf-8")
    assert "eb_households|2025-01-01|2025-08-31|applicant_sex|M,eb_households," in text
    assert ",,hushåll,X,synthetic" in text  # hidden: empty value, the mark, the sample named as such


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2025-T1,a|b,m,l,,,,,12,hushåll,Y,real", "row 2, column mark: unknown mark 'Y'"),
        ("2025-T1,a|b,m,l,,,,,12,hushåll,X,real", "row 2, column value: a hidden cell with a value"),
        ("2025-T1,a|b,m,l,,,,,tolv,hushåll,,real", "row 2, column value: not a number: 'tolv'"),
        ("2025-T1,a|b,m,l,,,,,,hushåll,avrundat,real", "row 2, column value: not a number: ''"),
        ("2025-T1,,m,l,,,,,12,hushåll,,real", "row 2, column id: empty"),
        ("2025-T1,a|b,m", "row 2: 3 fields, the header has 12"),
    ],
)
def test_a_broken_file_is_named_with_row_and_column(tmp_path, line, message):
    path = tmp_path / FILE_NAME
    path.write_text(
        "report,id,measure,label,start,end,by,key,value,unit,mark,data_source\n" + line + "\n", encoding="utf-8"
    )
    with pytest.raises(PublishedFileError, match=f"^{path}, {message}"):
        read_published_file(path)


def test_every_published_report_is_read_but_not_internal_or_staging_folders(tmp_path):
    protection = protect_report(small_cells(), 2025, 2)
    for folder in ("2025-T1", "archive/2025-T1-v1", "_internal/2025-T1", ".staging-2025-T2-x/public"):
        (tmp_path / folder).mkdir(parents=True)
        write_published(protection, tmp_path / folder / FILE_NAME, folder.split("/")[-1], synthetic=True)
    assert sorted(p.report for p in read_published(tmp_path)) == ["2025-T1", "2025-T1-v1"]


def test_a_number_shown_before_stays_shown_and_a_revised_one_is_free():
    """T1 showed the women's households (37) and hid the men's (3). T2's data has the same 37
    for T1: it stays shown; had it been revised (38), the new value is free to be hidden."""
    t1 = frame(
        cell("eb_households", 40, span=T1),
        cell("eb_households", 37, span=T1, by="applicant_sex", key="K"),
        cell("eb_households", 3, span=T1, by="applicant_sex", key="M"),
    )
    women = "eb_households|2025-01-01|2025-04-30|applicant_sex|K"
    men = "eb_households|2025-01-01|2025-04-30|applicant_sex|M"
    published = Published("2025-T1", {women: "37", "eb_households|2025-01-01|2025-04-30||": "40"}, frozenset({men}))
    now = protect_report(t1, 2025, 2, [published])
    assert women not in now.hidden and men in now.hidden
    revised = published.shown | {women: "38"}
    now = protect_report(t1, 2025, 2, [Published("2025-T1", revised, published.hidden)])
    assert men in now.hidden  # what was hidden stays hidden
    assert Published("2025-T1", revised).showed(women, 37.0) is False


def test_a_rounded_cell_is_published_with_its_rounded_value_and_read_back_as_such(tmp_path):
    """795 households published in T1, 797 in T2: T2 publishes "ca 800" (value 800, mark
    avrundat), and the T3 report reads it back as known to ±5, not as shown nor as hidden."""
    cells = frame(cell("eb_households", 795, span=T1), cell("eb_households", 797))
    t1 = Published("2025-T1", {"eb_households|2025-01-01|2025-04-30||": "795"})
    protection = protect_report(cells, 2025, 2, [t1])
    t2_id = "eb_households|2025-01-01|2025-08-31||"
    assert protection.rounded == {t2_id: 800.0}
    write_published(protection, tmp_path / FILE_NAME, "2025-T2", synthetic=False)
    text = (tmp_path / FILE_NAME).read_text(encoding="utf-8")
    assert f"{t2_id},eb_households," in text and ",800,hushåll,avrundat,real" in text
    back = read_published_file(tmp_path / FILE_NAME)
    assert back == protection.as_published("2025-T2")
    assert back.rounded == {t2_id: "800"} and t2_id not in back.shown and t2_id not in back.hidden
    # the next report keeps it rounded (it is out, to ±5) and never hides or shows it exactly
    later = protect_report(cells, 2025, 3, [t1, back])
    assert later.rounded.get(t2_id) == 800.0 and t2_id not in later.hidden


def test_a_value_revised_beyond_its_rounding_is_free():
    cells = frame(cell("eb_households", 795, span=T1), cell("eb_households", 822))
    t2_id = "eb_households|2025-01-01|2025-08-31||"
    earlier = [Published("2025-T1", {"eb_households|2025-01-01|2025-04-30||": "795"}),
               Published("2025-T2", rounded={t2_id: "800"})]  # fmt: skip
    later = protect_report(cells, 2025, 3, earlier)
    assert t2_id not in later.rounded  # 822 is not "ca 800": a revision, a number of its own


def test_a_figure_printed_with_another_value_than_the_replaced_report_is_a_revision(tmp_path):
    import dataclasses

    from snanalys.disclosure.published import revisions

    cells = frame(
        cell("eb_households", 40),
        cell("eb_households", 20, by="applicant_sex", key="K"),
        cell("eb_households", 20, by="applicant_sex", key="M"),
    )
    protection = protect_report(cells, 2025, 2)
    total, women, men = (
        f"eb_households|2025-01-01|2025-08-31|{b}" for b in ("|", "applicant_sex|K", "applicant_sex|M")
    )
    previous = Published("2025-T2", {total: "41", women: "20"}, frozenset({men}))
    revised = revisions(protection, previous, "2025-T2")
    assert revised == {total: ("41", "40")}  # same value: no revision; hidden before: nothing to revise
    write_published(dataclasses.replace(protection, revised=revised), tmp_path / FILE_NAME, "2025-T2", synthetic=True)
    rows = (tmp_path / FILE_NAME).read_text(encoding="utf-8").splitlines()
    assert rows[0].endswith(",revised_from")
    assert next(r for r in rows if r.startswith(f"2025-T2,{total},")).endswith(",41")
    assert read_published_file(tmp_path / FILE_NAME).shown[total] == "40"
