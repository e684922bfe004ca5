"""Embodied carbon of a list: Σ quantity × GWP A1–A3 per line, per category and in total.

Reported against the same quantities at the reference factors, without deciding the verdict.
A line without a declared GWP (a material not in the catalogue) is estimated at its category's
reference factor, the default GB/T 51366 §6.2.4 allows when no verified data exists; a line
without a reference factor is left out of the comparison.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from procurement.line_facts import Line, distinct

KG_PER_TONNE = Decimal(1000)


class CarbonSource(StrEnum):
    """Where a line's embodied carbon comes from."""

    DECLARED = "declared"  # the product's declared GWP A1–A3
    REFERENCE = "reference"  # no declared GWP: estimated at the reference factor
    UNKNOWN = "unknown"  # neither: left out of the totals


@dataclass(frozen=True)
class LineCarbon:
    """A line's embodied carbon and, when it has a reference factor, its carbon at that factor."""

    line_id: int
    category: str
    source: CarbonSource
    carbon_kg: Decimal | None
    reference_kg: Decimal | None

    @property
    def compared(self) -> bool:
        """Return whether the line takes part in the comparison with the reference."""
        return self.carbon_kg is not None and self.reference_kg is not None


@dataclass(frozen=True)
class CarbonTotals:
    """Embodied carbon of a set of lines, and of the compared lines against the reference."""

    carbon_kg: Decimal
    compared_kg: Decimal
    reference_kg: Decimal

    @property
    def saved_t(self) -> Decimal:
        """Return the tonnes CO2e saved against the reference (negative: more than it)."""
        return (self.reference_kg - self.compared_kg) / KG_PER_TONNE

    @property
    def saved_share(self) -> Fraction | None:
        """Return the saving as a share of the reference carbon, or None without a reference."""
        if not self.reference_kg:
            return None
        return Fraction(self.reference_kg - self.compared_kg) / Fraction(self.reference_kg)


@dataclass(frozen=True)
class CarbonResult:
    """Embodied carbon per line, per category and in total."""

    lines: tuple[LineCarbon, ...]
    categories: tuple[tuple[str, CarbonTotals], ...]
    total: CarbonTotals

    @property
    def not_compared(self) -> tuple[int, ...]:
        """Return the ids of lines left out of the comparison (no reference factor)."""
        return tuple(c.line_id for c in self.lines if c.reference_kg is None)

    @property
    def unknown(self) -> tuple[int, ...]:
        """Return the ids of lines whose carbon is unknown (left out of every total)."""
        return tuple(c.line_id for c in self.lines if c.carbon_kg is None)

    @property
    def estimated(self) -> tuple[int, ...]:
        """Return the ids of lines estimated at the reference factor."""
        return tuple(c.line_id for c in self.lines if c.source == CarbonSource.REFERENCE)


def line_carbon(line: Line) -> LineCarbon:
    """Return quantity × GWP of the line, and quantity × reference factor when there is one."""
    reference = line.quantity * line.reference if line.reference is not None else None
    if line.gwp is not None:
        source, carbon = CarbonSource.DECLARED, line.quantity * line.gwp
    elif reference is not None:
        source, carbon = CarbonSource.REFERENCE, reference
    else:
        source, carbon = CarbonSource.UNKNOWN, None
    return LineCarbon(line.id, line.category, source, carbon, reference)


def _totals(items: Iterable[LineCarbon]) -> CarbonTotals:
    items = list(items)
    zero = Decimal(0)
    return CarbonTotals(
        carbon_kg=sum((c.carbon_kg for c in items if c.carbon_kg is not None), zero),
        compared_kg=sum((c.carbon_kg for c in items if c.compared), zero),
        reference_kg=sum((c.reference_kg for c in items if c.compared), zero),
    )


def embodied_carbon(lines: Sequence[Line]) -> CarbonResult:
    """Return the embodied carbon of every line, of each category and of the whole list."""
    per_line = tuple(line_carbon(line) for line in lines)
    categories = tuple(
        (code, _totals(c for c in per_line if c.category == code))
        for code in distinct(c.category for c in per_line)
    )
    return CarbonResult(per_line, categories, _totals(per_line))
