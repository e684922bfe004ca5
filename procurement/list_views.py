"""A procurement list's pages: lines, compliance panel, adding from the catalogue, exports."""

from datetime import date
from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog.categories import list_categories
from catalog.services import get_published_product
from catalog.units import format_unit
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import attempt, select_choices
from greenbm.i18n import localized
from greenbm.urls import database_id
from procurement import bp, exports
from procurement.carbon_chart import list_benchmarks, list_chart
from procurement.forms import (
    AddToListForm,
    MaterialLineForm,
    ProductLineForm,
    RemoveLineForm,
)
from procurement.line_services import (
    MaterialInput,
    add_material_line,
    add_product_line,
    certificate_state,
    remove_line,
)
from procurement.list_documents import list_pdf
from procurement.pdf import pdf_context
from procurement.report import list_report
from procurement.services import agency_lists, get_list
from procurement.views import officer_only, or_404

# --- a list -----------------------------------------------------------------------------------


def _material_form(**kwargs) -> MaterialLineForm:
    form = MaterialLineForm(**kwargs)
    form.category_id.choices = select_choices(
        (c.id, f"{localized(c)} ({format_unit(c.declared_unit)})")
        for c in list_categories(session=get_session())
    )
    return form


def _list_page(list_id: int, *, product_form=None, material_form=None, status: int = 200):
    report = or_404(list_report, list_id=list_id)
    benchmarks = list_benchmarks(report, session=get_session())
    return render_template(
        "procurement/list.html",
        report=report,
        benchmarks=benchmarks,
        carbon_chart=list_chart(
            benchmarks,
            title=_("The list's GWP against the category's percentiles"),
            description=_(
                "Quantity-weighted GWP of the list per category, beside the "
                "category's 20th and 80th percentiles and reference factor."
            ),
        ),
        product_form=product_form or ProductLineForm(formdata=None),
        material_form=material_form or _material_form(formdata=None),
        remove_form=RemoveLineForm(formdata=None),
    ), status


@bp.get("/lists/<int:list_id>")
@officer_only
def procurement_list(list_id: int):
    """Show a list's lines and its compliance panel, recomputed now."""
    return _list_page(list_id)


@bp.post("/lists/<int:list_id>/lines")
@officer_only
def add_line(list_id: int):
    """Add a catalogue product to the list by its number."""
    or_404(get_list, list_id=list_id)
    form = ProductLineForm()
    if form.validate_on_submit():
        line = attempt(
            form,
            lambda: add_product_line(
                session=get_session(),
                actor=current_user,
                list_id=list_id,
                product_id=form.product_id.data,
                quantity=form.quantity.data,
                unit_price=form.unit_price.data,
            ),
        )
        if line is not None:
            _flash_added(line)
            return redirect(url_for(".procurement_list", list_id=list_id))
    return _list_page(list_id, product_form=form, status=400)


def _flash_added(line) -> None:
    if line.cert_status_at_add == "valid":
        flash(_("Line added."), "success")
    else:
        flash(
            _("Line added, but the product holds no valid certificate: it is not green."), "error"
        )


@bp.post("/lists/<int:list_id>/materials")
@officer_only
def add_material(list_id: int):
    """Add a material that is not in the catalogue (never green)."""
    or_404(get_list, list_id=list_id)
    form = _material_form()
    if form.validate_on_submit():
        data = MaterialInput(
            category_id=form.category_id.data,
            description=form.description.data or "",
            supplier_name=form.supplier_name.data or "",
            quantity=form.quantity.data,
            unit_price=form.unit_price.data,
        )
        line = attempt(
            form,
            lambda: add_material_line(
                session=get_session(), actor=current_user, list_id=list_id, data=data
            ),
        )
        if line is not None:
            flash(_("Material added; it does not count as green."), "success")
            return redirect(url_for(".procurement_list", list_id=list_id))
    return _list_page(list_id, material_form=form, status=400)


@bp.post("/lines/<int:line_id>/remove")
@officer_only
def remove(line_id: int):
    """Remove a line from its list."""
    if not RemoveLineForm().validate_on_submit():
        abort(400)
    item = or_404(remove_line, line_id=line_id)
    flash(_("Line removed."), "success")
    return redirect(url_for(".procurement_list", list_id=item.id))


# --- from the catalogue -----------------------------------------------------------------------


@bp.route("/add", methods=["GET", "POST"])
@officer_only
def add_from_catalogue():
    """Ask which list a catalogue product goes to, with its quantity and unit price."""
    db = get_session()
    product_id = database_id(request.args.get("product_id"))
    if product_id is None:
        abort(404)
    try:
        product = get_published_product(session=db, product_id=product_id)
    except NotFound:
        abort(404)
    lists = agency_lists(session=db, actor=current_user)
    form = AddToListForm()
    form.list_id.choices = select_choices(
        (item.id, f"{project.name} · {item.name}") for item, project in lists
    )
    if lists and form.validate_on_submit():
        # The choices are the agency's own lists, so the list is found.
        line = attempt(
            form,
            lambda: add_product_line(
                session=db,
                actor=current_user,
                list_id=form.list_id.data,
                product_id=product.id,
                quantity=form.quantity.data,
                unit_price=form.unit_price.data,
            ),
        )
        if line is not None:
            _flash_added(line)
            return redirect(url_for(".procurement_list", list_id=line.list_id))
    return render_template(
        "procurement/add.html",
        form=form,
        product=product,
        lists=lists,
        state=certificate_state(product, date.today()),
    ), 400 if form.errors else 200


# --- exports ----------------------------------------------------------------------------------


@bp.get("/lists/<int:list_id>/export.<fmt>")
@officer_only
def export(list_id: int, fmt: str):
    """Download the list with its compliance panel as PDF, XLSX or CSV."""
    if fmt not in exports.MIME_TYPES:
        abort(404)
    report = or_404(list_report, list_id=list_id)
    if fmt == "pdf":
        data = list_pdf(
            pdf_context(report),
            list_id=report.item.id,
            config=current_app.config,
            static_dir=current_app.static_folder,
        )
    elif fmt == "xlsx":
        data = exports.list_xlsx(report)
    else:
        data = exports.list_csv(report)
    return send_file(
        BytesIO(data),
        mimetype=exports.MIME_TYPES[fmt],
        as_attachment=True,
        download_name=f"procurement-list-{report.item.id}.{fmt}",
        max_age=0,
    )
