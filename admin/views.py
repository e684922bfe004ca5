"""Console home, organisations and users: create, list, disable, reset a password."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from accounts.divisions import division_choices
from accounts.forms import organisation_data
from accounts.models import Organisation, User
from accounts.services import (
    create_organisation,
    create_user,
    generate_password,
    set_password,
    set_user_disabled,
)
from admin import bp
from admin.audit_search import AuditFilters, search_audit
from admin.forms import (
    NewUserForm,
    OrganisationForm,
    PasswordResetForm,
    UserFilterForm,
)
from catalog.models import Category
from certification.models import CriteriaVersion
from greenbm.audit import AuditEntry
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.forms_util import apply_errors, page_number, paginate, safe_next, select_choices


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def _count(model) -> int:
    return get_session().exec(select(func.count()).select_from(model)).one()


@bp.get("")
def home():
    """Show the console's sections with their sizes and the latest audit entries."""
    counts = {
        "organisations": _count(Organisation),
        "users": _count(User),
        "categories": _count(Category),
        "criteria_versions": _count(CriteriaVersion),
        "audit_entries": _count(AuditEntry),
    }
    recent = search_audit(get_session(), AuditFilters(), page=1, per_page=8)
    return render_template("admin/home.html", counts=counts, recent=recent)


@bp.get("/organisations")
def organisations():
    """List organisations with their users, newest first, a page at a time."""
    db = get_session()
    query = select(Organisation).order_by(Organisation.id.desc())
    page = paginate(
        db, query, select(func.count()).select_from(Organisation), page_number(), _page_size()
    )
    ids = [o.id for o in page.items]
    users = db.exec(select(User).where(User.organisation_id.in_(ids)).order_by(User.id)).all()
    users_of = {oid: [u for u in users if u.organisation_id == oid] for oid in ids}
    return render_template("admin/organisations.html", page=page, users_of=users_of)


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    """Show an organisation, its users and the audit entries about it."""
    db = get_session()
    org = db.get(Organisation, organisation_id)
    if org is None:
        abort(404)
    users = db.exec(select(User).where(User.organisation_id == org.id).order_by(User.id)).all()
    trail = search_audit(db, AuditFilters(organisation_id=org.id), page=1, per_page=20)
    return render_template(
        "admin/organisation.html",
        org=org,
        users=users,
        trail=trail,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    """Create an organisation of any kind."""
    form = OrganisationForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        try:
            org = create_organisation(
                session=db, actor=current_user, organisation=organisation_data(form)
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("Organisation created. Now add its first user."), "success")
            return redirect(url_for("admin.new_user", organisation_id=org.id))
    return render_template("admin/organisation_form.html", form=form), 400 if form.errors else 200


def _organisation_choices(blank: str | None = None) -> list:
    query = select(Organisation.id, Organisation.name_zh).order_by(Organisation.name_zh)
    orgs = get_session().exec(query)
    pairs = [(str(oid), name) for oid, name in orgs]
    return select_choices([("", blank), *pairs] if blank is not None else pairs)


@bp.get("/users")
def users():
    """List users with filters (e-mail, organisation, role, status), a page at a time."""
    db = get_session()
    form = UserFilterForm(formdata=request.args)
    form.organisation.choices = _organisation_choices(_("Any"))
    form.validate()
    conditions = []
    if form.email.data and not form.email.errors:
        conditions.append(User.email.contains(form.email.data.strip().lower(), autoescape=True))
    if form.organisation.data and not form.organisation.errors:
        conditions.append(User.organisation_id == int(form.organisation.data))
    if form.role.data and not form.role.errors:
        conditions.append(User.role == form.role.data)
    if form.status.data in ("enabled", "disabled"):
        conditions.append(User.disabled.is_(form.status.data == "disabled"))
    query = (
        select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(*conditions)
        .order_by(User.id.desc())
    )
    count = select(func.count()).select_from(User).where(*conditions)
    page = paginate(db, query, count, page_number(), _page_size())
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/users.html", form=form, page=page, filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
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
            user = create_user(
                session=db,
                actor=current_user,
                organisation_id=form.organisation_id.data,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data or "",
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("User created."), "success")
            return redirect(url_for("admin.organisation", organisation_id=user.organisation_id))
    return render_template("admin/user_form.html", form=form), 400 if form.errors else 200


def _back(default_endpoint: str = "admin.users") -> str:
    return safe_next(url_for(default_endpoint))


@bp.post("/users/<int:user_id>/disabled")
def toggle_user(user_id: int):
    """Disable or re-enable a user; a disabled user is signed out at once."""
    db = get_session()
    if user_id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(_back())
    try:
        user = set_user_disabled(
            session=db,
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
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("Ask another administrator to reset your own password."), "error")
        return redirect(url_for("admin.users"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        generated = None if form.password.data else generate_password()
        try:
            set_password(
                session=db,
                actor=current_user,
                user_id=user.id,
                password=form.password.data or generated,
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
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
