"""What changes between two criteria versions: thresholds, indicators, prerequisites, fields."""

from dataclasses import dataclass, field, fields
from typing import Any

from certification.criteria.model import Criteria, IndicatorCriterion, PrerequisiteCriterion

TOP_FIELDS = ("title_zh", "title_en", "basis", "variant_attribute")


@dataclass(frozen=True)
class ThresholdChange:
    """One indicator's thresholds for one variant, before and after (None: not there)."""

    indicator: IndicatorCriterion
    variant: str
    old: tuple[float, float, float] | None
    new: tuple[float, float, float] | None

    @property
    def levels(self) -> list[tuple[int, float | None, float | None, bool]]:
        """Return (stars, old, new, changed) for one, two and three stars."""
        return [
            (
                stars,
                self.old[stars - 1] if self.old else None,
                self.new[stars - 1] if self.new else None,
                (self.old[stars - 1] if self.old else None)
                != (self.new[stars - 1] if self.new else None),
            )
            for stars in (1, 2, 3)
        ]


@dataclass(frozen=True)
class FieldChange:
    """A field whose value differs: where it is, before and after."""

    where: str
    name: str
    old: Any
    new: Any


@dataclass
class CriteriaDiff:
    """The differences of a new criteria version against the one in force (None: no version)."""

    thresholds: list[ThresholdChange] = field(default_factory=list)
    indicators_added: list[IndicatorCriterion] = field(default_factory=list)
    indicators_removed: list[IndicatorCriterion] = field(default_factory=list)
    prerequisites_added: list[PrerequisiteCriterion] = field(default_factory=list)
    prerequisites_removed: list[PrerequisiteCriterion] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return whether nothing but the version number differs."""
        return not any(
            (
                self.thresholds,
                self.indicators_added,
                self.indicators_removed,
                self.prerequisites_added,
                self.prerequisites_removed,
                self.fields,
            )
        )


def _field_changes(where: str, old: Any, new: Any, skip: tuple[str, ...]) -> list[FieldChange]:
    return [
        FieldChange(where, f.name, getattr(old, f.name), getattr(new, f.name))
        for f in fields(old)
        if f.name not in skip and getattr(old, f.name) != getattr(new, f.name)
    ]


def _threshold_changes(old: IndicatorCriterion, new: IndicatorCriterion) -> list[ThresholdChange]:
    variants = [*old.thresholds, *(v for v in new.thresholds if v not in old.thresholds)]
    return [
        ThresholdChange(new, v, old.thresholds.get(v), new.thresholds.get(v))
        for v in variants
        if old.thresholds.get(v) != new.thresholds.get(v)
    ]


def diff_criteria(old: Criteria | None, new: Criteria) -> CriteriaDiff:
    """Return what `new` changes against `old`; with no old version everything is added."""
    result = CriteriaDiff()
    if old is None:
        result.indicators_added = list(new.indicators)
        result.prerequisites_added = list(new.prerequisites)
        return result
    result.fields = [
        FieldChange("criteria", name, getattr(old, name), getattr(new, name))
        for name in TOP_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]
    old_ind = {i.code: i for i in old.indicators}
    new_ind = {i.code: i for i in new.indicators}
    result.indicators_added = [i for code, i in new_ind.items() if code not in old_ind]
    result.indicators_removed = [i for code, i in old_ind.items() if code not in new_ind]
    for code, ind in new_ind.items():
        if code in old_ind:
            result.thresholds += _threshold_changes(old_ind[code], ind)
            result.fields += _field_changes(
                f"indicator {code}", old_ind[code], ind, ("thresholds",)
            )
    old_pre = {p.code: p for p in old.prerequisites}
    new_pre = {p.code: p for p in new.prerequisites}
    result.prerequisites_added = [p for code, p in new_pre.items() if code not in old_pre]
    result.prerequisites_removed = [p for code, p in old_pre.items() if code not in new_pre]
    for code, pre in new_pre.items():
        if code in old_pre:
            result.fields += _field_changes(f"prerequisite {code}", old_pre[code], pre, ())
    return result
