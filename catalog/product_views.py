"""The manufacturer's products: list, register, edit, publish, withdraw."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import manufacturer_bp as bp
from catalog.categories import category_indicators, category_variants, get_category, list_categories
from catalog.evidence import product_evidence
from catalog.forms import EvidenceForm, product_form_class
from catalog.manufacturer_access import own_or_404
from catalog.models import Category, Plant, Product
from catalog.plants import list_own_plants
from catalog.rules import ProductInput
from catalog.services import (
    create_product,
    holds_valid_certificate,
    indicator_values,
    list_own_products,
    own_product,
    publish_product,
    update_product,
    withdraw_product,
)
from catalog.units import format_unit
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import apply_errors, page_number, select_choices
from greenbm.i18n import localized
from greenbm.urls import database_id


@bp.get("/products")
def products():
    """List the company's products, a page at a time."""
    page = list_own_products(
        session=get_session(),
        actor=current_user,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("manufacturer/products.html", page=page)


def _product_form(category: Category, product: Product | None = None, **form_kwargs):
    db = get_session()
    indicators = category_indicators(session=db, category_id=category.id)
    variants = category_variants(session=db, category_id=category.id)
    form_class = product_form_class(category, indicators, variants, localized)
    data = None
    if product is not None:
        values = indicator_values(session=db, product_id=product.id)
        data = {f"ind_{code}": row.value for code, row in values.items()}
    form = form_class(obj=product, data=data, **form_kwargs)
    form.plant_id.choices = select_choices(
        (p.id, p.name) for p in list_own_plants(session=db, actor=current_user)
    )
    form.declared_unit.choices = select_choices((u, format_unit(u)) for u in category.allowed_units)
    return form, indicators


def _product_input(form, indicators) -> ProductInput:
    values = {}
    for ind in indicators:
        value = getattr(form, f"ind_{ind.code}").data
        if value is not None:
            values[ind.code] = value
    return ProductInput(
        plant_id=form.plant_id.data,
        name_zh=form.name_zh.data or "",
        name_en=form.name_en.data or "",
        series=form.series.data or "",
        model_spec=form.model_spec.data or "",
        description=form.description.data or "",
        declared_unit=form.declared_unit.data or "",
        variant=form.variant.data if hasattr(form, "variant") else None,
        gwp_a1a3=form.gwp_a1a3.data,
        gwp_provenance=form.gwp_provenance.data,
        epd_programme_operator=form.epd_programme_operator.data or "",
        epd_registration_number=form.epd_registration_number.data or "",
        epd_verifier=form.epd_verifier.data or "",
        epd_issue_date=form.epd_issue_date.data,
        epd_valid_until=form.epd_valid_until.data,
        indicator_values=values,
    )


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    """Choose a category, then enter the product's data."""
    db = get_session()
    category_id = database_id(request.args.get("category"))
    if category_id is None:
        return render_template(
            "manufacturer/choose_category.html", categories=list_categories(session=db)
        )
    try:
        category = get_category(session=db, category_id=category_id)
    except NotFound:
        abort(404)
    form, indicators = _product_form(category)
    if not form.plant_id.choices:
        flash(_("Register a plant first: every product is made at one of your plants."), "error")
        return redirect(url_for("manufacturer.new_plant"))
    if form.validate_on_submit():
        try:
            product = create_product(
                session=db,
                actor=current_user,
                category_id=category.id,
                data=_product_input(form, indicators),
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("Product saved as a draft."), "success")
            return redirect(url_for("manufacturer.product", product_id=product.id))
    return render_template(
        "manufacturer/product_form.html",
        form=form,
        category=category,
        product=None,
        indicators=indicators,
    )


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    """Edit a product's data."""
    db = get_session()
    product = own_or_404(own_product, product_id=product_id)
    category = db.get(Category, product.category_id)
    form, indicators = _product_form(category, product)
    if form.validate_on_submit():
        try:
            update_product(
                session=db,
                actor=current_user,
                product_id=product.id,
                data=_product_input(form, indicators),
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("Product saved."), "success")
            return redirect(url_for("manufacturer.product", product_id=product.id))
    return _edit_page(form, category, product, indicators)


def _edit_page(form, category: Category, product: Product, indicators):
    return render_template(
        "manufacturer/product_form.html",
        form=form,
        category=category,
        product=product,
        indicators=indicators,
    )


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    """Show a product with its data, evidence and actions."""
    item = own_or_404(own_product, product_id=product_id)
    return render_own_product(item, EvidenceForm(formdata=None))


def render_own_product(item: Product, evidence_form: EvidenceForm):
    """Render the manufacturer's page of a product, with the evidence form as given."""
    db = get_session()
    category = db.get(Category, item.category_id)
    variants = {v.code: v for v in category_variants(session=db, category_id=category.id)}
    return render_template(
        "manufacturer/product.html",
        product=item,
        category=category,
        plant=db.get(Plant, item.plant_id),
        variant=variants.get(item.variant),
        indicators=category_indicators(session=db, category_id=category.id),
        values=indicator_values(session=db, product_id=item.id),
        evidence=product_evidence(session=db, product_id=item.id),
        evidence_form=evidence_form,
        certified=holds_valid_certificate(item),
    )


@bp.post("/products/<int:product_id>/publish")
def publish(product_id: int):
    """Publish a product in the catalogue, or say what is missing."""
    db = get_session()
    try:
        publish_product(session=db, actor=current_user, product_id=product_id)
    except NotFound:
        abort(404)
    except Invalid as exc:
        discard_changes()
        # Show the edit form with each problem at its field, so the page says what is missing.
        item = own_product(session=db, actor=current_user, product_id=product_id)
        category = db.get(Category, item.category_id)
        form, indicators = _product_form(category, item, formdata=None)
        apply_errors(form, exc)
        flash(_("Complete the product before publishing it."), "error")
        return _edit_page(form, category, item, indicators), 400
    flash(_("Product published in the catalogue."), "success")
    return redirect(url_for("manufacturer.product", product_id=product_id))


@bp.post("/products/<int:product_id>/withdraw")
def withdraw(product_id: int):
    """Take a product out of the public catalogue (not while its certificate is valid)."""
    try:
        own_or_404(withdraw_product, product_id=product_id)
    except Invalid as exc:
        discard_changes()
        for messages in exc.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("manufacturer.product", product_id=product_id))
    flash(_("Product withdrawn from the catalogue."), "success")
    return redirect(url_for("manufacturer.product", product_id=product_id))
