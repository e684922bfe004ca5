"""Chart helpers on plain numbers: round axis ticks, and label lanes that never overlap."""

import math
from dataclasses import dataclass


def text_width(text: str, size: float = 11) -> float:
    """Return a generous estimate of the drawn width of text (CJK characters are 1 em wide)."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.62 for c in text)


def range_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Return round values (steps of 1, 2 or 5 × 10^k) inside [low, high], about `count`."""
    if not high > low:
        return [low]
    span = high - low
    exponent = math.floor(math.log10(span / count))
    # The finest round step that gives at most count + 2 intervals.
    step = next(
        m * 10.0**e
        for e in (exponent - 1, exponent, exponent + 1)
        for m in (1, 2, 5)
        if span / (m * 10.0**e) <= count + 2
    )
    first = math.ceil(low / step - 1e-9) * step
    ticks, n = [], 0
    while first + n * step <= high + 1e-9 * step:
        # Rounding to the step's own precision keeps 0.30000000000000004 out of the labels.
        ticks.append(round(first + n * step, max(0, -math.floor(math.log10(step))) + 1))
        n += 1
    return ticks


@dataclass(frozen=True)
class Placed:
    """A label's left edge and the lane (0 = nearest the plot) it is drawn in."""

    left: float
    lane: int


def place_labels(
    labels: list[tuple[float, float]], *, left: float, right: float, gap: float = 6.0
) -> list[Placed]:
    """Place labels centred on their x, inside [left, right], in lanes where none overlap.

    `labels` are (x, width) pairs; the answer keeps their order. Each label goes into the
    first lane whose labels all end at least `gap` before it starts: two labels never overlap,
    however close their lines are (a reference factor on the 80th percentile, say).
    """
    placed: list[Placed | None] = [None] * len(labels)
    lanes: list[float] = []  # the right edge of the last label in each lane
    for index in sorted(range(len(labels)), key=lambda i: labels[i][0]):
        x, width = labels[index]
        start = min(max(x - width / 2, left), max(right - width, left))
        lane = next((n for n, end in enumerate(lanes) if end + gap <= start), len(lanes))
        if lane == len(lanes):
            lanes.append(start + width)
        else:
            lanes[lane] = start + width
        placed[index] = Placed(start, lane)
    return placed
