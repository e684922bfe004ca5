"""JSON API of the catalogue: product search with facets, one product, the categories."""

import math

from flask import abort, jsonify, request
from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from catalog.api_schemas import (
    CATEGORIES,
    DEFAULT_PER_PAGE,
    GWP_SORT_NEEDS_ONE_UNIT,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY,
    PRODUCT,
    PRODUCT_PAGE,
    QUERY,
)
from catalog.categories import gwp_sort_unit, list_categories
from catalog.finder import ProductRow, find_products, live_status
from catalog.models import CategoryVariant
from catalog.overview import catalogue_overview
from catalog.product_page import product_page
from catalog.search import FACETS, SORTS, Query
from greenbm.api import api_get
from greenbm.api_params import bad_parameter, query_choices, query_integer, query_one_of
from greenbm.db import get_session
from greenbm.errors import NotFound


def _gwp_bound(name: str) -> float:
    """Return a GWP bound of the query string: a finite number of at least 0, else 400."""
    try:
        value = float(request.args[name])
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        bad_parameter(name, "a number of at least 0 is expected.")
    return value


def _search_query(*, session: Session) -> Query:
    """Return the search the query string asks for; abort with 400 naming a bad parameter."""
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        bad_parameter("q", f"at most {MAX_QUERY} characters.")
    filters: dict[str, list[str]] = {}
    categories = query_choices("category", {c.code for c in list_categories(session=session)})
    divisions = query_choices("division", set(DIVISIONS))
    if categories:
        filters["category"] = categories
    if divisions:
        filters["division"] = divisions
    if "min_stars" in request.args:
        low = query_integer("min_stars", 1, 1, 3)
        filters["stars"] = [str(s) for s in range(low, 4)]
    bounds = {name: _gwp_bound(name) for name in ("gwp_min", "gwp_max") if name in request.args}
    if bounds.get("gwp_min", 0.0) > bounds.get("gwp_max", math.inf):
        bad_parameter("gwp_min", "it is above gwp_max.")
    for name, value in bounds.items():
        filters[name] = [repr(value)]
    status = query_one_of("status", ("valid", "any"), "valid")
    sort = query_one_of("sort", SORTS, "relevance")
    if sort == "gwp" and gwp_sort_unit(categories, session=session) is None:
        bad_parameter("sort", GWP_SORT_NEEDS_ONE_UNIT)
    return Query(
        text=text,
        filters=filters,
        sort=sort,
        page=query_integer("page", 1, 1, MAX_PAGE),
        per_page=query_integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        include_uncertified=status == "any",
    )


def product_summary(row: ProductRow) -> dict:
    """Return the API form of a product as search lists it."""
    p, maker = row.product, row.manufacturer
    status = live_status(p)
    return {
        "id": p.id,
        "name": p.name_zh,
        "name_en": p.name_en or "",
        "model": p.model_spec or "",
        "category": row.category.code,
        "manufacturer": {
            "name": maker.name_zh,
            "uscc": maker.credit_code,
            "division": maker.division_code,
        },
        "gwp": {"value": p.gwp_a1a3, "unit": f"kgCO2e/{p.declared_unit}"},
        "certificate": None
        if status == "none"
        else {
            "number": p.cert_number,
            "stars": p.cert_stars,
            "status": status,
            "valid_until": p.cert_valid_until.isoformat() if p.cert_valid_until else None,
        },
    }


@api_get(
    "/products",
    operation_id="search_products",
    summary="Search published products, with facet counts.",
    description="Full-text search in Chinese and English over names, models, descriptions, "
    "categories, manufacturers and certificate numbers. By default only products with a "
    "valid certificate are listed (status=any lists all published products).",
    response=PRODUCT_PAGE,
    tags=("products",),
    query=QUERY,
    errors=(400,),
)
def products():
    """Return one page of matching products with facet counts."""
    session = get_session()
    query = _search_query(session=session)
    found = find_products(query, correct_page=False, session=session)  # past the end: no items
    response = jsonify(
        {
            "items": [product_summary(row) for row in found.rows],
            "total": found.result.total,
            "page": query.page,
            "per_page": query.per_page,
            "facets": {name: dict(found.result.facets.get(name, {})) for name in FACETS},
        }
    )
    response.headers["X-Search-Mode"] = "database" if found.reduced else "index"
    return response


@api_get(
    "/products/<int:product_id>",
    operation_id="get_product",
    summary="A published product with its data, indicator levels and carbon standing.",
    response=PRODUCT,
    tags=("products",),
    parameters={"product_id": {"description": "Product id.", "example": 1}},
)
def product(product_id: int):
    """Return a published product."""
    session = get_session()
    try:
        page = product_page(product_id, session=session)
    except NotFound:
        abort(404, description=f"No published product has the id {product_id}.")
    p, standing = page.row.product, page.carbon.standing
    variant = page.row.variant
    epd = None
    if p.epd_registration_number:
        epd = {
            "programme_operator": p.epd_programme_operator,
            "registration_number": p.epd_registration_number,
            "issue_date": p.epd_issue_date.isoformat() if p.epd_issue_date else None,
            "valid_until": p.epd_valid_until.isoformat() if p.epd_valid_until else None,
        }
    return jsonify(
        {
            **product_summary(page.row),
            "series": p.series or "",
            "description": p.description or "",
            "declared_unit": p.declared_unit,
            "variant": None
            if variant is None
            else {"code": variant.code, "name": variant.name_zh, "name_en": variant.name_en},
            "gwp_provenance": p.gwp_provenance,
            "epd": epd,
            "plant": {"name": page.plant.name, "division": page.plant.division_code},
            "indicators": [
                {"code": i.code, "value": i.value, "unit": i.unit, "level": i.level}
                for i in page.indicators
            ],
            "carbon": {
                "compared_with": standing.count,
                "percentile_rank": standing.rank,
                "p20": standing.target,
                "p80": standing.conservative,
                "reference": standing.reference,
            },
        }
    )


@api_get(
    "/categories",
    operation_id="list_categories",
    summary="Every product category with its unit, reference factor and variants.",
    response=CATEGORIES,
    tags=("products",),
    errors=(),
)
def categories():
    """Return every category in display order."""
    session = get_session()
    variants: dict[int, list[CategoryVariant]] = {}
    for v in session.exec(select(CategoryVariant).order_by(CategoryVariant.position)).all():
        variants.setdefault(v.category_id, []).append(v)
    items = [
        {
            "code": c.code,
            "name": c.name_zh,
            "name_en": c.name_en,
            "declared_unit": c.declared_unit,
            "units": c.allowed_units,
            "procurement_class": c.procurement_class,
            "gwp_reference": c.gwp_reference,
            "gwp_reference_source": c.gwp_reference_source,
            "variant_attribute": c.variant_attribute,
            "variants": [
                {
                    "code": v.code,
                    "name": v.name_zh,
                    "name_en": v.name_en,
                    "gwp_reference": v.gwp_reference,
                }
                for v in variants.get(c.id, [])
            ],  # fmt: skip
            "published_products": count,
        }
        for c, count in catalogue_overview(session=session)
    ]
    return jsonify({"items": items})
