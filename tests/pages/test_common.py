"""Single key figures on the pages come from one lookup table, the same rows as a search of the long table."""

from snanalys.pages import open_page
from snanalys.pages.common import _row


def test_every_public_figure_is_the_first_matching_row_of_the_long_table(sample_data_dir):
    ctx = open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)
    long = ctx.public_key_figures_by_year
    for measure in long["measure"].unique():
        for year in sorted(long["year"].unique()):
            rows = long.loc[(long["measure"] == measure) & (long["year"] == year)]
            assert _row(ctx, measure, int(year)).equals(rows.iloc[0])
    assert _row(ctx, "no_such_measure", 2025) is None
    assert _row(ctx, "eb_households", 1990) is None
