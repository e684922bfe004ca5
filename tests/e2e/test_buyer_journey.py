"""A buyer in a real browser: search, a new project and list, three products, the PDF."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import OrganisationKind
from catalog.search import close_search_indexes, rebuild_index
from catalog.services import publish_product
from tests import factories
from tests.catalog.catalogue_data import LATER, Item, make_catalogue
from tests.e2e.helpers import flash, heading, label, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

AGENCY = "贵州黔采工程招标代理有限公司"
PROJECT = "黔南州某县人民医院门诊综合楼"
LIST = "主体结构材料"
BRICK = "烧结页岩多孔砖 MU10"

CEMENTS = [
    ("P·O 42.5 普通硅酸盐水泥", "P.O 42.5 ordinary Portland cement", "P·O 42.5", 628.0),
    ("P·C 42.5 锰渣复合硅酸盐水泥", "P.C 42.5 manganese-slag cement", "P·C 42.5", 601.0),
]
OTHERS = [
    Item("board", "gypsum", "磷石膏纸面石膏板", "phosphogypsum plasterboard", "m^2", 3.2,
         (3, "valid", LATER), division="522700", description="以磷石膏为主要原料。"),
    Item("aac", "aac-block", "磷石膏蒸压加气混凝土砌块", "phosphogypsum AAC block", "m^3",
         186.0, (2, "valid", LATER), division="522700", model="B05 A3.5"),
]  # fmt: skip


@pytest.fixture
def world(app, session) -> dict:
    """Two cements certified through the certification services, a board and a block; a buyer."""
    body, reviewer = factories.make_body(session)
    maker_org = factories.make_organisation(
        session, name_zh="黔南绿建水泥有限公司", name_en="Qiannan Green Cement Co., Ltd."
    )
    maker = factories.make_user(session, maker_org)
    numbers = {}
    for n, (name_zh, name_en, model, gwp) in enumerate(CEMENTS, 1):
        certificate = factories.issue_test_certificate(
            session,
            body=body,
            reviewer=reviewer,
            maker=maker,
            name_zh=name_zh,
            name_en=name_en,
            model_spec=model,
            gwp_a1a3=gwp,
            epd_registration_number=f"EPD-GZ-2026-{n:04d}",
        )
        publish_product(session=session, actor=maker, product_id=certificate.product_id)
        numbers[name_en] = certificate.number
    catalogue = make_catalogue(session, OTHERS)
    agency = factories.make_organisation(
        session, kind=OrganisationKind.PROCUREMENT_AGENCY, name_zh=AGENCY
    )
    buyer = factories.make_user(session, agency, display_name="李娜")
    session.commit()
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    yield {"buyer": buyer.email, "numbers": numbers, "catalogue": catalogue}
    close_search_indexes(app)


def search(page: Page, words: str):
    """Search the catalogue from its page; return the result rows."""
    page.get_by_role("link", name="Catalogue", exact=True).click()
    expect(heading(page)).to_have_text("Catalogue of green building materials")
    page.get_by_role("searchbox").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()
    return page.get_by_test_id("catalogue").locator("tbody tr")


def add_to_list(page: Page, product: str, quantity: str, price: str, screenshot=None) -> None:
    """On the "add to list" page, choose the list, enter quantity and price, and add."""
    expect(heading(page)).to_have_text("Add to a procurement list")
    expect(page.locator(".facts")).to_contain_text(product)
    expect(label(page, "Procurement list")).to_have_value(re.compile(r"\d+"))
    label(page, "Procurement list").select_option(label=f"{PROJECT} · {LIST}")
    label(page, "Quantity").fill(quantity)
    label(page, "Unit price (CNY)").fill(price)
    if screenshot:
        screenshot(page, "add-to-list")
    page.locator("main").get_by_role("button", name="Add to list").click()
    expect(flash(page)).to_contain_text("Line added.")
    expect(heading(page)).to_have_text(LIST)


def test_a_buyer_builds_a_compliant_list_and_downloads_the_pdf(
    page, live_server, world, screenshot
):
    sign_in(page, world["buyer"], factories.PASSWORD)

    # A new project with a list.
    page.get_by_role("link", name="Procurement projects").click()
    expect(heading(page)).to_have_text("Procurement projects")
    page.get_by_role("link", name="New project").click()
    label(page, "Project name").fill(PROJECT)
    label(page, "Project code").fill("QN-ZFTZ-2026-017")
    label(page, "Project type").select_option(label="Hospital")
    label(page, "Division").select_option(label="Qiannan Buyei and Miao Autonomous Prefecture")
    label(page, "Owner unit").fill("某县人民医院")
    label(page, "Budget (CNY)").fill("186000000")
    screenshot(page, "new-project")
    page.locator("main").get_by_role("button", name="Save").click()
    expect(flash(page)).to_contain_text("Project saved.")
    expect(heading(page)).to_have_text(PROJECT)
    screenshot(page, "project")
    label(page, "List name").fill(LIST)
    page.get_by_role("button", name="Create list").click()
    expect(flash(page)).to_contain_text("List created.")
    expect(page.get_by_test_id("verdict")).to_have_text("Not compliant")
    expect(page.get_by_test_id("reasons")).to_contain_text("The list has no lines yet.")
    screenshot(page, "empty-list")

    # A cement from the search results.
    rows = search(page, "水泥")
    expect(rows).to_have_count(2)
    screenshot(page, "search-cement")
    cement = rows.filter(has_text="P.O 42.5 ordinary Portland cement")
    cement.get_by_role("link", name="Add to list").click()
    add_to_list(page, "P.O 42.5 ordinary Portland cement", "1150", "465", screenshot)
    expect(page.get_by_test_id("lines").locator("tbody tr")).to_have_count(1)

    # The plasterboard from its product page, the block from the results.
    rows = search(page, "磷石膏")
    expect(rows).to_have_count(2)
    rows.get_by_role("link", name="phosphogypsum plasterboard").click()
    expect(heading(page)).to_have_text("phosphogypsum plasterboard")
    screenshot(page, "product")
    page.get_by_test_id("add-to-list").click()
    add_to_list(page, "phosphogypsum plasterboard", "14500", "24")

    rows = search(page, "磷石膏")
    rows.filter(has_text="phosphogypsum AAC block").get_by_role("link", name="Add to list").click()
    add_to_list(page, "phosphogypsum AAC block", "2300", "320")

    # The compliance panel, recomputed.
    lines = page.get_by_test_id("lines").locator("tbody tr")
    expect(lines).to_have_count(3)
    expect(page.get_by_test_id("lines")).to_contain_text(
        world["numbers"]["P.O 42.5 ordinary Portland cement"]
    )
    expect(page.get_by_test_id("verdict")).to_have_text("Compliant")
    reasons = page.get_by_test_id("reasons")
    expect(reasons).to_contain_text("Every line in the mandatory-class categories is green.")
    expect(reasons).to_contain_text("cover 1 of the 1 optional material types used (100.0 %)")
    expect(page.get_by_test_id("value-share")).to_have_text("100.0 %")
    # Cement 1150 t × (735 − 628) + board 14500 m² × (4 − 3.2) + block 2300 m³ × (250 − 186).
    saved = (1150 * (735 - 628) + 14500 * (4 - 3.2) + 2300 * (250 - 186)) / 1000
    expect(page.get_by_test_id("carbon-saved")).to_contain_text(f"{saved:.3f} t")
    expect(page.get_by_test_id("carbon").locator("tbody tr")).to_have_count(3)
    screenshot(page, "compliant-list")

    # A brick from a works that is not in the catalogue breaks the mandatory class; removed again.
    form = page.locator("#add-material")
    form.get_by_label("Category", exact=True).select_option(label="Fired brick and block (m³)")
    form.get_by_label("Material", exact=True).fill(BRICK)
    form.get_by_label("Supplier", exact=True).fill("某县兴旺页岩砖厂")
    form.get_by_label("Quantity", exact=True).fill("380")
    form.get_by_label("Unit price (CNY)", exact=True).fill("285")
    form.get_by_role("button", name="Add material").click()
    expect(flash(page)).to_contain_text("Material added; it does not count as green.")
    expect(page.get_by_test_id("verdict")).to_have_text("Not compliant")
    expect(reasons.locator("li.failing")).to_have_text(
        f"{BRICK} (Fired brick and block, mandatory class) is not green: not in the catalogue."
    )
    brick = lines.filter(has_text=BRICK)
    expect(brick.get_by_test_id("alternatives")).to_be_visible()
    screenshot(page, "not-compliant")
    # Removing takes two clicks: the first only asks.
    brick.locator("summary", has_text="Remove").click()
    confirm = brick.get_by_role("button", name="Yes, remove the line")
    expect(confirm).to_be_visible()
    expect(lines).to_have_count(4)
    expect(flash(page)).not_to_contain_text("Line removed.")
    confirm.click()
    expect(flash(page)).to_contain_text("Line removed.")
    expect(page.get_by_test_id("verdict")).to_have_text("Compliant")
    expect(lines).to_have_count(3)

    # The PDF.
    link = page.get_by_test_id("exports").get_by_role("link", name="PDF")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"procurement-list-\d+\.pdf", download.value.suggested_filename)
