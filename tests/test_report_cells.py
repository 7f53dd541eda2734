"""The report's cells: the run computes only the splits it publishes, and publishes the same."""

import pytest

from snanalys.disclosure.linked import cell_ids
from snanalys.report_cells import OWN_PERIOD_SPLITS, published_cells, report_cells


@pytest.mark.parametrize("tertial", [1, 2, 3])
def test_the_printed_splits_alone_give_the_same_published_cells(sample, tertial):
    full = published_cells(report_cells(sample, 2025, tertial), 2025, tertial)
    printed = published_cells(report_cells(sample, 2025, tertial, printed=True), 2025, tertial)
    assert set(zip(cell_ids(full), full["value"].astype(str))) == set(
        zip(cell_ids(printed), printed["value"].astype(str))
    )
    assert len(full) > 1000


def test_no_margin_no_page_prints_is_published(sample):
    cells = published_cells(report_cells(sample, 2025, 2), 2025, 2)
    own = cells.loc[(cells["period"] == "2025-T2") & cells["start"].notna()]  # declared measures, not tables
    assert set(own["by"]) <= set(OWN_PERIOD_SPLITS)
    assert "provider_type" not in set(own["by"]) and "target_group" not in set(own["by"])
