"""The volumes' full-year forecast: so far × the earlier years' full-year ratio, judged on earlier years only."""

from __future__ import annotations

import pytest

from snanalys.economy.volumes import ratio_forecast


def test_the_ratio_of_earlier_years_scales_this_years_volume_so_far():
    so_far = {2022: 100.0, 2023: 100.0, 2024: 110.0, 2025: 120.0}
    full = {2022: 150.0, 2023: 130.0, 2024: 154.0}
    f = ratio_forecast(so_far, full, 2025)
    assert f.value == pytest.approx(120 * (1.5 + 1.3 + 1.4) / 3)
    # 2023 judged by 2022's ratio alone, 2024 by 2022's and 2023's: never by its own
    assert f.backtest_years == (2023, 2024)
    assert f.relative_errors == pytest.approx(((130 - 150) / 150, (154 - 110 * 1.4) / (110 * 1.4)))
    assert f.backtest_error == pytest.approx((abs(150 - 130) / 130 + 0.0) / 2)


def test_without_earlier_years_there_is_no_forecast_to_judge():
    f = ratio_forecast({2025: 50.0}, {}, 2025)
    assert f.value != f.value and f.backtest_error is None
