"""Shared column helpers for the SQLModel table models."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

# History recorded after the fact (the demo data) is dated when it happened, not when loaded:
# inside `recorded_at`, every timestamp the models and services write is that moment.
_recorded_at: ContextVar[datetime | None] = ContextVar("recorded_at", default=None)


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware (or the moment `recorded_at` sets)."""
    return _recorded_at.get() or datetime.now(UTC)


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Date everything written inside the block at `moment` (past events loaded later)."""
    token = _recorded_at.set(moment)
    try:
        yield
    finally:
        _recorded_at.reset(token)


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
