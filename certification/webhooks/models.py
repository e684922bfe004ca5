"""Webhook endpoints of organisations and the queue of deliveries to them."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from greenbm.models_base import enum_field, timestamp_field


class DeliveryState(StrEnum):
    """Where a delivery stands: waiting (first try or a retry), delivered, or given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEndpoint(SQLModel, table=True):
    """An HTTPS address an organisation receives certificate events at, with its filter."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    url: str = Field(max_length=500)
    # The HMAC-SHA256 key both sides hold; kept readable because every delivery is signed
    # with it (shown to the organisation once, when the endpoint is created).
    secret: str = Field(max_length=64)
    category_code: str | None = Field(default=None, max_length=40)
    supplier_credit_code: str | None = Field(default=None, max_length=18)
    kinds: str = Field(default="", max_length=200)  # comma-separated; empty: every kind
    active: bool = Field(default=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()


class WebhookDelivery(SQLModel, table=True):
    """One event to send to one endpoint, retried with backoff until delivered or given up."""

    __table_args__ = (sa.UniqueConstraint("endpoint_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhookendpoint.id", index=True)
    # The certificate event announced; NULL for a test delivery asked for by the organisation.
    event_id: int | None = Field(default=None, foreign_key="certificateevent.id")
    kind: str = Field(max_length=20)
    payload: str = Field(sa_type=sa.Text)  # the exact JSON sent, the same on every retry
    state: str = enum_field(DeliveryState, default=DeliveryState.PENDING, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = timestamp_field(index=True)
    # A worker owns the delivery until this time, so that two workers never send it at once.
    claimed_until: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_attempt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_status_code: int | None = None
    last_error: str = Field(default="", max_length=300)
    delivered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = timestamp_field()


class WebhookFanout(SQLModel, table=True):
    """How far the certificate events have been turned into deliveries (a single row)."""

    id: int | None = Field(default=None, primary_key=True)
    last_event_id: int = Field(default=0)
