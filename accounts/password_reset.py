"""Self-service password reset: signed, expiring, single-use links mailed to the account."""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select

from accounts.mails import send_after_commit
from accounts.models import User
from accounts.services import normalize_email, set_password
from greenbm.urls import public_url

# One hour: long enough to find the message, short enough that an old mailbox is no key.
RESET_MAX_AGE_SECONDS = 3600
_SALT = "accounts.password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user: User) -> str:
    # Changes with the password and with every end of sessions: a used link (the reset changes
    # both) or one older than the last sign-out no longer matches, so each link works once.
    text = f"{user.id}:{user.password_hash}:{user.session_version}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    """Return a signed token that lets the user choose a new password once, for one hour."""
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for_reset_token(token: str, *, session: Session) -> User | None:
    """Return the enabled user a valid, unexpired, unused token names, else None."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=RESET_MAX_AGE_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.disabled or _fingerprint(user) != fingerprint:
        return None
    return user


def request_password_reset(*, session: Session, email: str) -> None:
    """Mail a reset link to the enabled account with this e-mail, if any; say nothing either way."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None or user.disabled:
        return
    send_after_commit(
        user.email,
        _("Choose a new password"),
        [
            _(
                "Someone asked to reset the password of your account in the Guizhou green "
                "building-materials catalogue. Open this link within one hour to choose a new "
                "password; it works once:"
            ),
            public_url("accounts.reset_password", token=reset_token(user)),
            _("If it was not you, ignore this message: your password stays as it is."),
        ],
    )


def reset_password(*, session: Session, token: str, password: str) -> User | None:
    """Set the new password a valid token allows, ending every session; None if it is not valid."""
    user = user_for_reset_token(token, session=session)
    if user is None:
        return None
    # The account holder acts: the audit trail records a change by its owner, not a reset.
    return set_password(session=session, actor=user, user_id=user.id, password=password)
