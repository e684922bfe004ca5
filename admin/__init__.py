"""The administrators' console under /admin: organisations, users, categories, criteria, audit."""

from flask import Blueprint, abort, request
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from accounts.models import Role
from accounts.signals import serve_home
from admin.forms import OBJECT_TYPE_CHOICES
from certification.labels import CERTIFICATE_STATUS_LABELS, STATE_LABELS

# The guard below tests paths against the blueprint's own prefix (see guard_console for why).
ADMIN_PREFIX = "/admin"
bp = Blueprint("admin", __name__, url_prefix=ADMIN_PREFIX)
serve_home(Role.ADMINISTRATOR, "admin.home")


def is_admin_path(path: str) -> bool:
    """Return whether a URL path belongs to the console."""
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def guard_console() -> None:
    """Answer 404 to anyone but an enabled administrator on every /admin URL.

    It looks at the path, not the endpoint, so that unknown /admin URLs and wrong methods
    (which never reach a blueprint's before_request) give the same 404, and runs before
    the CSRF check, so that a refused form does not reveal that the console exists.
    A disabled administrator's session no longer loads a user, so it is anonymous here.
    """
    if not is_admin_path(request.path):
        return
    if not current_user.is_authenticated or current_user.role != Role.ADMINISTRATOR:
        abort(404)


def _install_guard(state: BlueprintSetupState) -> None:
    # First of the app-wide before_request functions: ahead of Flask-WTF's CSRF check.
    state.app.before_request_funcs.setdefault(None, []).insert(0, guard_console)


bp.record_once(_install_guard)


# Lazy strings: the one map answers in each reader's language.
_WORDS = {**dict(OBJECT_TYPE_CHOICES), **STATE_LABELS, **CERTIFICATE_STATUS_LABELS}


@bp.app_template_global("state_word")
def state_word(code: str | None) -> str:
    """Return an audit row's object kind, state or status in the reader's language."""
    return str(_WORDS.get(code, code)) if code else "—"


from admin import (  # noqa: E402,F401
    audit_views,
    catalogue_views,
    external_views,
    figure_views,
    plant_views,
    views,
)
