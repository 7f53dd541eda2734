"""Prognossäkerhet: an earlier year's T1/T2 forecast is recomputed from what was booked by then."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snanalys.economy.forecast import choose_forecast
from snanalys.economy.record import record_table


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
