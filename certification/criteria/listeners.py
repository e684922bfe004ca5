"""Answers to catalogue signals: a product's indicator levels under the active criteria."""

from sqlmodel import Session

from catalog.models import Product
from catalog.signals import gwp_thresholds_requested, product_assessment_requested
from certification.criteria.assessment import declared_values
from certification.criteria.rules import AssessmentError, assess
from certification.criteria.store import shown_criteria


@product_assessment_requested.connect
def product_assessment(
    _sender,
    *,
    session: Session,
    product: Product,
    declared: dict[str, float] | None = None,
    **_extra,
) -> dict | None:
    """Return the levels the product's declared values reach under the active criteria.

    Prerequisites are taken as met: this shows where the data stands, not a certificate.
    `declared` spares a page that has read the values already a second read.
    """
    shown = shown_criteria(product.category_id, session=session)
    if shown is None:
        return None
    version, criteria = shown
    codes = {ind.code for ind in criteria.indicators}
    if declared is None:
        declared = declared_values(product, session=session)
    values = {k: v for k, v in declared.items() if k in codes}
    try:
        assessment = assess(
            criteria,
            variant=product.variant,
            values=values,
            prerequisites={
                p.code: None if p.limit_indicators else True for p in criteria.prerequisites
            },
            declared_unit=product.declared_unit,
        )
    except AssessmentError:
        return None
    return {
        "stars": assessment.stars,
        "criteria_version": version,
        "indicators": {
            r.code: {"level": r.level, "thresholds": list(r.thresholds), "unit": r.unit}
            for r in assessment.indicators
            if r.applicable
        },
    }


@gwp_thresholds_requested.connect
def gwp_thresholds(
    _sender, *, session: Session, category_id: int, variant: str | None, unit: str, **_extra
) -> dict | None:
    """Return the GWP indicator's star thresholds in force for a variant and declared unit."""
    shown = shown_criteria(category_id, session=session)
    if shown is None:
        return None  # no criteria
    version, criteria = shown
    try:
        indicator = criteria.indicator("gwp")
        thresholds = indicator.thresholds_for(variant)
    except (KeyError, ValueError):
        return None  # no GWP indicator, or no thresholds for this variant
    if not indicator.applies_to(unit):
        return None
    return {
        "criteria_version": version,
        "direction": indicator.direction,
        "thresholds": list(thresholds),
        "unit": indicator.unit,
    }
