"""Use cases of the lines of a procurement list: add a product or a material, remove a line."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlmodel import Session

from accounts.models import User
from catalog.certificate_status import live_status
from catalog.models import Category, Product
from catalog.services import get_published_product
from greenbm.errors import Invalid, NotFound
from greenbm.models_base import utcnow
from procurement.models import ListLine, ProcurementList
from procurement.services import MAX_QUANTITY, get_list, to_decimal, to_money


def _amounts(quantity, unit_price) -> tuple[Decimal, Decimal]:
    errors: dict[str, list[str]] = {}
    number = to_decimal(quantity)
    if number is not None and 0 < number < MAX_QUANTITY:
        number = number.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if number is None or not 0 < number < MAX_QUANTITY:
        errors["quantity"] = [_("Enter a quantity greater than 0 (at most three decimals).")]
    price = to_money(unit_price)
    if price is None:
        errors["unit_price"] = [_("Enter a unit price from 0 yuan.")]
    if errors:
        raise Invalid(errors)
    return number, price


def _touch(item: ProcurementList) -> None:
    item.updated_at = utcnow()


def certificate_state(product: Product, today: date) -> str | None:
    """Return the product's certificate status as of today (None: never certified)."""
    if not product.cert_status:
        return None
    return live_status(product.cert_status, product.cert_valid_until, today)


def add_product_line(
    *,
    session: Session,
    actor: User,
    list_id: int,
    product_id: int,
    quantity,
    unit_price,
    today: date | None = None,
) -> ListLine:
    """Add a published catalogue product to a list, recording its certificate as it is now."""
    item, _project = get_list(session=session, actor=actor, list_id=list_id)
    try:
        product = get_published_product(session=session, product_id=product_id)
    except NotFound:
        raise Invalid({"product_id": [_("No published product has this number.")]}) from None
    number, price = _amounts(quantity, unit_price)
    line = ListLine(
        list_id=item.id,
        product_id=product.id,
        category_id=product.category_id,
        quantity=number,
        unit=product.declared_unit,
        unit_price=price,
        added_by_id=actor.id,
        cert_number_at_add=product.cert_number,
        cert_stars_at_add=product.cert_stars,
        cert_status_at_add=certificate_state(product, today or date.today()),
    )
    session.add(line)
    _touch(item)
    session.flush()
    return line


@dataclass
class MaterialInput:
    """A material that is not in the catalogue: it never counts as green."""

    category_id: int
    description: str
    supplier_name: str
    quantity: Decimal
    unit_price: Decimal


def add_material_line(
    *, session: Session, actor: User, list_id: int, data: MaterialInput
) -> ListLine:
    """Add a material that is not in the catalogue, in its category's declared unit."""
    item, _project = get_list(session=session, actor=actor, list_id=list_id)
    errors: dict[str, list[str]] = {}
    category = session.get(Category, data.category_id) if data.category_id else None
    if category is None:
        errors["category_id"] = [_("Choose a category.")]
    description, supplier = data.description.strip(), data.supplier_name.strip()
    if not description or len(description) > 300:
        errors["description"] = [_("Describe the material (at most 300 characters).")]
    if not supplier or len(supplier) > 200:
        errors["supplier_name"] = [_("Enter the supplier's name (at most 200 characters).")]
    try:
        number, price = _amounts(data.quantity, data.unit_price)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    line = ListLine(
        list_id=item.id,
        category_id=category.id,
        description=description,
        supplier_name=supplier,
        quantity=number,
        unit=category.declared_unit,
        unit_price=price,
        added_by_id=actor.id,
    )
    session.add(line)
    _touch(item)
    session.flush()
    return line


def remove_line(*, session: Session, actor: User, line_id: int) -> ProcurementList:
    """Remove a line from a list of the officer's agency; return the list."""
    line = session.get(ListLine, line_id)
    if line is None:
        raise NotFound()
    item, _project = get_list(session=session, actor=actor, list_id=line.list_id)
    session.delete(line)
    _touch(item)
    session.flush()
    return item
