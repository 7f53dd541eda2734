"""Prognossäkerhet: an earlier year's T1/T2 forecast is the one its report published, hidden where that
report hid it, else recomputed from what was known then (no invoice booked later)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snanalys.economy.forecast import choose_forecast
from snanalys.economy.record import (
    HIDDEN,
    PUBLISHED,
    RECOMPUTED,
    hidden_cells,
    known_by,
    placement_forecast_as_known,
    record_table,
)
from snanalys.periods import tertial_alone


def ledger_of(amounts: dict[tuple[str, int], np.ndarray]) -> pd.DataFrame:
    rows = [
        {"verksamhet": line, "year": year, "month": m + 1, "amount_kr": float(v)}
        for (line, year), months in amounts.items()
        for m, v in enumerate(months)
    ]
    return pd.DataFrame(rows)


def test_each_earlier_full_year_gets_its_t1_and_t2_forecast_and_outcome():
    even = np.full(12, -100.0)
    late = np.r_[np.full(8, -100.0), np.full(4, -300.0)]  # the year's last months cost more
    ledger = ledger_of({("BARN_UNGA", 2022): even, ("BARN_UNGA", 2023): late, ("BARN_UNGA", 2024): even[:8]})
    table = record_table(ledger, 2024)
    assert list(table.index) == ["barn_och_unga_2022", "Socialnämnden_2022", "barn_och_unga_2023", "Socialnämnden_2023"]
    row = table.loc["barn_och_unga_2023"]
    assert row["outcome"] == pytest.approx(-2000.0)
    assert row["forecast_t2"] == pytest.approx(-1200.0)  # linear: what was booked by August × 12 / 8
    assert row["error_t2"] == pytest.approx(0.4)
    # what the report of 2023-T1 would have said: nothing after April 2023 is read
    history = {2022: even, 2023: late}
    assert row["forecast_t1"] == pytest.approx(choose_forecast(history, 2023, 4).value)
    changed = ledger_of({("BARN_UNGA", 2022): even, ("BARN_UNGA", 2023): np.r_[late[:4], np.full(8, -900.0)]})
    assert record_table(changed, 2024).loc["barn_och_unga_2023", "forecast_t1"] == pytest.approx(row["forecast_t1"])
    total = table.loc["Socialnämnden_2023"]
    assert total["outcome"] == row["outcome"] and total["forecast_t2"] == row["forecast_t2"]


def test_a_zero_outcome_has_no_error():
    ledger = ledger_of({("OVRIGT", 2022): np.zeros(12)})
    assert np.isnan(record_table(ledger, 2023).loc["ovrigt_2022", "error_t1"])


# --- published forecasts, hidden ones, and the data as known then -------------------------------------


def two_years() -> pd.DataFrame:
    even = np.full(12, -100.0)
    return ledger_of({("BARN_UNGA", 2022): even, ("BARN_UNGA", 2023): even, ("VUXNA_BEROENDE", 2023): even})


def test_the_forecast_a_report_published_wins_over_the_recompute():
    recomputed = record_table(two_years(), 2024)
    published = {"economy_forecast_tkr|2023-T1|key|barn_och_unga": -1.5}  # tkr, as tabelldata.csv has it
    table = record_table(two_years(), 2024, published)
    row = table.loc["barn_och_unga_2023"]
    assert row["forecast_t1"] == pytest.approx(-1500.0) != recomputed.loc["barn_och_unga_2023", "forecast_t1"]
    assert row["basis_t1"] == PUBLISHED and row["basis_t2"] == RECOMPUTED
    assert row["error_t1"] == pytest.approx(300 / 1200)
    total = table.loc["Socialnämnden_2023"]  # no total published: the lines' sum, one of them recomputed
    assert total["forecast_t1"] == pytest.approx(-1500.0 + recomputed.loc["vuxna_och_beroende_2023", "forecast_t1"])
    assert total["basis_t1"] == RECOMPUTED
    published["economy_forecast_tkr|2023-T1|key|Socialnämnden"] = -2.7
    assert record_table(two_years(), 2024, published).loc["Socialnämnden_2023", "forecast_t1"] == pytest.approx(-2700)


def test_a_forecast_published_as_x_stays_hidden_and_is_not_recomputed():
    published = {"economy_forecast_tkr|2023-T2|key|vuxna_och_beroende": None}
    table = record_table(two_years(), 2024, published)
    row = table.loc["vuxna_och_beroende_2023"]
    assert row["basis_t2"] == HIDDEN and np.isnan(row["forecast_t2"]) and np.isnan(row["error_t2"])
    assert row["basis_t1"] == RECOMPUTED and not np.isnan(row["forecast_t1"])
    # the committee's total less the other lines would give the hidden line back: hidden with it
    assert table.loc["Socialnämnden_2023", "basis_t2"] == HIDDEN
    assert np.isnan(table.loc["Socialnämnden_2023", "forecast_t2"])
    hidden = hidden_cells(table, lambda *_: False, "2024-T2")
    assert set(hidden) == {
        f"{m}|2024-T2|key|{k}"
        for m in ("record_forecast_t2_tkr", "record_error_t2")
        for k in ("vuxna_och_beroende_2023", "Socialnämnden_2023")
    }


def test_an_areas_rows_resting_on_few_individuals_are_hidden():
    table = pd.DataFrame(
        {
            "year": [2023, 2023, 2023, 2023],
            "kind": ["area", "area", "area", "line"],
            "line": ["placeringar_vuxna", "familjehem", "hvb_barn_unga", "barn_och_unga"],
            "basis_t1": [RECOMPUTED] * 4,
            "basis_t2": [RECOMPUTED] * 4,
        },
        index=["placeringar_vuxna_2023", "familjehem_2023", "hvb_barn_unga_2023", "barn_och_unga_2023"],
    )
    few = {("placeringar_vuxna", tertial_alone(2023, 1)), ("familjehem", tertial_alone(2023, 3))}

    def small(area, period):  # the adults' January–April rests on 3 persons, the foster homes' Sep–Dec on 2
        return (area, period) in few

    hidden = hidden_cells(table, small, "2025-T2")
    row = {m for m in ("record_forecast_t1_tkr", "record_forecast_t2_tkr", "record_outcome_tkr",
                       "record_error_t1", "record_error_t2")}  # fmt: skip
    for key in ("placeringar_vuxna_2023", "familjehem_2023"):  # differences of the others would give it back
        assert {k.split("|")[0] for k in hidden if k.endswith(key)} == row
    assert all(k.startswith(tuple(row)) and k.split("|")[1] == "2025-T2" for k in hidden)
    assert not any(k.endswith(("barn_och_unga_2023", "hvb_barn_unga_2023")) for k in hidden)


def test_the_record_takes_the_data_as_known_at_the_end_of_the_month_after_the_tertial():
    assert known_by(2024, 1) == pd.Timestamp(2024, 5, 31)
    assert known_by(2024, 2) == pd.Timestamp(2024, 9, 30)


def placements_and_invoices(years=(2022, 2023, 2024)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three placements open all along, invoiced 1 000 kr a care day, each month's invoice booked 40 days
    after the month began (hand-written, of the processed tables' shape)."""
    placements = pd.DataFrame(
        {
            "placement_key": ["a", "b", "c"],
            "start_date": pd.to_datetime(["2021-06-01", "2021-09-01", "2022-02-01"]),
            "end_date": pd.to_datetime([None, None, None]),
        }
    )
    rows = []
    for key in placements["placement_key"]:
        for y in years:
            for m in range(1, 13):
                month = pd.Timestamp(y, m, 1)
                if key == "c" and month < pd.Timestamp(2022, 2, 1):
                    continue
                rows.append((key, month, month + pd.Timedelta(days=40), 1000.0 * month.days_in_month))
    costs = pd.DataFrame(rows, columns=["placement_key", "care_month", "booking_date", "amount_kr"])
    return placements, costs


