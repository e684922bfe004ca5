"""The green government-procurement rule on a project's material list, over plain values.

The rule [official, 《绿色建筑和绿色建材政府采购需求标准》]:

- mandatory-class categories (必选类): every line must be green;
- optional-class categories (可选类): green products must cover at least 40 % of the
  optional material types the list uses.

Whether a line is green: `line_facts`. Covered type: an optional material type (category)
counts as covered only when *every* line of that type is green. The standard asks that the
project's purchase of the type be green; a type bought partly from uncertified suppliers is
not. Counting a type as covered by one green line would let a token green line cover an
otherwise non-green purchase, and would make the share go down when a non-green line is
removed, which the officer could not make sense of.

Also reported, without deciding the verdict: the green share by value, and embodied carbon
(`carbon`). The names of `line_facts` and `carbon` are importable from here too.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from catalog.models import ProcurementClass
from procurement.carbon import (
    KG_PER_TONNE,
    CarbonResult,
    CarbonSource,
    CarbonTotals,
    LineCarbon,
    embodied_carbon,
    line_carbon,
)
from procurement.line_facts import Line, LineStatus, distinct, is_green, line_status

__all__ = [
    "KG_PER_TONNE",
    "OPTIONAL_MIN_SHARE",
    "CarbonResult",
    "CarbonSource",
    "CarbonTotals",
    "Compliance",
    "Line",
    "LineCarbon",
    "LineStatus",
    "MandatoryResult",
    "Offence",
    "OptionalResult",
    "Reason",
    "ReasonCode",
    "TypeCoverage",
    "ValueShare",
    "check_list",
    "check_mandatory",
    "check_optional",
    "embodied_carbon",
    "is_green",
    "line_carbon",
    "line_status",
    "value_share",
]

OPTIONAL_MIN_SHARE = Fraction(2, 5)  # [official] green products cover ≥ 40 % of optional types


# --- mandatory class --------------------------------------------------------------------------


@dataclass(frozen=True)
class Offence:
    """A line of a mandatory category that is not green."""

    line_id: int
    label: str
    category: str
    status: LineStatus


@dataclass(frozen=True)
class MandatoryResult:
    """The mandatory-class categories the list uses, and every line that breaks the rule."""

    categories: tuple[str, ...]
    offences: tuple[Offence, ...]

    @property
    def compliant(self) -> bool:
        """Return whether every line of every mandatory category is green."""
        return not self.offences


def check_mandatory(lines: Sequence[Line], today: date) -> MandatoryResult:
    """Name each line of a mandatory-class category that is not green."""
    mandatory = [line for line in lines if line.procurement_class == ProcurementClass.MANDATORY]
    offences = []
    for line in mandatory:
        status = line_status(line, today)
        if status != LineStatus.GREEN:
            offences.append(Offence(line.id, line.label, line.category, status))
    return MandatoryResult(distinct(line.category for line in mandatory), tuple(offences))


# --- optional class ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeCoverage:
    """One optional material type: how many of its lines are green; covered when all are."""

    category: str
    lines: int
    green_lines: int

    @property
    def covered(self) -> bool:
        """Return whether every line of the type is green."""
        return self.green_lines == self.lines


@dataclass(frozen=True)
class OptionalResult:
    """The optional material types used, how many green products cover, and what is missing."""

    types: tuple[TypeCoverage, ...]

    @property
    def used(self) -> int:
        """Return the number of optional material types the list uses."""
        return len(self.types)

    @property
    def covered(self) -> int:
        """Return the number of optional types whose every line is green."""
        return sum(1 for t in self.types if t.covered)

    @property
    def share(self) -> Fraction | None:
        """Return covered / used, or None when the list uses no optional type."""
        return Fraction(self.covered, self.used) if self.used else None

    @property
    def required(self) -> int:
        """Return the fewest covered types that reach 40 % of the types used."""
        return _ceil(OPTIONAL_MIN_SHARE * self.used)

    @property
    def needed(self) -> int:
        """Return how many more types must be covered to reach 40 % (0 when reached)."""
        return max(0, self.required - self.covered)

    @property
    def compliant(self) -> bool:
        """Return whether green products cover at least 40 % of the optional types used."""
        return self.needed == 0


def check_optional(lines: Sequence[Line], today: date) -> OptionalResult:
    """Count the optional material types whose purchase is entirely green."""
    counts: dict[str, list[int]] = {}
    for line in lines:
        if line.procurement_class != ProcurementClass.OPTIONAL:
            continue
        tally = counts.setdefault(line.category, [0, 0])
        tally[0] += 1
        tally[1] += is_green(line, today)
    return OptionalResult(tuple(TypeCoverage(c, n, g) for c, (n, g) in counts.items()))


# --- value -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueShare:
    """The list's value in CNY and the part of it spent on green products."""

    total: Decimal
    green: Decimal

    @property
    def share(self) -> Fraction | None:
        """Return green / total, or None when the list has no value."""
        return Fraction(self.green) / Fraction(self.total) if self.total else None


