"""The committee's ledger and budget, and the population — the denominators of the report.

The ledger is the committee's own (first layer): for the activities run by the
provider division (DSO) it pays a fixed compensation in twelfths, so those rows sit
on budget, while the committee's own small activities vary month to month. 2024 and
2025 sum per verksamhet to the annual report's outcome, and the 2025 budget is the
report's; the other years are plausible neighbours. The cost budget is the
provider's compensation for the volume-driven costs (economic assistance,
placements) per area, from the agreement. Amounts are öre internally.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snanalys import codes
from snanalys.sample import calibration as target

LAST_LEDGER = (2026, 10)  # the ledger is closed through October 2026

# How each verksamhet's net outcome splits over account groups: signed shares of the net.
_ACCOUNTS = {
    "NAMND": {"PERSONAL": 0.78, "OVRIGA_KOSTNADER": 0.22},
    "FORFOGANDE": {"OVRIGA_KOSTNADER": 0.6, "LAMNADE_BIDRAG": 0.4},
    "CIVILSAMHALLE": {"LAMNADE_BIDRAG": 0.93, "OVRIGA_KOSTNADER": 0.07},
    "FAMILJERADGIVNING": {"KOP_AV_VERKSAMHET": 1.0},
    "BARN_UNGA": {"KOP_AV_VERKSAMHET": 1.0},
    "VUXNA_BEROENDE": {"KOP_AV_VERKSAMHET": 1.0},
    "FLYKTING_INTEGRATION": {"INTAKTER": 2.1, "PERSONAL": -0.75, "LOKALER": -0.2, "OVRIGA_KOSTNADER": -0.15},
    "ARBETE_FORSORJNING": {"KOP_AV_VERKSAMHET": 0.985, "LAMNADE_BIDRAG": 0.015},
    "MYNDIGHET_GEMENSAMT": {"KOP_AV_VERKSAMHET": 0.9, "LOKALER": 0.06, "OVRIGA_KOSTNADER": 0.04},
    "OVRIGT": {},
}
# Fixed compensation to the provider division, paid in twelfths.
_TWELFTHS = {"KOP_AV_VERKSAMHET"}


def _outcomes_tkr() -> dict[int, dict[str, float]]:
    """Outcome per year and verksamhet, tkr (2026: January–October)."""
    y2025, y2024 = target.OUTCOME_2025_TKR, target.OUTCOME_2024_TKR
    out = {2024: dict(y2024), 2025: dict(y2025)}
    out[2023] = {k: round(v * 0.965) for k, v in y2024.items()} | {"FLYKTING_INTEGRATION": 2260, "FORFOGANDE": -410}
    out[2022] = {k: round(v * 0.93) for k, v in y2024.items()} | {"FLYKTING_INTEGRATION": 3120, "FORFOGANDE": -720}
    budget_2026 = _budgets_tkr()[2026]
    out[2026] = {
        k: round(v * 10 / 12 * (1.0 if k in ("BARN_UNGA", "VUXNA_BEROENDE", "MYNDIGHET_GEMENSAMT") else 0.97))
        for k, v in budget_2026.items()
    }
    return out


def _budgets_tkr() -> dict[int, dict[str, int]]:
    y2025 = target.BUDGET_2025_TKR
    o2024 = target.OUTCOME_2024_TKR
    b2024 = dict(o2024) | {
        "NAMND": -2150,
        "FORFOGANDE": -1000,
        "CIVILSAMHALLE": -6100,
        "FAMILJERADGIVNING": -1000,
        "FLYKTING_INTEGRATION": 1300,
        "ARBETE_FORSORJNING": -106116,
    }
    out = {2024: b2024, 2025: dict(y2025)}
    out[2023] = {k: round(v * 0.965) for k, v in b2024.items()} | {"FLYKTING_INTEGRATION": 2000, "FORFOGANDE": -1000}
    out[2022] = {k: round(v * 0.93) for k, v in b2024.items()} | {"FLYKTING_INTEGRATION": 2800, "FORFOGANDE": -1000}
    out[2026] = {k: round(v * 1.03) for k, v in y2025.items()} | {"FORFOGANDE": -1000, "OVRIGT": 0}
    return out


def budget_rows() -> pd.DataFrame:
    rows = []
    for year, per in sorted(_budgets_tkr().items()):
        for verksamhet in codes.VERKSAMHETER:
            if verksamhet in per:
                rows.append((year, verksamhet, int(per[verksamhet]) * 1000 * 100))
    return pd.DataFrame(rows, columns=["year", "verksamhet", "budget"])


def _cost_budgets_tkr() -> dict[int, dict[str, int]]:
    """The compensation for the volume-driven costs per year and area, tkr, positive.

    2024 and 2025 are the agreement's; 2022–2023 step back from 2024 and 2026 forward
    from 2025 by about 3 % a year, rounded to whole tkr.
    """
    growth = 1 + target.COST_BUDGET_GROWTH
    y2024, y2025 = target.COST_BUDGET_2024_TKR, target.COST_BUDGET_2025_TKR
    out = {2024: dict(y2024), 2025: dict(y2025)}
    out[2023] = {k: round(v / growth) for k, v in y2024.items()}
    out[2022] = {k: round(v / growth**2) for k, v in y2024.items()}
    out[2026] = {k: round(v * growth) for k, v in y2025.items()}
    return out


def cost_budget_rows() -> pd.DataFrame:
    """One row per year (2022–2026) and cost area: budget in öre, positive."""
    rows = []
    for year, per in sorted(_cost_budgets_tkr().items()):
        for area in codes.COST_AREAS:
            rows.append((year, area, int(per[area]) * 1000 * 100))
    return pd.DataFrame(rows, columns=["year", "area", "budget"])


def _split_months(
    rng: np.random.Generator, total: int, months: int, twelfths: bool, seasonal: np.ndarray
) -> np.ndarray:
    """Split ``total`` öre over ``months`` months; the last month takes the rounding."""
    if twelfths:
        weights = np.ones(months)
    else:
        weights = seasonal[:months] * rng.lognormal(0, 0.25, months)
    parts = np.round(total * weights / weights.sum()).astype(np.int64)
    if not twelfths and months >= 3 and rng.random() < 0.2:
        # now and then a refund or credit note: one month goes the other way, the rest carry it
        month = int(rng.integers(0, months - 1))
        refund = int(round(-0.15 * total / months))
        shift = refund - parts[month]
        parts[month] = refund
        others = [m for m in range(months) if m != month]
        parts[others] -= np.round(shift * weights[others] / weights[others].sum()).astype(np.int64)
    parts[-1] += total - parts.sum()
    return parts


_SEASON = np.array([1.0, 1.0, 1.05, 1.0, 1.0, 1.1, 0.55, 0.75, 1.05, 1.05, 1.1, 1.35])


def ledger_rows(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for year, per in sorted(_outcomes_tkr().items()):
        months = LAST_LEDGER[1] if year == LAST_LEDGER[0] else 12
        for verksamhet in codes.VERKSAMHETER:
            if verksamhet not in per:
                continue
            net = int(round(per[verksamhet] * 1000 * 100))
            split = _ACCOUNTS[verksamhet]
            if not split:
                continue
            accounts = list(split)
            # Signed shares of the net: for Flyktingmott/Integration income exceeds the costs.
            shares = np.array([split[a] for a in accounts], float)
            amounts = np.round(net * shares / shares.sum()).astype(np.int64)
            amounts[0] += net - amounts.sum()
            for account, amount in zip(accounts, amounts, strict=True):
                parts = _split_months(rng, int(amount), months, account in _TWELFTHS, _SEASON)
                for month, part in enumerate(parts, start=1):
                    rows.append((year, month, verksamhet, account, int(part)))
    return pd.DataFrame(rows, columns=["year", "month", "verksamhet", "account", "amount"])


def population_rows() -> pd.DataFrame:
    """Inhabitants 31 December by legal sex and age band, 58 021 in 2022 growing ~0.4 %/yr."""
    totals = {2022: target.INHABITANTS_2022}
    for year, growth in zip(range(2023, 2027), (0.0041, 0.0036, 0.0043, 0.0039), strict=True):
        totals[year] = round(totals[year - 1] * (1 + growth))
    rows = []
    for year, total in totals.items():
        t = year - 2022
        band_share = np.array([0.206 - 0.0012 * t, 0.034, 0.515 - 0.0013 * t, 0.245 + 0.0025 * t])
        male = np.array([0.513, 0.523, 0.506, 0.466])
        cells = np.concatenate([band_share * (1 - male), band_share * male])
        cells = cells / cells.sum() * total
        counts = np.floor(cells).astype(int)
        counts[np.argsort(-(cells - counts), kind="stable")[: total - counts.sum()]] += 1
        for i, band in enumerate(codes.AGE_BANDS):
            rows.append((year, "K", band, int(counts[i])))
            rows.append((year, "M", band, int(counts[4 + i])))
    return pd.DataFrame(rows, columns=["year", "sex", "band", "count"])
