"""The category registry: categories, their indicators and variants, and their plain rules."""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from catalog.models import Category, CategoryIndicator, CategoryVariant
from catalog.rules import CategorySpec, IndicatorSpec
from greenbm.errors import NotFound
from greenbm.figures import figure_store, kept

# Every category's entry stays kept (40-odd categories, a few indicators each).
KEPT_CATEGORIES = 128


def list_categories(*, session: Session) -> list[Category]:
    """Return every category in display order."""
    return list(session.exec(select(Category).order_by(Category.position, Category.id)).all())


def get_category(*, session: Session, category_id: int) -> Category:
    """Return a category, or raise NotFound."""
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound()
    return category


def category_key(text: str) -> str:
    """Return the form in which a category's code or name is matched: the one rule for it.

    Full-width letters, case, and "-", "_" or spaces between words do not matter.
    """
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return re.sub(r"[\s_\-]+", "-", text)


def category_lookup(categories: Iterable[Category]) -> Callable[[str], Category | None]:
    """Return a function finding one of the categories by its code, Chinese or English name."""
    known: dict[str, Category] = {}
    for category in categories:
        for name in (category.code, category.name_zh, category.name_en or ""):
            if name.strip():
                known.setdefault(category_key(name), category)
    return lambda text: known.get(category_key(text or "")) if (text or "").strip() else None


def find_category(text: str, *, session: Session) -> Category | None:
    """Return the category named by its code or its Chinese or English name, or None."""
    return category_lookup(list_categories(session=session))(text)


def category_by_code(code: str, *, session: Session) -> Category:
    """Return the category with the code, or raise NotFound."""
    category = session.exec(select(Category).where(Category.code == code)).first()
    if category is None:
        raise NotFound()
    return category


def category_indicators(*, session: Session, category_id: int) -> list[CategoryIndicator]:
    """Return a category's indicators in display order."""
    query = select(CategoryIndicator).where(CategoryIndicator.category_id == category_id)
    return list(session.exec(query.order_by(CategoryIndicator.position)).all())


@dataclass(frozen=True)
class IndicatorName:
    """An indicator as a page names it: code, group, Chinese and English names, unit."""

    code: str
    group: str
    name_zh: str
    name_en: str
    unit: str


def shown_indicators(*, session: Session, category_id: int) -> tuple[IndicatorName, ...]:
    """Return a category's indicators as pages name them, in display order.

    Kept per process under the change counter (greenbm/figures.py): every product page names
    its category's, and any change to them is a write that bumps the counter.
    """

    def load() -> tuple[IndicatorName, ...]:
        return tuple(
            IndicatorName(i.code, i.group, i.name_zh, i.name_en, i.unit)
            for i in category_indicators(session=session, category_id=category_id)
        )

    store = figure_store("kept_indicators", KEPT_CATEGORIES)
    return kept(("category indicators", category_id), load, session=session, store=store)


def category_variants(*, session: Session, category_id: int) -> list[CategoryVariant]:
    """Return a category's variants in display order (empty if it has none)."""
    query = select(CategoryVariant).where(CategoryVariant.category_id == category_id)
    return list(session.exec(query.order_by(CategoryVariant.position)).all())


def gwp_reference(
    category: Category, variant: CategoryVariant | None, unit: str
) -> tuple[float | None, str]:
    """Return the GB/T 51366 reference factor (the variant's first) and its source for a unit."""
    if unit != category.declared_unit:
        return None, ""  # the reference is per the category's unit (gypsum binder per t: none)
    if variant is not None and variant.gwp_reference is not None:
        return variant.gwp_reference, variant.gwp_reference_source
    return category.gwp_reference, category.gwp_reference_source


def category_spec(*, session: Session, category: Category) -> CategorySpec:
    """Return the plain rules of a category for `check_product`."""
    indicators = category_indicators(session=session, category_id=category.id)
    variants = category_variants(session=session, category_id=category.id)
    return CategorySpec(
        code=category.code,
        units=tuple(category.allowed_units),
        variants=tuple(v.code for v in variants),
        gwp_min=category.gwp_min,
        gwp_max=category.gwp_max,
        indicators=tuple(
            IndicatorSpec(i.code, i.unit, i.plausible_min, i.plausible_max) for i in indicators
        ),
    )


def gwp_sort_unit(codes: list[str] | tuple[str, ...], *, session: Session) -> str | None:
    """Return the one declared unit GWP can be sorted in for the chosen categories, else None.

    GWP is per declared unit (t, m², m³): values in different units cannot be ranked against
    each other, so sorting by GWP needs exactly one category whose products share one unit.
    """
    if len(codes) != 1:
        return None
    category = session.exec(select(Category).where(Category.code == codes[0])).first()
    if category is None or len(category.allowed_units) != 1:
        return None
    return category.declared_unit
