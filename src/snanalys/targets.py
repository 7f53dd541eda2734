"""The committee's targets (nämndmål): the target for a period and its colour.

Targets are configured in ``targets.toml`` (beside this module; the environment
variable ``SNANALYS_TARGETS`` names another file, e.g. a municipality's own). Reports are year to
date, so an annual target is judged at T1 and T2 against the path that reaches it:
for a level (fewer than 600 households a month) the path is the level itself; for a
comparison with an earlier year, the same period of that year; for a reduction over
several years, a straight line between the baseline and the target year, applied to
the same period. The colours follow the brief: green = met or on the path, yellow =
within the tolerance (5 %) of it, red = further away.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from snanalys.presentation import format_decimal_sv, is_missing

GREEN, YELLOW, RED, NOT_JUDGED = "grön", "gul", "röd", "ej bedömd"
STATUS_LABELS_SV = {
    GREEN: "Grön – målet nås eller är i fas",
    YELLOW: "Gul – mindre avvikelse",
    RED: "Röd – större avvikelse",
    NOT_JUDGED: "Kan inte bedömas",
}
LOWER_IS_BETTER = {"ceiling", "below_reference", "reduce_by_share", "decrease"}
KINDS = LOWER_IS_BETTER | {"increase"}


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    measure: str
    kind: str
    source: str
    tolerance: float = 0.05
    target: float | None = None
    reference_year: int | None = None
    baseline_year: int | None = None
    target_year: int | None = None
    reduction: float | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.kind in LOWER_IS_BETTER


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    required_green: int
    indicators: tuple[Indicator, ...] = field(default_factory=tuple)


class TargetConfigError(ValueError):
    """targets.toml does not say what a target is."""


TARGETS_ENV = "SNANALYS_TARGETS"


def targets_path() -> Path:
    """The targets file a report uses: ``$SNANALYS_TARGETS`` if set, else the packaged one."""
    configured = os.environ.get(TARGETS_ENV, "").strip()
    if configured:
        return Path(configured)
    return Path(str(resources.files("snanalys").joinpath("targets.toml")))


def _indicator(measure: str, kind: str, goals: list[Goal] | None) -> Indicator | None:
    for goal in goals if goals is not None else load_goals():
        for indicator in goal.indicators:
            if indicator.measure == measure and indicator.kind == kind:
                return indicator
    return None


def ceiling(measure: str, goals: list[Goal] | None = None) -> float | None:
    """The level a measure must stay below, where an indicator sets one (kind "ceiling")."""
    indicator = _indicator(measure, "ceiling", goals)
    return None if indicator is None else indicator.target


def reference_year(measure: str, goals: list[Goal] | None = None) -> int | None:
    """The year whose same period a measure must stay below (kind "below_reference")."""
    indicator = _indicator(measure, "below_reference", goals)
    return None if indicator is None else indicator.reference_year


def reduction_path(measure: str, baseline: float, goals: list[Goal] | None = None) -> dict[int, float] | None:
    """The straight path of a "reduce by a share" target of ``measure`` (targets.toml), from
    ``baseline`` (its value in the baseline year) to the target year: year → the value to reach."""
    indicator = _indicator(measure, "reduce_by_share", goals)
    if indicator is None or is_missing(baseline):
        return None
    same_period = {indicator.baseline_year: baseline}
    years = range(indicator.baseline_year, indicator.target_year + 1)
    return {year: period_target(indicator, same_period, year) for year in years}


def reduction_target(measure: str, goals: list[Goal] | None = None) -> Indicator | None:
    """The "reduce by a share" indicator of ``measure``, if targets.toml has one."""
    return _indicator(measure, "reduce_by_share", goals)


def load_goals(path: Path | None = None) -> list[Goal]:
    text = Path(path or targets_path()).read_text(encoding="utf-8")
    goals = []
    for g in tomllib.loads(text).get("goal", []):
        indicators = []
        for raw in g.get("indicator", []):
            indicator = Indicator(**raw)
            if indicator.kind not in KINDS:
                raise TargetConfigError(f"indicator {indicator.id}: unknown kind {indicator.kind!r}")
            needed = {
                "ceiling": ["target"],
                "below_reference": ["reference_year"],
                "reduce_by_share": ["baseline_year", "target_year", "reduction"],
            }.get(indicator.kind, [])
            missing = [name for name in needed if getattr(indicator, name) is None]
            if missing:
                raise TargetConfigError(f"indicator {indicator.id} ({indicator.kind}) needs {', '.join(missing)}")
            indicators.append(indicator)
        goals.append(Goal(g["id"], g["title"], int(g["required_green"]), tuple(indicators)))
    return goals


def period_target(indicator: Indicator, same_period: Mapping[int, float | None], year: int) -> float | None:
    """The value the period must reach, from the same period of earlier years where needed."""
    kind = indicator.kind
    if kind == "ceiling":
        return float(indicator.target)
    if kind == "below_reference":
        return same_period.get(indicator.reference_year)
    if kind in ("decrease", "increase"):
        return same_period.get(year - 1)
    if kind == "reduce_by_share":
        base = same_period.get(indicator.baseline_year)
        if is_missing(base):
            return None
        span = indicator.target_year - indicator.baseline_year
        progress = min(max((year - indicator.baseline_year) / span, 0.0), 1.0)
        return base * (1 - indicator.reduction * progress)
    raise TargetConfigError(f"unknown kind {kind!r}")


def judge(value: float | None, target: float | None, *, lower_is_better: bool, tolerance: float) -> str:
    """Green, yellow or red for ``value`` against ``target`` (not judged if either is missing)."""
    if is_missing(value) or is_missing(target):
        return NOT_JUDGED
    if lower_is_better:
        if value < target:
            return GREEN
        return YELLOW if value <= target * (1 + tolerance) else RED
    if value > target:
        return GREEN
    return YELLOW if value >= target * (1 - tolerance) else RED


def rule_text_sv(indicator: Indicator, unit_decimals: int = 0) -> str:
    """The rule, in Swedish, by which the indicator is judged at T1, T2 and T3."""
    pct = format_decimal_sv(indicator.tolerance * 100, 0)
    if indicator.kind == "ceiling":
        target = format_decimal_sv(indicator.target, unit_decimals)
        upper = format_decimal_sv(indicator.target * (1 + indicator.tolerance), unit_decimals)
        return (
            f"Målvärde: under {target}. Vid T1 och T2 jämförs värdet hittills i år med målvärdet, vid T3 helårets "
            f"värde. Grön: under {target}. Gul: högst {pct} % över ({upper}). Röd: mer än {pct} % över."
        )
    if indicator.kind == "below_reference":
        return (
            f"Målvärde: lägre än {indicator.reference_year}. Vid T1, T2 och T3 jämförs värdet hittills i år med samma "
            f"period {indicator.reference_year}. Grön: lägre. Gul: högst {pct} % högre. Röd: mer än {pct} % högre."
        )
    if indicator.kind == "reduce_by_share":
        share = format_decimal_sv(indicator.reduction * 100, 0)
        return (
            f"Målvärde: {share} % lägre {indicator.target_year} än {indicator.baseline_year}, i jämn takt år för år. "
            f"Vid T1, T2 och T3 jämförs värdet hittills i år med samma period {indicator.baseline_year} minskad "
            f"enligt planen för året. Grön: i fas eller bättre. Gul: högst {pct} % över planen. "
            f"Röd: mer än {pct} % över."
        )
    if indicator.kind == "decrease":
        return (
            f"Målvärde: lägre än föregående år. Vid T1, T2 och T3 jämförs värdet hittills i år med samma period i fjol. "
            f"Grön: lägre. Gul: högst {pct} % högre. Röd: mer än {pct} % högre."
        )
    return (
        f"Målvärde: högre än föregående år. Vid T1, T2 och T3 jämförs värdet hittills i år med samma period i fjol. "
        f"Grön: högre. Gul: högst {pct} % lägre. Röd: mer än {pct} % lägre."
    )


@dataclass(frozen=True)
class IndicatorResult:
    goal: Goal
    indicator: Indicator
    value: float | None
    target: float | None
    status: str


def evaluate(
    goals: list[Goal], same_period_values: Mapping[str, Mapping[int, float | None]], year: int
) -> list[IndicatorResult]:
    """Judge every indicator; ``same_period_values[measure][year]`` holds the same period of each year."""
    results = []
    for goal in goals:
        for indicator in goal.indicators:
            values = same_period_values.get(indicator.measure, {})
            value = values.get(year)
            target = period_target(indicator, values, year)
            status = judge(value, target, lower_is_better=indicator.lower_is_better, tolerance=indicator.tolerance)
            results.append(IndicatorResult(goal, indicator, value, target, status))
    return results


def green_count(goal: Goal, results: list[IndicatorResult]) -> int:
    """How many of the goal's indicators are green."""
    return sum(1 for r in results if r.goal.id == goal.id and r.status == GREEN)


def goal_met(goal: Goal, results: list[IndicatorResult]) -> bool:
    return green_count(goal, results) >= goal.required_green
