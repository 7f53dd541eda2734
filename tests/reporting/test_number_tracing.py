"""Issue 13: every number in a report's public files maps to a declared measure cell or to
the short allow-list in tests/tracing.py (years, dates, page numbers, definitions …)."""

from __future__ import annotations

import pytest

from snanalys.presentation import format_number
from snanalys.report_cells import report_cells

import tracing

PERIODS = [(2025, 2), (2025, 3)]
PUBLIC_FILES = [
    "index.html",
    "ekonomiskt_bistand.html",
    "placeringar.html",
    "vardkostnader.html",
    "ekonomi.html",
    "jamforelser.html",
    "definitioner.html",
    "nyckeltal.csv",
    "nyckeltal.xlsx",
    "rapport.pdf",
    "tabelldata.csv",
]


def cells(data, year: int, tertial: int):
    return report_cells(data, year, tertial)


@pytest.fixture(scope="module")
def traced(built_reports, sample):
    """Per period label: (numbers of the public files, the cells)."""
    _, runs = built_reports
    return {
        f"{year}-T{tertial}": (tracing.public_numbers(runs[f"{year}-T{tertial}"]), cells(sample, year, tertial))
        for year, tertial in PERIODS
    }


@pytest.mark.parametrize(("year", "tertial"), PERIODS, ids=[f"{y}-T{t}" for y, t in PERIODS])
def test_the_tracer_reads_every_public_file(built_reports, traced, year, tertial):
    """Guards the tracing itself: no public file escapes it, each yields numbers, and the
    allow-list takes no key figure the summary prints."""
    label = f"{year}-T{tertial}"
    folder = built_reports[1][label]
    assert [p.name for p in tracing.public_files(folder)] == sorted(PUBLIC_FILES)
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(PUBLIC_FILES)
    numbers, frame = traced[label]
    assert {n.file for n in numbers if n.kind in ("number", "machine")} == set(PUBLIC_FILES)
    households = frame[(frame["measure"] == "eb_households") & (frame["period"] == f"{year}-T{tertial}")]["value"].iloc[
        0
    ]
    printed = tracing.normalise(format_number(households, "hushåll"))
    on_summary = [n for n in numbers if n.file == "index.html" and tracing.normalise(n.text) == printed]
    assert on_summary and not any(tracing.allowed(n) for n in on_summary)


@pytest.mark.parametrize("name", PUBLIC_FILES)
@pytest.mark.parametrize(("year", "tertial"), PERIODS, ids=[f"{y}-T{t}" for y, t in PERIODS])
def test_every_public_number_maps_to_a_cell(traced, year, tertial, name):
    numbers, frame = traced[f"{year}-T{tertial}"]
    left = tracing.unmapped([n for n in numbers if n.file == name], frame)
    assert left == [], tracing.report_unmapped(left)
