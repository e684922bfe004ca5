"""Pure assessment rules: the star grade, the ranking score and the advice for the next star."""

# Stars: the highest level that every applicable indicator reaches, provided every prerequisite
# holds; 0 otherwise. It is never a points total.
#
# Score (0-100, for ranking only, never overrides the stars): the weight-averaged share of every
# applicable indicator, as `certification.criteria.scoring` computes it.

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from certification.criteria.model import Criteria, IndicatorCriterion
from certification.criteria.scoring import indicator_level, indicator_score

NOT_JUDGED = "not judged"
# Why an evidence prerequisite fails as a matter of fact, whatever a reviewer says.
EVIDENCE_MISSING = "document missing"
EVIDENCE_TOO_OLD = "document too old"


class AssessmentError(ValueError):
    """Input that cannot be assessed against the criteria; the message names the field."""


@dataclass(frozen=True)
class PrerequisiteResult:
    """Whether one prerequisite holds, and why."""

    code: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's value, the thresholds that applied and the level reached."""

    code: str
    group: str
    unit: str
    direction: str
    value: float | None
    thresholds: tuple[float, float, float]
    applicable: bool
    level: int | None
    reason: str


@dataclass(frozen=True)
class Shortfall:
    """How far one indicator is from the threshold of the target star, in its own unit."""

    code: str
    value: float | None
    needed: float
    gap: float | None
    unit: str


@dataclass(frozen=True)
class NextStar:
    """What it takes to reach the next star."""

    target: int
    indicators: tuple[Shortfall, ...]
    prerequisites: tuple[PrerequisiteResult, ...]


@dataclass(frozen=True)
class Assessment:
    """The outcome of assessing one product's values against one criteria version."""

    category: str
    version: str
    variant: str | None
    stars: int
    score: float
    prerequisites: tuple[PrerequisiteResult, ...]
    indicators: tuple[IndicatorResult, ...]
    next_star: NextStar | None


def _check_input(
    criteria: Criteria,
    variant: str | None,
    values: Mapping[str, float],
    prerequisites: Mapping[str, bool],
) -> str | None:
    if criteria.variants:
        if variant not in criteria.variants:
            raise AssessmentError(
                f"variant: {criteria.variant_attribute} must be one of "
                f"{', '.join(criteria.variants)}, got {variant!r}"
            )
    elif variant not in (None, "default"):
        raise AssessmentError(f"variant: the {criteria.category} criteria have no variants")
    else:
        variant = None
    codes = {ind.code for ind in criteria.indicators}
    for code, value in values.items():
        if code not in codes:
            raise AssessmentError(
                f"values.{code}: not an indicator of the {criteria.category} criteria"
            )
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise AssessmentError(f"values.{code}: expected a finite number, got {value!r}")
    known = {p.code for p in criteria.prerequisites}
    for code, judgement in prerequisites.items():
        if code not in known:
            raise AssessmentError(
                f"prerequisites.{code}: not a prerequisite of the {criteria.category} criteria"
            )
        if judgement is not None and not isinstance(judgement, bool):
            raise AssessmentError(
                f"prerequisites.{code}: expected true or false, got {judgement!r}"
            )
    return variant


def _fmt(number: float) -> str:
    return f"{number:g}"


def _assess_indicator(
    ind: IndicatorCriterion, value: float | None, variant: str | None, declared_unit: str | None
) -> IndicatorResult:
    thresholds = ind.thresholds_for(variant)
    applicable = ind.applies_to(declared_unit)
    if not applicable:
        level, reason = None, f"not applicable to products declared per {declared_unit}"
    elif value is None:
        level, reason = 0, "no value"
    else:
        level = indicator_level(ind, float(value), variant)
        reason = "below one star" if level == 0 else f"level {level}"
    return IndicatorResult(
        code=ind.code,
        group=ind.group,
        unit=ind.unit,
        direction=ind.direction,
        value=None if value is None else float(value),
        thresholds=thresholds,
        applicable=applicable,
        level=level,
        reason=reason,
    )


