"""What every certification page shares: role guards, the page asked for, committed use cases."""

from flask import current_app

from accounts.auth import role_required
from accounts.models import Role
from certification import bp
from certification.labels import KIND_LABELS, STATE_LABELS
from greenbm.forms_util import page_number

manufacturer_only = role_required(Role.MANUFACTURER)
reviewer_only = role_required(Role.REVIEWER)


@bp.context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "kind_labels": KIND_LABELS}


def page_args() -> dict:
    """Return the requested page and the configured page size, as a query's keywords."""
    return {"page": page_number(), "per_page": current_app.config["PAGE_SIZE"]}
