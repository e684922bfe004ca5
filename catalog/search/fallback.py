"""The SQL fallback: search the database with LIKE when the index is missing or broken."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup
from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from accounts.models import Organisation
from catalog.certificate_status import live_status_sql
from catalog.models import Category, CategoryVariant, Product, ProductStatus
from catalog.search.documents import variant_of_product
from catalog.search.highlight import highlight
from catalog.search.query import SearchResult, check_arguments, gwp_bounds, parse_query


def _status_expression(today: date):
    return live_status_sql(Product.cert_status, Product.cert_valid_until, today)


def _word_condition(word: str):
    variants = {word, word.replace(".", "·")} if "." in word else {word}
    columns = (
        Product.name_zh,
        Product.name_en,
        Product.series,
        Product.model_spec,
        Product.description,
        Product.cert_number,
        Organisation.name_zh,
        Organisation.name_en,
        Category.name_zh,
        Category.name_en,
        CategoryVariant.name_zh,
        CategoryVariant.name_en,
    )
    patterns = []
    for variant in variants:
        escaped = variant.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        patterns += [col.ilike(f"%{escaped}%", escape="\\") for col in columns]
    # Division names live in code, not in the database.
    divisions = [
        code
        for code, names in DIVISIONS.items()
        if any(v.lower() in name.lower() for v in variants for name in names)
    ]
    if divisions:
        patterns.append(Organisation.division_code.in_(divisions))
    return or_(*patterns)


def _filter_conditions(filters: dict, status, include_uncertified: bool) -> dict:
    conditions = {}
    if filters.get("category"):
        conditions["category"] = Category.code.in_(filters["category"])
    if filters.get("stars"):
        stars = [int(s) for s in filters["stars"] if s.isdigit()]
        conditions["stars"] = Product.cert_stars.in_(stars)
    if filters.get("division"):
        conditions["division"] = Organisation.division_code.in_(filters["division"])
    statuses = filters.get("status") or ([] if include_uncertified else ["valid"])
    if statuses:
        conditions["status"] = status.in_(statuses)
    low, high = gwp_bounds(filters)
    bounds = []
    if low is not None:
        bounds.append(Product.gwp_a1a3 >= low)
    if high is not None:
        bounds.append(Product.gwp_a1a3 <= high)
    if bounds:
        conditions["gwp"] = and_(*bounds)
    return conditions


_ORDER = {
    "relevance": (Product.published_at.desc().nulls_last(), Product.id.desc()),
    "newest": (Product.published_at.desc().nulls_last(), Product.id.desc()),
    "gwp": (Product.gwp_a1a3, Product.id),
    "-stars": (func.coalesce(Product.cert_stars, 0).desc(), Product.gwp_a1a3, Product.id),
}


def database_search(
    query: str,
    *,
    session: Session,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    include_uncertified: bool = False,
) -> SearchResult:
    """Search with plain SQL (LIKE) when the index is unavailable; same filters and facets.

    Relevance is not computed: "relevance" lists the newest first. The other sorts give the
    same order as the index.
    """
    filters = check_arguments(filters, sort)
    parsed = parse_query(query)
    status = _status_expression(date.today())
    base = [Product.status == ProductStatus.PUBLISHED]
    base += [_word_condition(word) for word in parsed.words]
    conditions = _filter_conditions(filters, status, include_uncertified)

    def selecting(*columns):
        return (
            select(*columns)
            .select_from(Product)
            .join(Category, Category.id == Product.category_id)
            .join(Organisation, Organisation.id == Product.manufacturer_id)
            .outerjoin(CategoryVariant, variant_of_product())
        )

    facet_columns = {
        "category": Category.code,
        "stars": Product.cert_stars,
        "division": Organisation.division_code,
        "status": status,
    }
    facets = {}
    for name, column in facet_columns.items():
        others = [c for key, c in conditions.items() if key != name]
        rows = session.exec(
            selecting(column, func.count()).where(*base, *others).group_by(column)
        ).all()
        facets[name] = {str(value): count for value, count in rows if value}
    where = [*base, *conditions.values()]
    total = session.exec(selecting(func.count()).where(*where)).one()
    page, per_page = max(page, 1), max(per_page, 1)
    rows = session.exec(
        selecting(
            Product.id,
            Product.name_zh,
            Product.name_en,
            Product.model_spec,
            Product.cert_number,
            Product.description,
        )  # fmt: skip
        .where(*where)
        .order_by(*_ORDER[sort])
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    highlights: dict[int, str] = {}
    if not parsed.empty:
        terms = frozenset(parsed.terms)
        for pid, *texts in rows:
            snippet: Markup | None = highlight(texts, terms)
            if snippet:
                highlights[pid] = snippet
    return SearchResult([row[0] for row in rows], total, facets, highlights)
