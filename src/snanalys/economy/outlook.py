"""Annual forecasts one to three years ahead, and their rolling-origin backtest.

The three-year outlook ("Förväntad utveckling på tre års sikt") forecasts a yearly series
(households, kronor per household, kronor paid …) from the years known at the origin. The
methods are judged on the real Kolada history of every municipality
(``benchmarks/forecast_backtest.py`` writes docs/forecasts.md):

- **last_value**: the origin year's value, the benchmark every method must beat;
- **trend**: a straight line through the last five years, extended;
- **growth**: the mean yearly growth of the last three years, compounded;
- **damped**: that growth, halved each further year (a damped trend);
- **national_share**: the municipality's mean share of the national level over the last three
  years × the national level forecast by its own growth (the national series is forecast as well:
  nothing of the target year is read).

The backtest is rolling-origin: at each origin the method is chosen, per KPI and horizon, by the
median absolute percentage error of the forecasts whose outcome was known at that origin, and
only if it beats last year's value there. The 80 % interval comes from the chosen method's earlier
log errors, pooled over all municipalities, in two parts: the **year effect** (the median error of
each earlier origin, the shock every municipality shared, such as 2009 or 2021–22) and the
**residual** (the rest, standardised by the municipality's own volatility: for last year's value the
root mean square of its yearly changes, the errors that method made a year ahead; for the methods that
follow the mean change, the changes' standard deviation). The interval is the
central 80 % of year effect + residual × this municipality's volatility, the year effect to expect
a normal distribution with the earlier year effects' median and robust spread. Pooled errors scaled that way hold their level; a municipality's own few
errors do not, and a scale alone makes a large, steady municipality's interval too narrow for the
shocks it shares with all the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from snanalys.economy.forecast import LEVEL

#: The Kolada KPIs the outlook's economic-assistance figures are judged on.
KPIS = {
    "N31857": "utbetalt ekonomiskt bistånd, tkr",
    "N31910": "hushåll med ekonomiskt bistånd",
    "N31849": "utbetalt ekonomiskt bistånd, kr per hushåll",
}
HORIZONS = (1, 3)
#: Years of history a forecast needs at its origin (the trend's five).
MIN_HISTORY = 5
#: The weights of a municipality's own volatility (in variance) against the median municipality's
#: that the choice tries: the one whose earlier intervals cover each size fifth most evenly wins.
OWN_WEIGHTS = (0.25, 0.5, 0.75, 1.0)
#: Earlier errors (municipality × origin) a choice of method and an interval need.
MIN_EARLIER = 100
#: The probabilities at which a choice keeps the quantiles of its standardised residuals.
RESIDUAL_PROBABILITIES = np.linspace(0.005, 0.995, 100)
#: The probabilities at which the year effect to expect is taken (:func:`shocks`).
SHOCK_PROBABILITIES = (np.arange(100) + 0.5) / 100


def _growth(y: np.ndarray, years: int = 3) -> float:
    if len(y) <= years or y[-1 - years] <= 0 or y[-1] <= 0:
        return 0.0
    return float((y[-1] / y[-1 - years]) ** (1 / years) - 1)


def last_value(y: np.ndarray, h: int, national: np.ndarray | None = None) -> float:
    return float(y[-1])


def trend(y: np.ndarray, h: int, national: np.ndarray | None = None) -> float:
    tail = y[-5:]
    slope, intercept = np.polyfit(np.arange(len(tail)), tail, 1)
    return max(float(intercept + slope * (len(tail) - 1 + h)), 0.0)


def growth(y: np.ndarray, h: int, national: np.ndarray | None = None) -> float:
    return float(y[-1] * (1 + _growth(y)) ** h)


def damped(y: np.ndarray, h: int, national: np.ndarray | None = None, phi: float = 0.5) -> float:
    g = _growth(y)
    return float(y[-1] * np.prod([1 + g * phi**k for k in range(h)]))


def national_share(y: np.ndarray, h: int, national: np.ndarray | None = None) -> float:
    """The mean share of the national level over the last three years × the national level's own
    growth forecast; ``national`` holds the national values of the same years as ``y``."""
    if national is None or len(national) != len(y) or np.any(national[-3:] <= 0):
        return float("nan")
    share = float(np.mean(y[-3:] / national[-3:]))
    return share * growth(national, h)


def combined(y: np.ndarray, h: int, national: np.ndarray | None = None) -> float:
    """The mean of the damped trend and the national share: two different errors average out."""
    return (damped(y, h) + national_share(y, h, national)) / 2


METHODS: dict[str, Callable[..., float]] = {
    "last_value": last_value,
    "trend": trend,
    "growth": growth,
    "damped": damped,
    "national_share": national_share,
    "combined": combined,
}
#: The own years a method needs where fewer than :data:`MIN_HISTORY` are at hand (the report's own
#: data): the trend its five, growth and the damped trend three changes; last year's value one.
METHOD_YEARS = {"trend": 5, "growth": 4, "damped": 4, "national_share": 3, "combined": 4}


def method_for(method: str, years: int) -> str:
    """``method`` where ``years`` own years are enough for it, else last year's value. A series of four
    years is forecast by the damped trend as one of fifty is: it reads the last four of them."""
    return method if years >= METHOD_YEARS.get(method, 1) else "last_value"


METHOD_LABELS_SV = {
    "last_value": "fjolårets värde",
    "trend": "linjär trend (fem år)",
    "growth": "genomsnittlig tillväxt (tre år)",
    "damped": "dämpad tillväxt",
    "national_share": "andel av riket × rikets tillväxt",
    "combined": "medel av dämpad tillväxt och andel av riket",
}


# --- the Kolada panel ------------------------------------------------------------------------


def kolada_panel(values: pd.DataFrame) -> pd.DataFrame:
    """Municipalities × years: N31857 (tkr), N31910, N31849, N01951, from Kolada's long
    ``kpi,geo,year,value``. N31857 before its own first year is U31001 × N01951 / 1000 (the
    identity it is defined by) and N31849 = N31857 × 1000 / N31910 where Kolada has no value."""
    munis = values.loc[values["geo"].astype(str).str.len() == 4]
    wide = munis.pivot_table(index=["geo", "year"], columns="kpi", values="value", aggfunc="first")
    for kpi in ("N31857", "N31910", "N31849", "U31001", "N01951"):
        if kpi not in wide:
            wide[kpi] = np.nan
    for kpi in ("N31004", "N31006", "N31807"):
        if kpi not in wide:
            wide[kpi] = np.nan
    wide["N31857"] = wide["N31857"].fillna(wide["U31001"] * wide["N01951"] / 1000)
    wide["N31849"] = wide["N31849"].fillna(wide["N31857"] * 1000 / wide["N31910"])
    # the longer series of one definition (households excluding refugee households, 1995/2000–):
    # what the method choice and the intervals are also calibrated on (PROXIES)
    wide["P31857"] = wide["N31004"] * wide["N01951"] / 1000
    wide["P31849"] = wide["N31006"]
    wide["P31910"] = wide["P31857"] * 1000 / wide["P31849"]
    # the households' longer history: inhabitants who received assistance during the year (N31807, per
    # cent of the population, 1994–), the same households as N31910, refugee households included
    wide["R31910"] = wide["N31807"] * wide["N01951"] / 100
    columns = ["N31857", "N31910", "N31849", "P31857", "P31910", "P31849", "R31910", "N01951"]
    return wide[columns].sort_index()


#: Per KPI, the longer series whose errors calibrate it as well: kronor and kronor per household
#: excluding refugee households (Kolada N31004 × population, N31006), and for households the persons
#: who received assistance (N31807 × population): its changes are the households' changes, refugee
#: households included (households excluding them, 2000–, miss the fall of 2020–22 and the rise of 2016).
PROXIES = {"N31857": "P31857", "N31910": "R31910", "N31849": "P31849"}


def national_level(panel: pd.DataFrame, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national level per year: kronor summed over the municipalities that report them,
    households over those that report households and kronor both, kronor per household their
    ratio (one definition over all years; the proxies alike). Households (N31910) are Kolada's
    national figure where ``values`` has it (the country, geo 0: a household counted once):
    before 2020 only about half the municipalities report households, so their sum jumps."""
    out = {}
    for kr, households, per in (("N31857", "N31910", "N31849"), ("P31857", "P31910", "P31849")):
        both = panel.dropna(subset=[kr, households])
        sums = both.groupby(level="year")[[kr, households]].sum()
        out[kr] = panel[kr].dropna().groupby(level="year").sum()
        out[households] = sums[households]
        out[per] = sums[kr] * 1000 / sums[households]
    out["R31910"] = panel["R31910"].dropna().groupby(level="year").sum()
    frame = pd.DataFrame(out)
    if values is not None:
        country = values.loc[(values["geo"].astype(str).isin(["0", "0000"])) & (values["kpi"] == "N31910")]
        frame["N31910"] = country.set_index("year")["value"].reindex(frame.index)
    return frame


