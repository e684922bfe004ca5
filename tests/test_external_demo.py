"""The demo certificates of other bodies: two bodies, lapsed ones, products known only so."""

from datetime import date

from sqlmodel import select

from catalog.certificate_status import live_status
from catalog.models import Product
from certification.models import Certificate, CertificateSource
from seeds.external_demo import load_external_demo


def test_the_external_demo_loads_once_with_lapsed_and_recorded_only_products(app, session):
    today = date.today()
    first = load_external_demo(session=session, today=today)
    assert first == {"created": 6, "refused": 0}
    assert load_external_demo(session=session, today=today) == {"created": 0, "refused": 0}
    external = session.exec(
        select(Certificate).where(Certificate.source != CertificateSource.ISSUED)
    ).all()
    assert len({c.body_id for c in external}) >= 2
    statuses = {live_status(c.status, c.valid_until, today) for c in external}
    assert {"valid", "suspended", "expired", "revoked"} <= statuses
    recorded = session.exec(select(Product).where(Product.recorded_from_id.is_not(None))).all()
    assert len(recorded) == 6 and any(p.status == "draft" for p in recorded)
