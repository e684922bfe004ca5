"""Pure arithmetic behind the dashboard figures: weighted means, shares, months, capacity."""

import math
from collections.abc import Sequence
from datetime import date

from catalog.units import conversion_factor
from greenbm.numbers import format_fixed

DAILY_UNIT = "t/d"
ANNUAL_UNIT = "t/a"


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Return Σ weight × value / Σ weight over (weight, value) pairs, or None without weight."""
    if any(weight < 0 for weight, _value in pairs):
        raise ValueError("a weight must not be negative")
    total_weight = math.fsum(weight for weight, _value in pairs)
    if total_weight == 0:
        return None
    mean = math.fsum(weight * value for weight, value in pairs) / total_weight
    # Clamped: floating-point rounding may otherwise put the mean a hair outside the values.
    values = [value for weight, value in pairs if weight > 0]
    return min(max(mean, min(values)), max(values))


def share(part: float, whole: float) -> float | None:
    """Return part / whole, or None when the whole is zero (a share of nothing is unknown)."""
    if whole == 0:
        return None
    if part < 0 or part > whole:
        raise ValueError(f"a part of {part} does not fit in a whole of {whole}")
    return part / whole


def annual_tonnes(capacity: float | None, unit: str | None, operating_days: int) -> float | None:
    """Return a capacity in t/a, or None when it is missing or not a mass per time.

    A daily design capacity counts `operating_days` days, not pint's 365.25-day year: a kiln
    stops for maintenance every year, and a t/d figure is the line's rating while it runs.
    """
    if capacity is None or not unit:
        return None
    if unit == DAILY_UNIT:
        return capacity * operating_days
    try:
        return capacity * conversion_factor(unit, ANNUAL_UNIT)
    except ValueError:
        return None


def month_start(day: date) -> date:
    """Return the first day of the day's month."""
    return day.replace(day=1)


def months_back(today: date, count: int) -> list[date]:
    """Return the first days of the `count` months ending with today's month, oldest first."""
    if count < 1:
        raise ValueError("at least one month")
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_key(day: date) -> str:
    """Return the month of a day as "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def percent(value: float | None, digits: int = 1) -> str:
    """Return a share (0–1) as a percentage with `digits` decimals, or "–" when unknown."""
    return "–" if value is None else f"{value * 100:.{digits}f}"


class Figure(str):
    """A table cell's number: plain digits as downloaded, and `shown` as the page writes it."""

    shown: str


def number(value: float | None, digits: int = 1) -> str:
    """Return a number with `digits` decimals and no thousands separator, or "–" when unknown.

    The text is what a CSV download carries; its `shown` form (thousands grouped, in the
    reader's locale) is what the page's tables show.
    """
    if value is None:
        return "–"
    figure = Figure(f"{value:.{digits}f}")
    figure.shown = format_fixed(value, digits)
    return figure


def shown_number(value: float | None, digits: int = 1) -> str:
    """Return a number as the page writes it (thousands grouped, `digits` decimals), or "–"."""
    return "–" if value is None else format_fixed(value, digits)
