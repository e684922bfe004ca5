"""Public criteria pages: every category's active version, and one category's criteria."""

from flask import abort, render_template
from sqlmodel import select

from catalog.categories import category_variants, list_categories
from catalog.models import Category, CategoryVariant
from certification import bp
from certification.criteria.store import active_criteria, active_versions
from greenbm.db import get_session
from greenbm.errors import NotFound


@bp.get("/criteria")
def criteria_index():
    """List the categories with the version of their active criteria."""
    session = get_session()
    active = active_versions(session=session)
    return render_template(
        "certification/criteria_index.html",
        categories=[(c, active.get(c.id)) for c in list_categories(session=session)],
    )


@bp.get("/criteria/<code>")
def criteria_category(code: str):
    """Show a category's active criteria: prerequisites, indicators and their thresholds."""
    session = get_session()
    category = session.exec(select(Category).where(Category.code == code)).first()
    if category is None:
        abort(404)
    try:
        version, criteria = active_criteria(category.id, session=session)
    except NotFound:
        abort(404)
    variants: dict[str, CategoryVariant] = {
        v.code: v for v in category_variants(session=session, category_id=category.id)
    }
    # Stored criteria come back with their variants sorted by code: show the category's order.
    order = [*variants, *sorted(set(criteria.variants) - set(variants))]
    rows = {
        ind.code: [v for v in order if v in ind.thresholds] or list(ind.thresholds)
        for ind in criteria.indicators
    }
    return render_template(
        "certification/criteria_category.html",
        category=category,
        version=version,
        criteria=criteria,
        variants=variants,
        variant_rows=rows,
    )
