"""In-app notifications: written by services, listed on the user's notifications page."""

from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Notification, User
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow


def notify_organisation(
    organisation_id: int,
    message: str,
    *,
    session: Session,
    endpoint: str | None = None,
    endpoint_args: dict | None = None,
) -> int:
    """Notify every enabled user of an organisation; return how many were notified.

    The message links to `endpoint` with `endpoint_args`, resolved when the page is shown.
    """
    users = session.exec(
        select(User.id).where(User.organisation_id == organisation_id, User.disabled == False)  # noqa: E712
    ).all()
    for user_id in users:
        session.add(
            Notification(
                user_id=user_id,
                message=message,
                endpoint=endpoint,
                endpoint_args=endpoint_args,
            )
        )
    session.flush()
    return len(users)


def unread_count(user_id: int, *, session: Session) -> int:
    """Return the number of unread notifications of a user."""
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).one()


def notification_page(user_id: int, page: int, per_page: int, *, session: Session) -> Page:
    """Return a page of the user's notifications, newest first."""
    where = Notification.user_id == user_id
    query = (
        select(Notification)
        .where(where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    count = select(func.count()).select_from(Notification).where(where)
    return paginate(query, count, page, per_page, session=session)


def mark_all_read(user_id: int, *, session: Session) -> None:
    """Mark every notification of the user as read."""
    for note in session.exec(
        select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).all():
        note.read_at = utcnow()
    session.flush()
