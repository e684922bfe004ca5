"""Green share of government-investment procurement lists by value and material type, by division.

Each list is checked with the procurement rules themselves (`value_share`, `check_optional`);
a division adds up its lists: value share = Σ green value / Σ value; type share = Σ optional
types covered / Σ optional types used (the measure the ≥ 40 % rule applies to each list).
Lists without lines count for nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from catalog.models import Category, Product
from dashboard.arithmetic import share
from procurement.models import ListLine, ProcurementList, Project
from procurement.report import line_facts
from procurement.rules import OPTIONAL_MIN_SHARE, Line, check_optional, value_share

TYPE_SHARE_TARGET = float(OPTIONAL_MIN_SHARE)


@dataclass(frozen=True)
class DivisionShare:
    """The lists of the projects in one division, and how green they are."""

    division_code: str
    lists: int
    total: Decimal
    green: Decimal
    types_used: int
    types_covered: int
    compliant_types_lists: int  # lists whose own optional-type share reaches 40 %

    @property
    def value_share(self) -> float | None:
        """Return the green part of the lists' value."""
        return share(float(self.green), float(self.total))

    @property
    def type_share(self) -> float | None:
        """Return the optional material types covered by green products over those used."""
        return share(self.types_covered, self.types_used)


def procurement_shares(*, session: Session, today: date) -> list[DivisionShare]:
    """Return each division with lists: their value, green value and optional-type coverage."""
    rows = session.exec(
        select(ListLine, Category, Product, Project.division_code)
        .join(Category, Category.id == ListLine.category_id)
        .outerjoin(Product, Product.id == ListLine.product_id)
        .join(ProcurementList, ProcurementList.id == ListLine.list_id)
        .join(Project, Project.id == ProcurementList.project_id)
        .order_by(ListLine.list_id, ListLine.id)
    ).all()
    lists: dict[int, tuple[str, list[Line]]] = {}
    for line, category, product, division in rows:
        entry = lists.setdefault(line.list_id, (division, []))
        entry[1].append(line_facts(line, category, product))
    tallies: dict[str, list] = {}
    for division, lines in lists.values():
        value = value_share(lines, today)
        optional = check_optional(lines, today)
        tally = tallies.setdefault(division, [0, Decimal(0), Decimal(0), 0, 0, 0])
        tally[0] += 1
        tally[1] += value.total
        tally[2] += value.green
        tally[3] += optional.used
        tally[4] += optional.covered
        tally[5] += optional.used > 0 and optional.compliant
    return [DivisionShare(code, *tallies[code]) for code in sorted(tallies)]
