"""Sign-in, sign-out, manufacturer registration and the administrator's organisation pages."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func
from sqlmodel import select

from greenbm.accounts import bp
from greenbm.accounts.auth import role_required
from greenbm.accounts.divisions import division_choices
from greenbm.accounts.forms import LoginForm, NewUserForm, OrganisationForm, RegistrationForm
from greenbm.accounts.models import Organisation, Role, User
from greenbm.accounts.services import (
    OrganisationData,
    authenticate,
    create_organisation,
    create_user,
    register_manufacturer,
    set_user_disabled,
)
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.extensions import limiter
from greenbm.forms_util import Page, apply_errors, page_number, safe_next, select_choices

HOME_OF_ROLE = {
    Role.MANUFACTURER: "manufacturer.products",
    Role.ADMINISTRATOR: "accounts.organisations",
    Role.REVIEWER: "certification.review_queue",
    Role.PROCUREMENT_OFFICER: "procurement.projects",
    Role.CONTRACTOR: "eligibility.check",
}


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
            db.commit()
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in, against session fixation
            if lang:
                session["lang"] = lang
            login_user(user)
            flash(_("Signed in."), "success")
            default = url_for(HOME_OF_ROLE.get(user.role, "home"))
            return redirect(safe_next(default))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    flash(_("Signed out."), "success")
    return redirect(url_for("home"))


def _organisation_data(form) -> OrganisationData:
    return OrganisationData(
        kind=getattr(form, "kind", None) and form.kind.data or "manufacturer",
        name_zh=form.name_zh.data or "",
        name_en=form.name_en.data,
        credit_code=form.credit_code.data or "",
        division_code=form.division_code.data or "",
        address=form.address.data or "",
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
        contact_email=getattr(form, "contact_email", None) and form.contact_email.data or "",
        cert_number_prefix=getattr(form, "cert_number_prefix", None)
        and form.cert_number_prefix.data,
    )


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Register a manufacturer with its first user, then sign that user in."""
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = RegistrationForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        data = _organisation_data(form)
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
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            session.clear()
            login_user(user)
            flash(_("Your company is registered. Add a plant, then your products."), "success")
            return redirect(url_for("manufacturer.plants"))
    return render_template("accounts/register.html", form=form)


@bp.get("/admin/organisations")
@role_required(Role.ADMINISTRATOR)
def organisations():
    """List organisations with their users, newest first, a page at a time."""
    db = get_session()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    total = db.exec(select(func.count()).select_from(Organisation)).one()
    rows = db.exec(
        select(Organisation)
        .order_by(Organisation.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [o.id for o in rows]
    users = db.exec(select(User).where(User.organisation_id.in_(ids)).order_by(User.id)).all()
    users_of = {oid: [u for u in users if u.organisation_id == oid] for oid in ids}
    return render_template(
        "accounts/organisations.html",
        page=Page(rows, page, per_page, total),
        users_of=users_of,
    )


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@role_required(Role.ADMINISTRATOR)
def new_organisation():
    """Create an organisation of any kind."""
    form = OrganisationForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        try:
            org = create_organisation(
                session=db, actor=current_user, organisation=_organisation_data(form)
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Organisation created. Now add its first user."), "success")
            return redirect(url_for("accounts.new_user", organisation_id=org.id))
    return render_template("accounts/organisation_form.html", form=form)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMINISTRATOR)
def new_user():
    """Create a user in an organisation; the role follows the organisation's kind."""
    db = get_session()
    form = NewUserForm()
    orgs = db.exec(select(Organisation).order_by(Organisation.name_zh)).all()
    form.organisation_id.choices = select_choices((o.id, o.name_zh) for o in orgs)
    if request.method == "GET" and request.args.get("organisation_id", "").isdigit():
        form.organisation_id.data = int(request.args["organisation_id"])
    if form.validate_on_submit():
        try:
            create_user(
                session=db,
                actor=current_user,
                organisation_id=form.organisation_id.data,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data or "",
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("User created."), "success")
            return redirect(url_for("accounts.organisations"))
    return render_template("accounts/user_form.html", form=form)


@bp.post("/admin/users/<int:user_id>/disabled")
@role_required(Role.ADMINISTRATOR)
def toggle_user(user_id: int):
    """Disable or re-enable a user; a disabled user is signed out at once."""
    db = get_session()
    if user_id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("accounts.organisations"))
    try:
        user = set_user_disabled(
            session=db,
            actor=current_user,
            user_id=user_id,
            disabled=request.form.get("disabled") == "1",
        )
    except Invalid:
        abort(404)
    db.commit()
    flash(_("User disabled.") if user.disabled else _("User enabled."), "success")
    return redirect(url_for("accounts.organisations"))
