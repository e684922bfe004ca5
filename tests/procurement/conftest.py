"""Fixtures of the procurement tests: two agencies with an officer each, catalogue products."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from accounts.models import OrganisationKind, User
from catalog.models import GwpProvenance, Product, ProductStatus
from catalog.services import publish_product, set_certification_summary
from certification.models import Certificate
from procurement.models import ProcurementList, Project
from procurement.services import ProjectInput, create_list, create_project
from tests import factories

LATER = date.today() + timedelta(days=365)


def make_officer(session: Session, name: str = "贵州省政府采购中心") -> User:
    """Create a procurement agency with one procurement officer."""
    agency = factories.make_organisation(
        session, kind=OrganisationKind.PROCUREMENT_AGENCY, name_zh=name
    )
    return factories.make_user(session, agency)


def make_project_list(session: Session, officer: User, code: str = "GZ-2026-001"):
    """Create a school project of the officer's agency with one list; return (project, list)."""
    project = create_project(
        session=session,
        actor=officer,
        data=ProjectInput(
            name="贵阳市第一中学新校区",
            code=code,
            project_type="school",
            division_code="520100",
            owner_unit="贵阳市教育局",
            budget=Decimal("120000000"),
        ),
    )
    item = create_list(session=session, actor=officer, project_id=project.id, name="主体结构材料")
    return project, item


def catalogue_product(
    session: Session,
    maker: User,
    category_code: str,
    *,
    gwp: float,
    unit: str | None = None,
    variant: str | None = None,
    cert: str | None = "valid",
    valid_until: date | None = LATER,
    number: str | None = None,
    name: str | None = None,
) -> Product:
    """Insert a published product of any category with a certificate summary (no workflow)."""
    category = factories.category(session, category_code)
    plant = factories.make_plant(session, maker)
    product = Product(
        manufacturer_id=maker.organisation_id,
        plant_id=plant.id,
        category_id=category.id,
        name_zh=name or f"{category.name_zh}产品",
        name_en=f"{category.name_en} product",
        declared_unit=unit or category.declared_unit,
        variant=variant,
        gwp_a1a3=gwp,
        gwp_provenance=GwpProvenance.VERIFIED_EPD,
        status=ProductStatus.PUBLISHED,
        cert_number=number or (f"GZGBM-2026-TEST-{next(_serial):06d}" if cert else None),
        cert_stars=2 if cert else None,
        cert_status=cert,
        cert_valid_until=valid_until if cert else None,
    )
    session.add(product)
    session.flush()
    return product


_serial = iter(range(1, 10**6))


@dataclass
class CertifiedCement:
    """A published cement product with a real certificate, its maker and the issuing body."""

    product: Product
    certificate: Certificate
    reviewer: User


def lapse_certificate(session: Session, product: Product, status: str) -> None:
    """Record that a catalogue product's certificate became suspended, revoked or expired."""
    set_certification_summary(
        product.id,
        number=product.cert_number,
        stars=2,
        status=status,
        valid_until=product.cert_valid_until,
        session=session,
    )
    session.commit()


def certified_cement(session: Session, body, reviewer, **product) -> CertifiedCement:
    """Issue a real certificate for a new cement product and publish the product."""
    maker = factories.make_manufacturer_user(session)
    certificate = factories.issue_test_certificate(
        session, body=body, reviewer=reviewer, maker=maker, **product
    )
    item = publish_product(session=session, actor=maker, product_id=certificate.product_id)
    session.commit()
    return CertifiedCement(item, certificate, reviewer)


@pytest.fixture
def officer(session) -> User:
    """Return a procurement officer of agency A."""
    user = make_officer(session)
    session.commit()
    return user


@pytest.fixture
def other_officer(session) -> User:
    """Return a procurement officer of agency B."""
    user = make_officer(session, "遵义市公共资源交易中心")
    session.commit()
    return user


@pytest.fixture
def project_list(session, officer) -> tuple[Project, ProcurementList]:
    """Return agency A's project and its list."""
    project, item = make_project_list(session, officer)
    session.commit()
    return project, item


@pytest.fixture
def maker(session) -> User:
    """Return a manufacturer's user."""
    user = factories.make_manufacturer_user(session)
    session.commit()
    return user


@pytest.fixture
def body(session):
    """Return (certification body, its reviewer)."""
    pair = factories.make_body(session)
    session.commit()
    return pair
