"""The list's carbon by category against the category's percentiles and reference factor."""

import numpy as np
import pytest

from procurement.carbon_chart import list_benchmarks
from procurement.line_services import add_product_line
from procurement.report import list_report
from tests.procurement.conftest import catalogue_product


def test_list_gwp_is_quantity_weighted_beside_the_category_figures(
    client, login, session, officer, maker, project_list
):
    _project, item = project_list
    cements = [catalogue_product(session, maker, "cement", gwp=g) for g in (600, 640, 700, 760)]
    catalogue_product(session, maker, "cement", gwp=500, cert="suspended")  # not counted
    c30 = catalogue_product(session, maker, "concrete", gwp=280, variant="le_c30")
    for product, quantity in ((cements[0], 100), (cements[2], 300), (c30, 50)):
        add_product_line(
            session=session,
            actor=officer,
            list_id=item.id,
            product_id=product.id,
            quantity=quantity,
            unit_price=400,
        )
    session.commit()
    report = list_report(session=session, actor=officer, list_id=item.id)
    cement, concrete = list_benchmarks(report, session=session)
    assert cement.value == pytest.approx((100 * 600 + 300 * 700) / 400)
    valid = np.array([600, 640, 700, 760])
    assert cement.target == pytest.approx(np.percentile(valid, 20))
    assert cement.conservative == pytest.approx(np.percentile(valid, 80))
    assert cement.reference == 735.0
    assert (concrete.value, concrete.reference, concrete.unit) == (280.0, 295.0, "kgCO2e/m³")

    login(officer)
    page = client.get(f"/procurement/lists/{item.id}").get_data(as_text=True)
    assert 'data-testid="list-carbon-chart"' in page and "mark-conservative" in page
    assert 'data-testid="list-benchmarks"' in page
