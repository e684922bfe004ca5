"""The manufacturer's annual reports of a plant: list, file, correct, XLSX template in and out."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import manufacturer_bp as bp
from catalog.manufacturer_access import own_or_404
from catalog.reports.data import report_data
from catalog.reports.forms import PRODUCT_ROWS, WASTE_ROWS, ReportForm, ReportUploadForm
from catalog.reports.models import ReportStatus
from catalog.reports.rules import ReportInput
from catalog.reports.services import ReportView, file_report, plant_reports
from catalog.reports.xlsx import read_report_workbook, report_workbook
from catalog.services import own_plant
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.forms_util import apply_errors


def _prefill(view: ReportView) -> dict:
    report = view.report
    products = [vars(p) for p in view.products] + [{}] * (PRODUCT_ROWS - len(view.products))
    wastes = [vars(w) for w in view.wastes] + [{}] * (WASTE_ROWS - len(view.wastes))
    return {
        "year": report.year,
        "fuel_tce": report.fuel_tce,
        "substitute_fuel_tce": report.substitute_fuel_tce,
        "raw_meal_limestone_t": report.raw_meal_limestone_t,
        "evidence": report.evidence,
        "products": products,
        "wastes": wastes,
    }


def _page(plant, form, upload_form, status: int = 200):
    views = plant_reports(session=get_session(), plant_id=plant.id)
    return (
        render_template(
            "manufacturer/reports.html",
            plant=plant,
            views=views,
            form=form,
            upload_form=upload_form,
            data=report_data(),
            Status=ReportStatus,
        ),
        status,
    )


def _correcting(views: list[ReportView]) -> ReportView | None:
    """Return the version asked for by ?correct=<id>, to fill the form with."""
    wanted = request.args.get("correct", "")
    return next((v for v in views if str(v.report.id) == wanted), None)


@bp.get("/plants/<int:plant_id>/reports")
def reports(plant_id: int):
    """List a plant's annual reports and offer the form (filled to correct a version)."""
    plant = own_or_404(own_plant, plant_id=plant_id)
    source = _correcting(plant_reports(session=get_session(), plant_id=plant.id))
    form = ReportForm(formdata=None, data=_prefill(source) if source else None)
    return _page(plant, form, ReportUploadForm(formdata=None))


def _file(plant, data: ReportInput) -> None:
    report = file_report(
        session=get_session(), actor=current_user, plant_id=plant.id, data=data, today=date.today()
    )
    flash(
        _(
            "Report for %(year)s filed as version %(version)s.",
            year=report.year,
            version=report.version,
        ),
        "success",
    )


@bp.post("/plants/<int:plant_id>/reports")
def new_report(plant_id: int):
    """File a report (or a correction: a new version) from the form."""
    plant = own_or_404(own_plant, plant_id=plant_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            _file(plant, form.to_input())
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            return redirect(url_for("manufacturer.reports", plant_id=plant.id))
    return _page(plant, form, ReportUploadForm(formdata=None), 400)


@bp.post("/plants/<int:plant_id>/reports/upload")
def upload_report(plant_id: int):
    """File a report from a filled XLSX template."""
    plant = own_or_404(own_plant, plant_id=plant_id)
    upload_form = ReportUploadForm()
    if upload_form.validate_on_submit():
        try:
            _file(plant, read_report_workbook(upload_form.file.data.read()))
        except Invalid as exc:
            discard_changes()
            # Field errors of a workbook have no field on this form: shown above it.
            upload_form.form_errors.extend(m for ms in exc.errors.values() for m in ms)
        else:
            return redirect(url_for("manufacturer.reports", plant_id=plant.id))
    return _page(plant, ReportForm(formdata=None), upload_form, 400)


def _xlsx(content: bytes, name: str) -> Response:
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/plants/<int:plant_id>/reports/template.xlsx")
def report_template(plant_id: int):
    """Download the XLSX template; ?report=<id> fills it with that version's figures."""
    plant = own_or_404(own_plant, plant_id=plant_id)
    wanted = request.args.get("report")
    if wanted is None:
        return _xlsx(report_workbook(year=date.today().year - 1), f"plant-{plant.id}-report.xlsx")
    views = plant_reports(session=get_session(), plant_id=plant.id)
    view = next((v for v in views if str(v.report.id) == wanted), None)
    if view is None:
        abort(404)
    name = f"plant-{plant.id}-report-{view.report.year}-v{view.report.version}.xlsx"
    return _xlsx(report_workbook(view), name)