# --- the backtest ----------------------------------------------------------------------------


#: The methods that do not follow a series' mean change: a year ahead their errors are the yearly
#: changes themselves, so their scale is the changes' root mean square. A steady fall of 3 % a year
#: has no spread around its mean, yet last year's value misses it by 3 % every year.
LEVEL_METHODS = ("last_value",)


def follows_mean_change(method: str) -> bool:
    """Whether ``method``'s scale is the changes' spread around their mean (else their root mean square)."""
    return method not in LEVEL_METHODS


def volatility(y: np.ndarray, centred: bool = True) -> float:
    """The yearly log changes of the last :data:`MIN_HISTORY` years (those a backtest forecast has
    at its origin, so that a longer series is measured as the calibration was): their standard
    deviation (``centred``, the errors of a method that follows their mean) or their root mean
    square (the errors of last year's value); NaN for fewer than three."""
    y = np.asarray(y, float)[-MIN_HISTORY:]
    if np.any(y <= 0):
        return float("nan")
    changes = np.diff(np.log(y))
    if len(changes) < 3:
        return float("nan")
    return float(np.std(changes, ddof=1)) if centred else float(np.sqrt(np.mean(changes**2)))


def volatility_columns(method: str) -> tuple[str, str]:
    """The columns of :func:`forecasts` that hold ``method``'s scale: the municipality's and the
    median municipality's at the same origin."""
    if follows_mean_change(method):
        return "volatility", "median_volatility"
    return "change_rms", "median_change_rms"


