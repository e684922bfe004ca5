"""The reviewers' and administrator's queue of annual plant reports: confirm or return each."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import role_required
from catalog import reports_bp as bp
from catalog.plant_confirmation import CONFIRMING_ROLES
from catalog.reports.data import report_data
from catalog.reports.forms import ReturnReportForm
from catalog.reports.services import confirm_report, reports_awaiting_decision, return_report
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import page_number


@bp.before_request
@role_required(*CONFIRMING_ROLES)
def _guard():
    """Only reviewers and administrators decide on reports; others get 404."""
    return None


def _queue(return_form: ReturnReportForm, status: int = 200):
    page = reports_awaiting_decision(
        session=get_session(), page=page_number(), per_page=current_app.config["PAGE_SIZE"]
    )
    html = render_template(
        "reports/queue.html", page=page, return_form=return_form, data=report_data()
    )
    return html, status


@bp.get("/queue")
def queue():
    """List the annual reports waiting for a decision, oldest first."""
    return _queue(ReturnReportForm(formdata=None))


@bp.post("/<int:report_id>/confirm")
def confirm(report_id: int):
    """Confirm a report: from now on it counts in the provincial figures."""
    try:
        confirm_report(session=get_session(), actor=current_user, report_id=report_id)
    except NotFound:
        abort(404)
    except Invalid as exc:
        discard_changes()
        flash(" ".join(m for ms in exc.errors.values() for m in ms), "error")
    else:
        flash(_("Report confirmed: it now counts in the provincial figures."), "success")
    return redirect(url_for("reports.queue"))


@bp.post("/<int:report_id>/return")
def send_back(report_id: int):
    """Return a report to its manufacturer with the reason."""
    form = ReturnReportForm()
    if not form.validate_on_submit():
        flash(_("Say why the report is returned."), "error")
        return _queue(form, 400)
    try:
        return_report(
            session=get_session(), actor=current_user, report_id=report_id, reason=form.reason.data
        )
    except NotFound:
        abort(404)
    except Invalid as exc:
        discard_changes()
        flash(" ".join(m for ms in exc.errors.values() for m in ms), "error")
    else:
        flash(_("Report returned to the manufacturer."), "success")
    return redirect(url_for("reports.queue"))
