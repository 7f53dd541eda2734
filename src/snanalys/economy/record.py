"""Prognossäkerhet: what the T1 and T2 full-year forecasts of earlier years said, against the outcome.

Per earlier full year, one row per verksamhet line, the committee's total and one per volume-driven
cost area (:data:`snanalys.economy.drivers.AREAS`). Each T1 and T2 forecast is, per cell:

- **publicerad**: the value that year's T1 or T2 report published (:mod:`snanalys.economy.archived`,
  the newest version of a revised report), which is what the board was told;
- **dold**: that report published it as X: it stays hidden here, and is not recomputed;
- **omräknad**: no report of that tertial is at hand, so it is made again as that report would have
  made it, with the data as known then — :func:`known_by`, the last day of the month after the
  tertial (31 May, 30 September): the ledger's months up to the tertial's end (the ledger has no
  booking dates; a month is closed when the next is booked), the placements' invoices booked by that
  day (``placement_costs.booking_date``), the payments of economic assistance by their payment date
  (none of the tertial's is dated after its end), and the placements begun and ended as known then.

The outcome is the year's outcome as the data holds it now. Costs are negative, as on the page.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping

import numpy as np
import pandas as pd

from snanalys.codes import VERKSAMHETER
from snanalys.economy.archived import forecast_id
from snanalys.economy.forecast import choose_forecast
from snanalys.economy.known import area_placements, known_forecast
from snanalys.economy.ledger import LINE_KEYS, monthly_by_line
from snanalys.periods import Period, tertial_alone

TERTIAL_MONTHS = {1: 4, 2: 8}
TOTAL = "Socialnämnden"
PUBLISHED, RECOMPUTED, HIDDEN = "publicerad", "omräknad", "dold"
COLUMNS = ["year", "kind", "line", "label_sv", "forecast_t1", "basis_t1", "forecast_t2", "basis_t2", "outcome"]


def known_by(year: int, tertial: int) -> pd.Timestamp:
    """The day a recomputed forecast takes the data as known: the last day of the month after the
    tertial's last month (the report is made then: T1 in May/June, T2 in September/October)."""
    month = TERTIAL_MONTHS[tertial] + 1
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


def _forecast(published: Mapping[str, float | None], measure: str, year: int, tertial: int, key: str, recompute):
    """(kronor, basis): the published forecast where that report published one, else ``recompute()``."""
    cell = forecast_id(measure, year, tertial, key)
    if cell in published:
        value = published[cell]
        return (float("nan"), HIDDEN) if value is None else (float(value) * 1000.0, PUBLISHED)
    return float(recompute()), RECOMPUTED


def record_table(ledger: pd.DataFrame, year: int, published: Mapping[str, float | None] | None = None) -> pd.DataFrame:
    """Per earlier full year of the ledger (before ``year``) and line: :data:`COLUMNS` and
    ``error_t1, error_t2`` (kronor; errors = |forecast − outcome| / |outcome|, NaN for an outcome of
    zero or a hidden forecast). Indexed ``<line key>_<year>`` (no '|': a year after a word is no
    number), the total ``Socialnämnden_<year>``: the published total where the report published it,
    else the sum of the lines' forecasts, as the report's total is (hidden if a line is: the total
    less the others would give it back)."""
    published = published or {}
    monthly = monthly_by_line(ledger)
    full_years = sorted(
        {y for series in monthly.values() for y, months in series.items() if y < year and len(months) == 12}
    )
    rows = {}
    for y in full_years:
        lines = []
        for code in VERKSAMHETER:
            series = monthly.get(code, {})
            if y not in series:
                continue
            key = LINE_KEYS[code]
            row = {"year": y, "kind": "line", "line": key, "label_sv": f"{VERKSAMHETER[code]}, {y}"}
            for tertial, months in TERTIAL_MONTHS.items():
                row[f"forecast_t{tertial}"], row[f"basis_t{tertial}"] = _forecast(
                    published,
                    "economy_forecast_tkr",
                    y,
                    tertial,
                    key,
                    lambda s=series, y=y, m=months: choose_forecast(s, y, m).value,
                )
            row["outcome"] = float(np.sum(series[y]))
            rows[f"{key}_{y}"] = row
            lines.append(row)
        total = {"year": y, "kind": "total", "line": TOTAL, "label_sv": f"{TOTAL}, {y}"}
        for tertial in TERTIAL_MONTHS:
            parts = [r[f"forecast_t{tertial}"] for r in lines]
            bases = {r[f"basis_t{tertial}"] for r in lines}
            if forecast_id("economy_forecast_tkr", y, tertial, TOTAL) in published:
                value, basis = _forecast(published, "economy_forecast_tkr", y, tertial, TOTAL, None)
            elif HIDDEN in bases:
                value, basis = float("nan"), HIDDEN
            else:  # the lines' sum, as the report's total is, and as published as its lines are
                value, basis = float(np.sum(parts)), RECOMPUTED if RECOMPUTED in bases else PUBLISHED
            total[f"forecast_t{tertial}"], total[f"basis_t{tertial}"] = value, basis
        total["outcome"] = float(sum(r["outcome"] for r in lines))
        rows[f"{TOTAL}_{y}"] = total
    return with_errors(pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS))


