"""Factories that create valid records directly through the services, and certification worlds."""

import io
import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from accounts.credit_code import make_credit_code
from accounts.models import Organisation, OrganisationKind, User
from accounts.services import OrganisationData, create_organisation, create_user
from catalog.categories import category_indicators
from catalog.evidence import store_evidence
from catalog.models import Category, EvidenceFile, GwpProvenance, Plant, Product
from catalog.plants import PlantInput, create_plant
from catalog.rules import ProductInput
from catalog.services import create_product
from certification.applications.review import start_review
from certification.applications.services import create_application, submit_application
from certification.certificates.issue import issue_certificate
from certification.criteria.assessment import declared_values
from certification.criteria.rules import assess
from certification.criteria.store import active_criteria
from certification.models import Application, ApplicationState, Certificate
from seeds.certification_demo import blank_pdf

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def credit_code(division: str = "520100") -> str:
    """Return a fresh valid credit code in the division."""
    return make_credit_code(f"91{division}{next(_counter):09d}")


def make_organisation(
    session: Session, kind: str = OrganisationKind.MANUFACTURER, **kw
) -> Organisation:
    """Create an organisation of the kind."""
    n = next(_counter)
    data = OrganisationData(
        kind=kind,
        name_zh=kw.pop("name_zh", f"测试企业{n}"),
        credit_code=kw.pop("credit_code", None) or credit_code(),
        division_code=kw.pop("division_code", "520100"),
        **kw,
    )
    return create_organisation(session=session, actor=None, organisation=data)


def make_user(session: Session, organisation: Organisation | None = None, **kw) -> User:
    """Create a user (and a manufacturer for it unless an organisation is given)."""
    organisation = organisation or make_organisation(session)
    return create_user(
        session=session,
        actor=None,
        organisation_id=organisation.id,
        email=kw.pop("email", f"user{next(_counter)}@example.test"),
        password=kw.pop("password", PASSWORD),
        display_name=kw.pop("display_name", ""),
    )


def make_manufacturer_user(session: Session) -> User:
    """Create a manufacturer with one user."""
    return make_user(session, make_organisation(session))


def make_plant(session: Session, user: User, **kw) -> Plant:
    """Create a plant of the user's manufacturer."""
    data = PlantInput(
        name=kw.pop("name", f"生产基地{next(_counter)}"),
        division_code=kw.pop("division_code", "522700"),
        **kw,
    )
    return create_plant(session=session, actor=user, data=data)


def category(session: Session, code: str) -> Category:
    """Return the category with the code."""
    return session.exec(select(Category).where(Category.code == code)).one()


CEMENT_VALUES = {
    "clinker_energy": 104.0,
    "cement_energy": 86.0,
    "solid_waste_content": 18.0,
    "strength_margin": 2.5,
}


def cement_input(plant: Plant, **overrides) -> ProductInput:
    """Return valid, complete input for a cement product."""
    values = {
        "plant_id": plant.id,
        "name_zh": "P·O 42.5 普通硅酸盐水泥",
        "name_en": "P.O 42.5 ordinary Portland cement",
        "model_spec": "P·O 42.5",
        "declared_unit": "t",
        "gwp_a1a3": 655.0,
        "gwp_provenance": GwpProvenance.VERIFIED_EPD,
        "epd_programme_operator": "西南绿色建材 EPD 注册平台",
        "epd_registration_number": "EPD-GZ-2025-0001",
        "epd_verifier": "黔东第三方核查中心",
        "epd_issue_date": date(2025, 3, 1),
        "epd_valid_until": date(2030, 2, 28),
        "indicator_values": dict(CEMENT_VALUES),
    }
    values.update(overrides)
    return ProductInput(**values)


def make_product(session: Session, user: User, plant: Plant | None = None, **overrides) -> Product:
    """Create a complete draft cement product of the user's manufacturer."""
    plant = plant or make_plant(session, user)
    cement = category(session, "cement")
    assert {i.code for i in category_indicators(session=session, category_id=cement.id)} == set(
        CEMENT_VALUES
    )
    return create_product(
        session=session, actor=user, category_id=cement.id, data=cement_input(plant, **overrides)
    )


