"""Product documents from the database: the published products, joined, as plain values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import and_, func
from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from accounts.models import Organisation
from catalog.models import Category, CategoryVariant, Product, ProductStatus
from catalog.search.schema import ProductDocument
from greenbm.models_base import as_utc

STREAM_ROWS = 2000


def variant_of_product():
    """Return the join condition of a product's category variant (a product may have none)."""
    return and_(
        CategoryVariant.category_id == Product.category_id,
        CategoryVariant.code == Product.variant,
    )


def _document_query():
    return (
        select(
            Product.id,
            Product.name_zh,
            Product.name_en,
            Product.series,
            Product.model_spec,
            Product.description,
            Category.code,
            Category.name_zh,
            Category.name_en,
            CategoryVariant.name_zh,
            CategoryVariant.name_en,
            Organisation.name_zh,
            Organisation.name_en,
            Organisation.division_code,
            Product.cert_number,
            Product.cert_stars,
            Product.cert_status,
            Product.cert_valid_until,
            Product.gwp_a1a3,
            Product.published_at,
        )
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .outerjoin(CategoryVariant, variant_of_product())
        .where(Product.status == ProductStatus.PUBLISHED)
    )


def document_from_row(row: Sequence) -> ProductDocument:
    """Return the document of a row of the document query (`document_rows`)."""
    (pid, name_zh, name_en, series, model, description, cat_code, cat_zh, cat_en, var_zh,
     var_en, org_zh, org_en, division, cert_number, stars, status, valid_until, gwp,
     published_at) = row  # fmt: skip
    division_zh, division_en = DIVISIONS.get(division or "", ("", ""))
    return ProductDocument(
        product_id=pid,
        name_zh=name_zh or "",
        name_en=name_en or "",
        series=series or "",
        model_spec=model or "",
        description=description or "",
        category_code=cat_code,
        category_zh=cat_zh,
        category_en=cat_en,
        variant_zh=var_zh or "",
        variant_en=var_en or "",
        manufacturer_zh=org_zh or "",
        manufacturer_en=org_en or "",
        division_code=division or "",
        division_zh=division_zh,
        division_en=division_en,
        cert_number=cert_number or "",
        cert_stars=stars,
        cert_status=status,
        cert_valid_until=valid_until,
        gwp=float(gwp),
        published_at=None if published_at is None else as_utc(published_at),
    )


def document_rows(product_ids: Iterable[int] | None = None, *, session: Session) -> Iterator[tuple]:
    """Yield the document rows of published products (all, or those given) as plain tuples."""
    query = _document_query()
    if product_ids is not None:
        query = query.where(Product.id.in_(list(product_ids)))
    # Streamed (a server-side cursor on PostgreSQL): a rebuild never holds every row at once.
    result = session.execute(query.order_by(Product.id).execution_options(yield_per=STREAM_ROWS))
    # Closing the result also closes PostgreSQL's server-side cursor when a rebuild stops early.
    with result:
        for row in result:
            yield tuple(row)


def documents(
    product_ids: Iterable[int] | None = None, *, session: Session
) -> Iterator[ProductDocument]:
    """Yield the documents of published products (all of them, or those given) in one query."""
    rows = document_rows(product_ids, session=session)
    try:
        yield from map(document_from_row, rows)
    finally:
        rows.close()


def count_indexable(*, session: Session) -> int:
    """Return how many products a rebuild will index (for a progress bar)."""
    query = select(func.count()).select_from(Product)
    return session.exec(query.where(Product.status == ProductStatus.PUBLISHED)).one()
