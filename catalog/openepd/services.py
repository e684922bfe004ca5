"""Use cases that turn openEPD files into draft products and products into openEPD files."""

from datetime import date

from sqlmodel import Session

from accounts.models import Organisation, User
from catalog.categories import get_category
from catalog.models import Category, Plant, Product, ProductStatus
from catalog.openepd.reading import import_openepd
from catalog.openepd.writing import ExportProduct, export_openepd
from catalog.rules import ProductInput
from catalog.services import create_product, own_product
from greenbm.errors import Invalid, NotFound


def import_product(
    *,
    session: Session,
    actor: User,
    category_id: int,
    plant_id: int,
    raw: bytes,
    variant: str | None = None,
    today: date | None = None,
) -> Product:
    """Create a draft product from an openEPD file; raise Invalid listing every problem."""
    category = get_category(session=session, category_id=category_id)
    imported, problems = import_openepd(
        raw,
        category_units=category.allowed_units,
        gwp_indicator=category.gwp_indicator,
        today=today or date.today(),
    )
    if problems:
        raise Invalid({"file": problems})
    data = ProductInput(
        plant_id=plant_id,
        name_zh=imported.name_zh or imported.name_en,
        name_en=imported.name_en,
        description=imported.description,
        model_spec=imported.model_spec,
        declared_unit=imported.declared_unit,
        variant=variant or None,
        gwp_a1a3=imported.gwp_a1a3,
        gwp_provenance=imported.gwp_provenance,
        epd_programme_operator=imported.epd_programme_operator,
        epd_registration_number=imported.epd_registration_number,
        epd_issue_date=imported.epd_issue_date,
        epd_valid_until=imported.epd_valid_until,
        epd_verifier=imported.epd_verifier,
        gwp_indicator=imported.gwp_indicator,
        gwp_lcia_method=imported.gwp_lcia_method,
    )
    return create_product(session=session, actor=actor, category_id=category.id, data=data)


def export_product(*, session: Session, actor: User, product_id: int) -> dict:
    """Return the actor's product as an openEPD document."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    return product_document(product, session=session)


def export_published(*, session: Session, product_id: int) -> dict:
    """Return a published product as an openEPD document, or raise NotFound."""
    product = session.get(Product, product_id)
    if product is None or product.status != ProductStatus.PUBLISHED:
        raise NotFound()
    return product_document(product, session=session)


def product_document(product: Product, *, session: Session) -> dict:
    """Return a product as an openEPD document."""
    return export_openepd(export_input(product, session=session))


def export_input(product: Product, *, session: Session) -> ExportProduct:
    """Return the plain values `export_openepd` writes for a product (no permission check)."""
    organisation = session.get(Organisation, product.manufacturer_id)
    plant = session.get(Plant, product.plant_id)
    category = session.get(Category, product.category_id)
    return ExportProduct(
        id=product.id,
        name_en=product.name_en,
        name_zh=product.name_zh,
        description=product.description,
        model_spec=product.model_spec,
        manufacturer_name=organisation.name_zh,
        manufacturer_name_en=organisation.name_en,
        manufacturer_credit_code=organisation.credit_code,
        plant_name=plant.name,
        plant_address=plant.address,
        declared_unit=product.declared_unit,
        gwp_a1a3=product.gwp_a1a3,
        gwp_provenance=product.gwp_provenance,
        epd_programme_operator=product.epd_programme_operator,
        epd_registration_number=product.epd_registration_number,
        epd_issue_date=product.epd_issue_date,
        epd_valid_until=product.epd_valid_until,
        category_code=category.code,
        epd_verifier=product.epd_verifier,
        gwp_indicator=product.gwp_indicator or category.gwp_indicator,
        gwp_lcia_method=product.gwp_lcia_method,
    )
