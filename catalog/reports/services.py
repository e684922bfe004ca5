"""Use cases of annual plant reports: file a version, list them, confirm or return one."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func
from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.models import Plant
from catalog.plant_confirmation import CONFIRMING_ROLES
from catalog.reports.data import report_data
from catalog.reports.models import PlantReport, PlantReportProduct, PlantReportWaste, ReportStatus
from catalog.reports.rules import ReportInput, check_report
from catalog.services import own_plant
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import Invalid, NotAllowed, NotFound
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow


def counted(model: type[PlantReport] = PlantReport) -> ColumnElement[bool]:
    """Return the SQL condition of a report that counts in provincial figures (confirmed)."""
    return model.status == ReportStatus.CONFIRMED


@dataclass
class ReportView:
    """A report version with its product and waste lines."""

    report: PlantReport
    products: list[PlantReportProduct]
    wastes: list[PlantReportWaste]


def _with_lines(reports: list[PlantReport], *, session: Session) -> list[ReportView]:
    ids = [r.id for r in reports]
    products: dict[int, list[PlantReportProduct]] = {}
    wastes: dict[int, list[PlantReportWaste]] = {}
    for row in session.exec(
        select(PlantReportProduct)
        .where(PlantReportProduct.report_id.in_(ids))
        .order_by(PlantReportProduct.id)
    ):
        products.setdefault(row.report_id, []).append(row)
    for row in session.exec(
        select(PlantReportWaste)
        .where(PlantReportWaste.report_id.in_(ids))
        .order_by(PlantReportWaste.id)
    ):
        wastes.setdefault(row.report_id, []).append(row)
    return [ReportView(r, products.get(r.id, []), wastes.get(r.id, [])) for r in reports]


def plant_reports(*, session: Session, plant_id: int) -> list[ReportView]:
    """Return every version of a plant's reports, latest year and version first."""
    reports = session.exec(
        select(PlantReport)
        .where(PlantReport.plant_id == plant_id)
        .order_by(PlantReport.year.desc(), PlantReport.version.desc())
    ).all()
    return _with_lines(list(reports), session=session)


def file_report(
    *, session: Session, actor: User, plant_id: int, data: ReportInput, today: date
) -> PlantReport:
    """File a new version of the plant's report for the year; earlier pending ones give way."""
    plant = own_plant(session=session, actor=actor, plant_id=plant_id)
    errors = check_report(data, report_data(), today)
    if errors:
        raise Invalid(errors)
    earlier = session.exec(
        select(PlantReport).where(PlantReport.plant_id == plant.id, PlantReport.year == data.year)
    ).all()
    for old in earlier:
        # A pending or returned version is replaced; a confirmed one keeps counting until
        # its correction is confirmed (confirm_report supersedes it then).
        if old.status in (ReportStatus.SUBMITTED, ReportStatus.RETURNED):
            old.status = ReportStatus.SUPERSEDED
    report = PlantReport(
        plant_id=plant.id,
        year=data.year,
        version=max((r.version for r in earlier), default=0) + 1,
        fuel_tce=data.fuel_tce,
        substitute_fuel_tce=data.substitute_fuel_tce,
        raw_meal_limestone_t=data.raw_meal_limestone_t,
        evidence=data.evidence.strip(),
        submitted_by_id=actor.id,
    )
    session.add(report)
    session.flush()
    session.add_all(PlantReportProduct(report_id=report.id, **vars(p)) for p in data.products)
    session.add_all(PlantReportWaste(report_id=report.id, **vars(w)) for w in data.wastes)
    _audit(actor, AuditAction.PLANT_REPORT_FILED, report, plant, {}, session=session)
    session.flush()
    return report


def _audit(actor, action, report: PlantReport, plant: Plant, detail: dict, *, session) -> None:
    record_audit(
        session=session,
        actor=actor,
        action=action,
        object_type="plant_report",
        object_id=report.id,
        label=f"{plant.name} {report.year} v{report.version}",
        detail={"plant_id": plant.id, "year": report.year, "version": report.version, **detail},
        subject_organisation_id=plant.manufacturer_id,
    )


def _pending(actor: User, report_id: int, *, session: Session) -> tuple[PlantReport, Plant]:
    if actor is None or actor.role not in CONFIRMING_ROLES or actor.disabled:
        raise NotAllowed()
    report = session.get(PlantReport, report_id)
    if report is None:
        raise NotFound()
    if report.status != ReportStatus.SUBMITTED:
        raise Invalid({"status": [_("This report is no longer waiting for a decision.")]})
    return report, session.get(Plant, report.plant_id)


def confirm_report(*, session: Session, actor: User, report_id: int) -> PlantReport:
    """Confirm a submitted report: it counts from now on, in place of any earlier version."""
    report, plant = _pending(actor, report_id, session=session)
    for old in session.exec(
        select(PlantReport).where(
            PlantReport.plant_id == report.plant_id,
            PlantReport.year == report.year,
            counted(),
        )
    ):
        old.status = ReportStatus.SUPERSEDED
    report.status = ReportStatus.CONFIRMED
    report.decided_by_id, report.decided_at = actor.id, utcnow()
    _audit(actor, AuditAction.PLANT_REPORT_CONFIRMED, report, plant, {}, session=session)
    session.flush()
    return report


def return_report(*, session: Session, actor: User, report_id: int, reason: str) -> PlantReport:
    """Return a submitted report to its manufacturer with the reason; it counts for nothing."""
    report, plant = _pending(actor, report_id, session=session)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [_("Say why the report is returned.")]})
    report.status = ReportStatus.RETURNED
    report.decided_by_id, report.decided_at = actor.id, utcnow()
    report.decision_reason = reason[:2000]
    _audit(
        actor, AuditAction.PLANT_REPORT_RETURNED, report, plant, {"reason": reason}, session=session
    )
    session.flush()
    return report


@dataclass
class QueuedReport:
    """A report waiting for a decision, with its plant and manufacturer."""

    view: ReportView
    plant: Plant
    manufacturer: str


def reports_awaiting_decision(*, session: Session, page: int, per_page: int) -> Page:
    """Return a page of submitted reports, oldest first, with their lines."""
    query = (
        select(PlantReport, Plant, Organisation.name_zh)
        .join(Plant, Plant.id == PlantReport.plant_id)
        .join(Organisation, Organisation.id == Plant.manufacturer_id)
        .where(PlantReport.status == ReportStatus.SUBMITTED)
        .order_by(PlantReport.submitted_at, PlantReport.id)
    )
    count = (
        select(func.count())
        .select_from(PlantReport)
        .where(PlantReport.status == ReportStatus.SUBMITTED)
    )
    found = paginate(query, count, page, per_page, session=session)
    views = _with_lines([r for r, _p, _n in found.items], session=session)
    found.items = [QueuedReport(v, p, n) for v, (_r, p, n) in zip(views, found.items, strict=True)]
    return found
