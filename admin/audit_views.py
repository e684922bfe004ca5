"""The audit search page: every trail, filtered by organisation, user, object and date."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask_babel import gettext as _

from admin import bp
from admin.audit_search import AuditFilters, audit_page
from admin.forms import AuditFilterForm
from admin.queries import organisation_names
from greenbm.db import get_session
from greenbm.forms_util import Page, page_number, select_choices
from greenbm.urls import database_id


def day_start(day: date) -> datetime:
    """Return the moment (in UTC) a calendar day begins in the console's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    # In UTC: SQLite compares the stored UTC text and would drop any other offset.
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _filters(form: AuditFilterForm) -> AuditFilters:
    return AuditFilters(
        organisation_id=database_id(form.organisation.data),
        user_email=(form.user.data or "").strip() or None,
        object_type=form.object_type.data or None,
        object_id=form.object_id.data,
        since=day_start(form.date_from.data) if form.date_from.data else None,
        # "To" is inclusive: everything before the next day begins.
        until=day_start(form.date_to.data + timedelta(days=1)) if form.date_to.data else None,
    )


@bp.get("/audit")
def audit():
    """Search the audit trails, newest first, a page at a time; a bad filter shows its error."""
    db = get_session()
    form = AuditFilterForm(formdata=request.args)
    names = organisation_names(session=db)
    form.organisation.choices = select_choices(
        [("", _("Any")), *((str(oid), name) for oid, name in names)]
    )
    per_page = current_app.config["PAGE_SIZE"]
    if form.validate():
        filters = _filters(form)
        page = audit_page(session=db, filters=filters, page=page_number(), per_page=per_page)
        status = 200
    else:
        page, status = Page([], 1, per_page, 0), 400
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, page=page, filters=filters), status
