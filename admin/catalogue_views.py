"""Console pages for categories and their criteria versions: edit, upload, compare, activate."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.forms import CategoryForm, CriteriaUploadForm
from admin.queries import (
    categories_with_usage,
    category_by_code,
    criteria_version_review,
    criteria_versions_with_usage,
    product_counts_by_unit,
)
from admin.services import (
    CRITERIA_MAX_BYTES,
    CategoryInput,
    activate_criteria,
    update_category,
    upload_criteria,
)
from catalog.models import Category
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import attempt
from greenbm.i18n import localized


def _category(code: str) -> Category:
    try:
        return category_by_code(session=get_session(), code=code)
    except NotFound:
        abort(404)


@bp.get("/categories")
def categories():
    """List the categories with their unit, procurement class and active criteria."""
    rows = categories_with_usage(session=get_session())
    return render_template("admin/categories.html", rows=rows)


@bp.route("/categories/<code>", methods=["GET", "POST"])
def edit_category(code: str):
    """Change a category's names, declared unit or procurement class."""
    db = get_session()
    category = _category(code)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        data = CategoryInput(
            name_zh=form.name_zh.data or "",
            name_en=form.name_en.data or "",
            declared_unit=form.declared_unit.data or "",
            procurement_class=form.procurement_class.data or "",
        )
        changed = attempt(
            form,
            lambda: update_category(
                session=db, actor=current_user, category_id=category.id, data=data
            ),
        )
        if changed is not None:
            flash(_("Category saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.categories"))
    return render_template(
        "admin/category_form.html",
        form=form,
        category=category,
        units=product_counts_by_unit(session=db, category_id=category.id),
    ), 400 if form.errors else 200


def _criteria_page(category: Category, form: CriteriaUploadForm, status: int = 200):
    versions = criteria_versions_with_usage(session=get_session(), category_id=category.id)
    return render_template(
        "admin/criteria.html",
        category=category,
        versions=versions,
        form=form,
        max_kb=CRITERIA_MAX_BYTES // 1024,
    ), status


@bp.get("/criteria/<code>")
def criteria(code: str):
    """List a category's criteria versions, with the upload form."""
    return _criteria_page(_category(code), CriteriaUploadForm())


@bp.post("/criteria/<code>")
def upload(code: str):
    """Store an uploaded criteria file as an inactive version, then show its differences."""
    category = _category(code)
    form = CriteriaUploadForm()
    if not form.validate_on_submit():
        return _criteria_page(category, form, 400)
    # Read one byte more than allowed, so a larger file is recognised without reading it all.
    data = form.file.data.stream.read(CRITERIA_MAX_BYTES + 1)
    stored = attempt(
        form,
        lambda: upload_criteria(
            session=get_session(), actor=current_user, category_id=category.id, data=data
        ),
    )
    if stored is None:
        return _criteria_page(category, form, 400)
    row, created = stored
    if created:
        flash(_("Version %(v)s stored, not active yet. Check the differences.", v=row.version))
    else:
        flash(_("Version %(v)s was already stored with this content.", v=row.version))
    return redirect(url_for("admin.criteria_version", code=code, version_id=row.id))


@bp.get("/criteria/<code>/versions/<int:version_id>")
def criteria_version(code: str, version_id: int):
    """Show a version's differences from the active one, and activate it."""
    category = _category(code)
    try:
        review = criteria_version_review(
            session=get_session(), category_id=category.id, version_id=version_id
        )
    except NotFound:
        abort(404)
    return render_template(
        "admin/criteria_version.html",
        category=category,
        row=review.row,
        active=review.in_force,
        criteria=review.criteria,
        diff=review.diff,
    )


@bp.post("/criteria/<code>/versions/<int:version_id>/activate")
def activate(code: str, version_id: int):
    """Make the version the one new assessments use."""
    category = _category(code)
    try:
        row = activate_criteria(
            session=get_session(),
            actor=current_user,
            category_id=category.id,
            version_id=version_id,
        )
    except NotFound:
        abort(404)
    flash(
        _(
            "Version %(v)s is now in force for %(category)s. Certificates keep the version "
            "they were issued under.",
            v=row.version,
            category=localized(category),
        ),
        "success",
    )
    return redirect(url_for("admin.criteria", code=code))
