"""Catalogue search for pages and the API: the shared index, SQL fallback, rows in rank order."""

import logging
import threading
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app
from sqlalchemy import and_
from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.indexer import database_search
from catalog.models import Category, CategoryVariant, Product, ProductStatus
from catalog.search import (
    STATUS_CODES,
    IndexUnavailable,
    SearchIndex,
    SearchResult,
)

logger = logging.getLogger(__name__)

# The certificate statuses the index knows, valid first and never certified last.
_SHOWN_ORDER = ["valid", "expired", "suspended", "revoked", "none"]
STATUSES = tuple(sorted(STATUS_CODES, key=_SHOWN_ORDER.index))
_EXTENSION = "search_indexes"
_lock = threading.Lock()


@dataclass(frozen=True)
class Query:
    """What to search for: words, facet filters, sort and page."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    include_uncertified: bool = False


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
    """Return the product's certificate status today: valid, suspended, … or none."""
    if not product.cert_status:
        return "none"
    today = today or date.today()
    if (
        product.cert_status == "valid"
        and product.cert_valid_until
        and (product.cert_valid_until < today)
    ):
        return "expired"
    return product.cert_status


def search_index() -> SearchIndex | None:
    """Return this process's reader of the configured index directory, or None if unusable."""
    app = current_app._get_current_object()
    directory = str(app.config["SEARCH_INDEX_DIR"])
    with _lock:
        cache: dict[str, SearchIndex] = app.extensions.setdefault(_EXTENSION, {})
        index = cache.get(directory)
        if index is None:
            try:
                index = cache[directory] = SearchIndex(directory)
            except IndexUnavailable as exc:
                logger.warning("search index %s unavailable: %s", directory, exc)
                return None
    return index


def close_search_indexes(app: Flask) -> None:
    """Close the index readers the app has opened (tests call this on teardown)."""
    with _lock:
        for index in app.extensions.pop(_EXTENSION, {}).values():
            index.close()


def run_search(session: Session, query: Query) -> tuple[SearchResult, bool]:
    """Return the search result from the index, else from SQL; and whether SQL answered."""
    arguments = {
        "filters": query.filters,
        "sort": query.sort,
        "page": query.page,
        "per_page": query.per_page,
        "include_uncertified": query.include_uncertified,
    }
    index = search_index()
    if index is not None:
        try:
            return index.search(query.text, **arguments), False
        except IndexUnavailable as exc:
            logger.warning("search index failed, using SQL: %s", exc)
    return database_search(session, query.text, **arguments), True


def row_select():
    """Return a SELECT of published products with category, manufacturer and variant."""
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


def load_rows(session: Session, ids: list[int]) -> list[ProductRow]:
    """Return the published products among the ids, in the ids' order, with one SELECT."""
    if not ids:
        return []
    query = row_select().where(Product.id.in_(ids))
    by_id = {row[0].id: ProductRow(*row) for row in session.exec(query).all()}
    # The index may briefly list a product withdrawn since: it is simply left out.
    return [by_id[i] for i in ids if i in by_id]


def find_products(session: Session, query: Query, *, correct_page: bool = True) -> Found:
    """Search, then load the page's rows; a page past the end becomes the last page."""
    result, reduced = run_search(session, query)
    if correct_page and not result.ids and result.total and query.page > 1:
        last = -(-result.total // query.per_page)
        query = Query(**{**query.__dict__, "page": last})
        result, reduced = run_search(session, query)
    return Found(result, load_rows(session, result.ids), reduced, query.page)
