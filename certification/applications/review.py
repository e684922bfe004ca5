"""Use cases of the reviewer: take an application under review, ask, record the review, decide."""

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.models import Role, User
from catalog.models import Product
from certification.applications.assessment import application_criteria, assess_application
from certification.applications.services import (
    flush_or_conflict,
    get_application,
    notify_manufacturer,
)
from certification.certificates.issue import issue_certificate
from certification.criteria.assessment import declared_values, evidence_checks
from certification.criteria.model import Criteria
from certification.criteria.rules import NOT_JUDGED, Assessment, assessment_to_dict
from certification.models import (
    Application,
    ApplicationState,
    PrerequisiteJudgement,
    ReviewedValue,
)
from certification.states import APPLICATIONS, apply_move
from greenbm.errors import Invalid, NotAllowed
from greenbm.i18n import localized
from greenbm.models_base import utcnow

S = ApplicationState


def start_review(
    *, session: Session, actor: User, application_id: int, lock_version: int | None = None
) -> Application:
    """Take a submitted or resubmitted application under review."""
    application = get_application(
        session=session, actor=actor, application_id=application_id, lock_version=lock_version
    )
    apply_move(APPLICATIONS, application, "start_review", actor=actor, session=session)
    notify_manufacturer(application, "application.under_review", session=session)
    flush_or_conflict(session=session)
    return application


def request_information(
    *,
    session: Session,
    actor: User,
    application_id: int,
    question: str,
    lock_version: int | None = None,
) -> Application:
    """Ask the manufacturer for more information."""
    application = get_application(
        session=session, actor=actor, application_id=application_id, lock_version=lock_version
    )
    if not question.strip():
        raise Invalid({"reason": [_("Write the question for the manufacturer.")]})
    apply_move(
        APPLICATIONS,
        application,
        "request_information",
        actor=actor,
        reason=question,
        session=session,
    )
    notify_manufacturer(application, "application.question", q=question, session=session)
    flush_or_conflict(session=session)
    return application


@dataclass(frozen=True)
class Correction:
    """A reviewer's confirmed value for one indicator, with the reason if it differs."""

    value: float
    reason: str = ""


@dataclass(frozen=True)
class Judgement:
    """A reviewer's judgement of one prerequisite."""

    passed: bool
    reason: str = ""


def record_review(
    *,
    session: Session,
    actor: User,
    application_id: int,
    corrections: dict[str, Correction],
    judgements: dict[str, Judgement],
    lock_version: int | None = None,
) -> Application:
    """Store the reviewer's confirmed values and prerequisite judgements (under review only)."""
    application = get_application(
        session=session, actor=actor, application_id=application_id, lock_version=lock_version
    )
    if actor.role != Role.REVIEWER or application.state != S.UNDER_REVIEW:
        raise NotAllowed()
    product = session.get(Product, application.product_id)
    criteria = application_criteria(application, session=session)
    declared = declared_values(product, session=session)
    indicator_codes = {i.code for i in criteria.indicators}
    prereq_codes = {p.code for p in criteria.prerequisites}
    errors: dict[str, list[str]] = {}
    for code, correction in corrections.items():
        if code not in indicator_codes:
            errors[f"value_{code}"] = [_("Unknown indicator.")]
        elif declared.get(code) != correction.value and not correction.reason.strip():
            errors[f"reason_{code}"] = [_("Give a reason for every corrected value.")]
    evidence = evidence_checks(product, criteria, date.today(), session=session)
    for code, judgement in judgements.items():
        if code not in prereq_codes:
            errors[f"prereq_{code}"] = [_("Unknown prerequisite.")]
        elif judgement.passed and code in evidence and not evidence[code].ok:
            # The document's presence and date are facts; a reviewer may fail it, never pass it.
            errors[f"prereq_{code}"] = [
                evidence[code].message + " " + _("This is a fact, so it cannot be marked as met.")
            ]
        elif not judgement.passed and not judgement.reason.strip():
            errors[f"prereq_reason_{code}"] = [_("Say why the prerequisite is not met.")]
    if errors:
        raise Invalid(errors)
    for code, correction in corrections.items():
        row = session.exec(
            select(ReviewedValue).where(
                ReviewedValue.application_id == application.id, ReviewedValue.indicator_code == code
            )
        ).first() or ReviewedValue(
            application_id=application.id,
            indicator_code=code,
            confirmed_value=correction.value,
            reviewer_id=actor.id,
        )
        row.declared_value = declared.get(code)
        row.confirmed_value = correction.value
        row.reason = correction.reason.strip()
        row.reviewer_id = actor.id
        session.add(row)
    for code, judgement in judgements.items():
        row = session.exec(
            select(PrerequisiteJudgement).where(
                PrerequisiteJudgement.application_id == application.id,
                PrerequisiteJudgement.code == code,
            )
        ).first() or PrerequisiteJudgement(
            application_id=application.id, code=code, passed=judgement.passed, reviewer_id=actor.id
        )
        row.passed = judgement.passed
        row.reason = judgement.reason.strip()
        row.reviewer_id = actor.id
        session.add(row)
    # Touch the application so that a decision made on the data before this review conflicts.
    application.updated_at = utcnow()
    session.add(application)
    flush_or_conflict(session=session)
    return application


def approval_refusal(assessment: Assessment, criteria: Criteria) -> str:
    """Say to the reviewer why an assessment without a star cannot be approved: the real cause."""
    names = {p.code: localized(p) for p in criteria.prerequisites}
    unjudged = [names[p.code] for p in assessment.prerequisites if p.reason == NOT_JUDGED]
    if unjudged:
        return _(
            "Judge every prerequisite before approving; not judged yet: %(names)s.",
            names="; ".join(unjudged),
        )
    failed = [names[p.code] for p in assessment.prerequisites if not p.passed]
    if failed:
        return _(
            "A prerequisite is not met (%(names)s): the application can only be rejected.",
            names="; ".join(failed),
        )
    return _("The assessment gives no star: the application can only be rejected.")


def decide_application(
    *,
    session: Session,
    actor: User,
    application_id: int,
    approve: bool,
    reason: str = "",
    lock_version: int | None = None,
    today: date | None = None,
) -> Application:
    """Approve (issuing or reissuing its certificate) or reject an application under review."""
    application = get_application(
        session=session, actor=actor, application_id=application_id, lock_version=lock_version
    )
    assessment = assess_application(application, today=today, session=session)
    if approve and assessment.stars < 1:
        criteria = application_criteria(application, session=session)
        raise Invalid({"decision": [approval_refusal(assessment, criteria)]})
    application.assessment = json.dumps(assessment_to_dict(assessment), ensure_ascii=False)
    application.decision_reason = reason.strip()
    action = "approve" if approve else "reject"
    apply_move(APPLICATIONS, application, action, actor=actor, reason=reason, session=session)
    flush_or_conflict(session=session)
    if approve:
        certificate = issue_certificate(
            application, assessment, actor, today=today, session=session
        )
        application.certificate_id = certificate.id
        flush_or_conflict(session=session)
        notify_manufacturer(
            application,
            "application.approved",
            number=certificate.number,
            stars=assessment.stars,
            session=session,
        )
    else:
        notify_manufacturer(application, "application.rejected", reason=reason, session=session)
    flush_or_conflict(session=session)
    return application
