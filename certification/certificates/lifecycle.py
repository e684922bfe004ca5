"""A certificate after issue: suspension, revocation, surveillance, expiry and renewal."""

from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.models import Role, User
from accounts.notifications import notify_organisation
from certification.certificates.issue import summarise
from certification.certificates.queries import body_certificate, live_status
from certification.labels import result_label, status_label
from certification.models import (
    ApplicationKind,
    Certificate,
    CertificateStatus,
    SurveillanceRecord,
    SurveillanceResult,
)
from certification.notices import status_argument
from certification.states import CERTIFICATES, apply_move
from greenbm.errors import Invalid, NotAllowed

SURVEILLANCE_INTERVAL_MONTHS = 12  # [official] at most 12 months between visits
RENEWAL_WINDOW_DAYS = 90  # [official] renewal is applied for within 90 days before expiry
# [project, after general certification practice: domain.md] an unresolved suspension is
# revoked once this period has passed (the demo history follows it).
SUSPENSION_MONTHS = 6
St = CertificateStatus


_UNDER_SURVEILLANCE = (St.VALID, St.SUSPENDED)
# The moves a reviewer makes through the status form (see certification.states).
STATUS_ACTIONS = ("suspend", "reinstate", "revoke")


def status_actions(status: str) -> tuple[str, ...]:
    """Return the actions (suspend, reinstate, revoke) a reviewer may take from the status."""
    return tuple(a for a in STATUS_ACTIONS if CERTIFICATES.allows(status, a, Role.REVIEWER))


def change_status(
    *, session: Session, actor: User, certificate_id: int, action: str, reason: str
) -> Certificate:
    """Suspend, reinstate or revoke a certificate of the actor's body, with a reason."""
    certificate = body_certificate(actor, certificate_id, session=session)
    if action not in STATUS_ACTIONS:
        raise NotAllowed()
    if action not in status_actions(certificate.status):
        raise Invalid(
            {
                "action": [
                    _(
                        "Not possible while the certificate is %(status)s.",
                        status=status_label(certificate.status),
                    )
                ]
            }
        )
    if not reason.strip():
        raise Invalid({"reason": [_("Give the reason.")]})
    _set_status(certificate, action, actor, reason.strip(), session=session)
    return certificate


def _set_status(
    certificate: Certificate, action: str, actor: User | None, reason: str, *, session: Session
) -> None:
    """Take the action, copy the new status to the catalogue and tell the holder."""
    apply_move(CERTIFICATES, certificate, action, actor=actor, reason=reason, session=session)
    summarise(certificate, session=session)
    notify_organisation(
        certificate.holder_id,
        "certificate.status",
        {
            "number": certificate.number,
            "status": status_argument(certificate.status),
            "reason": reason,
        },
        endpoint="certification.verify_certificate",
        endpoint_args={"number": certificate.number},
        session=session,
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
    certificate = body_certificate(actor, certificate_id, session=session)
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
            certificate,
            "suspend",
            actor,
            _(
                "Surveillance %(result)s: %(notes)s",
                result=result_label(result),
                notes=notes.strip(),
            ),
            session=session,
        )
    session.flush()
    return record


def expire_certificates(*, session: Session, today: date | None = None) -> list[Certificate]:
    """Expire every valid or suspended certificate past its date (running it twice is harmless)."""
    today = today or date.today()
    due = session.exec(
        select(Certificate).where(
            Certificate.valid_until < today,
            Certificate.status.in_(sorted(CERTIFICATES.move("expire").sources)),
        )
    ).all()
    for certificate in due:
        _set_status(
            certificate,
            "expire",
            None,
            _("Expired on %(date)s", date=certificate.valid_until.isoformat()),
            session=session,
        )
    return list(due)


def renewal_open(certificate: Certificate, today: date) -> bool:
    """Return whether renewal can be applied for: valid, and within 90 days before expiry."""
    days_left = (certificate.valid_until - today).days
    return certificate.status == St.VALID and 0 <= days_left <= RENEWAL_WINDOW_DAYS


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


def surveillance_overdue(certificate: Certificate, today: date) -> bool:
    """Return whether a certificate still under surveillance is past its next visit's date."""
    due = certificate.next_surveillance_due
    return (
        due is not None and due < today and live_status(certificate, today) in _UNDER_SURVEILLANCE
    )


def surveillance_records(certificate_id: int, *, session: Session) -> list[SurveillanceRecord]:
    """Return the certificate's surveillance visits, latest first."""
    return list(
        session.exec(
            select(SurveillanceRecord)
            .where(SurveillanceRecord.certificate_id == certificate_id)
            .order_by(SurveillanceRecord.visited_on.desc(), SurveillanceRecord.id.desc())
        ).all()
    )
