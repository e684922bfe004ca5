"""The catalogue's rules behind truthful pages: publish rule, one EPD answer, GWP sort units."""

import io
from datetime import date, timedelta

import pytest

from catalog.categories import gwp_sort_unit
from catalog.epd import product_epd
from catalog.evidence import store_evidence
from catalog.models import ProductStatus
from catalog.services import set_certification_summary, withdraw_product
from greenbm.errors import Invalid
from seeds.certification_demo import blank_pdf
from tests import factories


@pytest.fixture
def maker(app, session):
    return factories.make_manufacturer_user(session)


def _certify(session, product, status: str, days: int = 400) -> None:
    set_certification_summary(
        product.id,
        number="GZGBM-2026-CEM-000001",
        stars=2,
        status=status,
        valid_until=date.today() + timedelta(days=days),
        session=session,
    )


def test_a_valid_certificate_publishes_its_draft_product(session, maker):
    product = factories.make_product(session, maker)
    assert product.status == ProductStatus.DRAFT
    _certify(session, product, "valid")
    assert product.status == ProductStatus.PUBLISHED and product.published_at is not None


@pytest.mark.parametrize("status", ["suspended", "revoked", "expired"])
def test_a_certificate_that_is_not_valid_publishes_nothing(session, maker, status):
    product = factories.make_product(session, maker)
    _certify(session, product, status)
    assert product.status == ProductStatus.DRAFT


def test_a_certified_product_cannot_be_withdrawn_while_valid(session, maker):
    product = factories.make_product(session, maker)
    _certify(session, product, "valid")
    with pytest.raises(Invalid) as refused:
        withdraw_product(session=session, actor=maker, product_id=product.id)
    assert "valid certificate" in refused.value.errors["status"][0]
    assert product.status == ProductStatus.PUBLISHED


@pytest.mark.parametrize(("status", "days"), [("revoked", 400), ("valid", -1)])
def test_a_product_whose_certificate_ended_can_be_withdrawn(session, maker, status, days):
    product = factories.make_product(session, maker)
    _certify(session, product, "valid")
    _certify(session, product, status, days)  # revoked, or past its date (expired)
    withdraw_product(session=session, actor=maker, product_id=product.id)
    assert product.status == ProductStatus.DRAFT


def test_the_epd_is_one_answer(app, session, maker):
    registered = factories.make_product(session, maker, epd_registration_number="EPD-CN-1")
    epd = product_epd(registered, session=session)
    assert epd.registered and epd.exists and not epd.files
    bare = factories.make_product(
        session,
        maker,
        gwp_provenance="self_declared",
        epd_programme_operator="",
        epd_registration_number="",
        epd_issue_date=None,
        epd_valid_until=None,
    )
    assert not product_epd(bare, session=session).exists
    store_evidence(
        session=session,
        actor=maker,
        product_id=bare.id,
        kind="epd",
        stream=io.BytesIO(blank_pdf()),
        filename="epd.pdf",
        evidence_dir=app.config["EVIDENCE_DIR"],
    )
    epd = product_epd(bare, session=session)
    assert epd.exists and not epd.registered and len(epd.files) == 1


@pytest.mark.parametrize(
    ("codes", "unit"),
    [
        ((), None),
        (("cement",), "t"),
        (("concrete",), "m^3"),
        (("cement", "lime"), None),  # both per t, still two categories: not one ranking
        (("gypsum",), None),  # board per m² and binder per t
        (("marble",), None),
    ],
)
def test_gwp_sorts_within_one_declared_unit(session, codes, unit):
    assert gwp_sort_unit(codes, session=session) == unit


def test_withdrawing_a_certified_product_through_the_page_is_refused(client, login, session, maker):
    product = factories.make_product(session, maker)
    _certify(session, product, "valid")
    session.commit()
    login(maker)
    page = client.get(f"/manufacturer/products/{product.id}").get_data(as_text=True)
    assert "stays public while its certificate is valid" in page
    response = client.post(f"/manufacturer/products/{product.id}/withdraw", follow_redirects=True)
    assert response.status_code == 200
    assert "holds a valid certificate" in response.get_data(as_text=True)
    session.refresh(product)
    assert product.status == ProductStatus.PUBLISHED
