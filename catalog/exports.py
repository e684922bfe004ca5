"""What the catalogue's downloads hold: search results and comparisons as plain rows, no formula."""

from collections.abc import Iterator
from dataclasses import replace

from flask import url_for
from sqlmodel import Session

from catalog.comparison import Comparison
from catalog.finder import ProductRow, live_status, load_rows
from catalog.search import search
from catalog.search_page import SearchState

# Most rows a search download holds (the search page says so); enough for any real tender.
EXPORT_LIMIT = 5000
_CHUNK = 500  # rows loaded per SELECT while the download streams

PRODUCT_HEADER = (
    "id", "name_zh", "name_en", "category", "variant", "model", "manufacturer",
    "manufacturer_uscc", "division", "declared_unit", "gwp_a1a3_kgco2e", "gwp_provenance",
    "certificate_number", "stars", "certificate_status", "valid_until", "url",
)  # fmt: skip


def product_cells(row: ProductRow) -> tuple:
    """Return a product's cells in PRODUCT_HEADER order (numbers as numbers)."""
    p = row.product
    status = live_status(p)
    return (
        p.id,
        p.name_zh,
        p.name_en or "",
        row.category.code,
        p.variant or "",
        p.model_spec or "",
        row.manufacturer.name_zh,
        row.manufacturer.credit_code,
        row.manufacturer.division_code,
        p.declared_unit,
        p.gwp_a1a3,
        p.gwp_provenance,
        p.cert_number or "",
        p.cert_stars if status != "none" else None,
        status,
        p.cert_valid_until.isoformat() if p.cert_valid_until and status != "none" else "",
        url_for("catalog.product", product_id=p.id, _external=True),
    )


def search_ids(state: SearchState, *, session: Session) -> tuple[list[int], int]:
    """Return the ids of the first EXPORT_LIMIT results of the search, in order, and the total."""
    # The same filters and order as the page, from the first result whatever page is shown.
    result, _reduced = search(replace(state, page=1).query(EXPORT_LIMIT), session=session)
    return list(result.ids), result.total


def product_rows(ids: list[int], *, session: Session) -> Iterator[tuple]:
    """Yield the products' cells in the ids' order, loading a chunk at a time."""
    for start in range(0, len(ids), _CHUNK):
        for row in load_rows(ids[start : start + _CHUNK], session=session):
            yield product_cells(row)


def comparison_table(comparison: Comparison) -> tuple[list, list[list]]:
    """Return the comparison as on the page: one row per field, one column per product."""
    header = ["field", *(c.product.id for c in comparison.columns)]
    rows = [["name_zh", *(c.product.name_zh for c in comparison.columns)]]
    for row in comparison.rows:
        if row.kind == "indicator":
            ind = row.indicator
            rows.append([f"{ind.code} ({ind.unit})", *row.values])
        elif row.kind == "gwp":
            rows.append([f"gwp_a1a3 (kgCO2e/{comparison.unit})", *(_gwp(g) for g in row.values)])
        else:
            rows.append([row.kind, *(_plain(row.kind, v) for v in row.values)])
    return header, rows


def _gwp(gwp):
    return gwp.value if gwp.comparable else f"{gwp.declared_value:g} kgCO2e/{gwp.declared_unit}"


def _plain(kind: str, value):
    if kind == "category":
        return value.code
    if kind == "manufacturer":
        return f"{value.name_zh} ({value.credit_code})"
    if kind == "certificate":
        stars, status, number = value
        return f"{number or ''} {status} {stars or ''}".strip()
    return value
