"""A certificate's live status as of a date: the one rule every page, API, export and job reads.

A certificate that is valid or suspended counts as expired from the day after its end date,
even before the nightly `flask certification expire` records it. A suspended certificate
lapses like a valid one: suspension pauses a certificate, it does not extend it. Revoked and
expired stay as they are. The rule lives here, in the lowest package that stores certificate
facts (the catalogue keeps each product's certificate summary; certification, procurement,
eligibility and the dashboard sit above it), with its SQL and numpy twins beside it.
"""

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

import numpy as np
from sqlalchemy import and_, case, or_
from sqlalchemy.sql.elements import ColumnElement


class CertificateStatus(StrEnum):
    """A certificate counts as green only while it is valid."""

    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


# What a product without any certificate shows where a status is expected.
NOT_CERTIFIED = "none"
# Statuses that end by themselves on the end date.
RUNNING = frozenset({CertificateStatus.VALID, CertificateStatus.SUSPENDED})


def live_status(status: str | None, valid_until: date | None, today: date) -> str:
    """Return the status as of `today`: a running certificate past its end date is expired.

    A running certificate without a known end date is counted as expired too: nothing then
    shows that it still runs, and an answer of "valid" must be true.
    """
    if not status:
        return NOT_CERTIFIED
    if status in RUNNING and (valid_until is None or valid_until < today):
        return CertificateStatus.EXPIRED.value
    return str(status)


def live_status_sql(status: ColumnElement, valid_until: ColumnElement, today: date):
    """Return the SQL expression of `live_status` over a status and an end-date column."""
    return case(
        (or_(status.is_(None), status == ""), NOT_CERTIFIED),
        (and_(status.in_(RUNNING), or_(valid_until.is_(None), valid_until < today)), "expired"),
        else_=status,
    )


def live_status_is_sql(
    status: ColumnElement, valid_until: ColumnElement, wanted: str, today: date
) -> ColumnElement:
    """Return the SQL condition "the live status is `wanted`" (an index can still serve it)."""
    current = and_(valid_until.is_not(None), valid_until >= today)
    if wanted == CertificateStatus.EXPIRED:
        lapsed = and_(status.in_(RUNNING), ~current)
        return or_(status == CertificateStatus.EXPIRED, lapsed)
    if wanted in RUNNING:
        return and_(status == wanted, current)
    if wanted == NOT_CERTIFIED:
        return or_(status.is_(None), status == "")
    return status == wanted


def live_status_codes(
    codes: np.ndarray, until_ordinals: np.ndarray, today: date, code_of: Mapping[str, int]
) -> np.ndarray:
    """Return `live_status` over arrays of status codes and end dates (0: no date), as codes."""
    running = np.isin(codes, [code_of[s] for s in RUNNING])
    lapsed = running & ((until_ordinals <= 0) | (until_ordinals < today.toordinal()))
    return np.where(lapsed, code_of[CertificateStatus.EXPIRED], codes)


# How long another body's record counts as confirmed without a new import or push.
DEFAULT_CONFIRMATION_MAX_AGE_DAYS = 90


def unconfirmed_since(
    last_confirmed: datetime | None, today: date, max_age_days: int
) -> date | None:
    """Return the day another body's record was last confirmed, once that is too long ago.

    None for a record confirmed within `max_age_days` days (the last day included) and for a
    certificate issued here (never confirmed: this catalogue's own record is the truth). A
    stale record keeps its live status (see the README, "Certificates from other bodies"):
    the flag tells the reader to check with the issuing body.
    """
    if last_confirmed is None:
        return None
    confirmed_on = last_confirmed.date()
    return confirmed_on if (today - confirmed_on).days > max_age_days else None