def forecasts(panel: pd.DataFrame, national: pd.DataFrame, kpi: str, horizons=HORIZONS) -> pd.DataFrame:
    """Every method's forecast of ``kpi`` for every municipality, origin and horizon whose outcome the
    data has: ``geo, origin, horizon, method, forecast, actual, volatility, change_rms, population``
    (and the median municipality's volatility and change_rms at the origin). A forecast uses only the
    years up to its origin, of the municipality and of the national level."""
    rows = []
    nat = national[kpi]
    for geo, frame in panel[kpi].groupby(level="geo"):
        series = frame.droplevel("geo").dropna()
        series = series[series > 0]
        population = panel.loc[geo, "N01951"]
        years = series.index.to_numpy()
        values = series.to_numpy(float)
        for i, origin in enumerate(years):
            start = i - MIN_HISTORY + 1
            if start < 0 or years[start] != origin - MIN_HISTORY + 1:  # contiguous years only
                continue
            y = values[start : i + 1]
            known = nat.reindex(range(origin - MIN_HISTORY + 1, origin + 1)).to_numpy(float)
            sigma, rms = volatility(y), volatility(y, centred=False)
            for h in horizons:
                target = origin + h
                if target not in series.index:
                    continue
                actual = float(series[target])
                for name, method in METHODS.items():
                    rows.append(
                        (geo, int(origin), h, name, method(y, h, known), actual, sigma, rms, population.get(origin))
                    )
    frame = pd.DataFrame(
        rows,
        columns=["geo", "origin", "horizon", "method", "forecast", "actual", "volatility", "change_rms", "population"],
    )
    for column in ("volatility", "change_rms"):
        frame[f"median_{column}"] = frame.groupby("origin")[column].transform("median")
    return frame


