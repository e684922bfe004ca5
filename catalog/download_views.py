"""Downloads of the public catalogue: search results, a comparison, a product's openEPD document."""

import json
from datetime import date

from flask import Response, abort, current_app, request

from catalog import bp
from catalog.categories import list_categories
from catalog.comparison import compare
from catalog.exports import PRODUCT_HEADER, comparison_table, product_rows, search_ids
from catalog.openepd.services import export_published
from catalog.search_page import parse_state
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.spreadsheets import Sheet, csv_bytes, csv_stream, xlsx_bytes

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _found_ids() -> tuple[list[int], int]:
    db = get_session()
    state = parse_state(request.args, {c.code for c in list_categories(session=db)})
    return search_ids(state, session=db)


@bp.get("/search.csv")
def search_csv():
    """Stream the search results (with the page's filters and order) as CSV, up to the limit."""
    ids, total = _found_ids()
    # Rows are read before the answer starts (at most EXPORT_LIMIT), so that the request's
    # database session is not held open while a slow client downloads; the text is streamed.
    rows = list(product_rows(ids, session=get_session()))
    response = Response(csv_stream(PRODUCT_HEADER, rows), mimetype=CSV)
    response.headers["X-Total-Count"] = str(total)
    return _attachment(response, f"products-{date.today().isoformat()}.csv")


@bp.get("/search.xlsx")
def search_xlsx():
    """Download the search results as an XLSX workbook, up to the limit, without formulas."""
    ids, total = _found_ids()
    sheet = Sheet("products", product_rows(ids, session=get_session()), PRODUCT_HEADER, (8, 30, 30))
    response = Response(xlsx_bytes(sheet), mimetype=XLSX)
    response.headers["X-Total-Count"] = str(total)
    return _attachment(response, f"products-{date.today().isoformat()}.xlsx")


@bp.get("/compare.csv")
def compare_csv():
    """Download the comparison as CSV: one row per field, one column per product."""
    header, rows = comparison_table(compare(request.args.get("ids"), session=get_session()))
    return _attachment(Response(csv_bytes(header, rows), mimetype=CSV), "comparison.csv")


@bp.get("/products/<int:product_id>.openepd.json")
def product_openepd(product_id: int):
    """Download a published product as an openEPD document."""
    try:
        document = export_published(session=get_session(), product_id=product_id)
    except NotFound:
        abort(404)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    return _attachment(response, f"product-{product_id}.openepd.json")
