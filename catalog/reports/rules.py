"""What an annual plant report must hold: plain checks over plain values, no session."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from catalog.reports.data import ReportData

FIRST_YEAR = 2000
MAX_EVIDENCE = 500


@dataclass(frozen=True)
class ProductLine:
    """A product line as entered: industry code, capacity and production a year, energy."""

    industry: str
    capacity: float
    production: float
    energy: float | None = None


@dataclass(frozen=True)
class WasteLine:
    """Tonnes of a waste kind consumed; in_raw_meal: it replaced limestone in raw meal."""

    kind: str
    tonnes: float
    in_raw_meal: bool = False


@dataclass
class ReportInput:
    """A plant's report for one year, as entered on the form or read from the XLSX template."""

    year: int
    fuel_tce: float
    substitute_fuel_tce: float
    evidence: str
    raw_meal_limestone_t: float | None = None
    products: list[ProductLine] = field(default_factory=list)
    wastes: list[WasteLine] = field(default_factory=list)


def _line_errors(data: ReportInput, spec: ReportData) -> list[str]:
    problems = []
    seen = set()
    for line in data.products:
        industry = spec.industries.get(line.industry)
        if industry is None:
            problems.append(_("Choose the industry of each product line."))
            continue
        if line.industry in seen:
            problems.append(_("Give each industry once; add its lines together."))
        seen.add(line.industry)
        if line.capacity <= 0 or line.production < 0:
            problems.append(_("Capacity must be greater than 0 and production not negative."))
        elif line.production > line.capacity * 1.2:
            # A line may run above its rating, but not far: a slip of the decimal point.
            problems.append(_("Production exceeds 1.2 times the capacity: check the units."))
        if industry.energy_unit and line.energy is None and line.production > 0:
            problems.append(_("Give the energy per unit of each line that produced."))
        if line.energy is not None and line.energy <= 0:
            problems.append(_("Energy per unit must be greater than 0."))
    return problems


def _waste_errors(data: ReportInput, spec: ReportData) -> list[str]:
    problems = []
    for line in data.wastes:
        kind = spec.wastes.get(line.kind)
        if kind is None:
            problems.append(_("Choose the kind of each solid waste."))
        elif line.tonnes <= 0:
            problems.append(_("Tonnes of solid waste must be greater than 0."))
        elif line.in_raw_meal and not kind.carbonate:
            problems.append(_("Only a carbonate substitute can replace limestone in raw meal."))
    if any(w.in_raw_meal for w in data.wastes) and data.raw_meal_limestone_t is None:
        problems.append(_("Give the limestone used in raw meal beside its substitutes."))
    return problems


def check_report(data: ReportInput, spec: ReportData, today: date) -> dict[str, list[str]]:
    """Return the problems of a report by field (empty: it may be filed)."""
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= data.year <= today.year:
        errors["year"] = [_("Enter a year between 2000 and this year.")]
    if data.fuel_tce < 0 or not 0 <= data.substitute_fuel_tce <= data.fuel_tce:
        errors["substitute_fuel_tce"] = [
            _("Substitute fuels must lie between 0 and all fuels used.")
        ]
    if data.raw_meal_limestone_t is not None and data.raw_meal_limestone_t < 0:
        errors["raw_meal_limestone_t"] = [_("Limestone must not be negative.")]
    if not data.evidence.strip() or len(data.evidence) > MAX_EVIDENCE:
        errors["evidence"] = [
            _("Name the evidence (an energy audit, a statistics form), at most 500 characters.")
        ]
    if not data.products:
        errors["products"] = [_("Add at least one product line.")]
    if problems := _line_errors(data, spec):
        errors.setdefault("products", []).extend(dict.fromkeys(problems))
    if problems := _waste_errors(data, spec):
        errors["wastes"] = list(dict.fromkeys(problems))
    return errors
