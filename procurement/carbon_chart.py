"""The list's carbon by category, charted: its mean GWP beside the category's P20, P80, reference.

Per category, variant and declared unit, the list's GWP is the quantity-weighted mean of its
catalogue lines (Σ quantity × GWP ÷ Σ quantity, quantities in the declared unit), the figure
that sits on the same scale as the category's percentiles and reference factor.
"""

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup
from sqlmodel import Session

from catalog.category_statistics import category_statistics
from catalog.spread_charts import Benchmark, benchmark_chart
from catalog.units import conversion_factor, format_unit
from greenbm.errors import Invalid
from greenbm.i18n import localized
from procurement.report import ListReport


@dataclass
class _Sum:
    label: str
    carbon: Decimal = Decimal(0)
    quantity: Decimal = Decimal(0)


def list_benchmarks(report: ListReport, *, session: Session) -> list[Benchmark]:
    """Return the list's quantity-weighted GWP per category group beside the group's figures."""
    sums: dict[tuple, _Sum] = {}
    categories = {}
    for row in report.rows:
        product = row.product
        if product is None:
            continue  # a material outside the catalogue has no declared GWP
        try:
            per = Decimal(str(conversion_factor(row.line.unit, product.declared_unit)))
        except ValueError:
            continue  # a quantity of another kind than the declared unit
        variant = product.variant if row.category.variant_attribute else None
        key = (row.category.id, variant, product.declared_unit)
        categories[key] = row.category
        label = localized(row.category) + (f" {variant}" if variant else "")
        total = sums.setdefault(key, _Sum(label))
        quantity = row.line.quantity * per
        total.quantity += quantity
        total.carbon += quantity * Decimal(str(product.gwp_a1a3))
    out = []
    for key, total in sums.items():
        if not total.quantity:
            continue
        _cid, variant, unit = key
        try:
            stats = category_statistics(categories[key], variant, unit, session=session)
        except Invalid:
            stats = None
        out.append(
            Benchmark(
                label=total.label,
                value=float(total.carbon / total.quantity),
                unit=f"kgCO2e/{format_unit(unit)}",
                target=stats.target if stats else None,
                conservative=stats.conservative if stats else None,
                reference=stats.reference if stats else None,
            )
        )
    return out


def list_chart(benchmarks: list[Benchmark], *, title: str, description: str) -> Markup:
    """Return the chart of the list's benchmarks (empty when no line has a declared GWP)."""
    if not benchmarks:
        return Markup("")
    return benchmark_chart(
        benchmarks, chart_id="list-carbon-chart", title=title, description=description
    )
