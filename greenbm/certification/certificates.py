"""Use cases of certificates: numbering, issue, surveillance, suspension, revocation, expiry."""

import json
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from greenbm.accounts.models import Organisation, Role, User
from greenbm.accounts.notifications import notify_organisation
from greenbm.catalog.models import Category, Plant, Product
from greenbm.catalog.services import set_certification_summary
from greenbm.certification.criteria_store import criteria_of_version
from greenbm.certification.models import (
    Application,
    ApplicationKind,
    Certificate,
    CertificateEvent,
    CertificateSequence,
    CertificateStatus,
    SurveillanceRecord,
    SurveillanceResult,
)
from greenbm.certification.rules import Assessment
from greenbm.errors import Invalid, NotAllowed, NotFound
from greenbm.models_base import utcnow

VALIDITY_YEARS = 5  # [official] certificates are valid for 5 years
FIRST_SURVEILLANCE_MONTHS = 6  # [official] the first may come about 6 months after issue
SURVEILLANCE_INTERVAL_MONTHS = 12  # [official] at most 12 months between visits
RENEWAL_WINDOW_DAYS = 90  # [official] renewal is applied for within 90 days before expiry
CERTIFICATION_MODE = "文件审核 + 初始工厂检查 + 产品抽样检测 + 获证后监督"
St = CertificateStatus


def _category_token(code: str) -> str:
    # "ceramic-tile" -> "CERAMICTILE" would be long; the first three letters of each part.
    return "".join(part[:3] for part in code.split("-")).upper()


def next_certificate_number(
    session: Session, body: Organisation, category_code: str, year: int
) -> str:
    """Return the next number `<prefix>-<year>-<CATEGORY>-<six digits>` for the body.

    The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers),
    so concurrent issues never share a number; the unique index on the number is the backstop.
    """
    query = select(CertificateSequence).where(
        CertificateSequence.body_id == body.id,
        CertificateSequence.year == year,
        CertificateSequence.category_code == category_code,
    )
    sequence = session.exec(query.with_for_update()).first()
    if sequence is None:
        try:
            with session.begin_nested():
                session.add(
                    CertificateSequence(body_id=body.id, year=year, category_code=category_code)
                )
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        sequence = session.exec(query.with_for_update()).one()
    sequence.last_serial += 1
    session.flush()
    prefix = body.cert_number_prefix or "GBM"
    return f"{prefix}-{year}-{_category_token(category_code)}-{sequence.last_serial:06d}"


def certificate_snapshot(
    session: Session,
    product: Product,
    body: Organisation,
    criteria_version_id: int,
    assessment: Assessment,
) -> dict:
    """Return everything the certificate prints, as plain JSON-safe values."""
    holder = session.get(Organisation, product.manufacturer_id)
    plant = session.get(Plant, product.plant_id)
    category = session.get(Category, product.category_id)
    criteria = criteria_of_version(session, criteria_version_id)
    return {
        "holder_name_zh": holder.name_zh,
        "holder_name_en": holder.name_en or "",
        "holder_address": holder.address,
        "holder_credit_code": holder.credit_code,
        "manufacturer_name_zh": holder.name_zh,
        "manufacturer_address": holder.address,
        "factory_name": plant.name,
        "factory_address": plant.address,
        "product_name_zh": product.name_zh,
        "product_name_en": product.name_en,
        "series": product.series,
        "model_spec": product.model_spec,
        "category_code": category.code,
        "category_name_zh": category.name_zh,
        "category_name_en": category.name_en,
        "standard": f"{criteria.title_zh} ({criteria.version})",
        "certification_mode": CERTIFICATION_MODE,
        "gwp_a1a3": product.gwp_a1a3,
        "declared_unit": product.declared_unit,
        "gwp_provenance": product.gwp_provenance,
        "body_name_zh": body.name_zh,
        "body_name_en": body.name_en or "",
        "score": assessment.score,
    }


