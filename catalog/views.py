"""The public catalogue: search with facets, product pages, public EPDs, comparison."""

from dataclasses import replace

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _

from accounts.divisions import DIVISIONS
from catalog import bp
from catalog.benchmarks import product_benchmarks
from catalog.categories import gwp_sort_unit, list_categories
from catalog.charts import gwp_chart
from catalog.comparison import MAX_COMPARED, compare, parse_id_list
from catalog.exports import EXPORT_LIMIT
from catalog.finder import find_products
from catalog.product_page import ProductPage, product_page, public_epd
from catalog.recorded import recorded_from
from catalog.search import STATUSES, index_state
from catalog.search_page import STARS, parse_state
from catalog.spread_charts import benchmark_chart
from catalog.units import format_unit
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import Page
from greenbm.kept_pages import kept_page, not_kept


@bp.get("")
def index():
    """Search published products with facets, sorting and pagination."""
    db = get_session()
    index = index_state()
    if index is None:  # searched in SQL instead: not a page to keep
        return _index(db)
    return kept_page(("catalog.index", index), lambda: _index(db), session=db)


def _index(db):
    categories = list_categories(session=db)
    state = parse_state(request.args, {c.code for c in categories})
    gwp_unit = gwp_sort_unit(state.facets.get("category", ()), session=db)
    if state.sort == "gwp" and gwp_unit is None:
        state = replace(state, sort="relevance")  # the page says why (gwp_unit is None)
    per_page = current_app.config["PAGE_SIZE"]
    found = find_products(state.query(per_page), session=db)
    if found.reduced:
        not_kept()
    state = replace(state, page=found.page)
    statuses = found.result.facets.get("status", {})
    hidden = 0 if state.include_uncertified else sum(statuses.values()) - statuses.get("valid", 0)
    return render_template(
        "catalog/index.html",
        state=state,
        found=found,
        page=Page(found.rows, found.page, per_page, found.result.total),
        categories=categories,
        category_by_code={c.code: c for c in categories},
        facet_values={
            "category": [c.code for c in categories],
            "stars": list(STARS),
            "division": list(DIVISIONS),
            "status": list(STATUSES),
        },
        hidden_count=hidden,
        gwp_unit=gwp_unit,
        max_compared=MAX_COMPARED,
        export_limit=EXPORT_LIMIT,
    )


def _chart(page: ProductPage):
    carbon = page.carbon
    s = carbon.standing
    unit = f"kgCO2e/{format_unit(page.row.product.declared_unit)}"
    description = _(
        "GWP of this product %(value)s %(unit)s; 20th percentile %(target)s; "
        "80th percentile %(conservative)s; %(count)d products compared.",
        value=f"{s.value:.4g}",
        unit=unit,
        target=f"{s.target:.4g}",
        conservative=f"{s.conservative:.4g}",
        count=s.count,
    )
    if s.reference is not None:
        description += " " + _("Reference factor %(value)s.", value=f"{s.reference:.4g}")
    return gwp_chart(
        s,
        carbon.values,
        title=_("GWP against the category's products"),
        description=description,
        unit=unit,
        labels={
            "target": _("20th percentile"),
            "conservative": _("80th percentile"),
            "reference": _("Reference factor"),
            "product": _("This product"),
        },
    )


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    """Show everything about a published product, with its GWP against its category."""
    db = get_session()
    return kept_page("catalog.product", lambda: _product(product_id, db), session=db)


def _product(product_id: int, db):
    try:
        page = product_page(product_id, session=db)
    except NotFound:
        abort(404)
    selection, _bad = parse_id_list(request.args.get("compare"))
    selection = [i for i in selection if i != product_id][: MAX_COMPARED - 1]
    return render_template(
        "catalog/product.html",
        page=page,
        product=page.row.product,
        category=page.row.category,
        chart=_chart(page),
        compare_ids=",".join(map(str, [*selection, product_id])),
        recorded_from=recorded_from(page.row.product, session=db),
    )


@bp.get("/products/<int:product_id>/epd/<int:evidence_id>")
def product_epd(product_id: int, evidence_id: int):
    """Download a published product's EPD (the only kind of evidence that is public)."""
    try:
        evidence, path = public_epd(
            product_id, evidence_id, current_app.config["EVIDENCE_DIR"], session=get_session()
        )
    except NotFound:
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=evidence.original_name
    )


@bp.get("/compare")
def compare_products():
    """Put up to four published products side by side, differences highlighted."""
    db = get_session()
    comparison = compare(request.args.get("ids"), session=db)
    benchmarks = product_benchmarks(comparison.columns, session=db)
    chart = benchmark_chart(
        benchmarks,
        chart_id="compare-chart",
        title=_("GWP against the category's percentiles"),
        description=_("Each product's GWP beside its category's 20th and 80th percentiles."),
    )
    return render_template(
        "catalog/compare.html",
        comparison=comparison,
        max_compared=MAX_COMPARED,
        benchmarks=benchmarks,
        chart=chart,
    )
