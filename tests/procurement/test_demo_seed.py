"""The demo procurement list: built through the services on the demo catalogue, loaded once."""

from datetime import date

import pytest
from sqlmodel import select

from accounts.models import User
from catalog.models import Product
from procurement.models import ListLine, ProcurementList, Project
from procurement.report import list_report
from procurement.rules import LineStatus, ReasonCode
from seeds.certification_demo import load_demo_certificates
from seeds.loader import load_demo
from seeds.procurement_demo import LINES, MATERIALS, PROJECT, load_demo_procurement


@pytest.fixture
def seeded(session, tmp_path):
    """Return the session after loading the demo catalogue, its certificates and the list."""
    today = date.today()
    load_demo(echo=lambda *a, **k: None, session=session)
    load_demo_certificates(str(tmp_path), today=today, session=session)
    counts = load_demo_procurement(today=today, session=session)
    session.commit()
    assert counts == {"projects": 1, "lines": len(LINES) + len(MATERIALS)}
    return session


def _snapshot(session) -> list[tuple]:
    lines = session.exec(select(ListLine).order_by(ListLine.id)).all()
    return (
        [
            (ln.id, ln.list_id, ln.product_id, ln.category_id, ln.quantity, ln.unit_price)
            for ln in lines
        ]
        + [(p.id, p.code) for p in session.exec(select(Project)).all()]
        + [(i.id, i.name) for i in session.exec(select(ProcurementList)).all()]
    )


def test_the_demo_list_fails_on_the_brick_and_on_the_optional_types_of_a_hospital(seeded):
    session = seeded
    buyer = session.exec(select(User).where(User.email == "buyer@demo.test")).one()
    project = session.exec(select(Project)).one()
    assert project.agency_id == buyer.organisation_id and project.name == PROJECT.name
    item = session.exec(select(ProcurementList)).one()
    report = list_report(session=session, actor=buyer, list_id=item.id)
    products = [row.product for row in report.rows if row.product is not None]
    # Every named product of the demo catalogue is found, certified today.
    assert [p.name_zh for p in products] == [wanted.name for wanted in LINES]
    assert len({row.category.code for row in report.rows}) == len(report.rows)
    statuses = [row.status for row in report.rows]
    assert statuses == [LineStatus.GREEN] * len(LINES) + [LineStatus.OFF_CATALOGUE] * len(MATERIALS)
    c = report.compliance
    assert not c.compliant
    failing = [r for r in c.reasons if r.failing]
    assert [r.code for r in failing] == [ReasonCode.MANDATORY_LINE, ReasonCode.OPTIONAL_SHORT]
    assert failing[0].params["label"] == MATERIALS[0][1]
    # Gypsum, sanitary ceramics and wood are certified here; the twelve fit-out types are not.
    assert (c.optional.used, c.optional.covered) == (15, 3)
    assert c.optional.required == 6
    assert 0 < c.value.share < 1
    assert c.carbon.total.saved_t > 0


def test_seeding_again_changes_nothing(seeded, tmp_path):
    session = seeded
    before = _snapshot(session)
    products = session.exec(select(Product.id)).all()
    again = load_demo_procurement(today=date.today(), session=session)
    load_demo(echo=lambda *a, **k: None, session=session)
    load_demo_certificates(str(tmp_path), today=date.today(), session=session)
    session.commit()
    assert again == {"projects": 0, "lines": 0}
    assert _snapshot(session) == before
    assert session.exec(select(Product.id)).all() == products


def test_without_the_demo_buyer_nothing_is_created(session):
    assert load_demo_procurement(today=date.today(), session=session) == {"projects": 0, "lines": 0}
    assert session.exec(select(Project)).all() == []
