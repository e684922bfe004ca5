"""A manufacturer first known from another body's certificate takes its entry over."""

import pytest
from sqlmodel import select

from accounts.models import Organisation, User
from accounts.services import OrganisationData, register_manufacturer
from catalog.models import Product
from catalog.services import product_input, update_product
from certification.external.importing import import_rows, read_external_file
from certification.models import Certificate
from greenbm.errors import Duplicate, Invalid
from tests import factories
from tests.certification.external_helpers import csv_file, make_other_body, row


def test_registering_with_the_credit_code_takes_over_the_recorded_products(app, session):
    body = make_other_body(session)
    code = factories.credit_code("430100")
    data = csv_file([row(body, "HN-2026-0800", code)])
    import_rows(read_external_file(data, "f.csv"), session=session, actor=None, filename="f.csv")
    recorded = session.exec(select(Organisation).where(Organisation.credit_code == code)).one()
    user = register_manufacturer(
        session=session,
        organisation=OrganisationData(
            kind="manufacturer",
            name_zh="湘外建材有限公司",
            credit_code=code,
            division_code="520100",
        ),
        email="xiangwai@example.test",
        password="a long enough password",
    )
    assert user.organisation_id == recorded.id
    product = session.exec(select(Product).where(Product.manufacturer_id == recorded.id)).one()
    certificate = session.exec(
        select(Certificate).where(Certificate.number == "HN-2026-0800")
    ).one()
    assert (certificate.product_id, product.cert_number) == (product.id, "HN-2026-0800")
    # Once claimed, the credit code is taken: a second registration is refused as before.
    assert session.exec(select(User).where(User.organisation_id == recorded.id)).one() == user
    # It completes the product's data; the certificate stays with it.
    data = product_input(product, session=session)
    data.gwp_a1a3 = 650.0
    data.indicator_values = dict(factories.CEMENT_VALUES)
    update_product(session=session, actor=user, product_id=product.id, data=data)
    session.refresh(product)
    assert (product.gwp_a1a3, product.cert_number, product.cert_status) == (
        650.0,
        "HN-2026-0800",
        "valid",
    )


def test_a_bodys_approval_number_is_its_own(app, session):
    body = factories.make_organisation(
        session, kind="certification_body", approval_number=" cnca-r-2099-950 "
    )
    assert body.approval_number == "CNCA-R-2099-950"
    with pytest.raises(Duplicate):
        factories.make_organisation(
            session, kind="certification_body", approval_number="CNCA-R-2099-950"
        )
    with pytest.raises(Invalid) as refused:
        factories.make_organisation(session, approval_number="CNCA-R-2099-951")
    assert "approval_number" in refused.value.errors
