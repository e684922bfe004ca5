"""The catalogue at a glance: each category with its number of published products, kept."""

from sqlalchemy import func
from sqlmodel import Session, select

from catalog.categories import list_categories
from catalog.models import Category, Product, ProductStatus
from greenbm.figures import kept


def published_counts(*, session: Session) -> dict[int, int]:
    """Return the number of published products of each category that has one, by category id."""
    return dict(
        session.exec(
            select(Product.category_id, func.count())
            .where(Product.status == ProductStatus.PUBLISHED)
            .group_by(Product.category_id)
        ).all()
    )


def catalogue_overview(*, session: Session) -> list[tuple[Category, int]]:
    """Return each category with its number of published products (counted once per change)."""
    counts = kept(("published-counts",), lambda: published_counts(session=session), session=session)
    return [(c, counts.get(c.id, 0)) for c in list_categories(session=session)]
