"""Pure statistics of GWP values within a category: percentiles, percentile rank, histogram."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

# EC3 shows these two percentiles of a category: the 20th as an "achievable target", the
# 80th as a "conservative estimate".
TARGET_PERCENTILE = 20.0
CONSERVATIVE_PERCENTILE = 80.0


def percentile(values: Sequence[float], p: float) -> float:
    """Return the p-th percentile (0–100) by linear interpolation between closest ranks.

    The same definition as numpy's default and Excel's PERCENTILE.INC (Hyndman–Fan type 7).
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= p <= 100.0:
        raise ValueError(f"percentile {p} is outside 0–100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100.0
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    low, high = ordered[below], ordered[above]
    # Clamped: rounding may otherwise put the result a hair outside its two neighbours.
    return min(max(low + fraction * (high - low), low), high)


def percentile_rank(values: Sequence[float], value: float) -> float:
    """Return the share (0–100) of values below the value, counting equal values half."""
    if not values:
        raise ValueError("percentile rank among no values")
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return 100.0 * (below + 0.5 * equal) / len(values)


@dataclass(frozen=True)
class Bin:
    """One histogram bin: values in [low, high), the last bin also holding its high edge."""

    low: float
    high: float
    count: int


def histogram(
    values: Sequence[float], bins: int, *, low: float | None = None, high: float | None = None
) -> list[Bin]:
    """Return `bins` equal-width bins over [low, high] (default: the values' range)."""
    if bins < 1:
        raise ValueError("at least one bin")
    low = min(values) if low is None else low
    high = max(values) if high is None else high
    if high < low:
        raise ValueError("high is below low")
    if high == low:
        # One value (or one repeated value): a single bin of width 1 centred on it.
        low, high = low - 0.5, high + 0.5
    width = (high - low) / bins
    counts = [0] * bins
    for v in values:
        if low <= v <= high:
            counts[min(int((v - low) / width), bins - 1)] += 1
    return [Bin(low + i * width, low + (i + 1) * width, n) for i, n in enumerate(counts)]


@dataclass(frozen=True)
class Standing:
    """Where one GWP value stands among its category's values."""

    value: float
    count: int
    rank: float
    target: float
    conservative: float
    minimum: float
    maximum: float
    reference: float | None


def standing(values: Sequence[float], value: float, reference: float | None = None) -> Standing:
    """Return the value's percentile rank and the category's 20th and 80th percentiles."""
    return Standing(
        value=value,
        count=len(values),
        rank=percentile_rank(values, value),
        target=percentile(values, TARGET_PERCENTILE),
        conservative=percentile(values, CONSERVATIVE_PERCENTILE),
        minimum=min(values),
        maximum=max(values),
        reference=reference,
    )
