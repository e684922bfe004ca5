"""Factories that create valid records directly through the services."""

import itertools
from datetime import date

from sqlmodel import Session, select

from greenbm.accounts.credit_code import make_credit_code
from greenbm.accounts.models import Organisation, OrganisationKind, User
from greenbm.accounts.services import OrganisationData, create_organisation, create_user
from greenbm.catalog.models import Category, GwpProvenance, Plant, Product
from greenbm.catalog.plants import PlantInput, create_plant
from greenbm.catalog.rules import ProductInput
from greenbm.catalog.services import category_indicators, create_product

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
