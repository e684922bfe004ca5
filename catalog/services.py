"""Use cases of the registry: products, their data, publishing and the public list."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Organisation, Role, User
from catalog.categories import category_indicators, category_spec, get_category
from catalog.certificate_status import CertificateStatus, live_status
from catalog.models import (
    Category,
    CategoryIndicator,
    Plant,
    Product,
    ProductIndicatorValue,
    ProductStatus,
)
from catalog.recorded import gwp_unknown
from catalog.rules import ProductInput, check_product
from catalog.search import queue_for_index
from catalog.signals import certification_changed
from greenbm.errors import Invalid, NotAllowed, NotFound
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow

EDITABLE_FIELDS = (
    "plant_id",
    "name_zh",
    "name_en",
    "series",
    "model_spec",
    "description",
    "declared_unit",
    "variant",
    "gwp_a1a3",
    "gwp_provenance",
    "epd_programme_operator",
    "epd_registration_number",
    "epd_issue_date",
    "epd_valid_until",
    "epd_verifier",
)


def require_manufacturer(actor: User) -> int:
    """Return the actor's organisation id, or raise NotAllowed unless a manufacturer."""
    if actor is None or actor.role != Role.MANUFACTURER or actor.disabled:
        raise NotAllowed()
    return actor.organisation_id


def own_plant(*, session: Session, actor: User, plant_id: int | None) -> Plant:
    """Return the actor's plant, or raise NotFound (also for another manufacturer's plant)."""
    org_id = require_manufacturer(actor)
    plant = session.get(Plant, plant_id) if plant_id else None
    if plant is None or plant.manufacturer_id != org_id:
        raise NotFound()
    return plant


def own_product(*, session: Session, actor: User, product_id: int) -> Product:
    """Return the actor's product, or raise NotFound (also for another manufacturer's)."""
    org_id = require_manufacturer(actor)
    product = session.get(Product, product_id)
    if product is None or product.manufacturer_id != org_id:
        raise NotFound()
    return product


def indicator_values(*, session: Session, product_id: int) -> dict[str, ProductIndicatorValue]:
    """Return a product's indicator values by indicator code."""
    rows = session.exec(
        select(CategoryIndicator.code, ProductIndicatorValue)
        .join(ProductIndicatorValue, ProductIndicatorValue.indicator_id == CategoryIndicator.id)
        .where(ProductIndicatorValue.product_id == product_id)
    ).all()
    return {code: value for code, value in rows}


def _validate(
    actor: User, category: Category, data: ProductInput, *, session: Session, complete: bool
) -> None:
    spec = category_spec(session=session, category=category)
    errors = check_product(spec, data, today=date.today(), complete=complete)
    try:
        own_plant(session=session, actor=actor, plant_id=data.plant_id)
    except NotFound:
        errors.setdefault("plant_id", []).append(_("Choose one of your plants."))
    if errors:
        raise Invalid(errors)


def _store_indicator_values(
    product: Product, values: dict[str, float], *, session: Session
) -> None:
    indicators = {
        i.code: i for i in category_indicators(session=session, category_id=product.category_id)
    }
    existing = indicator_values(session=session, product_id=product.id)
    for code, value in values.items():
        row = existing.get(code)
        if row is None:
            ind = indicators[code]
            session.add(
                ProductIndicatorValue(
                    product_id=product.id, indicator_id=ind.id, value=value, unit=ind.unit
                )
            )
        else:
            row.value = value
    for code, row in existing.items():
        if code not in values:
            session.delete(row)


def create_product(
    *, session: Session, actor: User, category_id: int, data: ProductInput
) -> Product:
    """Register a draft product of the actor's company."""
    org_id = require_manufacturer(actor)
    category = get_category(session=session, category_id=category_id)
    _validate(actor, category, data, session=session, complete=False)
    product = Product(
        manufacturer_id=org_id,
        category_id=category.id,
        status=ProductStatus.DRAFT,
        # Every figure is the GWP its category grades (total, or fossil for wood and bamboo);
        # the method is known only when the figure was read from an EPD.
        gwp_indicator=data.gwp_indicator or category.gwp_indicator,
        gwp_lcia_method=data.gwp_lcia_method,
        **{name: getattr(data, name) for name in EDITABLE_FIELDS},
    )
    session.add(product)
    session.flush()
    _store_indicator_values(product, data.indicator_values, session=session)
    queue_for_index(product.id, session=session)
    session.flush()
    return product


