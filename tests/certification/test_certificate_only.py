"""A certificate-only type (no criteria here) cannot be applied for: service and pages say so."""

import html

import pytest
from sqlmodel import select

from catalog.models import GwpProvenance
from catalog.rules import ProductInput
from catalog.services import create_product
from certification.applications.services import create_application
from certification.models import Application
from greenbm.errors import Invalid
from tests import factories
from tests.material_data import certificate_only_codes

REFUSAL = "is a certificate-only type: this project has no criteria for it"


def _product(session, user, code: str):
    category = factories.category(session, code)
    plant = factories.make_plant(session, user)
    low, high = category.gwp_min, category.gwp_max
    data = ProductInput(
        plant_id=plant.id,
        name_zh=f"测试产品 {code}",
        declared_unit=category.declared_unit,
        gwp_a1a3=(low + high) / 2,
        gwp_provenance=GwpProvenance.SELF_DECLARED,
    )
    product = create_product(session=session, actor=user, category_id=category.id, data=data)
    session.commit()
    return product


@pytest.mark.parametrize("code", certificate_only_codes())
def test_no_application_for_a_certificate_only_type(session, body, code):
    user = factories.make_manufacturer_user(session)
    product = _product(session, user, code)
    with pytest.raises(Invalid) as refused:
        create_application(session=session, actor=user, product_id=product.id, body_id=body[0].id)
    (message,) = refused.value.errors["product_id"]
    assert REFUSAL in message
    assert session.exec(select(Application)).all() == []


def test_a_type_with_criteria_here_can_still_be_applied_for(session, body):
    user = factories.make_manufacturer_user(session)
    product = factories.make_product(session, user)
    application = create_application(
        session=session, actor=user, product_id=product.id, body_id=body[0].id
    )
    assert application.id is not None


def test_the_pages_say_so_and_post_changes_nothing(session, body, client, login):
    user = factories.make_manufacturer_user(session)
    product = _product(session, user, "wall-paint")
    login(user)
    url = f"/manufacturer/products/{product.id}/apply"
    page = client.get(url)
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert "Wall paints " + REFUSAL in text
    assert "Choose the certification body" not in text
    response = client.post(url, data={"body_id": body[0].id})
    assert response.status_code == 409
    assert REFUSAL in html.unescape(response.get_data(as_text=True))
    session.expire_all()
    assert session.exec(select(Application)).all() == []
    own_page = html.unescape(client.get(f"/manufacturer/products/{product.id}").get_data(True))
    assert REFUSAL in own_page and "Apply for certification" not in own_page


def test_the_refusal_is_in_chinese_for_a_chinese_reader(session, body, client, login):
    user = factories.make_manufacturer_user(session)
    product = _product(session, user, "sealant")
    login(user)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    text = html.unescape(client.get(f"/manufacturer/products/{product.id}/apply").get_data(True))
    assert "建筑密封胶" in text and "仅认可证书" in text
