"""What every certification page shares: role guards, the page asked for, committed use cases."""

from collections.abc import Callable

from flask import current_app

from accounts.auth import role_required
from accounts.models import Role
from certification import bp
from certification.labels import KIND_LABELS, STATE_LABELS
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.forms_util import apply_errors, page_number

manufacturer_only = role_required(Role.MANUFACTURER)
reviewer_only = role_required(Role.REVIEWER)


@bp.context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "kind_labels": KIND_LABELS}


def page_args() -> dict:
    """Return the requested page and the configured page size, as a query's keywords."""
    return {"page": page_number(), "per_page": current_app.config["PAGE_SIZE"]}


def commit_or_form_errors(form, call: Callable):
    """Run the service call and commit; on Invalid roll back, mark the form and return None."""
    db = get_session()
    try:
        result = call()
    except Invalid as exc:
        db.rollback()
        apply_errors(form, exc)
        return None
    db.commit()
    return result