def with_errors(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    for tertial in TERTIAL_MONTHS:
        outcome = table["outcome"].where(table["outcome"] != 0)
        table[f"error_t{tertial}"] = (table[f"forecast_t{tertial}"] - outcome).abs() / outcome.abs()
    return table


def _by_care_month(costs: pd.DataFrame, last_year: int) -> dict[int, np.ndarray]:
    """Kronor per care month, per year up to ``last_year`` (12 months each; unbooked months 0)."""
    month = costs["care_month"]
    chosen = costs.loc[month.dt.year <= last_year]
    grouped = chosen.groupby([chosen["care_month"].dt.year, chosen["care_month"].dt.month])["amount_kr"].sum()
    out = {}
    for y in sorted({int(y) for y, _ in grouped.index}):
        out[y] = np.array([float(grouped.get((y, m), 0.0)) for m in range(1, 13)])
    return out


def placement_forecast_as_known(placements: pd.DataFrame, costs: pd.DataFrame, year: int, tertial: int) -> float:
    """The full-year cost (kronor, positive) an area's placements were forecast at, as that tertial's
    report would have made it with what was known by :func:`known_by`: the invoices booked by then,
    the placements begun by then, an end date after it not yet known (the placement is open)."""
    cutoff = known_by(year, tertial)
    months = TERTIAL_MONTHS[tertial]
    booked = costs.loc[costs["booking_date"] <= cutoff]
    if booked.empty:
        return float("nan")
    known = placements.loc[placements["start_date"] <= cutoff]
    known = known.assign(end_date=known["end_date"].where(known["end_date"] <= cutoff))
    first = int(booked["care_month"].dt.year.min())
    by_known = {y: known_forecast(known, booked, y, months, first) for y in range(first, year + 1)}
    return choose_forecast(_by_care_month(booked, year), year, months, {"known": by_known}).value


def area_record(data, year: int, published: Mapping[str, float | None] | None = None) -> pd.DataFrame:
    """The volume-driven cost areas' rows of the record, as :func:`record_table`'s lines (costs
    negative), indexed ``<area key>_<year>``: every full year before ``year`` the area's costs cover."""
    from snanalys.economy.drivers import AREAS, monthly_costs

    published = published or {}
    rows = {}
    for area in AREAS:
        monthly = monthly_costs(data, area)
        full_years = [y for y, months in sorted(monthly.items()) if y < year and len(months) == 12]
        if area.scope is not None:
            placements, costs = area_placements(data, area.scope)
        for y in full_years:
            row = {"year": y, "kind": "area", "line": area.key, "label_sv": f"{area.label_sv}, {y}"}
            for tertial, months in TERTIAL_MONTHS.items():
                if area.scope is None:  # payments by payment date: those of the tertial were all known

                    def recompute(m=months, y=y, series=monthly):
                        return -choose_forecast({k: v for k, v in series.items() if k <= y}, y, m).value
                else:

                    def recompute(t=tertial, y=y, p=placements, c=costs):
                        return -placement_forecast_as_known(p, c, y, t)

                row[f"forecast_t{tertial}"], row[f"basis_t{tertial}"] = _forecast(
                    published, "cost_forecast_tkr", y, tertial, area.key, recompute
                )
            row["outcome"] = -float(np.sum(monthly[y]))
            rows[f"{area.key}_{y}"] = row
    return with_errors(pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS))


def record_periods(year: int) -> list[Period]:
    """The periods an area's record row of ``year`` rests on: its three tertials alone. A row's cells
    are linear forecasts (the months' cost × a constant) and the outcome, and earlier reports published
    the area's cost of T1 and T2, so differences give back the cost of any tertial alone; the year,
    January–August and May–December hold at least as many individuals as each tertial in them."""
    return [tertial_alone(year, t) for t in (1, 2, 3)]


def hidden_cells(record: pd.DataFrame, small, label: str) -> dict[str, str]:
    """The record's cells the report hides, ``<measure>|<label>|key|<row>`` → why:

    - a forecast published as X, and its error (``derived``; its value is not even recomputed);
    - an area's row (forecasts, outcome, errors) of a year one of whose tertials rests on 1–4
      individuals (:func:`record_periods`; ``primary``): the forecast of a few placements gives their
      price back, their outcome their cost. ``small(area key, period)`` says whether a period does.
    """
    out = {}
    columns = {1: ("record_forecast_t1_tkr", "record_error_t1"), 2: ("record_forecast_t2_tkr", "record_error_t2")}
    for key, row in record.iterrows():
        hide: dict[str, str] = {}
        for tertial, measures in columns.items():
            if row[f"basis_t{tertial}"] == HIDDEN:
                hide.update(dict.fromkeys(measures, "derived"))
        if row["kind"] == "area" and any(small(row["line"], p) for p in record_periods(int(row["year"]))):
            hide.update(dict.fromkeys(["record_outcome_tkr", *columns[1], *columns[2]], "primary"))
        for measure, why in hide.items():
            out[f"{measure}|{label}|key|{key}"] = why
    return out
