"""A category's GWP spread per variant and declared unit: the one computation pages and API read."""

import math
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from catalog.categories import category_variants, gwp_reference
from catalog.models import Category, CategoryVariant
from catalog.peer_groups import peer_values
from catalog.signals import gwp_thresholds_requested
from catalog.stats import CONSERVATIVE_PERCENTILE, TARGET_PERCENTILE, Bin, histogram, percentile
from greenbm.errors import Invalid

DECILES = (10, 20, 30, 40, 50, 60, 70, 80, 90)
HISTOGRAM_BINS = 12


@dataclass(frozen=True)
class StarThresholds:
    """The GWP indicator's one-, two- and three-star thresholds under the criteria in force."""

    criteria_version: str
    direction: str
    thresholds: tuple[float, float, float]
    unit: str


@dataclass(frozen=True)
class CategoryStatistics:
    """GWP statistics of one category, variant and declared unit (None: no products counted)."""

    category: str
    variant: str | None
    unit: str
    include_all: bool
    count: int
    minimum: float | None
    maximum: float | None
    mean: float | None
    # Sample standard deviation (n − 1): the products are a sample of what the market makes.
    std: float | None
    percentiles: dict[int, float]
    reference: float | None
    reference_source: str
    thresholds: StarThresholds | None
    bins: tuple[Bin, ...]

    @property
    def target(self) -> float | None:
        """Return the 20th percentile, the "achievable target"."""
        return self.percentiles.get(int(TARGET_PERCENTILE))

    @property
    def conservative(self) -> float | None:
        """Return the 80th percentile, the "conservative estimate"."""
        return self.percentiles.get(int(CONSERVATIVE_PERCENTILE))


@dataclass(frozen=True)
class Group:
    """A variant and declared unit the statistics can be asked for."""

    variant: CategoryVariant | None
    unit: str


def statistics_groups(category: Category, *, session: Session) -> list[Group]:
    """Return every (variant, unit) group of a category, variants in display order."""
    variants = category_variants(session=session, category_id=category.id) or [None]
    return [Group(v, unit) for v in variants for unit in category.allowed_units]


def default_variant(category: Category, *, session: Session) -> str | None:
    """Return the variant shown when none is asked for: the category's first, if it has any."""
    first = statistics_groups(category, session=session)[0].variant
    return first.code if first is not None else None


def gwp_values(
    category: Category,
    variant: str | None,
    unit: str,
    include_all: bool,
    *,
    session: Session,
    today: date,
) -> list[float]:
    """Return the GWP of published products of the group, only validly certified unless all."""
    kept = peer_values(category, variant, unit, session=session)
    return kept.published() if include_all else kept.certified(today)


def _thresholds(
    category: Category, variant: str | None, unit: str, *, session: Session
) -> StarThresholds | None:
    for _receiver, answer in gwp_thresholds_requested.send(
        session=session, category_id=category.id, variant=variant, unit=unit
    ):
        if answer is not None:
            return StarThresholds(
                answer["criteria_version"],
                answer["direction"],
                tuple(answer["thresholds"]),
                answer["unit"],
            )
    return None


def statistics_group(
    category: Category, variant: str | None, unit: str, *, session: Session
) -> Group:
    """Return the group asked for, or raise Invalid naming the bad variant or unit."""
    groups = statistics_groups(category, session=session)
    if unit not in category.allowed_units:
        raise Invalid({"unit": [f"one of {', '.join(category.allowed_units)} is expected."]})
    codes = [g.variant.code for g in groups if g.variant is not None]
    if codes and variant not in codes:
        raise Invalid({"variant": [f"one of {', '.join(dict.fromkeys(codes))} is expected."]})
    if not codes and variant is not None:
        raise Invalid({"variant": [f"the category {category.code} has no variants."]})
    return next(
        g for g in groups if g.unit == unit and (g.variant is None or g.variant.code == variant)
    )


def category_statistics(
    category: Category,
    variant: str | None,
    unit: str,
    include_all: bool = False,
    *,
    session: Session,
    today: date | None = None,
) -> CategoryStatistics:
    """Return the GWP statistics of a category's variant and unit; Invalid for a bad one."""
    group = statistics_group(category, variant, unit, session=session)
    values = gwp_values(
        category, variant, unit, include_all, session=session, today=today or date.today()
    )
    reference, source = gwp_reference(category, group.variant, unit)
    count = len(values)
    mean = math.fsum(values) / count if count else None
    std = None
    if count > 1:
        std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (count - 1))
    return CategoryStatistics(
        category=category.code,
        variant=variant,
        unit=unit,
        include_all=include_all,
        count=count,
        minimum=min(values) if values else None,
        maximum=max(values) if values else None,
        mean=mean,
        std=std,
        percentiles={p: percentile(values, p) for p in DECILES} if values else {},
        reference=reference,
        reference_source=source,
        thresholds=_thresholds(category, variant, unit, session=session),
        bins=tuple(histogram(values, HISTOGRAM_BINS)) if values else (),
    )
