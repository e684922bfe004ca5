"""Dates of the demo history: criteria in force first, then product, application, certificate."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from catalog.models import Product
from certification.criteria.store import active_criteria, store_criteria
from certification.models import CriteriaVersion
from greenbm.models_base import recorded_at

# How far back the demo's history reaches: the shipped criteria are in force from then.
HISTORY_DAYS = 600
# A type-test report must be at most 12 months old when applying [official]: two months here.
REPORT_AGE = timedelta(days=60)


def at_nine(day: date) -> datetime:
    """Return nine in the morning (UTC) of the day: when a dated office event happened."""
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


@dataclass(frozen=True)
class Timeline:
    """When one demo application was opened, submitted, reviewed and decided."""

    opened: datetime
    submitted: datetime
    reviewed: datetime
    decided: datetime

    @property
    def tested(self) -> date:
        """Return the date of the type-test report the application relies on."""
        return self.opened.date() - REPORT_AGE

    @classmethod
    def issued_on(cls, day: date) -> "Timeline":
        """Return the history of an application decided (and its certificate issued) on `day`."""
        decided = at_nine(day)
        return cls(
            opened=decided - timedelta(days=45),
            submitted=decided - timedelta(days=40),
            reviewed=decided - timedelta(days=20),
            decided=decided,
        )

    @classmethod
    def submitted_on(cls, day: date) -> "Timeline":
        """Return the history of an application submitted on `day` and still waiting."""
        submitted = at_nine(day)
        return cls(submitted - timedelta(days=5), submitted, submitted, submitted)


def criteria_in_force_since(moment: date, *, session: Session) -> None:
    """Date the active criteria versions from `moment`, unless they are older already."""
    since = at_nine(moment)
    for row in session.exec(select(CriteriaVersion).where(CriteriaVersion.active)).all():
        if row.activated_at is None or _aware(row.activated_at) > since:
            row.created_at = row.activated_at = since
            session.add(row)
    session.flush()


def listed_before(product: Product, opened: datetime, *, session: Session) -> None:
    """Date the product's registration and publication before its application was opened."""
    listed = opened - timedelta(days=10)
    for name in ("created_at", "updated_at", "published_at"):
        value = getattr(product, name)
        if value is None or _aware(value) > listed:
            setattr(product, name, listed)
    session.add(product)
    session.flush()


def earlier_criteria_version(category_id: int, since: datetime, *, session: Session):
    """Return the category's previous criteria version, in force from `since` (stored once).

    A certificate old enough to have expired was issued under the criteria of its time: the
    same content under the version of that year, superseded since by the shipped one.
    """
    _row, criteria = active_criteria(category_id, session=session)
    older = replace(criteria, version=f"{since.year}.1")
    with recorded_at(since):
        stored = store_criteria(older, activate=False, session=session)
    stored.activated_at = stored.activated_at or since
    session.add(stored)
    session.flush()
    return stored


def _aware(moment: datetime) -> datetime:
    # SQLite gives back naive datetimes; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
