"""Shared column helpers for the SQLModel table models."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return a stored moment as an aware UTC datetime."""
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def timestamp_field(**kwargs):
    """Return a timezone-aware timestamp column defaulting to now."""
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


def enum_field(enum: type[StrEnum], **kwargs):
    """Store a StrEnum as plain text so that adding a member needs no type migration."""
    width = max(len(m.value) for m in enum)
    return Field(sa_type=sa.String(max(width, 32)), **kwargs)
