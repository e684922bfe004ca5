"""Sign-in, sign-out and manufacturer registration."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from accounts import bp
from accounts.divisions import division_choices
from accounts.forms import LoginForm, RegistrationForm, organisation_data
from accounts.mails import send_registration_attempt, send_welcome
from accounts.services import (
    EmailTaken,
    authenticate,
    end_sessions,
    normalize_email,
    register_manufacturer,
)
from accounts.signals import home_endpoint
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.extensions import configured_limit, limiter
from greenbm.forms_util import apply_errors, safe_next


def _submitted_account() -> str:
    """Return the rate-limit key of the account a sign-in names: its e-mail, normalised."""
    return "login:" + normalize_email(request.form.get("email") or "")


# Guessing one account's password is limited wherever the attempts come from; the address
# limit is far higher, so that an office or campus behind one NAT address is not locked out
# by one user's (or one attacker's) failed attempts.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"], key_func=_submitted_account)
@limiter.limit(configured_limit("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"])
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
@limiter.limit(configured_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def register():
    """Register a manufacturer and its first user; the answer never tells if the e-mail is known."""
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = RegistrationForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        data = organisation_data(form)
        data.contact_email = form.email.data
        email = normalize_email(form.email.data)
        try:
            register_manufacturer(
                session=db,
                organisation=data,
                email=email,
                password=form.password.data,
                display_name=form.display_name.data or "",
            )
        except EmailTaken:
            # Answered as a registration is: the page does not tell who has an account; the
            # mail goes to the address's owner alone.
            discard_changes()
            send_registration_attempt(email)
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
            return render_template("accounts/register.html", form=form)
        else:
            send_welcome(email)
        return render_template("accounts/registered.html")
    return render_template("accounts/register.html", form=form)
