"""tools/attack_published.py: on small hand-made tabelldata frames (hand-written, of the shape
``snanalys.disclosure.published`` writes), a planted leak is found and a clean frame is not flagged."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("attack_published", ROOT / "tools" / "attack_published.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("attack_published", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


attack_published = _tool()

T1 = ("2025-01-01", "2025-04-30")
T2 = ("2025-01-01", "2025-08-31")
UNITS = {"eb_adults": "personer", "children_placements_started": "placeringar", "eb_households": "hushåll"}


def row(report, measure, value, span=T1, by="", key="", unit="", mark=None, revised_from=""):
    """One line of tabelldata.csv: ``value`` None is a hidden number (X)."""
    cell_id = f"{measure}|{span[0]}|{span[1]}|{by}|{key}" if span else f"{measure}|{report}|{by}|{key}"
    shown = "" if value is None else str(value)
    return {
        "report": report, "id": cell_id, "measure": measure, "label": measure,
        "start": span[0] if span else "", "end": span[1] if span else "", "by": by, "key": key,
        "value": shown, "unit": unit or UNITS.get(measure, "kr"), "mark": "X" if value is None else (mark or ""),
        "data_source": "synthetic", "revised_from": revised_from,
    }  # fmt: skip


def frame(*rows):
    return pd.DataFrame(list(rows))


def kinds(frames):
    found, _families, _recovered = attack_published.attack(frames)
    return [(f.kind, f.quantity, round(f.value, 2)) for f in found]


def test_a_part_given_back_by_its_total_is_found():
    t1 = frame(
        row("2025-T1", "eb_adults", 12),
        row("2025-T1", "eb_adults", 10, by="sex", key="K"),
        row("2025-T1", "eb_adults", None, by="sex", key="M"),
    )
    assert ("count", "eb_adults|2025-01-01|2025-04-30|sex|M", 2.0) in kinds([t1])


def test_two_hidden_parts_of_a_shown_total_are_not_flagged_when_they_count_five_or_more():
    t1 = frame(
        row("2025-T1", "eb_adults", 12),
        row("2025-T1", "eb_adults", None, by="sex", key="K"),
        row("2025-T1", "eb_adults", None, by="sex", key="M"),
    )
    assert kinds([t1]) == []


def test_two_hidden_parts_that_add_up_to_1_to_4_are_found():
    t1 = frame(
        row("2025-T1", "eb_adults", 3),
        row("2025-T1", "eb_adults", None, by="sex", key="K"),
        row("2025-T1", "eb_adults", None, by="sex", key="M"),
    )
    assert [k for k, *_ in kinds([t1])] == ["sum of hidden"]


def test_the_increment_of_a_year_to_date_event_count_is_found_across_reports():
    t1 = frame(row("2025-T1", "children_placements_started", 6))
    t2 = frame(row("2025-T2", "children_placements_started", 8, span=T2))
    found = kinds([t1, t2])
    assert ("increment", "children_placements_started|2025-04→2025-08||", 2.0) in found
    clean = frame(row("2025-T2", "children_placements_started", 15, span=T2))
    assert kinds([t1, clean]) == []


def test_households_do_not_difference():
    """Distinct households of Jan–Aug less those of Jan–Apr are no count of anyone in particular."""
    t1 = frame(row("2025-T1", "eb_households", 795))
    t2 = frame(row("2025-T2", "eb_households", 797, span=T2))
    assert kinds([t1, t2]) == []


def test_a_mean_times_its_base_gives_back_the_hidden_kronor_of_three_households():
    t1 = frame(
        row("2025-T1", "eb_households", 3),
        row("2025-T1", "eb_kr_per_household", 10000, unit="kr/hushåll"),
        row("2025-T1", "eb_paid_kr", None),
    )
    found = attack_published.attack([t1])[0]
    leak = next(f for f in found if f.quantity.startswith("eb_paid_kr"))
    assert (leak.kind, leak.value, leak.base) == ("amount", 30000.0, 3.0)
    assert {cell for cell, _w in leak.cells} == {
        "eb_households|2025-01-01|2025-04-30||",
        "eb_kr_per_household|2025-01-01|2025-04-30||",
    }
    clean = t1.assign(value=t1["value"].replace({"3": "30"}))
    assert [f for f in attack_published.attack([clean])[0] if f.kind in attack_published.FAILING] == []


def test_a_split_of_distinct_persons_that_does_not_add_up_where_shown_is_not_used():
    """Children placed in two forms: a reader who sees the parts exceed the total assumes nothing."""
    t1 = frame(
        row("2025-T1", "children_placed", 10, unit="personer"),
        row("2025-T1", "children_placed", 6, by="sex", key="K", unit="personer"),
        row("2025-T1", "children_placed", 7, by="sex", key="M", unit="personer"),
    )
    t2 = frame(
        row("2025-T2", "children_placed", 12, span=T2, unit="personer"),
        row("2025-T2", "children_placed", 9, span=T2, by="sex", key="K", unit="personer"),
        row("2025-T2", "children_placed", None, span=T2, by="sex", key="M", unit="personer"),
    )
    found, families, _ = attack_published.attack([t1, t2])
    assert families["split children_placed total of sex"].startswith("dropped")
    assert found == []


def test_a_forecast_record_row_gives_its_hidden_outcome_back_from_two_forecasts_and_their_errors():
    key = "hvb_barn_unga_2023"
    t2 = frame(
        row("2025-T2", "record_forecast_t1_tkr", -1100, span=None, by="key", key=key, unit="tkr"),
        row("2025-T2", "record_error_t1", 10, span=None, by="key", key=key, unit="procent"),
        row("2025-T2", "record_forecast_t2_tkr", -950, span=None, by="key", key=key, unit="tkr"),
        row("2025-T2", "record_error_t2", 5, span=None, by="key", key=key, unit="procent"),
        row("2025-T2", "record_outcome_tkr", None, span=None, by="key", key=key, unit="tkr"),
    )
    found = kinds([t2])
    assert ("record outcome", f"record_outcome_tkr|2025-T2|key|{key}", -1000.0) in found
    disagree = t2.assign(value=t2["value"].replace({"5": "7"}))
    assert kinds([disagree]) == []


def test_the_cli_reads_a_reports_folder_in_publication_order_and_exits_nonzero_on_a_leak(tmp_path, capsys):
    for report, rows in (
        ("2025-T2", [row("2025-T2", "children_placements_started", 8, span=T2)]),
        ("2025-T1", [row("2025-T1", "children_placements_started", 6)]),
    ):
        (tmp_path / report).mkdir()
        frame(*rows).to_csv(tmp_path / report / "tabelldata.csv", index=False)
    assert [p.parent.name for p in attack_published.published_files([tmp_path])] == ["2025-T1", "2025-T2"]
    assert attack_published.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "LEAK [increment] children_placements_started|2025-04→2025-08||" in out
    frame(row("2025-T2", "children_placements_started", 20, span=T2)).to_csv(
        tmp_path / "2025-T2" / "tabelldata.csv", index=False
    )
    assert attack_published.main([str(tmp_path)]) == 0


def test_an_increment_of_care_days_resting_on_one_person_is_found_against_the_true_cells():
    """T2 − T1 of shown care days is the days of May–August; the true cells say one person."""
    t1 = frame(row("2025-T1", "care_days_protected_housing", 158, unit="vårddygn"))
    t2 = frame(row("2025-T2", "care_days_protected_housing", 289, span=T2, unit="vårddygn"))
    k = attack_published.knowledge([t1, t2])
    alone = pd.DataFrame(
        [
            {
                "measure": "care_days_protected_housing",
                "start": "2025-05-01",
                "end": "2025-08-31",
                "by": "",
                "value": 131.0,
                "base": 1.0,
            }
        ]
    )
    found = attack_published.sum_increments(k, {}, alone)
    assert [(f.kind, f.value, f.base) for f in found] == [("increment", 131.0, 1.0)]
    assert attack_published.sum_increments(k, {}, alone.assign(base=6.0)) == []


def test_a_revised_count_that_moved_by_1_to_4_is_a_note_not_a_leak():
    """The old value (``revised_from``) and the new are both public: the late records are a note."""
    t2 = frame(row("2025-T2", "eb_households", 803, span=T2, revised_from="800"))
    found = attack_published.attack([t2])[0]
    assert [(f.kind, f.value) for f in found] == [("revision", 3.0)]
    assert "revision" not in attack_published.FAILING
