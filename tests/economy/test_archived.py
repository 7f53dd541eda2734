"""The forecasts earlier reports published: read from the reports folder, the newest version of each."""

from __future__ import annotations

import pytest

from snanalys.disclosure.published import COLUMNS, PublishedFileError
from snanalys.economy.archived import keep, kept, newest_reports, published_forecasts


def write_report(folder, label: str, rows: list[tuple[str, str, str]]) -> None:
    """A hand-written ``tabelldata.csv`` of the documented shape: (cell id, value, mark) per row."""
    folder.mkdir(parents=True)
    lines = [",".join(COLUMNS)]
    for cell_id, value, mark in rows:
        measure, _, _, key = cell_id.split("|")
        lines.append(f"{label},{cell_id},{measure},Helårsprognos,,,key,{key},{value},tkr,{mark},synthetic,")
    (folder / "tabelldata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_newest_version_of_a_revised_report_counts(tmp_path):
    cell = "economy_forecast_tkr|2024-T1|key|barn_och_unga"
    write_report(tmp_path / "archive" / "2024-T1-v1", "2024-T1", [(cell, "-100", "")])
    write_report(tmp_path / "archive" / "2024-T1-v10", "2024-T1", [(cell, "-110", "")])
    write_report(tmp_path / "archive" / "2024-T1-v2", "2024-T1", [(cell, "-102", "")])
    write_report(tmp_path / "archive" / "2024-T2-v1", "2024-T2", [(cell.replace("T1", "T2"), "-200", "")])
    assert published_forecasts(tmp_path)[cell] == -110  # v10 is newer than v2
    write_report(tmp_path / "2024-T1", "2024-T1", [(cell, "-120", "")])  # re-run after the freeze
    forecasts = published_forecasts(tmp_path)
    assert forecasts[cell] == -120
    assert forecasts["economy_forecast_tkr|2024-T2|key|barn_och_unga"] == -200
    assert set(newest_reports(tmp_path)) == {"2024-T1", "2024-T2"}


def test_a_forecast_published_as_x_is_kept_as_hidden_and_other_measures_are_left_out(tmp_path):
    write_report(
        tmp_path / "2023-T2",
        "2023-T2",
        [
            ("cost_forecast_tkr|2023-T2|key|placeringar_vuxna", "", "X"),
            ("cost_forecast_tkr|2023-T2|key|familjehem", "-30000.5", ""),
            ("cost_outcome_tkr|2023-T2|key|familjehem", "-20000", ""),
        ],
    )
    write_report(tmp_path / "2023-T3", "2023-T3", [("cost_forecast_tkr|2023-T3|key|familjehem", "-1", "")])
    assert published_forecasts(tmp_path) == {
        "cost_forecast_tkr|2023-T2|key|placeringar_vuxna": None,
        "cost_forecast_tkr|2023-T2|key|familjehem": -30000.5,
    }


def test_kept_beside_the_processed_data_and_read_back(tmp_path):
    assert kept(tmp_path) == {}
    keep(tmp_path, {"economy_forecast_tkr|2024-T1|key|namnd": -2.5, "cost_forecast_tkr|2024-T1|key|x": None})
    assert kept(tmp_path) == {"economy_forecast_tkr|2024-T1|key|namnd": -2.5, "cost_forecast_tkr|2024-T1|key|x": None}


def test_a_broken_published_file_names_its_row(tmp_path):
    write_report(tmp_path / "2024-T1", "2024-T1", [("economy_forecast_tkr|2024-T1|key|namnd", "abc", "")])
    with pytest.raises(PublishedFileError, match=r"tabelldata.csv, row 2, column value"):
        published_forecasts(tmp_path)
