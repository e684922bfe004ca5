"""A product from an openEPD JSON file, and a product as one."""

import json

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import manufacturer_bp as bp
from catalog.categories import category_variants, list_categories
from catalog.forms import ImportForm
from catalog.manufacturer_access import own_or_404
from catalog.openepd.services import export_product, import_product
from catalog.plants import list_own_plants
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import select_choices
from greenbm.i18n import localized


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
            discard_changes()
            problems = [m for messages in exc.errors.values() for m in messages]
        else:
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
    document = own_or_404(export_product, product_id=product_id)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="product-{product_id}.openepd.json"'
    )
    return response