def _event(
    session: Session,
    certificate: Certificate,
    to_status: str,
    actor: User | None,
    reason: str,
    from_status: str | None,
) -> None:
    session.add(
        CertificateEvent(
            certificate_id=certificate.id,
            actor_id=actor.id if actor else None,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
    )


def _summarise(session: Session, certificate: Certificate) -> None:
    set_certification_summary(
        session,
        certificate.product_id,
        number=certificate.number,
        stars=certificate.stars,
        status=certificate.status,
        valid_until=certificate.valid_until,
    )


def issue_certificate(
    session: Session,
    application: Application,
    assessment: Assessment,
    actor: User,
    *,
    today: date | None = None,
) -> Certificate:
    """Issue (or, for renewal and change applications, reissue) the application's certificate."""
    today = today or date.today()
    product = session.get(Product, application.product_id)
    body = session.get(Organisation, application.body_id)
    snapshot = certificate_snapshot(
        session, product, body, application.criteria_version_id, assessment
    )
    if application.kind != ApplicationKind.INITIAL and application.certificate_id:
        return _reissue(session, application, assessment, actor, snapshot, today)
    category = session.get(Category, product.category_id)
    certificate = Certificate(
        number=next_certificate_number(session, body, category.code, today.year),
        product_id=product.id,
        holder_id=product.manufacturer_id,
        body_id=body.id,
        category_id=category.id,
        criteria_version_id=application.criteria_version_id,
        application_id=application.id,
        stars=assessment.stars,
        issued_on=today,
        valid_until=today + relativedelta(years=VALIDITY_YEARS, days=-1),
        next_surveillance_due=today + relativedelta(months=FIRST_SURVEILLANCE_MONTHS),
        snapshot=json.dumps(snapshot, ensure_ascii=False),
    )
    session.add(certificate)
    session.flush()
    _event(session, certificate, St.VALID, actor, _("Issued"), None)
    _summarise(session, certificate)
    session.flush()
    return certificate


def _reissue(session, application, assessment, actor, snapshot, today) -> Certificate:
    certificate = session.get(Certificate, application.certificate_id)
    certificate.stars = assessment.stars
    certificate.criteria_version_id = application.criteria_version_id
    certificate.snapshot = json.dumps(snapshot, ensure_ascii=False)
    certificate.updated_at = utcnow()
    if application.kind == ApplicationKind.RENEWAL:
        # Renewal continues the same number with a new five-year term from the old expiry.
        certificate.valid_until = certificate.valid_until + relativedelta(years=VALIDITY_YEARS)
        reason = _("Renewed until %(date)s", date=certificate.valid_until.isoformat())
    else:
        # [official] a change keeps the number and the validity and records the change date.
        certificate.change_date = today
        reason = _("Changed: %(what)s", what=application.change_description)
    previous = certificate.status
    certificate.status = St.VALID
    _event(session, certificate, St.VALID, actor, reason, previous)
    _summarise(session, certificate)
    session.flush()
    return certificate


def get_certificate(session: Session, number: str) -> Certificate:
    """Return the certificate with this number, or raise NotFound."""
    certificate = session.exec(
        select(Certificate).where(Certificate.number == (number or "").strip().upper())
    ).first()
    if certificate is None:
        raise NotFound()
    return certificate


def _body_certificate(session: Session, actor: User, certificate_id: int) -> Certificate:
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound()
    if actor.role != Role.REVIEWER or certificate.body_id != actor.organisation_id:
        raise NotFound()
    return certificate


_MOVES = {
    "suspend": ({St.VALID}, St.SUSPENDED),
    "reinstate": ({St.SUSPENDED}, St.VALID),
    "revoke": ({St.VALID, St.SUSPENDED}, St.REVOKED),
}


def change_status(
    *, session: Session, actor: User, certificate_id: int, action: str, reason: str
) -> Certificate:
    """Suspend, reinstate or revoke a certificate of the actor's body, with a reason."""
    certificate = _body_certificate(session, actor, certificate_id)
    sources, target = _MOVES[action]
    if certificate.status not in sources:
        raise Invalid(
            {
                "action": [
                    _(
                        "Not possible while the certificate is %(status)s.",
                        status=certificate.status,
                    )
                ]
            }
        )
    if not reason.strip():
        raise Invalid({"reason": [_("Give the reason.")]})
    _set_status(session, certificate, target, actor, reason.strip())
    return certificate


def _set_status(
    session: Session, certificate: Certificate, target: str, actor: User | None, reason: str
) -> None:
    previous = certificate.status
    certificate.status = target
    certificate.updated_at = utcnow()
    _event(session, certificate, target, actor, reason, previous)
    _summarise(session, certificate)
    notify_organisation(
        session,
        certificate.holder_id,
        _(
            "Certificate %(number)s is now %(status)s: %(reason)s",
            number=certificate.number,
            status=target,
            reason=reason,
        ),
        f"/verify/{certificate.number}",
    )
    session.flush()


def record_surveillance(
    *,
    session: Session,
    actor: User,
    certificate_id: int,
    visited_on: date,
    result: str,
    notes: str = "",
    today: date | None = None,
) -> SurveillanceRecord:
    """Record a surveillance visit; a failed or refused one suspends the certificate."""
    today = today or date.today()
    certificate = _body_certificate(session, actor, certificate_id)
    errors = {}
    if result not in SurveillanceResult.__members__.values():
        errors["result"] = [_("Choose the result.")]
    if visited_on > today:
        errors["visited_on"] = [_("The visit date cannot be in the future.")]
    if visited_on < certificate.issued_on:
        errors["visited_on"] = [_("The visit cannot be before the certificate was issued.")]
    if certificate.status in (St.REVOKED, St.EXPIRED):
        errors["result"] = [_("The certificate is no longer under surveillance.")]
    if result != SurveillanceResult.PASSED and not notes.strip():
        errors["notes"] = [_("Describe what failed.")]
    if errors:
        raise Invalid(errors)
    record = SurveillanceRecord(
        certificate_id=certificate.id,
        visited_on=visited_on,
        result=result,
        notes=notes.strip(),
        reviewer_id=actor.id,
    )
    session.add(record)
    certificate.next_surveillance_due = visited_on + relativedelta(
        months=SURVEILLANCE_INTERVAL_MONTHS
    )
    if result != SurveillanceResult.PASSED and certificate.status == St.VALID:
        _set_status(
            session,
            certificate,
            St.SUSPENDED,
            actor,
            _("Surveillance %(result)s: %(notes)s", result=result, notes=notes.strip()),
        )
    session.flush()
    return record


def expire_certificates(session: Session, *, today: date | None = None) -> list[Certificate]:
    """Expire every valid or suspended certificate past its date (running it twice is harmless)."""
    today = today or date.today()
    due = session.exec(
        select(Certificate).where(
            Certificate.valid_until < today,
            Certificate.status.in_([St.VALID, St.SUSPENDED]),
        )
    ).all()
    for certificate in due:
        _set_status(
            session,
            certificate,
            St.EXPIRED,
            None,
            _("Expired on %(date)s", date=certificate.valid_until.isoformat()),
        )
    return list(due)


def renewal_open(certificate: Certificate, today: date) -> bool:
    """Return whether renewal can be applied for: valid, and within 90 days before expiry."""
    days_left = (certificate.valid_until - today).days
    return certificate.status == St.VALID and 0 <= days_left <= RENEWAL_WINDOW_DAYS


def holder_certificate(session: Session, actor: User, certificate_id: int) -> Certificate:
    """Return a certificate held by the actor's manufacturer, or raise NotFound."""
    certificate = session.get(Certificate, certificate_id)
    if (
        certificate is None
        or actor.role != Role.MANUFACTURER
        or certificate.holder_id != actor.organisation_id
    ):
        raise NotFound()
    return certificate


def check_follow_up(certificate: Certificate, kind: str, today: date) -> None:
    """Raise Invalid unless a renewal or change application may be opened for the certificate."""
    if kind == ApplicationKind.RENEWAL and not renewal_open(certificate, today):
        raise Invalid(
            {"kind": [_("Renewal opens 90 days before expiry, for a valid certificate.")]}
        )
    if kind == ApplicationKind.CHANGE and certificate.status != St.VALID:
        raise Invalid({"kind": [_("Only a valid certificate can be changed.")]})
    if kind not in (ApplicationKind.RENEWAL, ApplicationKind.CHANGE):
        raise NotAllowed()
