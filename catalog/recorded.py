"""Catalogue entries recorded from another body's certificate, for products not registered here."""

from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.models import Category, GwpProvenance, Plant, Product, ProductStatus
from catalog.search import queue_for_index
from greenbm.models_base import utcnow

# The GWP of a product recorded from a certificate that stated none (see gwp_unknown).
GWP_UNKNOWN = 0.0


def gwp_unknown(product: Product) -> bool:
    """Return whether the product was recorded from a certificate without a GWP, not yet given."""
    return product.recorded_from_id is not None and product.gwp_a1a3 == GWP_UNKNOWN


def recorded_plant(manufacturer: Organisation, address: str, *, session: Session) -> Plant:
    """Return the manufacturer's plant at this address, recording it if unknown.

    A recorded plant has no capacity and is not confirmed: it counts in no provincial figure.
    """
    name = address or manufacturer.name_zh
    plant = session.exec(
        select(Plant).where(Plant.manufacturer_id == manufacturer.id, Plant.name == name)
    ).first()
    if plant is None:
        plant = Plant(
            manufacturer_id=manufacturer.id,
            name=name[:200],
            address=address[:300],
            division_code=manufacturer.division_code,
        )
        session.add(plant)
        session.flush()
    return plant


def recorded_product(
    *,
    session: Session,
    body_id: int,
    manufacturer: Organisation,
    category: Category,
    name: str,
    model: str,
    plant_address: str,
    gwp: float | None,
) -> Product:
    """Return the manufacturer's product of this name and model, recording it if unknown.

    A recorded product with a GWP is published at once; without one it stays a draft that
    its manufacturer completes after registering (its certificate counts all the same).
    """
    product = session.exec(
        select(Product).where(
            Product.manufacturer_id == manufacturer.id,
            Product.category_id == category.id,
            Product.name_zh == name,
            Product.model_spec == model,
        )
    ).first()
    if product is not None:
        return product
    plant = recorded_plant(manufacturer, plant_address, session=session)
    now = utcnow()
    product = Product(
        manufacturer_id=manufacturer.id,
        plant_id=plant.id,
        category_id=category.id,
        name_zh=name,
        model_spec=model,
        declared_unit=category.declared_unit,
        # No GWP known: a placeholder of a draft, which no public page or figure reads.
        gwp_a1a3=gwp if gwp is not None else GWP_UNKNOWN,
        # What the issuing body's record states; nothing here verified it.
        gwp_provenance=GwpProvenance.SELF_DECLARED,
        status=ProductStatus.PUBLISHED if gwp is not None else ProductStatus.DRAFT,
        published_at=now if gwp is not None else None,
        recorded_from_id=body_id,
    )
    session.add(product)
    session.flush()
    queue_for_index(product.id, session=session)
    return product


def recorded_from(product: Product, *, session: Session) -> Organisation | None:
    """Return the body whose certificate the product's entry was recorded from, or None."""
    if product.recorded_from_id is None:
        return None
    return session.get(Organisation, product.recorded_from_id)
