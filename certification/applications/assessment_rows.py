"""An assessment in words for people: indicator, prerequisite and next-star rows."""

from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import gettext as _

from catalog.units import format_unit
from certification.criteria.model import Criteria
from certification.criteria.rules import EVIDENCE_MISSING, EVIDENCE_TOO_OLD, NOT_JUDGED
from certification.models import PrerequisiteJudgement, ReviewedValue
from greenbm.i18n import localized


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of an assessment, with the reviewer's correction if there is one."""

    code: str
    name: str
    group: str
    unit: str
    direction: str
    value: float | None
    level: int | None
    thresholds: list[float]
    declared: float | None
    correction_reason: str

    @property
    def corrected(self) -> bool:
        """Return whether the reviewer changed the declared value."""
        return self.correction_reason != "" or (
            self.declared is not None and self.value is not None and self.declared != self.value
        )


@dataclass(frozen=True)
class PrerequisiteRow:
    """One prerequisite of an assessment: met or not, and why, in words for people."""

    code: str
    name: str
    passed: bool
    note: str
    judged: bool = True  # False: waiting for the reviewer, neither met nor failed yet


@dataclass(frozen=True)
class ShortfallRow:
    """How far one indicator is from the next star's threshold."""

    name: str
    value: float | None
    needed: float
    gap: float | None
    unit: str
    direction: str


class AssessmentRows(NamedTuple):
    """An assessment as the pages show it."""

    indicators: tuple[IndicatorRow, ...] = ()
    prerequisites: tuple[PrerequisiteRow, ...] = ()
    shortfalls: tuple[ShortfallRow, ...] = ()
    blocking: tuple[PrerequisiteRow, ...] = ()


def _limit_note(limits: tuple[str, ...], indicators: dict[str, IndicatorRow]) -> str:
    """Say, in the reader's language, which indicators miss their mandatory limit."""
    problems = []
    for code in limits:
        row = indicators.get(code)
        if row is None or row.level is None:
            continue  # not applicable to this product
        unit = format_unit(row.unit)
        limit = f"{row.thresholds[0]:g} {unit}"
        if row.value is None:
            problems.append(
                _("%(name)s: no value to compare with %(limit)s", name=row.name, limit=limit)
            )
        elif row.level == 0:
            problems.append(
                _(
                    "%(name)s: %(value)s misses the limit %(limit)s",
                    name=row.name,
                    value=f"{row.value:g} {unit}",
                    limit=limit,
                )
            )
    return "; ".join(problems) or _("Within the mandatory limit.")


def _prerequisite_note(
    prereq, row: dict, judgement, preview: bool, indicators: dict[str, IndicatorRow]
) -> str:
    passed = row["passed"]
    if row["reason"] == EVIDENCE_TOO_OLD:
        return _(
            "The document is older than %(n)d months: it cannot count, whatever the judgement.",
            n=prereq.max_age_months or 0,
        )
    if row["reason"] == EVIDENCE_MISSING:
        return _("The document is missing.")
    if judgement is not None:
        verdict = (
            _("Met, says the reviewer") if judgement.passed else _("Not met, says the reviewer")
        )
        return f"{verdict}: {judgement.reason}" if judgement.reason else verdict
    if prereq.check == "evidence":
        return (
            _("The document is attached.") if passed else _("The document is missing or too old.")
        )
    if prereq.check == "reviewer":
        if preview:
            return _("The reviewer judges this; the preview assumes it is met.")
        return _("Not judged yet.")
    if prereq.limit_indicators:
        return _limit_note(prereq.limit_indicators, indicators)
    # The one data check without limits: the GWP with its provenance (see assess_application).
    return _("Declared.") if passed else _("Not declared.")


def assessment_rows(
    assessment: dict,
    criteria: Criteria | None,
    *,
    declared: dict[str, float | None],
    reviewed: dict[str, ReviewedValue],
    judgements: dict[str, PrerequisiteJudgement],
    preview: bool,
) -> AssessmentRows:
    """Return the assessment's rows, named in the reader's language, with the reviewer's words."""
    names = {i.code: localized(i) for i in criteria.indicators} if criteria else {}
    prereqs = {p.code: p for p in criteria.prerequisites} if criteria else {}
    indicators = tuple(
        IndicatorRow(
            code=row["code"],
            name=names.get(row["code"], row["code"]),
            group=row["group"],
            unit=row["unit"],
            direction=row["direction"],
            value=row["value"],
            level=row["level"] if row["applicable"] else None,
            thresholds=row["thresholds"],
            declared=declared.get(row["code"]) if row["code"] in reviewed else None,
            correction_reason=getattr(reviewed.get(row["code"]), "reason", ""),
        )
        for row in assessment["indicators"]
    )
    by_code = {row.code: row for row in indicators}
    rows = []
    for row in assessment["prerequisites"]:
        prereq = prereqs.get(row["code"])
        note = (
            _prerequisite_note(prereq, row, judgements.get(row["code"]), preview, by_code)
            if prereq
            else ""
        )
        rows.append(
            PrerequisiteRow(
                row["code"],
                localized(prereq) if prereq else row["code"],
                row["passed"],
                note or row["reason"],
                judged=row["reason"] != NOT_JUDGED,
            )
        )
    prerequisites = tuple(rows)
    next_star = assessment["next_star"]
    if not next_star:
        return AssessmentRows(indicators, prerequisites)
    direction = {r["code"]: r["direction"] for r in assessment["indicators"]}
    shortfalls = tuple(
        ShortfallRow(
            names.get(s["code"], s["code"]),
            s["value"],
            s["needed"],
            s["gap"],
            s["unit"],
            direction[s["code"]],
        )
        for s in next_star["indicators"]
    )
    failed = {p["code"] for p in next_star["prerequisites"]}
    blocking = tuple(p for p in prerequisites if p.code in failed)
    return AssessmentRows(indicators, prerequisites, shortfalls, blocking)
