"""What a list page and the exports show: each line with its product, and the compliance check."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.models import Category, CategoryVariant, Product
from catalog.units import conversion_factor
from procurement.models import ListLine, ProcurementList, Project
from procurement.rules import Compliance, Line, LineCarbon, LineStatus, check_list
from procurement.services import get_list


@dataclass(frozen=True)
class Reference:
    """A reference factor in kgCO2e per the category's declared unit, and where it comes from."""

    factor: float
    unit: str
    source: str


@dataclass
class LineRow:
    """A line with everything its row shows."""

    line: ListLine
    category: Category
    product: Product | None
    manufacturer: Organisation | None
    reference: Reference | None
    status: LineStatus
    carbon: LineCarbon

    @property
    def value(self) -> Decimal:
        """Return quantity × unit price."""
        return self.line.quantity * self.line.unit_price

    @property
    def lapsed(self) -> bool:
        """Return whether the line was flagged, or was green when added and is not now."""
        if self.line.flagged_at is not None:
            return True
        return self.line.cert_status_at_add == "valid" and self.status != LineStatus.GREEN


@dataclass
class ListReport:
    """A list, its project, its rows in the order they were added, and its compliance."""

    item: ProcurementList
    project: Project
    rows: list[LineRow]
    categories: dict[str, Category]
    compliance: Compliance

    @property
    def references(self) -> list[tuple[Category, Reference]]:
        """Return each distinct reference factor the rows use, with its category."""
        seen: dict[tuple[str, Reference], Category] = {}
        for row in self.rows:
            if row.reference is not None:
                seen.setdefault((row.category.code, row.reference), row.category)
        return [(category, reference) for (_code, reference), category in seen.items()]

    def row(self, line_id: int) -> LineRow:
        """Return the row of a line."""
        return next(r for r in self.rows if r.line.id == line_id)


def _per_unit(value: float | None, value_unit: str, line_unit: str) -> Decimal | None:
    """Return a per-unit figure in the line's unit, or None if the units differ in kind."""
    if value is None:
        return None
    number = Decimal(str(value))
    if value_unit == line_unit:
        return number
    try:
        return number * Decimal(str(conversion_factor(line_unit, value_unit)))
    except ValueError:
        return None


def _reference(
    category: Category, product: Product | None, variants: dict[tuple[int, str], CategoryVariant]
) -> Reference | None:
    variant = variants.get((category.id, product.variant)) if product and product.variant else None
    if variant is not None and variant.gwp_reference is not None:
        return Reference(
            variant.gwp_reference, category.declared_unit, variant.gwp_reference_source
        )
    if category.gwp_reference is not None:
        return Reference(
            category.gwp_reference, category.declared_unit, category.gwp_reference_source
        )
    return None


def line_facts(line: ListLine, category: Category, product) -> Line:
    """Return a list line as the green-procurement rules see it (without carbon figures)."""
    return Line(
        id=line.id,
        label=(product.name_zh if product else line.description),
        category=category.code,
        procurement_class=category.procurement_class,
        quantity=line.quantity,
        unit_price=line.unit_price,
        in_catalogue=product is not None,
        cert_status=product.cert_status if product else None,
        cert_valid_until=product.cert_valid_until if product else None,
    )


def _facts(line: ListLine, category: Category, product, reference) -> Line:
    return replace(
        line_facts(line, category, product),
        gwp=_per_unit(product.gwp_a1a3, product.declared_unit, line.unit) if product else None,
        reference=(_per_unit(reference.factor, reference.unit, line.unit) if reference else None),
    )


def list_report(
    *, session: Session, actor: User, list_id: int, today: date | None = None
) -> ListReport:
    """Return a list of the officer's agency with its rows and compliance as of today."""
    item, project = get_list(session=session, actor=actor, list_id=list_id)
    today = today or date.today()
    rows = session.exec(
        select(ListLine, Category, Product, Organisation)
        .join(Category, Category.id == ListLine.category_id)
        .outerjoin(Product, Product.id == ListLine.product_id)
        .outerjoin(Organisation, Organisation.id == Product.manufacturer_id)
        .where(ListLine.list_id == item.id)
        .order_by(ListLine.added_at, ListLine.id)
    ).all()
    category_ids = {category.id for _line, category, _p, _o in rows}
    variants = {
        (v.category_id, v.code): v
        for v in session.exec(
            select(CategoryVariant).where(CategoryVariant.category_id.in_(category_ids))
        ).all()
    }
    references = [_reference(c, p, variants) for _line, c, p, _o in rows]
    facts = [_facts(ln, c, p, ref) for (ln, c, p, _o), ref in zip(rows, references, strict=True)]
    compliance = check_list(facts, today)
    carbon = {c.line_id: c for c in compliance.carbon.lines}
    return ListReport(
        item=item,
        project=project,
        rows=[
            LineRow(ln, c, p, o, ref, compliance.statuses[ln.id], carbon[ln.id])
            for (ln, c, p, o), ref in zip(rows, references, strict=True)
        ],
        categories={c.code: c for _line, c, _p, _o in rows},
        compliance=compliance,
    )