def scale(frame: pd.DataFrame, own_weight: float, method: str) -> pd.Series:
    """What a municipality's errors by ``method`` are standardised by: its own volatility
    (:func:`volatility_columns`) shrunk (in variance) toward the median municipality's at the same
    origin. Own volatility alone makes a large, steady municipality's interval too narrow for the
    shocks all municipalities share; the median's alone a small, volatile one's too narrow for its
    own swings."""
    own, median = volatility_columns(method)
    return np.sqrt(own_weight * frame[own] ** 2 + (1 - own_weight) * frame[median] ** 2)


def size_fifths(frame: pd.DataFrame) -> pd.Series:
    """1 (smallest) … 5 (largest): the municipality's population at the origin, in fifths per origin."""
    return (
        frame.groupby("origin")["population"].transform(lambda p: pd.qcut(p.rank(method="first"), 5, labels=False)) + 1
    )


def _ape(frame: pd.DataFrame) -> pd.Series:
    return (frame["forecast"] - frame["actual"]).abs() / frame["actual"].abs()


def shocks(year_effects: np.ndarray) -> np.ndarray:
    """The year effect to expect, at :data:`SHOCK_PROBABILITIES`: a normal distribution with the earlier
    year effects' median and robust spread (1.4826 × their median absolute deviation). About twenty
    years are too few for their own quantiles, and one decade of crisis (recipients fell by a third in
    1997–2001) must not set the width of an 80 % interval."""
    effects = np.asarray(year_effects, float)
    centre = float(np.median(effects))
    spread = 1.4826 * float(np.median(np.abs(effects - centre))) if effects.size > 1 else 0.0
    return centre + spread * norm.ppf(SHOCK_PROBABILITIES)


