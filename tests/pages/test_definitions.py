"""The page "Definitioner och metod" prints every entry of the declarations and the rules the code counts by."""

from __future__ import annotations

import html

from snanalys import targets
from snanalys.measures.definitions import definitions
from snanalys.pages import open_page
from snanalys.pages.definitions import measures_section, method_section
from snanalys.suppression import MIN_COUNT


def test_the_page_lists_every_definition_and_the_rules(sample_data_dir):
    ctx = open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir)
    page = html.unescape(measures_section(ctx))
    for d in definitions():
        assert f"<dt>{d.label}</dt>" in page and d.counts in page
    method = html.unescape(method_section(ctx))
    assert "syntetiska exempeldata" in method and f"färre än {MIN_COUNT}" in method
    for goal in targets.load_goals():
        for indicator in goal.indicators:
            assert targets.rule_text_sv(indicator) in method
