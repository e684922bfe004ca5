"""Use cases of certification applications: apply, submit, review, decide."""

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.notifications import notify_organisation
from catalog.models import Product
from catalog.services import own_product
from certification.assessment import (
    application_criteria,
    assess_application,
    declared_values,
    missing_for_application,
)
from certification.certificate_lifecycle import check_follow_up
from certification.certificates import holder_certificate
from certification.criteria_store import active_criteria
from certification.models import (
    Application,
    ApplicationKind,
    ApplicationState,
    PrerequisiteJudgement,
    ReviewedValue,
)
from certification.rules import assessment_to_dict
from certification.workflow import FINAL_STATES, apply_transition
from greenbm.errors import Conflict, Invalid, NotAllowed, NotFound
from greenbm.models_base import utcnow

S = ApplicationState


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


def certification_bodies(session: Session) -> list[Organisation]:
    """Return the certification bodies a manufacturer can choose from."""
    query = select(Organisation).where(Organisation.kind == OrganisationKind.CERTIFICATION_BODY)
    return list(session.exec(query.order_by(Organisation.name_zh)).all())


def _own_application(session: Session, actor: User, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound()
    if actor.role == Role.MANUFACTURER and application.manufacturer_id == actor.organisation_id:
        return application
    if actor.role == Role.REVIEWER and application.body_id == actor.organisation_id:
        # Never review one's own organisation's product.
        if application.manufacturer_id == actor.organisation_id:
            raise NotFound()
        return application
    raise NotFound()


def get_application(*, session: Session, actor: User, application_id: int) -> Application:
    """Return an application the actor may see (its manufacturer or its body's reviewers)."""
    return _own_application(session, actor, application_id)


def open_application(session: Session, product_id: int) -> Application | None:
    """Return the product's application that is not decided yet, if there is one."""
    return session.exec(
        select(Application).where(
            Application.product_id == product_id, Application.state.not_in(list(FINAL_STATES))
        )
    ).first()


def create_application(
    *,
    session: Session,
    actor: User,
    product_id: int,
    body_id: int,
    kind: str = ApplicationKind.INITIAL,
    certificate_id: int | None = None,
    change_description: str = "",
) -> Application:
    """Open a draft application for the actor's product with a certification body."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    if kind != ApplicationKind.INITIAL:
        # Renewal and change continue a certificate the actor holds, for the same product.
        certificate = holder_certificate(session, actor, certificate_id or 0)
        if certificate.product_id != product.id:
            raise NotFound()
        check_follow_up(certificate, kind, date.today())
    body = session.get(Organisation, body_id)
    if body is None or body.kind != OrganisationKind.CERTIFICATION_BODY:
        raise Invalid({"body_id": [_("Choose a certification body.")]})
    if open_application(session, product.id):
        raise Invalid({"product_id": [_("This product already has an open application.")]})
    application = Application(
        kind=kind,
        product_id=product.id,
        manufacturer_id=product.manufacturer_id,
        body_id=body.id,
        certificate_id=certificate_id,
        change_description=change_description,
    )
    session.add(application)
    session.flush()
    return application


def _check_lock(application: Application, lock_version: int | None) -> None:
    if lock_version is not None and lock_version != application.lock_version:
        raise Conflict()


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # a concurrent decision got there first
        raise Conflict() from exc


def _link(application: Application) -> str:
    return f"/applications/{application.id}"


def submit_application(
    *,
    session: Session,
    actor: User,
    application_id: int,
    lock_version: int | None = None,
    today: date | None = None,
) -> Application:
    """Submit a complete draft to its body; list what is missing otherwise."""
    application = _own_application(session, actor, application_id)
    _check_lock(application, lock_version)
    if actor.role != Role.MANUFACTURER:
        raise NotAllowed()
    product = session.get(Product, application.product_id)
    missing = missing_for_application(session, product, today=today)
    if missing:
        raise Invalid({"completeness": missing})
    row, _criteria = active_criteria(session, product.category_id)
    application.criteria_version_id = row.id
    apply_transition(session, application, S.SUBMITTED, actor=actor)
    notify_organisation(
        session,
        application.body_id,
        _("New application %(id)d: %(product)s", id=application.id, product=product.name_zh),
        _link(application),
    )
    _flush(session)
    return application


def start_review(
    *, session: Session, actor: User, application_id: int, lock_version: int | None = None
) -> Application:
    """Take a submitted or resubmitted application under review."""
    application = _own_application(session, actor, application_id)
    _check_lock(application, lock_version)
    apply_transition(session, application, S.UNDER_REVIEW, actor=actor)
    _notify_manufacturer(
        session, application, _("Your application %(id)d is under review.", id=application.id)
    )
    _flush(session)
    return application


def _notify_manufacturer(session: Session, application: Application, message: str) -> None:
    notify_organisation(session, application.manufacturer_id, message, _link(application))


def request_information(
    *,
    session: Session,
    actor: User,
    application_id: int,
    question: str,
    lock_version: int | None = None,
) -> Application:
    """Ask the manufacturer for more information."""
    application = _own_application(session, actor, application_id)
    _check_lock(application, lock_version)
    if not question.strip():
        raise Invalid({"reason": [_("Write the question for the manufacturer.")]})
    apply_transition(session, application, S.INFORMATION_REQUESTED, actor=actor, reason=question)
    _notify_manufacturer(
        session,
        application,
        _("The reviewer asks about application %(id)d: %(q)s", id=application.id, q=question),
    )
    _flush(session)
    return application


def resubmit_application(
    *,
    session: Session,
    actor: User,
    application_id: int,
    answer: str,
    lock_version: int | None = None,
) -> Application:
    """Answer the reviewer's question and send the application back."""
    application = _own_application(session, actor, application_id)
    _check_lock(application, lock_version)
    if actor.role != Role.MANUFACTURER:
        raise NotAllowed()
    if not answer.strip():
        raise Invalid({"reason": [_("Write your answer to the reviewer.")]})
    apply_transition(session, application, S.RESUBMITTED, actor=actor, reason=answer)
    notify_organisation(
        session,
        application.body_id,
        _("Application %(id)d was resubmitted.", id=application.id),
        _link(application),
    )
    _flush(session)
    return application


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
    application = _own_application(session, actor, application_id)
    _check_lock(application, lock_version)
    if actor.role != Role.REVIEWER or application.state != S.UNDER_REVIEW:
        raise NotAllowed()
    product = session.get(Product, application.product_id)
    criteria = application_criteria(session, application)
    declared = declared_values(session, product)
    indicator_codes = {i.code for i in criteria.indicators}
    prereq_codes = {p.code for p in criteria.prerequisites}
    errors: dict[str, list[str]] = {}
    for code, correction in corrections.items():
        if code not in indicator_codes:
            errors[f"value_{code}"] = [_("Unknown indicator.")]
        elif declared.get(code) != correction.value and not correction.reason.strip():
            errors[f"reason_{code}"] = [_("Give a reason for every corrected value.")]
    for code, judgement in judgements.items():
        if code not in prereq_codes:
            errors[f"prereq_{code}"] = [_("Unknown prerequisite.")]
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
    _flush(session)
    return application


def decide_application(
    *,
    session: Session,
    actor: User,
    application_id: int,
    approve: bool,
    reason: str = "",
    lock_version: int | None = None,
    today: date | None = None,
    issue=None,
) -> Application:
    """Approve (issuing the certificate through `issue`) or reject an application under review.

    `issue(session, application, assessment, actor)` is passed in by the caller so that this
    module does not depend on how certificates are made.
    """
    application = _own_application(session, actor, application_id)
    _check_lock(application, lock_version)
    assessment = assess_application(session, application, today=today)
    if approve and assessment.stars < 1:
        raise Invalid(
            {"decision": [_("The assessment gives no star: the application can only be rejected.")]}
        )
    application.assessment = json.dumps(assessment_to_dict(assessment), ensure_ascii=False)
    application.decision_reason = reason.strip()
    target = S.APPROVED if approve else S.REJECTED
    apply_transition(session, application, target, actor=actor, reason=reason)
    _flush(session)
    if approve:
        certificate = issue(session, application, assessment, actor)
        application.certificate_id = certificate.id
        _flush(session)
        message = _(
            "Application %(id)d approved: certificate %(number)s, %(stars)d star(s).",
            id=application.id,
            number=certificate.number,
            stars=assessment.stars,
        )
    else:
        message = _("Application %(id)d was rejected: %(reason)s", id=application.id, reason=reason)
    _notify_manufacturer(session, application, message)
    _flush(session)
    return application
