"""Migration 0008 publishes the drafts that hold a valid certificate (README, "Publish rule")."""

from datetime import date, timedelta

from sqlmodel import Session, select

from catalog.models import Product, SearchOutbox
from greenbm import create_app
from greenbm.migrate import upgrade
from seeds.loader import load_categories
from tests import factories
from tests.conftest import _base_config

CASES = {  # product name: (certificate status, days until its end, published afterwards?)
    "valid": ("valid", 400, True),
    "lapsed": ("valid", -1, False),  # past its date: expired by the live-status rule
    "revoked": ("revoked", 400, False),
    "uncertified": (None, None, False),
}


def test_0008_publishes_drafts_with_a_valid_certificate(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app(_base_config(url, tmp_path / "instance"))
    engine = app.extensions["db_engine"]
    upgrade(app, "5c0e9f7a2d31")  # 0007: the schema is the same, only the data changes
    with app.test_request_context(), Session(engine) as session:
        load_categories(session=session)
        maker = factories.make_manufacturer_user(session)
        for name, (status, days, _public) in CASES.items():
            product = factories.make_product(session, maker, name_en=name)
            product.cert_status = status
            product.cert_valid_until = date.today() + timedelta(days=days) if days else None
            session.add(product)
        session.commit()
        before = len(session.exec(select(SearchOutbox)).all())
    upgrade(app)
    with Session(engine) as session:
        for name, (_status, _days, public) in CASES.items():
            product = session.exec(select(Product).where(Product.name_en == name)).one()
            assert (product.status == "published") is public, name
            assert (product.published_at is not None) is public, name
        assert len(session.exec(select(SearchOutbox)).all()) == before + 1  # reindex the one
    engine.dispose()
