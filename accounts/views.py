"""Sign-in, sign-out and manufacturer registration."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from accounts import bp
from accounts.divisions import division_choices
from accounts.forms import LoginForm, RegistrationForm, organisation_data
from accounts.services import authenticate, end_sessions, register_manufacturer
from accounts.signals import home_endpoint
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.extensions import limiter
from greenbm.forms_util import apply_errors, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_email)
def login():
    """Sign in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(session=db, email=form.email.data, password=form.password.data)
        if user is None:
            # One message whatever was wrong, so the page does not reveal who has an account.
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in, against session fixation
            if lang:
                session["lang"] = lang
            login_user(user)
            flash(_("Signed in."), "success")
            default = url_for(home_endpoint(user.role))
            return redirect(safe_next(default))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out: end the user's sessions and forget this one."""
    db = get_session()
    end_sessions(session=db, user=current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Signed out."), "success")
    return redirect(url_for("home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Register a manufacturer with its first user, then sign that user in."""
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = RegistrationForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        data = organisation_data(form)
        data.contact_email = form.email.data
        try:
            user = register_manufacturer(
                session=db,
                organisation=data,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data or "",
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            session.clear()
            login_user(user)
            flash(_("Your company is registered. Add a plant, then your products."), "success")
            return redirect(url_for("manufacturer.plants"))
    return render_template("accounts/register.html", form=form)
