"""What the certification pages share: role guards, look-ups that answer 404, workflow answers."""

import json
from collections.abc import Callable
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import role_required
from accounts.models import Role
from certification import bp
from certification.forms import KIND_LABELS, STATE_LABELS, LockedForm
from certification.models import Application, ApplicationState, Certificate
from certification.rules import AssessmentError
from certification.services import get_application
from certification.workflow import InvalidTransition
from greenbm.db import get_session
from greenbm.errors import Conflict, Invalid, NotAllowed, NotFound
from greenbm.forms_util import apply_errors, page_number

manufacturer_only = role_required(Role.MANUFACTURER)
reviewer_only = role_required(Role.REVIEWER)


@bp.context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "kind_labels": KIND_LABELS}


def page_args() -> dict:
    """Return the requested page and the configured page size, as a query's keywords."""
    return {"page": page_number(), "per_page": current_app.config["PAGE_SIZE"]}


def printed(certificate: Certificate) -> SimpleNamespace:
    """Return the certificate's printed fields as attributes, so `localized()` can read them."""
    return SimpleNamespace(**json.loads(certificate.snapshot))


def application_or_404(application_id: int) -> Application:
    """Return an application the signed-in user may see (its manufacturer or its body), or 404."""
    try:
        return get_application(
            session=get_session(), actor=current_user, application_id=application_id
        )
    except NotFound:
        abort(404)


def reviewable_or_404(application_id: int) -> Application:
    """Return an application of the reviewer's body that has been submitted, or 404."""
    item = application_or_404(application_id)
    if current_user.role != Role.REVIEWER or item.state == ApplicationState.DRAFT:
        abort(404)  # a draft has not been sent to the body yet
    return item


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


def fresh_lock(form_class: type[LockedForm], application: Application, **data) -> LockedForm:
    """Return an empty form carrying the application's current lock version."""
    return form_class(formdata=None, data={"lock_version": application.lock_version, **data})


def _conflict(application: Application, endpoint: str):
    """Answer 409: someone else changed the application since the page was loaded."""
    get_session().rollback()
    link = url_for(endpoint, application_id=application.id)
    return render_template("certification/conflict.html", link=link), 409


def _not_now(application: Application, endpoint: str):
    """The action does not fit the application's current state (or the user's role)."""
    get_session().rollback()
    flash(_("That is not possible in the application's current state."), "error")
    return redirect(url_for(endpoint, application_id=application.id))


def workflow_step(
    service: Callable,
    item: Application,
    form: LockedForm,
    *,
    endpoint: str,
    done: str | Callable[[], str],
    **arguments,
):
    """Call a workflow service on the application with the form's lock version, and answer.

    Done: commit, flash `done` (or what it returns once committed) and go back to `endpoint`.
    Changed by someone else meanwhile: 409. Not possible in this state: flash and go back.
    Invalid input or data that cannot be assessed: roll back, put the errors on the form and
    return None, for the caller to show the form again.
    """
    db = get_session()
    try:
        service(
            session=db,
            actor=current_user,
            application_id=item.id,
            lock_version=form.lock_version.data,
            **arguments,
        )
    except Conflict:
        return _conflict(item, endpoint)
    except Invalid as exc:
        db.rollback()
        apply_errors(form, exc)
        return None
    except AssessmentError as exc:  # data that cannot be assessed: say so at the form
        db.rollback()
        form.form_errors.append(str(exc))
        return None
    except (InvalidTransition, NotAllowed):
        return _not_now(item, endpoint)
    db.commit()
    flash(done() if callable(done) else done, "success")
    return redirect(url_for(endpoint, application_id=item.id))
