"""Console home, organisations and users: create, list, disable, reset a password."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.divisions import division_choices
from accounts.forms import organisation_data
from accounts.passwords import generate_password
from accounts.services import (
    create_organisation,
    create_user,
    set_password,
    set_user_disabled,
)
from admin import bp
from admin.audit_search import AuditFilters, audit_page
from admin.forms import (
    NewUserForm,
    OrganisationForm,
    PasswordResetForm,
    UserFilterForm,
)
from admin.queries import (
    UserFilters,
    console_counts,
    organisation_by_id,
    organisation_names,
    organisation_page,
    user_by_id,
    user_page,
    users_of_organisations,
)
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import attempt, page_number, safe_next, select_choices
from greenbm.urls import database_id


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


@bp.get("")
def home():
    """Show the console's sections with their sizes and the latest audit entries."""
    db = get_session()
    recent = audit_page(session=db, filters=AuditFilters(), page=1, per_page=8)
    return render_template("admin/home.html", counts=console_counts(session=db), recent=recent)


@bp.get("/organisations")
def organisations():
    """List organisations with their users, newest first, a page at a time."""
    db = get_session()
    page = organisation_page(session=db, page=page_number(), per_page=_page_size())
    users_of = users_of_organisations(session=db, organisation_ids=[o.id for o in page.items])
    return render_template("admin/organisations.html", page=page, users_of=users_of)


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    """Show an organisation, its users and the audit entries about it."""
    db = get_session()
    try:
        org = organisation_by_id(session=db, organisation_id=organisation_id)
    except NotFound:
        abort(404)
    users = users_of_organisations(session=db, organisation_ids=[org.id])[org.id]
    filters = AuditFilters(organisation_id=org.id)
    trail = audit_page(session=db, filters=filters, page=1, per_page=20)
    return render_template("admin/organisation.html", org=org, users=users, trail=trail)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    """Create an organisation of any kind."""
    form = OrganisationForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        data = organisation_data(form)
        org = attempt(
            form,
            lambda: create_organisation(
                session=get_session(), actor=current_user, organisation=data
            ),
        )
        if org is not None:
            flash(_("Organisation created. Now add its first user."), "success")
            return redirect(url_for("admin.new_user", organisation_id=org.id))
    return render_template("admin/organisation_form.html", form=form), 400 if form.errors else 200


def _user_filters(form: UserFilterForm) -> UserFilters:
    # A field that failed validation filters nothing, as if it were left empty.
    return UserFilters(
        email=form.email.data if not form.email.errors else None,
        organisation_id=None if form.organisation.errors else database_id(form.organisation.data),
        role=form.role.data if not form.role.errors else None,
        disabled=(
            form.status.data == "disabled" if form.status.data in ("enabled", "disabled") else None
        ),
    )


@bp.get("/users")
def users():
    """List users with filters (e-mail, organisation, role, status), a page at a time."""
    db = get_session()
    form = UserFilterForm(formdata=request.args)
    names = organisation_names(session=db)
    form.organisation.choices = select_choices(
        [("", _("Any")), *((str(oid), name) for oid, name in names)]
    )
    form.validate()
    page = user_page(
        session=db, filters=_user_filters(form), page=page_number(), per_page=_page_size()
    )
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/users.html", form=form, page=page, filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create a user in an organisation; the role follows the organisation's kind."""
    form = NewUserForm()
    form.organisation_id.choices = select_choices(organisation_names(session=get_session()))
    if request.method == "GET" and database_id(request.args.get("organisation_id")):
        form.organisation_id.data = database_id(request.args["organisation_id"])
    if form.validate_on_submit():
        user = attempt(
            form,
            lambda: create_user(
                session=get_session(),
                actor=current_user,
                organisation_id=form.organisation_id.data,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data or "",
            ),
        )
        if user is not None:
            flash(_("User created."), "success")
            return redirect(url_for("admin.organisation", organisation_id=user.organisation_id))
    return render_template("admin/user_form.html", form=form), 400 if form.errors else 200


def _back(default_endpoint: str = "admin.users") -> str:
    return safe_next(url_for(default_endpoint))


@bp.post("/users/<int:user_id>/disabled")
def toggle_user(user_id: int):
    """Disable or re-enable a user; a disabled user is signed out at once."""
    if user_id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(_back())
    try:
        user = set_user_disabled(
            session=get_session(),
            actor=current_user,
            user_id=user_id,
            disabled=request.form.get("disabled") == "1",
        )
    except Invalid:
        abort(404)
    flash(_("User disabled.") if user.disabled else _("User enabled."), "success")
    return redirect(_back())


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    """Set a user's password (typed, or generated and shown once); their sessions end."""
    try:
        user = user_by_id(session=get_session(), user_id=user_id)
    except NotFound:
        abort(404)
    if user.id == current_user.id:
        flash(_("Ask another administrator to reset your own password."), "error")
        return redirect(url_for("admin.users"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        generated = None if form.password.data else generate_password()
        changed = attempt(
            form,
            lambda: set_password(
                session=get_session(),
                actor=current_user,
                user_id=user.id,
                password=form.password.data or generated,
            ),
        )
        if changed is not None:
            if generated is None:
                flash(_("Password changed. The user's sessions have ended."), "success")
                return redirect(url_for("admin.organisation", organisation_id=user.organisation_id))
            # Shown in this response only: a flash would keep it in the session cookie.
            response = current_app.make_response(
                render_template("admin/password_generated.html", user=user, password=generated)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    page = render_template("admin/password_form.html", form=form, user=user)
    return page, 400 if form.errors else 200
