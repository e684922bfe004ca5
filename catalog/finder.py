"""Catalogue search for pages and the API: run the search, then the rows in rank order."""

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_
from sqlmodel import Session, select

from accounts.models import Organisation
from catalog import certificate_status
from catalog.models import Category, CategoryVariant, Product, ProductStatus
from catalog.search import Query, SearchResult, search


@dataclass(frozen=True)
class ProductRow:
    """A published product with what a list row shows of it."""

    product: Product
    category: Category
    manufacturer: Organisation
    variant: CategoryVariant | None

    @property
    def status(self) -> str:
        """Return the live certificate status (a valid one past its date is expired)."""
        return live_status(self.product)


@dataclass(frozen=True)
class Found:
    """One page of results; `reduced` when the SQL fallback answered instead of the index."""

    result: SearchResult
    rows: list[ProductRow]
    reduced: bool
    page: int


def live_status(product: Product, today: date | None = None) -> str:
    """Return the status of the product's certificate today: valid, suspended, … or none."""
    return certificate_status.live_status(
        product.cert_status, product.cert_valid_until, today or date.today()
    )


@functools.cache
def row_select():
    """Return a SELECT of published products with category, manufacturer and variant."""
    # Built once: a statement is immutable (each .where() makes a new one), and building its
    # joins cost more than SQLAlchemy's cached compilation of it on every page.
    return (
        select(Product, Category, Organisation, CategoryVariant)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .outerjoin(
            CategoryVariant,
            and_(
                CategoryVariant.category_id == Product.category_id,
                CategoryVariant.code == Product.variant,
            ),
        )
        .where(Product.status == ProductStatus.PUBLISHED)
    )


def load_rows(ids: list[int], *, session: Session) -> list[ProductRow]:
    """Return the published products among the ids, in the ids' order, with one SELECT."""
    if not ids:
        return []
    query = row_select().where(Product.id.in_(ids))
    by_id = {row[0].id: ProductRow(*row) for row in session.exec(query).all()}
    # The index may briefly list a product withdrawn since: it is simply left out.
    return [by_id[i] for i in ids if i in by_id]


def find_products(query: Query, *, session: Session, correct_page: bool = True) -> Found:
    """Search, then load the page's rows; a page past the end becomes the last page."""
    result, reduced = search(query, session=session)
    if correct_page and not result.ids and result.total and query.page > 1:
        last = -(-result.total // query.per_page)
        query = Query(**{**query.__dict__, "page": last})
        result, reduced = search(query, session=session)
    return Found(result, load_rows(result.ids, session=session), reduced, query.page)
