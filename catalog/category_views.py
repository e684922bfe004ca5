"""The public category pages: every category, and one category's GWP spread per variant and unit."""

from flask import abort, render_template, request
from flask_babel import gettext as _

from catalog import bp
from catalog.categories import category_by_code
from catalog.category_statistics import (
    category_statistics,
    default_variant,
    statistics_group,
    statistics_groups,
)
from catalog.overview import catalogue_overview
from catalog.spread_charts import spread_chart
from catalog.units import format_unit
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound


@bp.get("/categories")
def categories():
    """List every category with its count of published products."""
    return render_template(
        "catalog/categories.html", overview=catalogue_overview(session=get_session())
    )


@bp.get("/categories/<code>")
def category(code: str):
    """Show a category's GWP statistics for one variant and declared unit."""
    db = get_session()
    try:
        found = category_by_code(code, session=db)
    except NotFound:
        abort(404)
    groups = statistics_groups(found, session=db)
    variant = request.args.get("variant") or default_variant(found, session=db)
    unit = request.args.get("unit") or found.declared_unit
    include_all = request.args.get("all") == "1"
    try:
        group = statistics_group(found, variant, unit, session=db)
        stats = category_statistics(found, variant, unit, include_all, session=db)
    except Invalid:
        abort(404)
    shown_unit = f"kgCO2e/{format_unit(unit)}"
    chart = spread_chart(
        stats,
        title=_("GWP of the category's products"),
        description=_(
            "%(count)d products; 20th percentile %(target)s; 80th percentile %(conservative)s.",
            count=stats.count,
            target=f"{stats.target:.4g}" if stats.count else "—",
            conservative=f"{stats.conservative:.4g}" if stats.count else "—",
        ),
        unit=shown_unit,
    )
    return render_template(
        "catalog/category.html",
        category=found,
        groups=groups,
        stats=stats,
        chart=chart,
        unit=shown_unit,
        group=group,
    )
