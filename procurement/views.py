"""Procurement officers' pages: projects and their lists (a list's own pages: `list_views`)."""

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import role_required
from accounts.divisions import division_choices
from accounts.models import Role
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import attempt, page_number
from procurement import bp, exports
from procurement.forms import ListForm, ProjectForm, project_type_label, status_label
from procurement.rules import LineStatus
from procurement.services import (
    ProjectInput,
    create_list,
    create_project,
    get_project,
    list_projects,
    project_lists,
    update_project,
)

officer_only = role_required(Role.PROCUREMENT_OFFICER)


@bp.context_processor
def _helpers() -> dict:
    return {
        "project_type_label": project_type_label,
        "status_label": status_label,
        "LineStatus": LineStatus,
        **exports.NUMBER_FORMATS,
    }


def or_404(func: Callable, **kwargs):
    try:
        return func(session=get_session(), actor=current_user, **kwargs)
    except NotFound:
        abort(404)


# --- projects ---------------------------------------------------------------------------------


@bp.get("")
@officer_only
def projects():
    """List the agency's projects."""
    page = list_projects(
        session=get_session(),
        actor=current_user,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("procurement/projects.html", page=page)


def _project_form(**kwargs) -> ProjectForm:
    form = ProjectForm(**kwargs)
    form.division_code.choices = division_choices()
    return form


def _project_input(form: ProjectForm) -> ProjectInput:
    return ProjectInput(
        name=form.name.data or "",
        code=form.code.data or "",
        project_type=form.project_type.data or "",
        division_code=form.division_code.data or "",
        owner_unit=form.owner_unit.data or "",
        budget=form.budget.data,
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@officer_only
def new_project():
    """Create a government-investment project."""
    form = _project_form()
    if form.validate_on_submit():
        data = _project_input(form)
        project = attempt(
            form, lambda: create_project(session=get_session(), actor=current_user, data=data)
        )
        if project is not None:
            flash(_("Project saved. Add a procurement list to it."), "success")
            return redirect(url_for(".project", project_id=project.id))
    return render_template(
        "procurement/project_form.html", form=form, project=None
    ), 400 if form.errors else 200


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@officer_only
def edit_project(project_id: int):
    """Change a project."""
    project = or_404(get_project, project_id=project_id)
    form = _project_form(obj=project)
    if form.validate_on_submit():
        data = _project_input(form)
        saved = attempt(
            form,
            lambda: update_project(
                session=get_session(), actor=current_user, project_id=project.id, data=data
            ),
        )
        if saved is not None:
            flash(_("Project saved."), "success")
            return redirect(url_for(".project", project_id=project.id))
    return render_template(
        "procurement/project_form.html", form=form, project=project
    ), 400 if form.errors else 200


@bp.get("/projects/<int:project_id>")
@officer_only
def project(project_id: int):
    """Show a project and its lists."""
    return _project_page(or_404(get_project, project_id=project_id), ListForm(formdata=None))


def _project_page(item, list_form: ListForm, status: int = 200):
    lists = project_lists(session=get_session(), actor=current_user, project_id=item.id)
    return render_template(
        "procurement/project.html", project=item, lists=lists, list_form=list_form
    ), status


@bp.post("/projects/<int:project_id>/lists")
@officer_only
def new_list(project_id: int):
    """Create a procurement list in the project."""
    item = or_404(get_project, project_id=project_id)
    form = ListForm()
    if form.validate_on_submit():
        created = attempt(
            form,
            lambda: create_list(
                session=get_session(), actor=current_user, project_id=item.id, name=form.name.data
            ),
        )
        if created is not None:
            flash(_("List created. Add products from the catalogue or materials below."), "success")
            return redirect(url_for(".procurement_list", list_id=created.id))
    return _project_page(item, form, 400)
