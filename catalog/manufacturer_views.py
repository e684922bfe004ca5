"""The manufacturer's registry pages: plants, products, evidence, openEPD import and export."""

import json

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import role_required
from accounts.divisions import division_choices
from accounts.models import Role
from catalog import manufacturer_bp as bp
from catalog.energy import ENERGY_METRICS
from catalog.evidence import (
    delete_evidence,
    discard_evidence_file,
    own_evidence,
    product_evidence,
    store_evidence,
)
from catalog.forms import (
    EnergyFigureForm,
    EvidenceForm,
    ImportForm,
    PlantForm,
    product_form_class,
)
from catalog.models import Category, Plant, Product
from catalog.openepd.services import export_product, import_product
from catalog.plants import (
    PlantInput,
    create_plant,
    energy_figures,
    list_own_plants,
    record_energy_figure,
    update_plant,
)
from catalog.rules import ProductInput
from catalog.services import (
    category_indicators,
    category_variants,
    create_product,
    get_category,
    indicator_values,
    list_categories,
    list_own_products,
    own_plant,
    own_product,
    publish_product,
    update_product,
    withdraw_product,
)
from catalog.units import format_unit
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import apply_errors, page_number, select_choices
from greenbm.i18n import localized

manufacturer_only = role_required(Role.MANUFACTURER)


@bp.before_request
@manufacturer_only
def _guard():
    """Every page here is for signed-in manufacturers only; others get 404."""
    return None


def _or_404(func, **kwargs):
    try:
        return func(session=get_session(), actor=current_user, **kwargs)
    except NotFound:
        abort(404)


# --- plants -------------------------------------------------------------------------------


@bp.get("/plants")
def plants():
    """List the company's plants."""
    return render_template(
        "manufacturer/plants.html",
        plants=list_own_plants(session=get_session(), actor=current_user),
    )


def _plant_input(form: PlantForm) -> PlantInput:
    return PlantInput(
        name=form.name.data or "",
        division_code=form.division_code.data or "",
        address=form.address.data or "",
        capacity=form.capacity.data,
        capacity_unit=form.capacity_unit.data if form.capacity.data is not None else None,
        capacity_kind=form.capacity_kind.data,
    )


@bp.route("/plants/new", methods=["GET", "POST"])
def new_plant():
    """Register a plant."""
    form = PlantForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        try:
            plant = create_plant(session=db, actor=current_user, data=_plant_input(form))
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Plant saved."), "success")
            return redirect(url_for("manufacturer.plant", plant_id=plant.id))
    return render_template("manufacturer/plant_form.html", form=form, plant=None)


@bp.route("/plants/<int:plant_id>", methods=["GET", "POST"])
def plant(plant_id: int):
    """Show and edit a plant and its energy figures."""
    db = get_session()
    item = _or_404(own_plant, plant_id=plant_id)
    form = PlantForm(obj=item)
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        try:
            update_plant(session=db, actor=current_user, plant_id=item.id, data=_plant_input(form))
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Plant saved."), "success")
            return redirect(url_for("manufacturer.plant", plant_id=item.id))
    return _plant_page(item, form, EnergyFigureForm(formdata=None))


def _plant_page(item, form, energy_form):
    return render_template(
        "manufacturer/plant_form.html",
        form=form,
        plant=item,
        energy_form=energy_form,
        figures=energy_figures(session=get_session(), plant_id=item.id),
        metrics=ENERGY_METRICS,
    )


@bp.post("/plants/<int:plant_id>/energy")
def add_energy(plant_id: int):
    """Record a yearly energy figure of a plant."""
    db = get_session()
    item = _or_404(own_plant, plant_id=plant_id)
    energy_form = EnergyFigureForm()
    if energy_form.validate_on_submit():
        try:
            record_energy_figure(
                session=db,
                actor=current_user,
                plant_id=item.id,
                year=energy_form.year.data,
                metric=energy_form.metric.data,
                value=energy_form.value.data,
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(energy_form, exc)
        else:
            db.commit()
            flash(_("Energy figure saved."), "success")
            return redirect(url_for("manufacturer.plant", plant_id=item.id))
    form = PlantForm(obj=item, formdata=None)
    form.division_code.choices = division_choices()
    return _plant_page(item, form, energy_form), 400


# --- products -----------------------------------------------------------------------------


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
        epd_issue_date=form.epd_issue_date.data,
        epd_valid_until=form.epd_valid_until.data,
        indicator_values=values,
    )


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    """Choose a category, then enter the product's data."""
    db = get_session()
    raw_category = request.args.get("category", "")
    if not raw_category.isdigit():
        return render_template(
            "manufacturer/choose_category.html", categories=list_categories(session=db)
        )
    try:
        category = get_category(session=db, category_id=int(raw_category))
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
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
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
    product = _or_404(own_product, product_id=product_id)
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
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
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
    item = _or_404(own_product, product_id=product_id)
    return _product_page(item, EvidenceForm(formdata=None))


