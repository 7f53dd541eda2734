"""The economy page: every forecast line shows its 80 % interval, and an area's interval is X
wherever the report's protection hides the area's forecast (the interval is worked out from it)."""

from __future__ import annotations

from page_sections import hiding, table_rows

from snanalys.economy.figures import area_costs, committee_result
from snanalys.pages import open_page
from snanalys.pages.economy import committee_section, costs_section
from snanalys.presentation import format_decimal_sv, format_tkr

INTERVALS = "prognos helår (80 % intervall)</caption>"


def test_each_verksamhet_line_prints_its_forecast_and_interval(sample_data_dir):
    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    rows = table_rows(committee_section(ctx), INTERVALS)
    table = committee_result(ctx.data, 2025, 8)
    for line in table.itertuples():
        forecast, low, high = rows[line.label_sv][:3]
        assert (forecast, low, high) == tuple(
            format_tkr(v) for v in (line.forecast, line.forecast_low, line.forecast_high)
        )
        assert line.forecast_low <= line.forecast <= line.forecast_high


def test_an_areas_interval_is_x_where_its_forecast_is_hidden(sample_data_dir):
    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir),
        "cost_forecast_tkr|2025-T2|key|familjehem",
    )
    rows = table_rows(costs_section(ctx), INTERVALS)
    costs = area_costs(ctx.data, 2025, 2).set_index("label_sv")
    assert rows["Familjehem"][:3] == ["X", "X", "X"]
    hvb = costs.loc["HVB-vård barn och unga"]
    assert rows["HVB-vård barn och unga"][1:3] == [format_tkr(hvb.forecast_low), format_tkr(hvb.forecast_high)]


OUTLOOK = "Förväntad utveckling till"


def test_the_outlook_shows_a_point_and_interval_per_series_in_numbers_and_words(sample_data_dir):
    from snanalys.economy.figures import three_year_outlook
    from snanalys.pages.economy import WIDE, outlook_section

    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    text = outlook_section(ctx)
    table = three_year_outlook(ctx.data, 2025)
    rows = table_rows(text, OUTLOOK)
    assert len(rows) == 5
    for _, r in table.iterrows():
        low, high = format_decimal_sv(r["low"], 0), format_decimal_sv(r["high"], 0)
        assert rows[r["label_sv"]][1:] == [
            format_decimal_sv(v, 0) for v in (r["last_value"], r["value"], r["low"], r["high"])
        ]
        assert f"mellan {low} och {high} med 80 % sannolikhet" in text
        assert r["low"] <= r["value"] <= r["high"]
    # three years of own history: wide intervals, said so once
    assert (table["relative_width"] > WIDE).all()
    assert text.count("Prognoserna är osäkra: intervallen är breda.") == 1


def test_an_outlook_resting_on_a_hidden_year_is_x(sample_data_dir):
    from snanalys.pages.economy import outlook_section

    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir),
        "kr_per_care_day_children_external|2023-01-01|2023-12-31||",
    )
    rows = table_rows(outlook_section(ctx), OUTLOOK)
    assert rows["Kronor per vårddygn, barn och unga externt"][1] == "X"
    assert rows["Hushåll med ekonomiskt bistånd"][1] != "X"


def test_the_record_table_shows_recomputed_forecasts_against_the_outcome(sample_data_dir):
    from snanalys.pages.economy import record_section

    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir))
    text = record_section(ctx)
    assert "omräknad" in text
    rows = table_rows(text, "Prognossäkerhet per verksamhet: helårsprognos vid T1 och T2")
    assert {"Socialnämnden, 2023", "Socialnämnden, 2024", "Barn och unga, 2024"} <= set(rows)
    assert not any(label.endswith("2025") for label in rows)  # the report's own year is not yet an outcome
    assert rows["Barn och unga, 2024"][1] == "omräknad"  # no earlier report at hand: per cell, its source


def test_the_record_shows_the_cost_areas_and_x_where_the_protection_hides_a_row(sample_data_dir):
    from snanalys.economy.figures import forecast_record
    from snanalys.pages.economy import record_section

    hidden = [f"{m}|2025-T2|key|placeringar_vuxna_2024" for m in ("record_forecast_t1_tkr", "record_outcome_tkr")]
    ctx = hiding(open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir), *hidden)
    text = record_section(ctx)
    forecasts = table_rows(text, "Prognossäkerhet per volymdrivet område: helårsprognos vid T1 och T2")
    outcomes = table_rows(text, "Prognossäkerhet per volymdrivet område: helårets utfall")
    assert {"Ekonomiskt bistånd, 2024", "HVB-vård barn och unga, 2024", "Familjehem, 2024"} <= set(forecasts)
    assert forecasts["Placeringar vuxna, 2024"][0] == "X" and outcomes["Placeringar vuxna, 2024"][0] == "X"
    record = forecast_record(ctx.data, 2025)
    assert forecasts["Familjehem, 2024"][0] == format_tkr(record.loc["familjehem_2024", "forecast_t1"])


def test_the_volumes_over_the_year_show_a_forecast_and_interval_and_x_where_the_volume_is_hidden(sample_data_dir):
    ctx = hiding(
        open_page(year=2025, tertial=2, kommun="0480", data_dir=sample_data_dir), "cost_volume|2025-T2|key|familjehem"
    )
    rows = table_rows(costs_section(ctx), "Hushåll och vårddygn helår 2025: prognos (80 % intervall)")
    costs = area_costs(ctx.data, 2025, 2).set_index("label_sv")
    assert rows["Familjehem"][1:] == ["X", "X", "X", "X"]  # after the unit
    households = costs.loc["Ekonomiskt bistånd"]
    assert rows["Ekonomiskt bistånd"][1:] == [
        format_decimal_sv(v, 0)
        for v in (
            households.volume,
            households.volume_forecast,
            households.volume_forecast_low,
            households.volume_forecast_high,
        )
    ]
