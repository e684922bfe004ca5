"""The dashboard's hand-built world: clinker plants, certificates, products and lists."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from accounts.models import OrganisationKind
from dashboard.targets import Targets
from tests.dashboard import data
from tests.dashboard.data import TODAY, far, shanghai
from tests.factories import make_organisation

TARGETS = Targets(
    benchmark_share_target=0.30,
    reduction_target=0.03,
    operating_days=310,
)


@dataclass
class World:
    """What the tests look for by name."""

    plant_names: list[str]
    certificate_numbers: list[str]
    draft_name: str


def build_world(session) -> World:
    """Add the whole data set and commit."""
    cement_co = make_organisation(session, name_zh="甲水泥公司")
    other_co = make_organisation(session, name_zh="乙建材公司")
    # --- clinker plants (worked example in test_figures.py) ---
    data.plant(
        session,
        cement_co,
        "Kiln One",
        "520100",
        1000,
        "t/d",
        figures={2024: 104.0, 2025: 100.0},
        wastes={2025: [("fly_ash", 500.0, False), ("carbide_slag", 250.0, True)]},
        report_capacity=300.0,
    )
    data.plant(
        session, cement_co, "Kiln Two", "520100", 620000, "t/a", figures={2024: 102.0, 2025: 100.1}
    )
    data.plant(
        session,
        other_co,
        "Kiln Three",
        "520400",
        2000,
        "t/d",
        figures={2025: 110.0},
        wastes={2025: [("phosphogypsum", 60.0, False)]},
        report_capacity=700.0,
    )
    data.plant(session, other_co, "Kiln Four", "520400", 310000, "t/a", figures={2024: 120.0})
    data.plant(session, other_co, "Kiln Five", "520600", None, None, figures={2025: 90.0})
    # Not a clinker plant: its figure never counts, not even its year.
    data.plant(
        session,
        other_co,
        "Grinding Mill",
        "520100",
        500000,
        "t/a",
        kind="product",
        figures={2026: 80.0},
    )
    # --- production sites of the products ---
    guiyang = data.plant(session, cement_co, "Site GY", "520100", None, None, kind="product")
    anshun = data.plant(session, other_co, "Site AS", "520400", None, None, kind="product")
    tongren = data.plant(session, other_co, "Site TR", "520600", None, None, kind="product")
    qiannan = data.plant(session, other_co, "Site QN", "522700", None, None, kind="product")
    valid = ("valid", far())
    # --- certificates ---
    world = data.bodies(session)
    cement = [data.product(session, cement_co, guiyang, "cement", g) for g in (600, 700, 650)]
    c6_product = data.product(session, other_co, anshun, "cement", 550)
    concrete = [
        data.product(session, other_co, site, "concrete", g, variant="le_c30")
        for site, g in ((anshun, 250), (anshun, 270), (guiyang, 230), (qiannan, 290))
    ]
    draft = data.product(
        session, other_co, tongren, "cement", 100, status="draft", name="Secret draft cement"
    )
    cert = data.certificate
    cert(
        session,
        world,
        cement[0],
        "T-001",
        stars=3,
        issued_on=TODAY.replace(day=1),
        valid_until=far(),
    )
    cert(
        session,
        world,
        cement[1],
        "T-002",
        stars=1,
        issued_on=TODAY.replace(month=5, day=10),
        valid_until=TODAY + timedelta(days=90),
    )
    cert(
        session,
        world,
        concrete[0],
        "T-003",
        stars=2,
        issued_on=TODAY.replace(month=5, day=20),
        valid_until=TODAY + timedelta(days=91),
    )
    cert(
        session,
        world,
        concrete[1],
        "T-004",
        stars=2,
        issued_on=TODAY.replace(year=2021),
        valid_until=TODAY - timedelta(days=1),
    )
    cert(
        session,
        world,
        cement[2],
        "T-005",
        stars=2,
        issued_on=TODAY.replace(year=2025, month=7, day=1),
        valid_until=far(),
        status="suspended",
        events=(("suspended", shanghai(2026, 2, 1, 10, 0)),),
    )
    cert(
        session,
        world,
        c6_product,
        "T-006",
        stars=1,
        issued_on=TODAY.replace(year=2025, month=9, day=9),
        valid_until=far(),
        status="revoked",
        events=(
            ("suspended", shanghai(2025, 11, 1, 9, 0)),
            ("revoked", shanghai(2026, 1, 1, 0, 30)),
        ),
    )
    cert(
        session,
        world,
        concrete[2],
        "T-007",
        stars=3,
        issued_on=TODAY.replace(year=2025, day=30),
        valid_until=far(),
        status="revoked",
        events=(("revoked", shanghai(2025, 12, 31, 23, 30)),),
    )
    cert(
        session, world, draft, "T-008", stars=3, issued_on=TODAY.replace(day=10), valid_until=far()
    )
    cert(
        session,
        world,
        concrete[3],
        "T-009",
        stars=1,
        issued_on=TODAY.replace(month=3, day=3),
        valid_until=TODAY,
    )
    # --- products bought by the procurement lists ---
    a1 = data.product(session, cement_co, guiyang, "cement", 800, cert=valid)
    a3 = data.product(session, other_co, guiyang, "gypsum", 3.0, cert=valid)
    data.product(session, other_co, guiyang, "gypsum", 120, unit="t")
    a4 = data.product(session, other_co, guiyang, "wood-bamboo", 200, cert=("suspended", far()))
    lime = data.product(session, other_co, anshun, "lime", 1000, cert=valid)
    expired = data.product(
        session,
        other_co,
        qiannan,
        "concrete",
        260,
        variant="le_c30",
        cert=("valid", TODAY - timedelta(days=1)),
    )
    agency = make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    data.procurement_list(
        session,
        agency,
        "520100",
        [(a1, "10", "100"), (a3, "5", "100"), (a4, "2", "250"), ("gypsum", "1", "100")],
    )
    data.procurement_list(session, agency, "520100", [(lime, "1", "1000")])
    data.procurement_list(session, agency, "522700", [(expired, "4", "50")])
    data.procurement_list(session, agency, "522700", [])
    session.commit()
    return World(
        plant_names=["Kiln One", "Kiln Two", "Kiln Three", "Kiln Four", "Kiln Five"],
        certificate_numbers=[f"T-00{n}" for n in range(1, 10)],
        draft_name="Secret draft cement",
    )  # fmt: skip


@pytest.fixture
def world(session) -> World:
    """The hand-built data set, committed."""
    return build_world(session)
