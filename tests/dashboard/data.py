"""A small hand-built data set for the dashboard figures, written straight into the tables.

The figures only read the database, so the rows are added directly (the services that would
make them are tested elsewhere); every expected value in the tests is worked out by hand from
the numbers here.
"""

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from catalog.models import Category, GwpProvenance, Plant, Product
from catalog.reports.models import (
    PlantReport,
    PlantReportProduct,
    PlantReportWaste,
    ReportStatus,
)
from certification.models import (
    Application,
    ApplicationState,
    Certificate,
    CertificateEvent,
    CriteriaVersion,
)
from procurement.models import ListLine, ProcurementList, Project
from tests.factories import make_organisation

TODAY = date(2026, 6, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


def category(session: Session, code: str) -> Category:
    """Return the category with the code."""
    return session.exec(select(Category).where(Category.code == code)).one()


def plant(
    session: Session,
    maker: Organisation,
    name: str,
    division: str,
    capacity: float | None,
    unit: str | None,
    kind: str = "clinker",
    figures: dict[int, float] | None = None,
    wastes: dict[int, list[tuple[str, float, bool]]] | None = None,
    report_capacity: float = 1.0,
) -> Plant:
    """Add a plant with a confirmed annual report by year carrying its clinker energy."""
    row = Plant(
        manufacturer_id=maker.id,
        name=name,
        division_code=division,
        capacity=capacity,
        capacity_unit=unit,
        capacity_kind=kind,
        confirmed_at=shanghai(2026, 6, 1),
    )
    session.add(row)
    session.flush()
    for year, value in (figures or {}).items():
        # Fuels: 100 tce a year, 10 of them substitute; limestone 1000 t in raw meal.
        report = PlantReport(
            plant_id=row.id,
            year=year,
            status=ReportStatus.CONFIRMED,
            evidence="test",
            fuel_tce=100.0,
            substitute_fuel_tce=10.0,
            raw_meal_limestone_t=1000.0,
        )
        session.add(report)
        session.flush()
        # The clinker panels weigh the plant's registered capacity; the report's own capacity
        # is what the all-industries benchmark share weighs.
        session.add(
            PlantReportProduct(
                report_id=report.id,
                # A grinding mill reports cement, not clinker.
                industry="clinker" if kind == "clinker" else "cement",
                capacity=report_capacity,
                production=report_capacity,
                energy=value,
            )
        )
        for kind, tonnes, in_raw_meal in (wastes or {}).get(year, []):
            session.add(
                PlantReportWaste(
                    report_id=report.id, kind=kind, tonnes=tonnes, in_raw_meal=in_raw_meal
                )
            )
    session.flush()
    return row


def product(
    session: Session,
    maker: Organisation,
    site: Plant,
    code: str,
    gwp: float,
    *,
    unit: str | None = None,
    variant: str | None = None,
    status: str = "published",
    name: str = "",
    cert: tuple[str, date] | None = None,
) -> Product:
    """Add a product of the category; `cert` is its certificate summary (status, valid until)."""
    cat = category(session, code)
    row = Product(
        manufacturer_id=maker.id,
        plant_id=site.id,
        category_id=cat.id,
        name_zh=name or f"{code} {gwp}",
        name_en=name or f"{code} {gwp}",
        declared_unit=unit or cat.declared_unit,
        variant=variant,
        gwp_a1a3=gwp,
        gwp_provenance=GwpProvenance.SELF_DECLARED,
        status=status,
        cert_status=cert[0] if cert else None,
        cert_valid_until=cert[1] if cert else None,
    )
    session.add(row)
    session.flush()
    return row


@dataclass
class Bodies:
    """A certification body and the criteria version every test certificate refers to."""

    body: Organisation
    criteria_id: int


def bodies(session: Session) -> Bodies:
    """Add a certification body; return it with some criteria version's id."""
    body = make_organisation(
        session, kind=OrganisationKind.CERTIFICATION_BODY, cert_number_prefix="T"
    )
    return Bodies(body, session.exec(select(CriteriaVersion.id)).first())


def certificate(
    session: Session,
    world: Bodies,
    item: Product,
    number: str,
    *,
    stars: int,
    issued_on: date,
    valid_until: date,
    status: str = "valid",
    events: tuple[tuple[str, datetime], ...] = (),
) -> Certificate:
    """Add a certificate of the product with its application and status events."""
    application = Application(
        product_id=item.id,
        manufacturer_id=item.manufacturer_id,
        body_id=world.body.id,
        state=ApplicationState.APPROVED,
    )
    session.add(application)
    session.flush()
    row = Certificate(
        number=number,
        product_id=item.id,
        holder_id=item.manufacturer_id,
        body_id=world.body.id,
        category_id=item.category_id,
        criteria_version_id=world.criteria_id,
        application_id=application.id,
        stars=stars,
        status=status,
        issued_on=issued_on,
        valid_until=valid_until,
        snapshot=json.dumps({}),
    )
    session.add(row)
    session.flush()
    for to_status, at in events:
        session.add(CertificateEvent(certificate_id=row.id, at=at, to_status=to_status))
    session.flush()
    return row


def shanghai(*args: int) -> datetime:
    """Return a moment given in Guizhou's local time, in UTC."""
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def procurement_list(
    session: Session, agency: Organisation, division: str, lines: list[tuple]
) -> ProcurementList:
    """Add a project in the division with one list of (product or category code, qty, price)."""
    project = Project(
        agency_id=agency.id,
        name=f"project {division} {len(lines)}",
        code=f"P-{division}-{next(_serial)}",
        project_type="school",
        division_code=division,
    )
    session.add(project)
    session.flush()
    item = ProcurementList(project_id=project.id, name="list")
    session.add(item)
    session.flush()
    for what, quantity, price in lines:
        if isinstance(what, Product):
            product_id, category_id, unit = what.id, what.category_id, what.declared_unit
        else:
            cat = category(session, what)
            product_id, category_id, unit = None, cat.id, cat.declared_unit
        session.add(
            ListLine(
                list_id=item.id,
                product_id=product_id,
                category_id=category_id,
                description="material",
                quantity=Decimal(quantity),
                unit=unit,
                unit_price=Decimal(price),
            )
        )
    session.flush()
    return item


def far() -> date:
    """Return a validity date far beyond TODAY."""
    return TODAY + timedelta(days=1000)
