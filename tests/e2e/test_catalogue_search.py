"""Catalogue search in a real browser: a Chinese query, two facets, a product, a comparison."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from catalog.search import close_search_indexes, rebuild_index
from tests.catalog.catalogue_data import ITEMS, LATER, Catalogue, Item, make_catalogue
from tests.e2e.helpers import heading

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

AAC = [
    Item("aac180", "aac-block", "磷石膏蒸压加气混凝土砌块", "phosphogypsum AAC block",
         "m^3", 180.0, (3, "valid", LATER), division="522700", model="B06 A5.0",
         description="以磷石膏、粉煤灰为主要原料，固废掺量超过 70%。"),
    Item("aac200", "aac-block", "磷石膏轻质砌块", "lightweight phosphogypsum block", "m^3",
         200.0, (2, "valid", LATER), division="522700", model="B05 A3.5"),
    Item("aac210", "aac-block", "磷石膏加气砌块", "phosphogypsum aerated block", "m^3", 210.0,
         (2, "valid", LATER), division="520100", model="B06 A3.5"),
    Item("aac230", "aac-block", "粉煤灰蒸压加气混凝土砌块", "fly-ash AAC block", "m^3", 230.0,
         (1, "valid", LATER), division="522700", model="B06 A5.0"),
]  # fmt: skip


@pytest.fixture
def catalogue(app, session) -> Catalogue:
    """The test catalogue plus four AAC blocks, with the search index built."""
    catalogue = make_catalogue(session, ITEMS + AAC)
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    yield catalogue
    close_search_indexes(app)


def test_search_in_chinese_narrow_open_and_compare(page, live_server, catalogue, screenshot):
    page.goto("/catalog")
    expect(heading(page)).to_have_text("Catalogue of green building materials")
    page.get_by_role("searchbox").fill("磷石膏")
    page.get_by_role("button", name="Search", exact=True).click()

    results = page.get_by_test_id("catalogue")
    rows = results.locator("tbody tr")
    # Cement with phosphogypsum as retarder, gypsum board and plaster, three AAC blocks.
    expect(rows).to_have_count(6)
    expect(results.locator("mark").first).to_have_text("磷石膏")
    expect(page.get_by_test_id("reduced-mode")).to_have_count(0)
    screenshot(page, "search-zh")

    facets = page.get_by_test_id("facets")
    facets.locator('[data-facet-value="category:aac-block"]').click()
    expect(rows).to_have_count(3)
    facets.locator('[data-facet-value="division:522700"]').click()
    expect(rows).to_have_count(2)
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"q": ["磷石膏"], "category": ["aac-block"], "division": ["522700"]}
    expect(facets.locator('[aria-current="true"]')).to_have_count(2)
    expect(page.get_by_test_id("gwp-range")).to_be_visible()  # one category: a GWP range
    screenshot(page, "two-facets")

    first = rows.filter(has_text="phosphogypsum AAC block")
    first.get_by_role("link", name="Add to comparison").click()
    expect(page.get_by_test_id("compare-bar")).to_contain_text("1 product chosen")
    expect(rows).to_have_count(2)  # the filters are kept

    rows.filter(has_text="lightweight phosphogypsum block").get_by_role(
        "link", name="lightweight phosphogypsum block"
    ).click()
    expect(heading(page)).to_have_text("lightweight phosphogypsum block")
    expect(page.get_by_test_id("gwp-chart")).to_be_visible()
    # Blocks at 180, 200, 210, 230: P20 = 180 + 0.6 × 20, P80 = 210 + 0.4 × 20, rank 37.5.
    expect(page.get_by_test_id("p20")).to_have_text("192")
    expect(page.get_by_test_id("p80")).to_have_text("218")
    expect(page.get_by_test_id("percentile")).to_contain_text("38")
    expect(page.get_by_test_id("alternatives")).to_contain_text("phosphogypsum AAC block")
    screenshot(page, "product")

    page.get_by_test_id("add-to-comparison").click()
    expect(heading(page)).to_have_text("Compare products")
    table = page.get_by_test_id("comparison")
    expect(table.locator("thead th a[href*='/catalog/products/']")).to_have_count(2)
    expect(table.locator('tr[data-row="gwp"]')).to_have_class(re.compile(r"\bdiffers\b"))
    expect(table.locator('tr[data-row="category"]')).not_to_have_class(re.compile(r"\bdiffers\b"))
    expect(table.locator('tr[data-row="gwp"]')).to_contain_text("180")
    expect(table.locator('tr[data-row="gwp"]')).to_contain_text("200")
    screenshot(page, "comparison")


def test_the_catalogue_in_chinese_with_lapsed_products(
    new_page, live_server, catalogue, screenshot
):
    page = new_page("zh-CN")
    page.goto("/catalog?category=cement")
    rows = page.get_by_test_id("catalogue").locator("tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_test_id("uncertified-switch").click()
    expect(rows).to_have_count(5)
    expect(page.locator("tbody tr.not-valid")).to_have_count(3)
    screenshot(page, "lapsed-zh")
    page.goto(f"/catalog/products/{catalogue.id('cem700')}")
    expect(page.get_by_test_id("p20")).to_have_text("632")
    screenshot(page, "product-zh")
