"""The append-only audit trail of administrative changes, written in the changing transaction."""

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from greenbm.models_base import timestamp_field


class AuditAction(StrEnum):
    """The administrative changes that are audited."""

    ORGANISATION_CREATED = "organisation.created"
    USER_CREATED = "user.created"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    PASSWORD_RESET = "user.password_reset"
    PASSWORD_CHANGED = "user.password_changed"
    CATEGORY_EDITED = "category.edited"
    CRITERIA_UPLOADED = "criteria.uploaded"
    CRITERIA_ACTIVATED = "criteria.activated"
    PLANT_CONFIRMED = "plant.confirmed"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_REMOVED = "webhook.removed"
    PLANT_REPORT_FILED = "plant_report.filed"
    PLANT_REPORT_CONFIRMED = "plant_report.confirmed"
    PLANT_REPORT_RETURNED = "plant_report.returned"
    PROVINCIAL_FIGURE_ENTERED = "provincial_figure.entered"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    EXTERNAL_CERTIFICATES_IMPORTED = "external_certificates.imported"


class AuditEntry(SQLModel, table=True):
    """One administrative change: who (None: the command line), when, what, and before/after."""

    __table_args__ = (sa.Index("ix_auditentry_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    actor_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True
    )
    # The organisation the changed object belongs to (itself, or a user's), for searching.
    subject_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True
    )
    action: str = Field(max_length=40, index=True)
    object_type: str = Field(max_length=40)
    object_id: int | None = None
    object_label: str = Field(default="", max_length=200)
    detail: str = Field(default="{}", sa_type=sa.Text)  # JSON; never holds a password


def record_audit(
    *,
    session: Session,
    actor: Any,
    action: AuditAction,
    object_type: str,
    object_id: int | None,
    label: str,
    detail: dict[str, Any] | None = None,
    subject_organisation_id: int | None = None,
) -> AuditEntry:
    """Add an audit entry to the session's transaction (actor None: the command line)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        subject_organisation_id=subject_organisation_id,
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:200],
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(entry)
    return entry


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return {field: {"before": old, "after": new}} for the fields whose value differs."""
    return {
        key: {"before": before.get(key), "after": value}
        for key, value in after.items()
        if before.get(key) != value
    }


def _refuse_change(mapper, connection, target) -> None:
    raise ValueError(f"{type(target).__name__} rows are append-only")


# The trail is append-only: the ORM refuses to update or delete its rows.
sa.event.listen(AuditEntry, "before_update", _refuse_change)
sa.event.listen(AuditEntry, "before_delete", _refuse_change)