def log_bounds(
    year_effects: np.ndarray, residual_quantiles: np.ndarray, scales: np.ndarray, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of log(actual / forecast) for each of ``scales``: the quantiles of
    shock + residual × scale over the :func:`shocks` of the earlier year effects and the residuals'
    quantiles. Computed exactly at up to 65 scales spread over ``scales``, interpolated between them."""
    effects, residuals = shocks(year_effects), np.asarray(residual_quantiles, float)
    scales = np.atleast_1d(np.asarray(scales, float))
    at = np.unique(np.quantile(scales, np.linspace(0, 1, 65))) if scales.size > 65 else np.unique(scales)
    sums = (effects[None, :, None] + residuals[None, None, :] * at[:, None, None]).reshape(len(at), -1)
    low, high = np.quantile(sums, [(1 - level) / 2, (1 + level) / 2], axis=1)
    return np.interp(scales, at, low), np.interp(scales, at, high)


@dataclass(frozen=True)
class Choice:
    """The method, volatility weight, earlier year effects and residual quantiles chosen at an origin."""

    method: str
    own_weight: float
    #: the median log error of each earlier origin: the shock all municipalities shared that year
    year_effects: tuple[float, ...]
    #: quantiles at :data:`RESIDUAL_PROBABILITIES` of (log error − its year's effect) / scale
    residual_quantiles: tuple[float, ...]
    errors: int

    def log_bounds(self, scales, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
        return log_bounds(np.array(self.year_effects), np.array(self.residual_quantiles), scales, level)


#: The methods that read the national level (which the report's years do not have in Kolada).
NATIONAL_METHODS = ("national_share", "combined")


def choose(earlier: pd.DataFrame, level: float = LEVEL, exclude: tuple[str, ...] = ()) -> Choice | None:
    """From the forecasts whose outcome is known (one KPI and horizon): the method with the lowest
    median APE if it beats last year's value, else last year's value; its log errors split into each
    origin's year effect (their median) and residuals over each municipality's :func:`scale`, with
    the weight of :data:`OWN_WEIGHTS` whose intervals (:func:`log_bounds`) cover the size fifths of
    those errors most evenly. None below :data:`MIN_EARLIER`. ``exclude``: methods not to choose."""
    usable = earlier.dropna(subset=["forecast"])
    usable = usable.loc[(usable["forecast"] > 0) & ~usable["method"].isin(exclude)]
    if usable.loc[usable["method"] == "last_value"].shape[0] < MIN_EARLIER:
        return None
    median = usable.assign(ape=_ape(usable)).groupby("method")["ape"].median()
    best = str(median.idxmin())
    if median[best] >= median["last_value"]:
        best = "last_value"
    of_best = usable.loc[(usable["method"] == best) & (usable[volatility_columns(best)[0]] > 0)].reset_index(drop=True)
    of_best = of_best.assign(fifth=size_fifths(of_best))
    log_error = np.log(of_best["actual"] / of_best["forecast"])
    by_origin = log_error.groupby(of_best["origin"])
    effects, effect = by_origin.median(), by_origin.transform("median")
    candidates = []
    for weight in OWN_WEIGHTS:
        sigma = scale(of_best, weight, best)
        residuals = np.quantile((log_error - effect) / sigma, RESIDUAL_PROBABILITIES)
        low, high = log_bounds(effects.to_numpy(), residuals, sigma.to_numpy(), level)
        covered = (log_error >= low) & (log_error <= high)
        spread = float(np.max(np.abs(covered.groupby(of_best["fifth"]).mean() - level)))
        candidates.append((spread, weight, residuals))
    _, weight, residuals = min(candidates, key=lambda c: (c[0], c[1]))
    return Choice(best, weight, tuple(map(float, effects)), tuple(map(float, residuals)), len(of_best))


def rolling_origin(frame: pd.DataFrame, level: float = LEVEL, calibration: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chosen method's forecast and interval at every origin where a choice can be made from
    earlier origins only (outcome year ≤ origin), of ``frame`` and of ``calibration`` (the
    forecasts of a longer series of one definition, :data:`PROXIES`): ``geo, origin, horizon,
    method, forecast, low, high, actual, covered, population``."""
    out = []
    for h, of_h in frame.groupby("horizon"):
        pool = of_h if calibration is None else pd.concat([of_h, calibration.loc[calibration["horizon"] == h]])
        for origin in sorted(of_h["origin"].unique()):
            choice = choose(pool.loc[pool["origin"] + h <= origin], level)
            if choice is None:
                continue
            now = of_h.loc[(of_h["origin"] == origin) & (of_h["method"] == choice.method)].dropna(subset=["forecast"])
            now = now.loc[now[volatility_columns(choice.method)[0]] > 0]
            low_log, high_log = choice.log_bounds(scale(now, choice.own_weight, choice.method).to_numpy(), level)
            low = now["forecast"] * np.exp(low_log)
            high = now["forecast"] * np.exp(high_log)
            out.append(
                now.assign(
                    low=np.minimum(low, now["forecast"]),
                    high=np.maximum(high, now["forecast"]),
                    own_weight=choice.own_weight,
                )
            )
    if not out:
        return pd.DataFrame(columns=[*frame.columns, "low", "high", "covered"])
    chosen = pd.concat(out, ignore_index=True)
    chosen["covered"] = (chosen["actual"] >= chosen["low"]) & (chosen["actual"] <= chosen["high"])
    return chosen


def method_table(frame: pd.DataFrame, evaluated: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon, over the origins the chosen methods are evaluated on: median and mean
    APE and the share of municipalities whose mean APE is below last year's value's."""
    keys = evaluated[["geo", "origin", "horizon"]].drop_duplicates()
    same = frame.merge(keys, on=["geo", "origin", "horizon"]).dropna(subset=["forecast"])
    same = same.assign(ape=_ape(same))
    per_geo = same.groupby(["horizon", "method", "geo"])["ape"].mean().unstack("method")
    rows = []
    for (h, method), ape in same.groupby(["horizon", "method"])["ape"]:
        geo = per_geo.loc[h]
        beats = (geo[method] < geo["last_value"]).loc[geo[method].notna()]
        rows.append(
            {
                "horizon": h,
                "method": method,
                "median_ape": float(ape.median()),
                "mean_ape": float(ape.mean()),
                "share_beating_last_value": float(beats.mean()) if method != "last_value" else float("nan"),
                "forecasts": len(ape),
            }
        )
    return pd.DataFrame(rows)


def chosen_table(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: the chosen methods' median and mean APE, coverage, and coverage per size fifth."""
    evaluated = evaluated.assign(ape=_ape(evaluated), fifth=size_fifths(evaluated))
    rows = []
    for h, of_h in evaluated.groupby("horizon"):
        row = {
            "horizon": h,
            "median_ape": float(of_h["ape"].median()),
            "mean_ape": float(of_h["ape"].mean()),
            "coverage": float(of_h["covered"].mean()),
            "forecasts": len(of_h),
            "methods": ", ".join(f"{m} {n}" for m, n in of_h["method"].value_counts().items()),
        }
        for fifth, part in of_h.groupby("fifth"):
            row[f"coverage_fifth_{int(fifth)}"] = float(part["covered"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


# --- the outlook of one series ---------------------------------------------------------------


@dataclass(frozen=True)
class Outlook:
    """A forecast ``horizon`` years after the last known year, with its 80 % interval."""

    year: int
    value: float
    low: float | None
    high: float | None
    method: str
    volatility_from: str = ""  # "own" (shrunk toward the median municipality's) or "median"


def outlook(
    series: Mapping[int, float],
    horizon: int,
    method: str,
    year_effects: Sequence[float] = (),
    residual_quantiles: Sequence[float] = (),
    own_weight: float = 1.0,
    median_volatility: float = 0.0,
) -> Outlook | None:
    """``series`` (year → value, contiguous up to its last year) ``horizon`` years ahead by ``method``
    (one that needs no national level), with the interval ``value × exp(bounds)`` of
    :func:`log_bounds` for the backtest's year effects and residual quantiles, the scale as
    :func:`scale` makes it from this series' volatility and the backtest's ``own_weight`` and
    ``median_volatility`` (the median municipality's, of the measure ``method``'s errors were
    standardised by: :func:`volatility_columns`). ``method`` must be one the series has the years for
    (:func:`method_for`): the quantiles are that method's. Fewer than four years (no volatility of
    its own): the median municipality's volatility. No interval without the backtest's quantiles.
    None without a year."""
    if method in NATIONAL_METHODS:
        raise ValueError(f"{method!r} needs the national level; choose among the others")
    years = sorted(series)
    if not years:
        return None
    values = np.asarray([series[y] for y in years], float)
    if method_for(method, len(values)) != method:
        raise ValueError(f"{method!r} needs {METHOD_YEARS[method]} years; the series has {len(values)}")
    value = METHODS[method](values, horizon, None)
    own = volatility(values, centred=follows_mean_change(method))
    if math.isnan(own):  # too few own years to tell: the median municipality's volatility
        sigma, basis = median_volatility, "median"
    else:
        sigma, basis = math.sqrt(own_weight * own**2 + (1 - own_weight) * median_volatility**2), "own"
    if not len(year_effects) or not len(residual_quantiles) or not sigma > 0:
        return Outlook(years[-1] + horizon, value, None, None, method, "")
    low_log, high_log = log_bounds(np.asarray(year_effects), np.asarray(residual_quantiles), np.array([sigma]))
    low, high = value * math.exp(low_log[0]), value * math.exp(high_log[0])
    return Outlook(years[-1] + horizon, value, min(low, value), max(high, value), method, basis)
