"""Pure scoring of one indicator: the level its value reaches and its share of the score."""

# Score (0-100, for ranking only, never overrides the stars): each applicable indicator scores
# (level + progress) / 3, where progress in [0, 1) is the linear position of the value between
# the threshold it meets and the next one (level 3 scores 1). Below one star, progress runs from
# an anchor one threshold span (|three - one|, or |one| or 1 when that span is 0) beyond the
# one-star threshold. A missing value scores 0. The score is the weight-averaged indicator score
# x 100, rounded to one decimal. Each piece is non-decreasing as a value improves, so improving
# any value never lowers the score. Prerequisites do not enter the score.

from certification.criteria.model import IndicatorCriterion


def _meets(criterion: IndicatorCriterion, value: float, threshold: float) -> bool:
    if criterion.direction == "at_most":
        return value <= threshold
    return value >= threshold


def indicator_level(criterion: IndicatorCriterion, value: float, variant: str | None) -> int:
    """Return the level 0–3 the value reaches; a value exactly at a threshold meets it."""
    level = 0
    for threshold in criterion.thresholds_for(variant):
        if not _meets(criterion, value, threshold):
            break
        level += 1
    return level


def _better_by(criterion: IndicatorCriterion, value: float, reference: float) -> float:
    """Return how much better the value is than the reference (negative when worse)."""
    return reference - value if criterion.direction == "at_most" else value - reference


def indicator_score(
    criterion: IndicatorCriterion, value: float | None, variant: str | None
) -> float:
    """Return the indicator's share of the ranking score, from 0 to 1."""
    if value is None:
        return 0.0
    thresholds = criterion.thresholds_for(variant)
    level = indicator_level(criterion, value, variant)
    if level == 3:
        return 1.0
    upper = thresholds[level]
    if level == 0:
        one, three = thresholds[0], thresholds[2]
        span = abs(three - one) or abs(one) or 1.0
        start = one + span if criterion.direction == "at_most" else one - span
    else:
        start = thresholds[level - 1]
    # The value meets `start` and not `upper`, so the span is positive when level > 0.
    progress = _better_by(criterion, value, start) / _better_by(criterion, upper, start)
    return (level + min(max(progress, 0.0), 1.0)) / 3
