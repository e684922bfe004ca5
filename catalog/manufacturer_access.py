"""Who may use the manufacturer's pages: signed-in manufacturers only; others get 404."""

from flask import abort
from flask_login import current_user

from accounts.auth import role_required
from accounts.models import Role
from catalog import manufacturer_bp as bp
from greenbm.db import get_session
from greenbm.errors import NotFound

manufacturer_only = role_required(Role.MANUFACTURER)


@bp.before_request
@manufacturer_only
def _guard():
    """Every page here is for signed-in manufacturers only; others get 404."""
    return None


def own_or_404(service, **kwargs):
    """Call a service on the signed-in manufacturer's object; its NotFound becomes a 404."""
    try:
        return service(session=get_session(), actor=current_user, **kwargs)
    except NotFound:
        abort(404)
