"""One declaration per measure: ids declared once, relations and pages that exist, every split evaluable."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pandas as pd
import pytest

from snanalys.measures import catalog
from snanalys.measures.catalog import BY_ID, MEASURES, PARTITIONS
from snanalys.measures.tables import cells
from snanalys.periods import year_to_date

from through_engine import municipality

SRC = Path(__file__).resolve().parents[2] / "src" / "snanalys"
DECLARING = {"aggregate", "ratio", "mean_over_months", "table", "_percentile", "Measure"}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_each_measure_id_is_declared_exactly_once_in_src():
    declared: dict[str, list[str]] = {}
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DECLARING:
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    declared.setdefault(node.args[0].value, []).append(path.name)
    literal = {k: v for k, v in declared.items() if k in BY_ID}
    assert all(v == ["catalog.py"] for v in literal.values()), {k: v for k, v in literal.items() if v != ["catalog.py"]}
    # the percentiles are declared by one helper call each; every other id by its literal
    generated = {m.id for m in MEASURES} - set(literal)
    assert all(m.startswith("kr_per_care_day_") and m.endswith(("_p10", "_median", "_p90")) for m in generated)
    assert len(BY_ID) == len(MEASURES)


def test_relations_name_declared_measures_and_pages_that_exist():
    for p in PARTITIONS:
        assert p.total in BY_ID and all(part in BY_ID for part in p.parts)
    for m in MEASURES:
        for part in (*m.of, *([m.base] if m.base else [])):
            assert part in BY_ID, (m.id, part)
        for section in m.sections:
            page, name = section.split(".")
            module = importlib.import_module(f"snanalys.pages.{page}")
            assert callable(getattr(module, f"{name}_section", None)), (m.id, section)
        if m.kind == "table":
            assert m.source in catalog.TABLE_SOURCES, m.id
        assert m.unit in catalog.COUNT_UNITS or not m.is_count or m.kind != "aggregate", m.id


@pytest.mark.parametrize("period", [year_to_date(2025, 2), year_to_date(2025, 3)], ids=["T2", "year"])
def test_every_measure_and_split_evaluates_on_a_municipality_without_cases(period):
    """Counts and sums are 0, ratios over nothing missing, for every declared split."""
    data = municipality()
    computed = [
        m
        for m in MEASURES
        if m.kind != "table" and "month" not in m.dims and (period.label.endswith("T3") or not m.full_year_only)
    ]
    totals = cells(data, period, [m.id for m in computed]).set_index("measure")
    for m in computed:
        value = totals.loc[m.id, "value"]
        if m.kind == "aggregate" and m.zero_when_empty:
            assert value == 0, m.id
        elif m.kind == "ratio":
            assert pd.isna(value), m.id
        for dim in m.dims if m.kind != "mean_over_months" else ():
            split = cells(data, period, [m.id], by=[dim])
            assert dim in split.columns and (split["measure"] == m.id).all()