def _judge(
    code: str, limits: tuple[str, ...], judgement: bool | None, results: dict[str, IndicatorResult]
) -> PrerequisiteResult:
    """Judge a prerequisite: from the limit indicators' data if it has any, else as given."""
    if judgement is False:
        return PrerequisiteResult(code, False, "judged not met")
    if not limits:
        if judgement is None:
            return PrerequisiteResult(code, False, NOT_JUDGED)
        return PrerequisiteResult(code, True, "judged met")
    problems = []
    for ind_code in limits:
        result = results[ind_code]
        if not result.applicable:
            continue
        limit = f"{_fmt(result.thresholds[0])} {result.unit}"
        if result.value is None:
            problems.append(f"{ind_code}: no value to compare with the limit {limit}")
        elif result.level == 0:
            problems.append(
                f"{ind_code}: {_fmt(result.value)} {result.unit} misses the limit {limit}"
            )
    if problems:
        return PrerequisiteResult(code, False, "; ".join(problems))
    return PrerequisiteResult(code, True, "within the limit: " + ", ".join(limits))


def _gap(ind: IndicatorResult, needed: float) -> float | None:
    if ind.value is None:
        return None
    gap = needed - ind.value if ind.direction == "at_least" else ind.value - needed
    # Round away binary noise (107.1 - 107 = 0.0999...) without hiding a real gap.
    return float(f"{gap:.10g}")


def assess(
    criteria: Criteria,
    *,
    variant: str | None,
    values: Mapping[str, float | None],
    prerequisites: Mapping[str, bool | None],
    declared_unit: str | None = None,
    facts: Mapping[str, str] | None = None,
) -> Assessment:
    """Assess a product's indicator values and prerequisite judgements against the criteria."""
    # A prerequisite with `limit_indicators` is decided from the values (a given false still
    # fails it); any other prerequisite without a judgement fails as "not judged". An indicator
    # limited to some `declared_units` is skipped for a product declared in another unit;
    # declared_unit=None means the category's own unit, so every indicator applies. `facts`
    # maps a prerequisite to why it fails as a fact (EVIDENCE_TOO_OLD): no judgement overrides.
    variant = _check_input(criteria, variant, values, prerequisites)
    results = {
        ind.code: _assess_indicator(ind, values.get(ind.code), variant, declared_unit)
        for ind in criteria.indicators
    }
    facts = facts or {}
    judged = tuple(
        PrerequisiteResult(p.code, False, facts[p.code])
        if p.code in facts
        else _judge(p.code, p.limit_indicators, prerequisites.get(p.code), results)
        for p in criteria.prerequisites
    )
    applicable = [r for r in results.values() if r.applicable]
    levels = [r.level or 0 for r in applicable]
    stars = min(levels) if levels else 0
    failed = tuple(p for p in judged if not p.passed)
    if failed:
        stars = 0
    weights = [ind.weight for ind in criteria.indicators if results[ind.code].applicable]
    scores = [
        indicator_score(ind, results[ind.code].value, variant)
        for ind in criteria.indicators
        if results[ind.code].applicable
    ]
    total = sum(w * s for w, s in zip(weights, scores, strict=True))
    score = round(100 * total / sum(weights), 1) if weights else 0.0
    next_star = None
    if stars < 3:
        target = stars + 1
        shortfalls = tuple(
            Shortfall(
                r.code, r.value, r.thresholds[target - 1], _gap(r, r.thresholds[target - 1]), r.unit
            )
            for r in applicable
            if (r.level or 0) < target
        )
        next_star = NextStar(target, shortfalls, failed)
    return Assessment(
        category=criteria.category,
        version=criteria.version,
        variant=variant,
        stars=stars,
        score=score,
        prerequisites=judged,
        indicators=tuple(results.values()),
        next_star=next_star,
    )


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """Return the JSON-safe dict form of an assessment."""
    next_star = assessment.next_star
    return {
        "category": assessment.category,
        "version": assessment.version,
        "variant": assessment.variant,
        "stars": assessment.stars,
        "score": assessment.score,
        "prerequisites": [
            {"code": p.code, "passed": p.passed, "reason": p.reason}
            for p in assessment.prerequisites
        ],
        "indicators": [
            {
                "code": r.code,
                "group": r.group,
                "value": r.value,
                "unit": r.unit,
                "direction": r.direction,
                "level": r.level,
                "applicable": r.applicable,
                "reason": r.reason,
                "thresholds": list(r.thresholds),
            }
            for r in assessment.indicators
        ],
        "next_star": None
        if next_star is None
        else {
            "target": next_star.target,
            "indicators": [
                {"code": s.code, "value": s.value, "needed": s.needed, "gap": s.gap, "unit": s.unit}
                for s in next_star.indicators
            ],
            "prerequisites": [
                {"code": p.code, "reason": p.reason} for p in next_star.prerequisites
            ],
        },
    }
