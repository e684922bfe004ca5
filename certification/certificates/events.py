"""Certificate events as the outside world hears of them: kinds, filters, the JSON sent."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.models import Category
from certification.models import Certificate, CertificateEvent, CertificateStatus

St = CertificateStatus

# What a feed entry or a webhook calls each move of the certificate workflow.
KIND_OF_ACTION = {
    "issue": "issued",
    "suspend": "suspended",
    "reinstate": "reinstated",
    "revoke": "revoked",
    "expire": "expired",
    "reissue": "reissued",
}
EVENT_KINDS = tuple(KIND_OF_ACTION.values())


def event_kind(event: CertificateEvent) -> str:
    """Return the event's kind: from its recorded move, else inferred from its statuses."""
    if event.action in KIND_OF_ACTION:
        return KIND_OF_ACTION[event.action]
    return KIND_OF_ACTION[inferred_action(event.from_status, event.to_status)]


def inferred_action(from_status: str | None, to_status: str) -> str:
    """Return the move that most likely took a certificate from one status to another."""
    if from_status is None:
        return "issue"
    by_target = {St.SUSPENDED: "suspend", St.REVOKED: "revoke", St.EXPIRED: "expire"}
    if to_status in by_target:
        return by_target[to_status]
    # To valid: from suspended a reinstatement (a reissue looks the same), else a reissue.
    return "reinstate" if from_status == St.SUSPENDED else "reissue"


@dataclass(frozen=True)
class EventFilter:
    """Which certificate events a reader wants: by category code and supplier credit code."""

    category: str | None = None
    supplier: str | None = None
    kinds: tuple[str, ...] = ()  # empty: every kind

    def wants(self, kind: str, category: str, supplier: str) -> bool:
        """Return whether an event of this kind, category and supplier passes the filter."""
        return (
            (not self.kinds or kind in self.kinds)
            and (self.category is None or self.category == category)
            and (self.supplier is None or self.supplier == supplier)
        )


@dataclass(frozen=True)
class PublicEvent:
    """A certificate event with what a reader outside needs to know of its certificate."""

    event: CertificateEvent
    certificate: Certificate
    category_code: str
    supplier_credit_code: str

    @property
    def kind(self) -> str:
        """Return the event's kind (issued, suspended, ...)."""
        return event_kind(self.event)


def _event_rows(query, *, session: Session) -> list[PublicEvent]:
    return [PublicEvent(*row) for row in session.exec(query).all()]


def _joined():
    return (
        select(CertificateEvent, Certificate, Category.code, Organisation.credit_code)
        .join(Certificate, Certificate.id == CertificateEvent.certificate_id)
        .join(Category, Category.id == Certificate.category_id)
        .join(Organisation, Organisation.id == Certificate.holder_id)
    )


def latest_events(wanted: EventFilter, limit: int, *, session: Session) -> list[PublicEvent]:
    """Return the latest events passing the filter, newest first (an index serves it)."""
    query = _joined()
    if wanted.category is not None:
        query = query.where(Category.code == wanted.category)
    if wanted.supplier is not None:
        query = query.where(Organisation.credit_code == wanted.supplier)
    query = query.order_by(CertificateEvent.id.desc()).limit(limit)
    rows = _event_rows(query, session=session)
    return [row for row in rows if not wanted.kinds or row.kind in wanted.kinds]


def events_after(event_id: int, limit: int, *, session: Session) -> Sequence[PublicEvent]:
    """Return up to `limit` events recorded after the given event id, oldest first."""
    query = _joined().where(CertificateEvent.id > event_id).order_by(CertificateEvent.id)
    return _event_rows(query.limit(limit), session=session)
