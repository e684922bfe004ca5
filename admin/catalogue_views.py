"""Console pages for categories and their criteria versions: edit, upload, compare, activate."""

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from admin import bp
from admin.criteria_diff import diff_criteria
from admin.forms import CategoryForm, CriteriaUploadForm
from admin.services import (
    CRITERIA_MAX_BYTES,
    CategoryInput,
    activate_criteria,
    update_category,
    upload_criteria,
)
from catalog.models import Category, Product
from catalog.services import list_categories
from certification.criteria.parsing import criteria_from_dict
from certification.criteria.store import active_versions
from certification.models import Application, Certificate, CriteriaVersion
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import apply_errors
from greenbm.i18n import localized


def _category(code: str) -> Category:
    category = get_session().exec(select(Category).where(Category.code == code)).first()
    if category is None:
        abort(404)
    return category


def _product_units(category_id: int) -> list[tuple[str, int]]:
    rows = get_session().exec(
        select(Product.declared_unit, func.count())
        .where(Product.category_id == category_id)
        .group_by(Product.declared_unit)
        .order_by(Product.declared_unit)
    )
    return list(rows.all())


@bp.get("/categories")
def categories():
    """List the categories with their unit, procurement class and active criteria."""
    db = get_session()
    counts = dict(
        db.exec(select(Product.category_id, func.count()).group_by(Product.category_id)).all()
    )
    return render_template(
        "admin/categories.html",
        categories=list_categories(session=db),
        counts=counts,
        active=active_versions(db),
    )


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
        try:
            changed = update_category(
                session=db, actor=current_user, category_id=category.id, data=data
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Category saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.categories"))
    return render_template(
        "admin/category_form.html",
        form=form,
        category=category,
        units=_product_units(category.id),
    ), 400 if form.errors else 200


def _versions(category_id: int) -> list[tuple[CriteriaVersion, int, int]]:
    """Return the category's versions, newest first, with their application/certificate counts."""
    db = get_session()
    rows = db.exec(
        select(CriteriaVersion)
        .where(CriteriaVersion.category_id == category_id)
        .order_by(CriteriaVersion.id.desc())
    ).all()
    ids = [r.id for r in rows]
    apps = dict(
        db.exec(
            select(Application.criteria_version_id, func.count())
            .where(Application.criteria_version_id.in_(ids))
            .group_by(Application.criteria_version_id)
        ).all()
    )
    certs = dict(
        db.exec(
            select(Certificate.criteria_version_id, func.count())
            .where(Certificate.criteria_version_id.in_(ids))
            .group_by(Certificate.criteria_version_id)
        ).all()
    )
    return [(r, apps.get(r.id, 0), certs.get(r.id, 0)) for r in rows]


def _criteria_page(category: Category, form: CriteriaUploadForm, status: int = 200):
    return render_template(
        "admin/criteria.html",
        category=category,
        versions=_versions(category.id),
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
    db = get_session()
    category = _category(code)
    form = CriteriaUploadForm()
    if not form.validate_on_submit():
        return _criteria_page(category, form, 400)
    # Read one byte more than allowed, so a larger file is recognised without reading it all.
    data = form.file.data.stream.read(CRITERIA_MAX_BYTES + 1)
    try:
        row, created = upload_criteria(
            session=db, actor=current_user, category_id=category.id, data=data
        )
    except Invalid as exc:
        db.rollback()
        apply_errors(form, exc)
        return _criteria_page(category, form, 400)
    db.commit()
    if created:
        flash(_("Version %(v)s stored, not active yet. Check the differences.", v=row.version))
    else:
        flash(_("Version %(v)s was already stored with this content.", v=row.version))
    return redirect(url_for("admin.criteria_version", code=code, version_id=row.id))


def _version(category: Category, version_id: int) -> CriteriaVersion:
    row = get_session().get(CriteriaVersion, version_id)
    if row is None or row.category_id != category.id:
        abort(404)
    return row


@bp.get("/criteria/<code>/versions/<int:version_id>")
def criteria_version(code: str, version_id: int):
    """Show a version's differences from the active one, and activate it."""
    category = _category(code)
    row = _version(category, version_id)
    active = active_versions(get_session()).get(category.id)
    new = criteria_from_dict(json.loads(row.content))
    old = criteria_from_dict(json.loads(active.content)) if active else None
    return render_template(
        "admin/criteria_version.html",
        category=category,
        row=row,
        active=active,
        criteria=new,
        diff=diff_criteria(old, new) if active is None or active.id != row.id else None,
    )


@bp.post("/criteria/<code>/versions/<int:version_id>/activate")
def activate(code: str, version_id: int):
    """Make the version the one new assessments use."""
    db = get_session()
    category = _category(code)
    row = _version(category, version_id)
    try:
        activate_criteria(session=db, actor=current_user, version_id=row.id)
    except NotFound:
        abort(404)
    db.commit()
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
