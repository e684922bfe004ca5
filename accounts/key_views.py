"""The account page's API keys: create (shown once), list, revoke."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from accounts import bp
from accounts.api_keys import create_api_key, organisation_keys, revoke_api_key
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import Form, apply_errors


class ApiKeyForm(Form):
    """A new key: its name, saying which system uses it."""

    name = StringField(
        _l("Name of the key"),
        validators=[DataRequired(_l("Name the key.")), Length(max=100)],
        description=_l("Which system uses it, e.g. “tender platform”."),
    )


class RevokeForm(Form):
    """Revoking a key: the CSRF token only."""


def _page(form: ApiKeyForm, secret: str | None = None, status: int = 200):
    keys = organisation_keys(session=get_session(), actor=current_user)
    page = render_template(
        "accounts/api_keys.html", form=form, keys=keys, secret=secret, revoke=RevokeForm()
    )
    return page, status


@bp.get("/account/api-keys")
@login_required
def api_keys():
    """List the organisation's API keys, with the form to create one."""
    return _page(ApiKeyForm())


@bp.post("/account/api-keys")
@login_required
def create_key():
    """Create a key and show it, this once."""
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        _key, secret = create_api_key(
            session=get_session(), actor=current_user, name=form.name.data
        )
    except Invalid as exc:
        apply_errors(form, exc)
        return _page(form, status=400)
    flash(_("Key created. Copy it now: it will not be shown again."), "success")
    return _page(ApiKeyForm(formdata=None), secret=secret)


@bp.post("/account/api-keys/<int:key_id>/revoke")
@login_required
def revoke_key(key_id: int):
    """Revoke one of the organisation's keys."""
    form = RevokeForm()
    if not form.validate_on_submit():
        return _page(ApiKeyForm(formdata=None), status=400)
    try:
        key = revoke_api_key(session=get_session(), actor=current_user, key_id=key_id)
    except NotFound:
        abort(404)
    flash(_("Key “%(name)s” revoked.", name=key.name), "success")
    return redirect(url_for("accounts.api_keys"))