def _product_page(item: Product, evidence_form: EvidenceForm):
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
        db.rollback()
        # Show the edit form with each problem at its field, so the page says what is missing.
        item = own_product(session=db, actor=current_user, product_id=product_id)
        category = db.get(Category, item.category_id)
        form, indicators = _product_form(category, item, formdata=None)
        apply_errors(form, exc)
        flash(_("Complete the product before publishing it."), "error")
        return _edit_page(form, category, item, indicators), 400
    db.commit()
    flash(_("Product published in the catalogue."), "success")
    return redirect(url_for("manufacturer.product", product_id=product_id))


@bp.post("/products/<int:product_id>/withdraw")
def withdraw(product_id: int):
    """Take a product out of the public catalogue."""
    db = get_session()
    _or_404(withdraw_product, product_id=product_id)
    db.commit()
    flash(_("Product withdrawn from the catalogue."), "success")
    return redirect(url_for("manufacturer.product", product_id=product_id))


@bp.post("/products/<int:product_id>/evidence")
def upload_evidence(product_id: int):
    """Attach a PDF to a product."""
    db = get_session()
    item = _or_404(own_product, product_id=product_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            evidence = store_evidence(
                session=db,
                actor=current_user,
                product_id=item.id,
                kind=form.kind.data,
                stream=upload.stream,
                filename=upload.filename or "",
                evidence_dir=current_app.config["EVIDENCE_DIR"],
                test_date=form.test_date.data,
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            try:
                db.commit()
            except Exception:
                # The row is not saved, so its file must not stay behind as an orphan.
                discard_evidence_file(evidence, current_app.config["EVIDENCE_DIR"])
                raise
            flash(_("Document attached."), "success")
            return redirect(url_for("manufacturer.product", product_id=item.id))
    return _product_page(item, form), 400


@bp.get("/evidence/<int:evidence_id>")
def download_evidence(evidence_id: int):
    """Download one of the company's evidence files."""
    evidence, path = _or_404(
        own_evidence, evidence_id=evidence_id, evidence_dir=current_app.config["EVIDENCE_DIR"]
    )
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=evidence.original_name
    )


@bp.post("/evidence/<int:evidence_id>/delete")
def remove_evidence(evidence_id: int):
    """Delete one of the company's evidence files."""
    evidence, path = _or_404(
        delete_evidence, evidence_id=evidence_id, evidence_dir=current_app.config["EVIDENCE_DIR"]
    )
    get_session().commit()
    path.unlink(missing_ok=True)  # only once the record is gone for good
    flash(_("Document removed."), "success")
    return redirect(url_for("manufacturer.product", product_id=evidence.product_id))


@bp.route("/products/import", methods=["GET", "POST"])
def import_epd():
    """Create a draft product from an openEPD JSON file."""
    db = get_session()
    form = ImportForm()
    form.category_id.choices = select_choices(
        (c.id, localized(c)) for c in list_categories(session=db)
    )
    form.plant_id.choices = select_choices(
        (p.id, p.name) for p in list_own_plants(session=db, actor=current_user)
    )
    form.variant.choices = select_choices(
        [("", "—")]
        + [
            (v.code, f"{localized(c)}: {localized(v)}")
            for c in list_categories(session=db)
            for v in category_variants(session=db, category_id=c.id)
        ]
    )
    problems: list[str] = []
    if form.validate_on_submit():
        raw = form.file.data.stream.read(5 * 1024 * 1024 + 1)
        try:
            if len(raw) > 5 * 1024 * 1024:
                raise Invalid({"file": [_("An openEPD file is at most 5 MB.")]})
            product = import_product(
                session=db,
                actor=current_user,
                category_id=form.category_id.data,
                plant_id=form.plant_id.data,
                raw=raw,
                variant=form.variant.data,
            )
        except NotFound:
            abort(404)
        except Invalid as exc:
            db.rollback()
            problems = [m for messages in exc.errors.values() for m in messages]
        else:
            db.commit()
            flash(
                _("Imported as a draft. Enter the category's indicator values, then publish."),
                "success",
            )
            return redirect(url_for("manufacturer.edit_product", product_id=product.id))
    status = 400 if problems else 200
    return render_template("manufacturer/import.html", form=form, problems=problems), status


@bp.get("/products/<int:product_id>/openepd.json")
def export_epd(product_id: int):
    """Download a product as an openEPD JSON document."""
    document = _or_404(export_product, product_id=product_id)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="product-{product_id}.openepd.json"'
    )
    return response
