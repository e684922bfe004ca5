"""One search over every audit trail: administrative changes, application and certificate events."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.models import Product
from certification.models import (
    Application,
    ApplicationEvent,
    Certificate,
    CertificateEvent,
)
from greenbm.audit import AuditEntry
from greenbm.forms_util import Page
from greenbm.models_base import as_utc

# The common shape every trail is projected into, in this order.
COLUMNS = (
    "source",
    "entry_id",
    "at",
    "actor_id",
    "actor_email",
    "actor_organisation_id",
    "subject_organisation_id",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "detail",
    "from_state",
    "to_state",
    "reason",
)


@dataclass
class AuditFilters:
    """What to look for; None means any. `until` is exclusive, both are UTC."""

    organisation_id: int | None = None
    user_email: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class AuditRow:
    """One entry of any trail, in the common shape."""

    source: str
    entry_id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    actor_organisation_id: int | None
    subject_organisation_id: int | None
    action: str
    object_type: str
    object_id: int | None
    object_label: str
    detail: dict[str, Any]
    from_state: str | None
    to_state: str | None
    reason: str | None
    organisation_names: dict[int, str] = field(default_factory=dict)

    @property
    def actor_organisation(self) -> str | None:
        """Return the name of the actor's organisation, if any."""
        return self.organisation_names.get(self.actor_organisation_id)

    @property
    def subject_organisation(self) -> str | None:
        """Return the name of the organisation the object belongs to, if any."""
        return self.organisation_names.get(self.subject_organisation_id)


def _null(type_: sa.types.TypeEngine) -> sa.ColumnElement:
    return sa.cast(sa.null(), type_)


def _text(value: str) -> sa.ColumnElement:
    return sa.literal(value, sa.String)


def _admin_branch(filters: AuditFilters) -> sa.Select | None:
    cols = {
        "source": _text("admin"),
        "entry_id": AuditEntry.id,
        "at": AuditEntry.at,
        "actor_id": AuditEntry.actor_id,
        "actor_email": User.email,
        "actor_organisation_id": AuditEntry.actor_organisation_id,
        "subject_organisation_id": AuditEntry.subject_organisation_id,
        "action": AuditEntry.action,
        "object_type": AuditEntry.object_type,
        "object_id": AuditEntry.object_id,
        "object_label": AuditEntry.object_label,
        "detail": AuditEntry.detail,
        "from_state": _null(sa.String),
        "to_state": _null(sa.String),
        "reason": _null(sa.Text),
    }
    query = select(*(cols[c].label(c) for c in COLUMNS)).select_from(AuditEntry)
    query = query.outerjoin(User, User.id == AuditEntry.actor_id)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    org = filters.organisation_id
    owners = (AuditEntry.actor_organisation_id, AuditEntry.subject_organisation_id)
    return _common_filters(query, filters, cols, owners if org else ())


def _event_branch(filters: AuditFilters, kind: str) -> sa.Select | None:
    if filters.object_type and filters.object_type != kind:
        return None
    if kind == "application":
        event, parent, parent_key = ApplicationEvent, Application, ApplicationEvent.application_id
        label = Product.name_zh
        subject, owners = Application.manufacturer_id, (Application.body_id,)
        states = (ApplicationEvent.from_state, ApplicationEvent.to_state)
    else:
        event, parent, parent_key = CertificateEvent, Certificate, CertificateEvent.certificate_id
        label = Certificate.number
        subject, owners = Certificate.holder_id, (Certificate.body_id,)
        states = (CertificateEvent.from_status, CertificateEvent.to_status)
    cols = {
        "source": _text(kind),
        "entry_id": event.id,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor_email": User.email,
        "actor_organisation_id": User.organisation_id,
        "subject_organisation_id": subject,
        "action": _text(f"{kind}.") + states[1],
        "object_type": _text(kind),
        "object_id": parent_key,
        "object_label": label,
        "detail": _null(sa.Text),
        "from_state": states[0],
        "to_state": states[1],
        "reason": event.reason,
    }
    query = select(*(cols[c].label(c) for c in COLUMNS)).select_from(event)
    query = query.join(parent, parent.id == parent_key)
    if kind == "application":
        query = query.join(Product, Product.id == Application.product_id)
    query = query.outerjoin(User, User.id == event.actor_id)
    org_columns = (User.organisation_id, subject, *owners)
    return _common_filters(query, filters, cols, org_columns if filters.organisation_id else ())


def _common_filters(query: sa.Select, filters: AuditFilters, cols: dict, org_columns) -> sa.Select:
    if org_columns:
        query = query.where(sa.or_(*(c == filters.organisation_id for c in org_columns)))
    if filters.user_email:
        needle = filters.user_email.strip().lower()
        query = query.where(User.email.contains(needle, autoescape=True))
    if filters.object_id is not None:
        query = query.where(cols["object_id"] == filters.object_id)
    if filters.since is not None:
        query = query.where(cols["at"] >= filters.since)
    if filters.until is not None:
        query = query.where(cols["at"] < filters.until)
    return query


def audit_page(*, session: Session, filters: AuditFilters, page: int, per_page: int) -> Page:
    """Return one page of the matching entries of every trail, newest first."""
    branches = [
        b
        for b in (
            _admin_branch(filters),
            _event_branch(filters, "application"),
            _event_branch(filters, "certificate"),
        )
        if b is not None
    ]
    if not branches:
        return Page([], page, per_page, 0)
    union = sa.union_all(*branches).subquery("trail")
    total = session.exec(select(sa.func.count()).select_from(union)).one()
    query = (
        select(*(union.c[c] for c in COLUMNS))
        .order_by(union.c.at.desc(), union.c.source, union.c.entry_id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in session.exec(query).all()]
    org_ids = {r[k] for r in rows for k in ("actor_organisation_id", "subject_organisation_id")}
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name_zh).where(
                Organisation.id.in_([i for i in org_ids if i is not None])
            )
        ).all()
    )
    items = []
    for r in rows:
        r["at"] = as_utc(r["at"]) if isinstance(r["at"], datetime) else r["at"]
        r["detail"] = json.loads(r["detail"]) if r["detail"] else {}
        items.append(AuditRow(**r, organisation_names=names))
    return Page(items, page, per_page, total)
