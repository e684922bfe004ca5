"""The public catalogue: a paginated list of published products and product pages."""

from flask import abort, current_app, render_template, request
from sqlmodel import select

from greenbm.accounts.models import Organisation
from greenbm.catalog import bp
from greenbm.catalog.models import Category, Plant
from greenbm.catalog.services import (
    category_indicators,
    category_variants,
    get_published_product,
    indicator_values,
    list_categories,
    list_published_products,
)
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import page_number


@bp.get("")
def index():
    """List published products, optionally of one category, a page at a time."""
    db = get_session()
    categories = list_categories(session=db)
    code = request.args.get("category") or None
    if code and code not in {c.code for c in categories}:
        code = None
    page = list_published_products(
        session=db, page=page_number(), per_page=current_app.config["PAGE_SIZE"], category_code=code
    )
    return render_template(
        "catalog/index.html", page=page, categories=categories, category_code=code
    )


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    """Show a published product's declared data."""
    db = get_session()
    try:
        item = get_published_product(session=db, product_id=product_id)
    except NotFound:
        abort(404)
    category = db.get(Category, item.category_id)
    manufacturer = db.get(Organisation, item.manufacturer_id)
    plant = db.exec(select(Plant).where(Plant.id == item.plant_id)).one()
    variants = {v.code: v for v in category_variants(session=db, category_id=category.id)}
    return render_template(
        "catalog/product.html",
        product=item,
        category=category,
        manufacturer=manufacturer,
        plant=plant,
        indicators=category_indicators(session=db, category_id=category.id),
        values=indicator_values(session=db, product_id=item.id),
        variant=variants.get(item.variant),
    )