# --- certification ----------------------------------------------------------------------------

# The evidence a cement application needs; only the type-test report carries a test date.
EVIDENCE_KINDS = ("type_test_report", "emission_monitoring", "management_system")


def attach_evidence(
    session: Session, user: User, product: Product, evidence_dir: str, *, report_date: date
) -> list[EvidenceFile]:
    """Attach every evidence PDF a cement application needs, the type test of `report_date`."""
    return [
        store_evidence(
            session=session,
            actor=user,
            product_id=product.id,
            kind=kind,
            stream=io.BytesIO(blank_pdf()),
            filename=f"{kind}.pdf",
            evidence_dir=evidence_dir,
            test_date=report_date if kind == "type_test_report" else None,
        )
        for kind in EVIDENCE_KINDS
    ]


def make_body(session: Session, prefix: str = "GZGBM", **reviewer) -> tuple[Organisation, User]:
    """Create a certification body with one reviewer; return (body, reviewer)."""
    body = make_organisation(
        session, kind=OrganisationKind.CERTIFICATION_BODY, cert_number_prefix=prefix
    )
    return body, make_user(session, body, **reviewer)


@dataclass
class CertificationWorld:
    """A manufacturer with a complete cement product and its evidence; a body with a reviewer."""

    maker: User
    product: Product
    evidence: list[EvidenceFile]
    body: Organisation
    reviewer: User


def make_certification_world(
    session: Session,
    evidence_dir: str,
    *,
    report_date: date | None = None,
    reviewer_name: str = "",
) -> CertificationWorld:
    """Create everything an application needs to go through; the type test is 30 days old."""
    maker = make_manufacturer_user(session)
    product = make_product(session, maker)
    report_date = report_date or date.today() - timedelta(days=30)
    evidence = attach_evidence(session, maker, product, evidence_dir, report_date=report_date)
    body, reviewer = make_body(session, display_name=reviewer_name)
    return CertificationWorld(maker, product, evidence, body, reviewer)


def submitted_application(
    session: Session, world: CertificationWorld, *, today: date | None = None
) -> Application:
    """Open and submit an application for the world's product through the services."""
    application = create_application(
        session=session, actor=world.maker, product_id=world.product.id, body_id=world.body.id
    )
    submit_application(
        session=session, actor=world.maker, application_id=application.id, today=today
    )
    return application


def application_under_review(
    session: Session, world: CertificationWorld, *, today: date | None = None
) -> Application:
    """Open and submit an application, and start its review, through the services."""
    application = submitted_application(session, world, today=today)
    start_review(session=session, actor=world.reviewer, application_id=application.id)
    return application


def issue_test_certificate(
    session: Session,
    *,
    body: Organisation,
    reviewer: User,
    maker: User | None = None,
    issued_on: date | None = None,
    **product,
) -> Certificate:
    """Issue a certificate for a new cement product through issue_certificate, and commit."""
    maker = maker or make_manufacturer_user(session)
    item = make_product(session, maker, **product)
    row, criteria = active_criteria(item.category_id, session=session)
    application = create_application(
        session=session, actor=maker, product_id=item.id, body_id=body.id
    )
    # The workflow itself is tested elsewhere: here only its outcome matters.
    application.criteria_version_id = row.id
    application.state = ApplicationState.APPROVED
    assessment = assess(
        criteria,
        variant=None,
        values=declared_values(item, session=session),
        prerequisites={p.code: True for p in criteria.prerequisites},
    )
    certificate = issue_certificate(
        application, assessment, reviewer, today=issued_on or date.today(), session=session
    )
    application.certificate_id = certificate.id
    session.commit()
    return certificate


def set_dates(
    session: Session,
    certificate: Certificate,
    *,
    valid_until: date | None = None,
    due: date | None = None,
    status: str | None = None,
) -> None:
    """Change a certificate's dates or status directly in the database, and commit."""
    if valid_until is not None:
        certificate.valid_until = valid_until
    if due is not None:
        certificate.next_surveillance_due = due
    if status is not None:
        certificate.status = status
    session.add(certificate)
    session.commit()
