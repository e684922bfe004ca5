"""Loading the signed-in user and guarding views by role."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from accounts.models import User
from greenbm.db import get_session
from greenbm.extensions import login_manager


def load_user(session_id: str) -> User | None:
    """Return the user for a session id "<id>:<version>", or None if it is stale or disabled."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or user.disabled or user.session_version != int(version):
        return None
    return user


def role_required(*roles: str) -> Callable:
    """Send visitors to sign in; signed-in users without one of the roles get 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator
