"""Console pages for plants waiting for confirmation of their capacity and energy figures."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from catalog.plant_confirmation import confirm_plant, plants_awaiting_confirmation
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import page_number


@bp.get("/plants")
def plants():
    """List the plants whose capacity or energy figures wait for confirmation."""
    page = plants_awaiting_confirmation(
        session=get_session(), page=page_number(), per_page=current_app.config["PAGE_SIZE"]
    )
    return render_template("admin/plants.html", page=page)


@bp.post("/plants/<int:plant_id>/confirm")
def confirm(plant_id: int):
    """Confirm a plant's capacity and energy figures as they stand."""
    try:
        changed = confirm_plant(session=get_session(), actor=current_user, plant_id=plant_id)
    except NotFound:
        abort(404)
    flash(
        _("Plant confirmed.") if changed else _("Nothing was waiting for confirmation."), "success"
    )
    return redirect(url_for("admin.plants"))
