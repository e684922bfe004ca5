"""In-app notifications: written by services, listed on the user's notifications page.

A notification is stored as a message id and its arguments, and worded only when it is shown,
in the reader's language (not the language of whoever caused it). Each package registers the
messages it sends with `register_messages`; an argument is a plain value, a name in both
languages ({"zh": ..., "en": ...}) or another message ({"message": id, "args": {...}}).
"""

from flask_babel import force_locale
from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Notification, User
from greenbm.forms_util import Page, paginate
from greenbm.i18n import current_language
from greenbm.models_base import utcnow

_MESSAGES: dict[str, object] = {}


def register_messages(messages: dict[str, object]) -> None:
    """Make messages (lazy gettext strings) known by their id, for rendering when shown."""
    _MESSAGES.update(messages)


def render_message(message_id: str, args: dict | None = None) -> str:
    """Word a registered message, with its arguments, in the current language."""
    values = {name: _argument(value) for name, value in (args or {}).items()}
    return str(_MESSAGES[message_id]) % values


def _argument(value):
    if not isinstance(value, dict):
        return value
    if "message" in value:
        return render_message(value["message"], value.get("args"))
    zh, en = value.get("zh") or "", value.get("en") or ""
    return (en or zh) if current_language() == "en" else (zh or en)


def notification_text(note: Notification) -> str:
    """Return the notification in the reader's language (stored text for unknown messages)."""
    if note.message_id in _MESSAGES:
        return render_message(note.message_id, note.message_args)
    return note.message


def notify_organisation(
    organisation_id: int,
    message_id: str,
    args: dict | None = None,
    *,
    session: Session,
    endpoint: str | None = None,
    endpoint_args: dict | None = None,
) -> int:
    """Notify every enabled user of an organisation; return how many were notified.

    The message links to `endpoint` with `endpoint_args`, resolved when the page is shown.
    """
    if message_id not in _MESSAGES:
        raise KeyError(f"unregistered notification message {message_id!r}")
    # The stored text is only a fallback (for a message id no longer registered): English.
    with force_locale("en"):
        fallback = render_message(message_id, args)
    users = session.exec(
        select(User.id).where(User.organisation_id == organisation_id, User.disabled == False)  # noqa: E712
    ).all()
    for user_id in users:
        session.add(
            Notification(
                user_id=user_id,
                message=fallback,
                message_id=message_id,
                message_args=args,
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
