"""The indicator levels certification answers the catalogue's signal with."""

from catalog.product_page import product_assessment as requested_assessment
from certification.criteria.listeners import product_assessment
from tests import factories


def test_levels_follow_the_active_criteria(session):
    maker = factories.make_manufacturer_user(session)
    # GB 16780-2021 levels: clinker 104 ≤ 107 and cement 86 ≤ 87 both reach level 2.
    product = factories.make_product(session, maker)
    result = requested_assessment(product, session=session)  # through the signal
    assert result is not None and result["criteria_version"] == "2026.1"
    levels = {code: item["level"] for code, item in result["indicators"].items()}
    assert levels["clinker_energy"] == 2
    assert levels["cement_energy"] == 2
    assert levels["solid_waste_content"] == 1
    assert levels["gwp"] == 2  # 655 ≤ 662
    assert result["stars"] == 1
    assert result["indicators"]["clinker_energy"]["thresholds"] == [117.0, 107.0, 100.0]


def test_a_product_missing_its_class_gets_no_levels(session):
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker)
    product.variant = "no-such-class"
    assert product_assessment(None, session=session, product=product) is None
