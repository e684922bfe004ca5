"""The demo data: valid, spread as the issue asks, loaded idempotently, demo accounts usable."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from accounts.credit_code import normalize_credit_code
from accounts.models import Organisation, User
from catalog.models import Category, Plant, Product, ProductIndicatorValue
from seeds.loader import DEMO_PASSWORD, load_categories, load_demo
from tests.material_data import certificate_only_codes

CATEGORY_CODES = {
    "cement",
    "concrete",
    "flat-glass",
    "ceramic-tile",
    "sanitary-ceramic",
    "lime",
    "fired-brick",
    "aac-block",
    "gypsum",
    "wood-bamboo",
}
DEMO_ACCOUNTS = {
    "manufacturer@demo.test": "manufacturer",
    "reviewer@demo.test": "reviewer",
    "buyer@demo.test": "procurement_officer",
    "contractor@demo.test": "contractor",
    "admin@demo.test": "administrator",
}


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def demo(session):
    load_demo(echo=lambda *a, **k: None, session=session)
    session.commit()
    return session


def test_categories_with_criteria_here_are_the_ten_of_the_domain(session):
    own = {c.code for c in session.exec(select(Category)).all() if c.own_criteria}
    assert own == CATEGORY_CODES
    cement = session.exec(select(Category).where(Category.code == "cement")).one()
    assert cement.gwp_reference == 735.0 and cement.procurement_class == "mandatory"
    lime = session.exec(select(Category).where(Category.code == "lime")).one()
    assert lime.gwp_reference == 1190.0 and lime.procurement_class == "optional"


def test_demo_data_covers_what_the_issue_asks(demo):
    session = demo
    manufacturers = session.exec(
        select(Organisation).where(Organisation.kind == "manufacturer")
    ).all()
    assert len({m.division_code for m in manufacturers}) >= 6
    for org in session.exec(select(Organisation)).all():
        assert normalize_credit_code(org.credit_code) == org.credit_code
    kinds = dict(
        session.exec(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
    )
    assert kinds["certification_body"] == 2
    assert kinds["procurement_agency"] == 2
    assert kinds["construction_firm"] == 2
    assert kinds["administrator"] == 1
    assert _count(session, Product) >= 60
    per_category = dict(
        session.exec(
            select(Category.code, func.count())
            .join(Product, Product.category_id == Category.id)
            .group_by(Category.code)
        ).all()
    )
    assert set(per_category) == CATEGORY_CODES
    phosphogypsum = session.exec(
        select(func.count()).select_from(Product).where(Product.description.contains("磷石膏"))
    ).one()
    assert phosphogypsum >= 3
    for email, role in DEMO_ACCOUNTS.items():
        assert session.exec(select(User).where(User.email == email)).one().role == role


def test_loading_again_changes_nothing(demo):
    session = demo
    before = [
        _count(session, m) for m in (Organisation, User, Plant, Product, ProductIndicatorValue)
    ]
    load_categories(session=session)
    counts = load_demo(echo=lambda *a, **k: None, session=session)
    session.commit()
    after = [
        _count(session, m) for m in (Organisation, User, Plant, Product, ProductIndicatorValue)
    ]
    assert after == before
    assert counts["products_created"] == 0


@pytest.mark.parametrize("email", sorted(DEMO_ACCOUNTS))
def test_every_demo_account_signs_in(demo, client, email):
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_seed_command(app, session):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert f"Categories: {_count(session, Category)}." in result.output
    assert _count(session, Category) == len(CATEGORY_CODES) + len(certificate_only_codes())
    assert _count(session, Product) >= 60
    again = app.test_cli_runner().invoke(args=["seed"])
    assert again.exit_code == 0, again.output  # `make run` seeds on every start
    assert "0 new products" in again.output


def test_demo_certificates_cover_every_category_star_and_status(demo, tmp_path):
    from datetime import date

    from certification.models import Application, Certificate
    from seeds.certification_demo import load_demo_certificates

    session = demo
    counts = load_demo_certificates(str(tmp_path), today=date(2026, 11, 24), session=session)
    session.commit()
    certificates = session.exec(select(Certificate)).all()
    assert counts["certificates"] == len(certificates) >= 30
    assert {c.stars for c in certificates} == {1, 2, 3}
    codes = {session.get(Category, c.category_id).code for c in certificates}
    assert codes == CATEGORY_CODES
    statuses = [c.status for c in certificates]
    assert {"suspended", "revoked", "expired"} <= set(statuses)
    assert statuses.count("valid") == len(statuses) - 3
    waiting = session.exec(select(Application).where(Application.state == "submitted")).all()
    assert len(waiting) == counts["waiting"] >= 3
    again = load_demo_certificates(str(tmp_path), today=date(2026, 11, 24), session=session)
    assert again == {"certificates": 0, "waiting": 0, "rejected": 0}