def test_the_recompute_reads_no_invoice_booked_after_its_date():
    placements, costs = placements_and_invoices()
    t1 = placement_forecast_as_known(placements, costs, 2024, 1)
    t2 = placement_forecast_as_known(placements, costs, 2024, 2)
    # a late invoice for April's care, booked in July: unknown at 31 May, known at 30 September
    late = pd.DataFrame([("a", pd.Timestamp(2024, 4, 1), pd.Timestamp(2024, 7, 15), 250_000.0)], columns=costs.columns)
    with_late = pd.concat([costs, late], ignore_index=True)
    assert placement_forecast_as_known(placements, with_late, 2024, 1) == pytest.approx(t1)
    assert placement_forecast_as_known(placements, with_late, 2024, 2) > t2 + 100_000
    # and an invoice of the tertial's own months booked after 31 May (April's, 40 days on: 11 May is
    # known; one booked 1 June is not)
    june = late.assign(booking_date=pd.Timestamp(2024, 6, 1))
    assert placement_forecast_as_known(placements, pd.concat([costs, june]), 2024, 1) == pytest.approx(t1)
    may = late.assign(booking_date=pd.Timestamp(2024, 5, 31))
    assert placement_forecast_as_known(placements, pd.concat([costs, may]), 2024, 1) > t1
