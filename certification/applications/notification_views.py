"""The signed-in user's notifications, and their unread count in every page's header."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.notifications import (
    mark_all_read,
    notification_page,
    notification_text,
    unread_count,
)
from certification import bp
from certification.pages import page_args
from greenbm.db import get_session
from greenbm.forms_util import Form


@bp.app_context_processor
def _unread_notifications() -> dict:
    """Offer `unread_notifications()` to every template (the header shows the count)."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = unread_count(current_user.id, session=get_session())
        return g.unread_notifications

    return {"unread_notifications": unread_notifications, "notification_text": notification_text}


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    """List the signed-in user's notifications, newest first; POST marks them all read."""
    db = get_session()
    form = Form()
    if form.validate_on_submit():
        mark_all_read(current_user.id, session=db)
        flash(_("All notifications marked as read."), "success")
        return redirect(url_for(".notifications"))
    page = notification_page(current_user.id, **page_args(), session=db)
    return render_template("notifications.html", page=page, form=form)
