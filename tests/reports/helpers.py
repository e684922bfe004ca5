"""Shared pieces of the annual-report tests: a plant, a reviewer, a report input."""

from datetime import date

from accounts.models import OrganisationKind
from catalog.reports.rules import ProductLine, ReportInput, WasteLine
from tests.factories import make_organisation, make_plant, make_user

TODAY = date(2026, 6, 15)


def report_input(year: int = 2025, energy: float = 98.0, **overrides) -> ReportInput:
    """Return a valid clinker report for the year."""
    values = {
        "year": year,
        "fuel_tce": 1000.0,
        "substitute_fuel_tce": 50.0,
        "raw_meal_limestone_t": 9000.0,
        "evidence": "Energy audit 2025, No. GZ-EA-17",
        "products": [ProductLine("clinker", 1_000_000.0, 900_000.0, energy)],
        "wastes": [WasteLine("carbide_slag", 1000.0, True), WasteLine("fly_ash", 500.0)],
    }
    values.update(overrides)
    return ReportInput(**values)


def maker_and_plant(session):
    """Return a manufacturer's user and a clinker plant of theirs."""
    maker = make_user(session)
    plant = make_plant(session, maker, capacity=3000, capacity_unit="t/d", capacity_kind="clinker")
    return maker, plant


def reviewer(session):
    """Return a certification body's reviewer."""
    body = make_organisation(session, kind=OrganisationKind.CERTIFICATION_BODY)
    return make_user(session, body)
