"""Forgotten password: ask for a link by e-mail, then choose a new password with it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import bp
from accounts.forms import ForgotPasswordForm, NewPasswordForm
from accounts.password_reset import request_password_reset, reset_password, user_for_reset_token
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.extensions import configured_limit, limiter
from greenbm.forms_util import apply_errors


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(configured_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def forgot_password():
    """Mail a reset link to the account's address; the answer never tells if there is one."""
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(session=get_session(), email=form.email.data)
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
@limiter.limit(configured_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def reset_password_page(token: str):
    """Choose a new password with a mailed link; every session of the account then ends."""
    db = get_session()
    if user_for_reset_token(token, session=db) is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            changed = reset_password(session=db, token=token, password=form.password.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            if changed is None:  # used or expired between the page and the answer
                return render_template("accounts/reset_invalid.html"), 400
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for(".login"))
    return render_template("accounts/reset_password.html", form=form)