def update_product(
    *, session: Session, actor: User, product_id: int, data: ProductInput
) -> Product:
    """Change a product's declared data; a published product must stay complete."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    category = get_category(session=session, category_id=product.category_id)
    complete = product.status == ProductStatus.PUBLISHED
    _validate(actor, category, data, session=session, complete=complete)
    if data.gwp_a1a3 != product.gwp_a1a3:
        product.gwp_lcia_method = ""  # a figure typed over the EPD's is no longer read from it
    for name in EDITABLE_FIELDS:
        setattr(product, name, getattr(data, name))
    product.updated_at = utcnow()
    _store_indicator_values(product, data.indicator_values, session=session)
    queue_for_index(product.id, session=session)
    session.flush()
    return product


def product_input(product: Product, *, session: Session) -> ProductInput:
    """Return the stored product as input data (for completeness checks and forms)."""
    values = indicator_values(session=session, product_id=product.id)
    return ProductInput(
        **{name: getattr(product, name) for name in EDITABLE_FIELDS},
        indicator_values={code: row.value for code, row in values.items()},
    )


def publish_product(*, session: Session, actor: User, product_id: int) -> Product:
    """Publish a complete product in the public catalogue."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    category = get_category(session=session, category_id=product.category_id)
    _validate(
        actor, category, product_input(product, session=session), session=session, complete=True
    )
    product.status = ProductStatus.PUBLISHED
    product.published_at = product.published_at or utcnow()
    product.updated_at = utcnow()
    queue_for_index(product.id, session=session)
    session.flush()
    return product


def holds_valid_certificate(product: Product, today: date | None = None) -> bool:
    """Return whether the product's certificate is valid today (it must then stay public)."""
    status = live_status(product.cert_status, product.cert_valid_until, today or date.today())
    return status == CertificateStatus.VALID


def withdraw_product(*, session: Session, actor: User, product_id: int) -> Product:
    """Take a product out of the public catalogue, back to draft, unless it is certified."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    if holds_valid_certificate(product):
        # The register is public: a valid certificate points at this page (README, "Publish rule").
        raise Invalid(
            {
                "status": [
                    _(
                        "This product holds a valid certificate, so it stays in the public "
                        "catalogue until the certificate ends."
                    )
                ]
            }
        )
    product.status = ProductStatus.DRAFT
    product.updated_at = utcnow()
    queue_for_index(product.id, session=session)
    session.flush()
    return product


def list_own_products(*, session: Session, actor: User, page: int, per_page: int) -> Page:
    """Return a page of the actor's products with their categories, newest change first."""
    org_id = require_manufacturer(actor)
    query = (
        select(Product, Category)
        .join(Category, Category.id == Product.category_id)
        .where(Product.manufacturer_id == org_id)
        .order_by(Product.updated_at.desc(), Product.id.desc())
    )
    count = select(func.count()).select_from(Product).where(Product.manufacturer_id == org_id)
    return paginate(query, count, page, per_page, session=session)


def list_published_products(
    *, session: Session, page: int, per_page: int, category_code: str | None = None
) -> Page:
    """Return a page of published products with category and manufacturer, newest first."""
    where = [Product.status == ProductStatus.PUBLISHED]
    if category_code:
        where.append(Category.code == category_code)
    query = (
        select(Product, Category, Organisation)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .where(*where)
        .order_by(Product.published_at.desc(), Product.id.desc())
    )
    count = (
        select(func.count())
        .select_from(Product)
        .join(Category, Category.id == Product.category_id)
        .where(*where)
    )
    return paginate(query, count, page, per_page, session=session)


def get_published_product(*, session: Session, product_id: int) -> Product:
    """Return a published product, or raise NotFound (drafts are private)."""
    product = session.get(Product, product_id)
    if product is None or product.status != ProductStatus.PUBLISHED:
        raise NotFound()
    return product


def set_certification_summary(
    product_id: int,
    *,
    session: Session,
    number: str | None,
    stars: int | None,
    status: str | None,
    valid_until: date | None,
) -> None:
    """Record the product's current certificate; a valid certificate publishes the product."""
    product = session.get(Product, product_id)
    publishable = product.status != ProductStatus.PUBLISHED and not gwp_unknown(product)
    if status == CertificateStatus.VALID and publishable:
        # A certificate anyone can verify is for a product anyone can see (README, "Publish
        # rule"); but a product recorded from another body's certificate that stated no GWP
        # waits for its manufacturer's data: a placeholder GWP must not reach public figures.
        product.status = ProductStatus.PUBLISHED
        product.published_at = product.published_at or utcnow()
    product.cert_number = number
    product.cert_stars = stars
    product.cert_status = status
    product.cert_valid_until = valid_until
    queue_for_index(product_id, session=session)
    session.flush()
    certification_changed.send(session=session, product_id=product_id, status=status)
