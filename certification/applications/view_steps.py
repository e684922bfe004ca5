"""How application pages find their application (or answer 404) and run one workflow step."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from certification.applications.forms import LockedForm
from certification.applications.services import get_application
from certification.criteria.rules import AssessmentError
from certification.models import Application, ApplicationState
from certification.states import InvalidTransition
from greenbm.db import discard_changes, get_session
from greenbm.errors import Conflict, Invalid, NotAllowed, NotFound
from greenbm.forms_util import apply_errors


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


def fresh_lock(form_class: type[LockedForm], application: Application, **data) -> LockedForm:
    """Return an empty form carrying the application's current lock version."""
    return form_class(formdata=None, data={"lock_version": application.lock_version, **data})


def _conflict(application: Application, endpoint: str):
    """Answer 409: someone else changed the application since the page was loaded."""
    discard_changes()
    link = url_for(endpoint, application_id=application.id)
    return render_template("certification/conflict.html", link=link), 409


def _not_now(application: Application, endpoint: str):
    """The action does not fit the application's current state (or the user's role)."""
    discard_changes()
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
        discard_changes()
        apply_errors(form, exc)
        return None
    except AssessmentError as exc:  # data that cannot be assessed: say so at the form
        discard_changes()
        form.form_errors.append(str(exc))
        return None
    except (InvalidTransition, NotAllowed):
        return _not_now(item, endpoint)
    flash(done() if callable(done) else done, "success")
    return redirect(url_for(endpoint, application_id=item.id))
