"""Versioned certification criteria: prerequisites and graded indicators, and their dict form."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

CHECKS = ("data", "evidence", "reviewer")
# The evidence kinds a prerequisite may ask for (a subset of catalog.models.EvidenceKind).
EVIDENCE_KINDS = ("type_test_report", "emission_monitoring", "management_system", "epd")
GROUPS = ("resource", "energy", "environment", "quality")
DIRECTIONS = ("at_most", "at_least")
SOURCES = ("official", "project")
DEFAULT_VARIANT = "default"

Thresholds = tuple[float, float, float]


class CriteriaError(ValueError):
    """A criteria file or dict that does not follow the format; the message names the field."""


@dataclass(frozen=True)
class PrerequisiteCriterion:
    """A basic requirement that must hold for any star."""

    code: str
    name_zh: str
    name_en: str
    check: str
    evidence_kind: str | None = None
    max_age_months: int | None = None
    # For a data check: the indicators whose one-star threshold is the mandatory limit.
    limit_indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorCriterion:
    """A graded indicator with its one-, two- and three-star thresholds per variant."""

    code: str
    group: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    weight: float
    source: str
    thresholds: Mapping[str, Thresholds]
    standard: str | None = None
    declared_units: tuple[str, ...] = ()

    @property
    def by_variant(self) -> bool:
        """Return whether the thresholds depend on the variant."""
        return DEFAULT_VARIANT not in self.thresholds

    def thresholds_for(self, variant: str | None) -> Thresholds:
        """Return the one-, two- and three-star thresholds that apply to the variant."""
        if not self.by_variant:
            return self.thresholds[DEFAULT_VARIANT]
        if variant not in self.thresholds:
            raise ValueError(
                f"variant: {variant!r} is not one of {', '.join(self.thresholds)} "
                f"(indicator {self.code})"
            )
        return self.thresholds[variant]

    def applies_to(self, declared_unit: str | None) -> bool:
        """Return whether the indicator applies to a product declared in that unit."""
        return (
            not self.declared_units
            or declared_unit is None
            or (declared_unit in self.declared_units)
        )


@dataclass(frozen=True)
class Criteria:
    """One version of a category's criteria: prerequisites and graded indicators."""

    category: str
    version: str
    title_zh: str
    title_en: str
    basis: str
    prerequisites: tuple[PrerequisiteCriterion, ...]
    indicators: tuple[IndicatorCriterion, ...]
    variant_attribute: str | None = None
    variants: tuple[str, ...] = ()

    def indicator(self, code: str) -> IndicatorCriterion:
        """Return the indicator with that code."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


def _plain(item: PrerequisiteCriterion | IndicatorCriterion) -> dict[str, Any]:
    """Return a criterion's fields as JSON-safe values, leaving out empty optional ones."""
    out: dict[str, Any] = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if value is None or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = {key: list(triple) for key, triple in value.items()}
        out[f.name] = value
    return out


def criteria_to_dict(criteria: Criteria) -> dict[str, Any]:
    """Return the JSON-safe dict form of the criteria (the TOML layout, without empty fields)."""
    top: dict[str, Any] = {
        "category": criteria.category,
        "version": criteria.version,
        "title_zh": criteria.title_zh,
        "title_en": criteria.title_en,
        "basis": criteria.basis,
    }
    if criteria.variant_attribute is not None:
        top["variant_attribute"] = criteria.variant_attribute
    top["prerequisite"] = [_plain(p) for p in criteria.prerequisites]
    top["indicator"] = [_plain(i) for i in criteria.indicators]
    return top
