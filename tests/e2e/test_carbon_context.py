"""A visitor's carbon-context journey: a category's statistics from a product page, a download."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalog.exports import PRODUCT_HEADER
from catalog.search import close_search_indexes, rebuild_index
from tests.catalog.catalogue_data import Catalogue, make_catalogue
from tests.e2e.helpers import heading

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]


@pytest.fixture
def catalogue(app, session) -> Catalogue:
    """The small test catalogue, with the search index built."""
    catalogue = make_catalogue(session)
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    yield catalogue
    close_search_indexes(app)


def test_statistics_from_a_product_page_and_a_search_download(
    page, new_page, live_server, catalogue, screenshot
):
    page.goto(f"/catalog/products/{catalogue.id('cem700')}")
    page.get_by_test_id("category-statistics").click()
    expect(heading(page)).to_have_text("Cement: Carbon statistics")
    # From the product page: the same products its standing counts (every published one).
    expect(page.get_by_test_id("stat-count")).to_have_text("5")
    expect(page.get_by_test_id("stat-p20")).to_have_text("632")
    expect(page.get_by_test_id("stat-p80")).to_have_text("704")
    expect(page.get_by_test_id("spread-chart")).to_be_visible()
    screenshot(page, "category-1280")
    page.get_by_test_id("switch-valid").click()
    expect(page.get_by_test_id("stat-count")).to_have_text("2")  # 640 and 700 hold valid ones
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "category-390")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390 px"

    zh = new_page("zh-CN")
    zh.set_viewport_size({"width": 390, "height": 844})
    zh.goto("/catalog/categories/concrete")
    expect(heading(zh)).to_contain_text("碳排放统计")
    screenshot(zh, "category-zh-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/catalog?category=cement&sort=gwp")
    expect(page.get_by_test_id("downloads")).to_contain_text("at most 5,000 results")
    with page.expect_download() as caught:
        page.get_by_test_id("download-csv").click()
    download = caught.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(PRODUCT_HEADER)
    assert [int(r[0]) for r in rows[1:]] == [catalogue.id("cem640"), catalogue.id("cem700")]

    ids = f"{catalogue.id('cem640')},{catalogue.id('c30a')},{catalogue.id('board')}"
    page.goto(f"/catalog/compare?ids={ids}")
    expect(page.get_by_test_id("compare-chart")).to_be_visible()
    expect(page.get_by_test_id("benchmark-table").locator("tbody tr")).to_have_count(3)
    screenshot(page, "compare-1280")
