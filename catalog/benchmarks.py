"""Products' GWP set against their category's P20, P80 and reference, for the charts."""

from sqlmodel import Session

from catalog.category_statistics import CategoryStatistics, category_statistics
from catalog.finder import ProductRow
from catalog.spread_charts import Benchmark
from catalog.units import format_unit
from greenbm.errors import Invalid
from greenbm.i18n import localized


def group_statistics(
    row: ProductRow, *, session: Session, cache: dict
) -> CategoryStatistics | None:
    """Return the statistics of the product's category, variant and unit (None: no such group)."""
    variant = row.product.variant if row.category.variant_attribute else None
    key = (row.category.id, variant, row.product.declared_unit)
    if key not in cache:
        try:
            cache[key] = category_statistics(row.category, variant, key[2], session=session)
        except Invalid:
            cache[key] = None  # a product without the variant its category's thresholds need
    return cache[key]


def product_benchmarks(rows: list[ProductRow], *, session: Session) -> list[Benchmark]:
    """Return each product's GWP beside its group's P20, P80 (valid certificates) and reference."""
    cache: dict = {}
    out = []
    for row in rows:
        stats = group_statistics(row, session=session, cache=cache)
        out.append(
            Benchmark(
                label=localized(row.product),
                value=row.product.gwp_a1a3,
                unit=f"kgCO2e/{format_unit(row.product.declared_unit)}",
                target=stats.target if stats else None,
                conservative=stats.conservative if stats else None,
                reference=stats.reference if stats else None,
            )
        )
    return out
