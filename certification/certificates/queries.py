"""Finding certificates: by number, of a body, of a holder; their live status and history."""

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Role, User
from catalog import certificate_status as status_rule
from certification.models import Certificate, CertificateEvent, CertificateStatus
from greenbm.errors import NotFound
from greenbm.forms_util import Page, paginate

St = CertificateStatus


def get_certificate(number: str, *, session: Session) -> Certificate:
    """Return the certificate with this number, or raise NotFound."""
    certificate = session.exec(
        select(Certificate).where(Certificate.number == (number or "").strip().upper())
    ).first()
    if certificate is None:
        raise NotFound()
    return certificate


def body_certificate(actor: User, certificate_id: int, *, session: Session) -> Certificate:
    """Return a certificate issued by the actor's body, for its reviewers; else raise NotFound."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound()
    if actor.role != Role.REVIEWER or certificate.body_id != actor.organisation_id:
        raise NotFound()
    return certificate


def holder_certificate(actor: User, certificate_id: int, *, session: Session) -> Certificate:
    """Return a certificate held by the actor's manufacturer, or raise NotFound."""
    certificate = session.get(Certificate, certificate_id)
    if (
        certificate is None
        or actor.role != Role.MANUFACTURER
        or certificate.holder_id != actor.organisation_id
    ):
        raise NotFound()
    return certificate


def live_status(certificate: Certificate, today: date | None = None) -> str:
    """Return the certificate's status as of today (the rule: catalog.certificate_status)."""
    return status_rule.live_status(
        certificate.status, certificate.valid_until, today or date.today()
    )


def _live_status_is(status: str, today: date):
    return status_rule.live_status_is_sql(
        Certificate.status, Certificate.valid_until, status, today
    )


def _certificate_page(
    where: list, order: list, page: int, per_page: int, *, session: Session
) -> Page:
    count = select(func.count()).select_from(Certificate).where(*where)
    return paginate(
        select(Certificate).where(*where).order_by(*order), count, page, per_page, session=session
    )


def body_certificates(
    actor: User, *, session: Session, status: str | None, today: date, page: int, per_page: int
) -> Page:
    """Return a page of the certificates of the actor's body, newest first, by live status."""
    where = [Certificate.body_id == actor.organisation_id]
    if status:
        where.append(_live_status_is(status, today))
    order = [Certificate.issued_on.desc(), Certificate.id.desc()]
    return _certificate_page(where, order, page, per_page, session=session)


def held_certificates(actor: User, *, session: Session, page: int, per_page: int) -> Page:
    """Return a page of the certificates the actor's manufacturer holds, soonest expiry first."""
    where = [Certificate.holder_id == actor.organisation_id]
    order = [Certificate.valid_until, Certificate.id]
    return _certificate_page(where, order, page, per_page, session=session)


def certificate_events(certificate_id: int, *, session: Session) -> list[CertificateEvent]:
    """Return the certificate's public history, oldest first."""
    query = select(CertificateEvent).where(CertificateEvent.certificate_id == certificate_id)
    return list(session.exec(query.order_by(CertificateEvent.id)).all())