def value_share(lines: Sequence[Line], today: date) -> ValueShare:
    """Return the list's total value and its green part."""
    total = sum((line.value for line in lines), Decimal(0))
    green = sum((line.value for line in lines if is_green(line, today)), Decimal(0))
    return ValueShare(total, green)


# --- the verdict ------------------------------------------------------------------------------


class ReasonCode(StrEnum):
    """What a reason of the verdict says; the page and the exports word it."""

    EMPTY = "empty"
    MANDATORY_LINE = "mandatory_line"  # a named mandatory line is not green
    MANDATORY_MET = "mandatory_met"
    NO_MANDATORY = "no_mandatory"
    OPTIONAL_SHORT = "optional_short"  # share below 40 %, with how many more types are needed
    OPTIONAL_MET = "optional_met"
    NO_OPTIONAL = "no_optional"


@dataclass(frozen=True)
class Reason:
    """One reason of the verdict: a code and the values its wording needs."""

    code: ReasonCode
    params: dict = field(default_factory=dict, compare=True, hash=False)
    failing: bool = False


@dataclass(frozen=True)
class Compliance:
    """Everything the compliance panel of a list shows."""

    today: date
    statuses: dict[int, LineStatus]
    mandatory: MandatoryResult
    optional: OptionalResult
    value: ValueShare
    carbon: CarbonResult
    reasons: tuple[Reason, ...]

    @property
    def compliant(self) -> bool:
        """Return whether the list meets the rule: no failing reason."""
        return not any(reason.failing for reason in self.reasons)


def _reasons(lines, mandatory: MandatoryResult, optional: OptionalResult) -> list[Reason]:
    if not lines:
        return [Reason(ReasonCode.EMPTY, failing=True)]
    reasons = [
        Reason(
            ReasonCode.MANDATORY_LINE,
            {"line_id": o.line_id, "label": o.label, "category": o.category, "status": o.status},
            failing=True,
        )
        for o in mandatory.offences
    ]
    if not mandatory.categories:
        reasons.append(Reason(ReasonCode.NO_MANDATORY))
    elif mandatory.compliant:
        reasons.append(Reason(ReasonCode.MANDATORY_MET, {"categories": len(mandatory.categories)}))
    counts = {
        "covered": optional.covered,
        "used": optional.used,
        "share": optional.share,
        "needed": optional.needed,
        "required": optional.required,
    }
    if not optional.used:
        reasons.append(Reason(ReasonCode.NO_OPTIONAL))
    elif optional.compliant:
        reasons.append(Reason(ReasonCode.OPTIONAL_MET, counts))
    else:
        reasons.append(Reason(ReasonCode.OPTIONAL_SHORT, counts, failing=True))
    return reasons


def check_list(lines: Sequence[Line], today: date) -> Compliance:
    """Check a list against the green-procurement rule and report value share and carbon."""
    mandatory = check_mandatory(lines, today)
    optional = check_optional(lines, today)
    return Compliance(
        today=today,
        statuses={line.id: line_status(line, today) for line in lines},
        mandatory=mandatory,
        optional=optional,
        value=value_share(lines, today),
        carbon=embodied_carbon(lines),
        reasons=tuple(_reasons(lines, mandatory, optional)),
    )


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)
