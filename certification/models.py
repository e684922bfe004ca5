"""Criteria versions, applications and their audit trail, certificates and surveillance."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from catalog.certificate_status import CertificateStatus
from greenbm.models_base import enum_field, timestamp_field


class ApplicationState(StrEnum):
    """Where an application stands in the review workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    INFORMATION_REQUESTED = "information_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApplicationKind(StrEnum):
    """Initial certification, renewal before expiry, or a change to a certified product."""

    INITIAL = "initial"
    RENEWAL = "renewal"
    CHANGE = "change"


class SurveillanceResult(StrEnum):
    """The outcome of a post-certification surveillance visit."""

    PASSED = "passed"
    FAILED = "failed"
    REFUSED = "refused"


class CriteriaVersion(SQLModel, table=True):
    """One version of a category's criteria, stored whole as JSON; exactly one is active."""

    __table_args__ = (sa.UniqueConstraint("category_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    version: str = Field(max_length=40)
    content: str = Field(sa_type=sa.Text)
    sha256: str = Field(max_length=64)
    active: bool = Field(default=False)
    created_at: datetime = timestamp_field()
    activated_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


# Optimistic lock: every UPDATE checks and bumps it, so of two reviewers deciding at once
# the second one's UPDATE matches no row and fails instead of overwriting the first.
_APPLICATION_LOCK = sa.Column("lock_version", sa.Integer, nullable=False, server_default="1")


class Application(SQLModel, table=True):
    """A manufacturer's application to certify one product with one certification body."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = enum_field(ApplicationKind, default=ApplicationKind.INITIAL)
    product_id: int = Field(foreign_key="product.id", index=True)
    manufacturer_id: int = Field(foreign_key="organisation.id", index=True)
    body_id: int = Field(foreign_key="organisation.id", index=True)
    state: str = enum_field(ApplicationState, default=ApplicationState.DRAFT, index=True)
    criteria_version_id: int | None = Field(default=None, foreign_key="criteriaversion.id")
    # For renewal and change applications: the certificate they continue.
    certificate_id: int | None = Field(
        default=None,
        # use_alter: applications and certificates refer to each other.
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("certificate.id", use_alter=True, name="fk_application_certificate_id"),
            nullable=True,
        ),
    )
    change_description: str = Field(default="", sa_type=sa.Text)
    assessment: str | None = Field(default=None, sa_type=sa.Text)  # JSON at decision time
    decision_reason: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    submitted_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    lock_version: int = Field(default=1, sa_column=_APPLICATION_LOCK)

    __mapper_args__ = {"version_id_col": _APPLICATION_LOCK}


class ApplicationEvent(SQLModel, table=True):
    """Append-only audit trail of an application: who moved it, when, from, to and why."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = timestamp_field()
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str = Field(max_length=32)
    reason: str = Field(default="", sa_type=sa.Text)


class ReviewedValue(SQLModel, table=True):
    """A reviewer's confirmation or correction of one declared indicator value."""

    __table_args__ = (sa.UniqueConstraint("application_id", "indicator_code"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    indicator_code: str = Field(max_length=40)
    declared_value: float | None = None
    confirmed_value: float
    reason: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user.id")
    at: datetime = timestamp_field()


class PrerequisiteJudgement(SQLModel, table=True):
    """A reviewer's judgement of one prerequisite of an application."""

    __table_args__ = (sa.UniqueConstraint("application_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    code: str = Field(max_length=40)
    passed: bool
    reason: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user.id")
    at: datetime = timestamp_field()


class CertificateSource(StrEnum):
    """Where a certificate record comes from: issued here, or the issuing body's own record."""

    ISSUED = "issued"
    IMPORTED = "imported"
    PUSHED = "pushed"


class Certificate(SQLModel, table=True):
    """A green building-material certificate; it keeps the basis it was issued on.

    A certificate issued by another body (source imported or pushed) has no application or
    criteria version here: that body's record is authoritative, last confirmed at
    `last_confirmed_at` (see catalog.certificate_status.unconfirmed_since).
    """

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True, index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    holder_id: int = Field(foreign_key="organisation.id", index=True)
    body_id: int = Field(foreign_key="organisation.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    criteria_version_id: int | None = Field(default=None, foreign_key="criteriaversion.id")
    application_id: int | None = Field(default=None, foreign_key="application.id")
    source: str = enum_field(
        CertificateSource,
        default=CertificateSource.ISSUED,
        sa_column_kwargs={"server_default": CertificateSource.ISSUED.value},
    )
    last_confirmed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    stars: int
    status: str = enum_field(CertificateStatus, default=CertificateStatus.VALID, index=True)
    issued_on: date
    valid_until: date = Field(index=True)
    change_date: date | None = None
    # Everything printed on the certificate, frozen at issue (and at each reissue).
    snapshot: str = Field(sa_type=sa.Text)
    pdf_name: str | None = Field(default=None, max_length=80)
    next_surveillance_due: date | None = None
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class CertificateDocument(SQLModel, table=True):
    """The signed PDF currently stored for a certificate (one row each), and what it prints.

    The file lives under `<EVIDENCE_DIR>/certificates/`; `printed_key` hashes everything the
    file shows (see certification.certificates.documents), so a download can tell at once
    whether the stored file still says what the certificate says today.
    """

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", unique=True)
    stored_name: str = Field(max_length=120)
    sha256: str = Field(max_length=64)
    size: int
    printed_key: str = Field(max_length=64)
    printed_status: str = Field(max_length=32)
    rendered_at: datetime = timestamp_field()


class CertificateSequence(SQLModel, table=True):
    """The last serial number used per body, year and category (for unique numbering)."""

    __table_args__ = (sa.UniqueConstraint("body_id", "year", "category_code"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="organisation.id")
    year: int
    category_code: str = Field(max_length=40)
    last_serial: int = 0


class CertificateEvent(SQLModel, table=True):
    """Append-only audit trail of a certificate's status."""

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = timestamp_field()
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str = Field(max_length=32)
    reason: str = Field(default="", sa_type=sa.Text)
    # The move taken (issue, suspend, reinstate, revoke, expire, reissue); what feeds and
    # webhooks announce. Rows from before migration 0012 had it inferred from their statuses.
    action: str | None = Field(default=None, max_length=20)


class SurveillanceRecord(SQLModel, table=True):
    """A post-certification surveillance visit and its result."""

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="certificate.id", index=True)
    visited_on: date
    result: str = enum_field(SurveillanceResult)
    notes: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user.id")
    created_at: datetime = timestamp_field()


def _refuse_change(mapper, connection, target) -> None:
    raise ValueError(f"{type(target).__name__} rows are append-only")


# Audit trails are append-only: the ORM refuses to update or delete their rows.
for _model in (ApplicationEvent, CertificateEvent):
    sa.event.listen(_model, "before_update", _refuse_change)
    sa.event.listen(_model, "before_delete", _refuse_change)
