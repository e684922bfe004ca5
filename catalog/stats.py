"""Pure statistics of GWP values within a category: percentiles, percentile rank, histogram."""

import math
from bisect import bisect_left, bisect_right
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
    return _percentile_of_sorted(sorted(values), p)


def _percentile_of_sorted(ordered: Sequence[float], p: float) -> float:
    if not 0.0 <= p <= 100.0:
        raise ValueError(f"percentile {p} is outside 0–100")
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
    return _rank_in_sorted(sorted(values), value)


def _rank_in_sorted(ordered: Sequence[float], value: float) -> float:
    # Sorted, the values below and equal are found by bisection: a page ranks a product among
    # ten thousand peers without a loop over them.
    below = bisect_left(ordered, value)
    equal = bisect_right(ordered, value) - below
    return 100.0 * (below + 0.5 * equal) / len(ordered)


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
    ordered = sorted(values)
    if not ordered and (low is None or high is None):
        raise ValueError("histogram of no values without a range")
    low = ordered[0] if low is None else low
    high = ordered[-1] if high is None else high
    if high < low:
        raise ValueError("high is below low")
    if high == low:
        # One value (or one repeated value): a single bin of width 1 centred on it.
        low, high = low - 0.5, high + 0.5
    width = (high - low) / bins

    def bin_of(v: float) -> int:
        return min(int((v - low) / width), bins - 1)

    # Over sorted values the bin number never decreases (each step rounds monotonically), so
    # each bin's first value is found by bisection instead of a loop over every value.
    inside = ordered[bisect_left(ordered, low) : bisect_right(ordered, high)]
    starts = [bisect_left(inside, i, key=bin_of) for i in range(bins)] + [len(inside)]
    return [
        Bin(low + i * width, low + (i + 1) * width, starts[i + 1] - starts[i]) for i in range(bins)
    ]


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
    if not values:
        raise ValueError("standing among no values")
    ordered = sorted(values)  # one sort (almost free for the kept, already sorted arrays)
    return Standing(
        value=value,
        count=len(ordered),
        rank=_rank_in_sorted(ordered, value),
        target=_percentile_of_sorted(ordered, TARGET_PERCENTILE),
        conservative=_percentile_of_sorted(ordered, CONSERVATIVE_PERCENTILE),
        minimum=ordered[0],
        maximum=ordered[-1],
        reference=reference,
    )
