"""The report's three-year outlook: each series by the backtest's method where its own years are
enough for it, else by last year's value with last year's value's own interval quantiles."""

from __future__ import annotations

from snanalys.economy import outlook as o
from snanalys.economy import three_year
from snanalys.pages import open_page


def test_each_series_takes_the_quantiles_of_the_method_it_is_forecast_by(sample_data_dir, monkeypatch):
    data = open_page(year=2026, tertial=2, kommun="0480", data_dir=sample_data_dir).data
    calls = []

    def recording(series, horizon, method, year_effects, residual_quantiles, *args):
        calls.append((len(series), method, list(year_effects), list(residual_quantiles)))
        return o.outlook(series, horizon, method, year_effects, residual_quantiles, *args)

    monkeypatch.setattr(three_year, "outlook", recording)
    methods = {}
    for year in (2025, 2026):  # three and four own full years
        calls.clear()
        table = three_year.outlook_table(data, year)
        assert len(calls) == len(three_year.SERIES)
        for s, (years, method, effects, quantiles) in zip(three_year.SERIES, calls, strict=True):
            of_kpi = three_year.calibration()[s.calibration][str(three_year.HORIZON)]
            chosen = of_kpi["without_national"]["method"]
            assert method == o.method_for(chosen, years)
            used = of_kpi["without_national"] if method == chosen else of_kpi["last_value"]
            assert (used["method"], used["year_effects"], used["residual_quantiles"]) == (method, effects, quantiles)
            assert table.loc[s.measure, "method"] == method
            methods[year, s.measure] = method
    # kronor per household: the backtest's damped trend needs four years, so 2025 keeps last year's value
    assert methods[2025, "eb_kr_per_household"] == "last_value"
    assert methods[2026, "eb_kr_per_household"] == "damped"
