"""The report-wide protection in the run: computed once and kept, read by the key figures and
the pages; and the simple attacks tried on the public files of 2025 T1, T2 and T3."""

from __future__ import annotations

import csv
import io

import pytest

from snanalys.disclosure.report import CACHE_FOLDER, public_key_figures, report_protection
from snanalys.key_figures import key_figures
from snanalys.measures.catalog import PARTITIONS
from snanalys.periods import year_to_date


def public_csv(folder) -> dict[str, float | None]:
    """measure → the value ``nyckeltal.csv`` publishes (None: hidden)."""
    rows = csv.reader(io.StringIO((folder / "nyckeltal.csv").read_text(encoding="utf-8-sig")))
    out = {}
    for row in rows:
        if len(row) >= 2 and row[0] not in ("measure", "period", "data_source", "status"):
            out[row[0]] = float(row[1]) if row[1] not in ("", None) else None
    return out


def test_the_protection_is_kept_and_read_back(sample):
    first = report_protection(sample, 2025, 2)
    kept = list((sample.directory / CACHE_FOLDER).glob("2025-T2-*.json"))
    assert kept, "the run keeps the protection beside the processed data"
    again = report_protection(sample, 2025, 2)
    assert again.hidden == first.hidden


def test_key_figures_hide_what_the_protection_hides(sample):
    protection = report_protection(sample, 2025, 2)
    period = year_to_date(2025, 2)
    table = public_key_figures(key_figures(sample, period), protection, period)
    for measure, suppressed in zip(table["measure"], table["suppressed"]):
        if protection.hides(measure, period):
            assert suppressed, measure


@pytest.mark.parametrize("label", ["2025-T1", "2025-T2", "2025-T3"])
def test_total_minus_parts_on_the_public_key_figures_gives_no_small_count(built_reports, label):
    """persons − adults, adults − women, households − applicant women − men …: whatever is
    hidden, the shown numbers do not pin a count of 1–4."""
    figures = public_csv(built_reports[1][label])
    for partition in PARTITIONS:
        if not partition.remainder_known or partition.total not in figures:
            continue
        numbers = [figures.get(m) for m in (partition.total, *partition.parts)]
        hidden = [m for m, v in zip((partition.total, *partition.parts), numbers) if v is None]
        if len(hidden) == 1 and hidden[0] != partition.total:
            worked_back = numbers[0] - sum(v for v in numbers[1:] if v is not None)
            assert not 1 <= worked_back <= 4, (label, partition, worked_back)


def test_t2_minus_t1_of_the_public_key_figures_gives_no_small_count(built_reports):
    """New households, persons, placed between two reports of the year: not 1–4."""
    t1, t2 = (public_csv(built_reports[1][label]) for label in ("2025-T1", "2025-T2"))
    cumulative = [m for m in t1 if m.startswith(("eb_households", "eb_persons", "eb_adults", "children_placed"))]
    cumulative = [m for m in cumulative if "per_month" not in m and "kr" not in m and "share" not in m]
    assert cumulative
    for measure in cumulative:
        if t1.get(measure) is not None and t2.get(measure) is not None:
            assert not 1 <= t2[measure] - t1[measure] <= 4, measure
