"""GWP distribution of each category (and variant): five-number summary, P20/P80, reference."""

from dataclasses import dataclass

from sqlmodel import Session, select

from catalog.models import Category, CategoryVariant, Product, ProductStatus
from catalog.stats import CONSERVATIVE_PERCENTILE, TARGET_PERCENTILE, percentile


@dataclass(frozen=True)
class Distribution:
    """The published GWP values of one category, variant and declared unit, summarised."""

    category: Category
    variant: CategoryVariant | None
    unit: str
    count: int
    minimum: float
    p20: float
    median: float
    p80: float
    maximum: float
    reference: float | None


def summarise(
    category: Category, variant: CategoryVariant | None, unit: str, values: list[float]
) -> Distribution:
    """Summarise the values; the reference applies only in the category's declared unit."""
    reference = None
    if unit == category.declared_unit:
        if variant is not None and variant.gwp_reference is not None:
            reference = variant.gwp_reference
        else:
            reference = category.gwp_reference
    return Distribution(
        category=category,
        variant=variant,
        unit=unit,
        count=len(values),
        minimum=min(values),
        p20=percentile(values, TARGET_PERCENTILE),
        median=percentile(values, 50.0),
        p80=percentile(values, CONSERVATIVE_PERCENTILE),
        maximum=max(values),
        reference=reference,
    )


def gwp_distributions(*, session: Session) -> list[Distribution]:
    """Return the distribution of every group of published products that share a unit.

    Products are grouped as the product page compares them: by category, variant (where the
    category has one) and declared unit; drafts are never counted.
    """
    categories = session.exec(select(Category).order_by(Category.position, Category.id)).all()
    variants = {(v.category_id, v.code): v for v in session.exec(select(CategoryVariant)).all()}
    groups: dict[tuple[int, str | None, str], list[float]] = {}
    for category_id, variant, unit, gwp in session.exec(
        select(Product.category_id, Product.variant, Product.declared_unit, Product.gwp_a1a3)
        .where(Product.status == ProductStatus.PUBLISHED)
        .order_by(Product.id)
    ).all():
        groups.setdefault((category_id, variant, unit), []).append(gwp)
    order = {c.id: n for n, c in enumerate(categories)}
    by_id = {c.id: c for c in categories}
    variant_order = {key: v.position for key, v in variants.items()}

    def sort_key(key: tuple[int, str | None, str]) -> tuple:
        category_id, variant, unit = key
        own_unit = unit == by_id[category_id].declared_unit
        return (order[category_id], not own_unit, variant_order.get((category_id, variant), -1))

    result = []
    for key in sorted(groups, key=sort_key):
        category_id, variant, unit = key
        category = by_id[category_id]
        found = variants.get((category_id, variant)) if category.variant_attribute else None
        result.append(summarise(category, found, unit, groups[key]))
    return result
