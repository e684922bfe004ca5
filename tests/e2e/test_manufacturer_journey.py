"""A manufacturer's journey in a real browser: register, add a plant and a product, publish."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import select

from catalog.models import Product
from tests import factories
from tests.e2e.helpers import flash, heading, label, sign_in, sign_out
from tests.outbox import sent_mail

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

COMPANY = "黔南绿建水泥有限公司"
EMAIL = "zhang.wei@qiannan-cement.test"
PASSWORD = "lvjian-2025-safe"
PLANT = "都匀熟料生产基地"
PRODUCT_ZH = "P·O 42.5 低碳普通硅酸盐水泥"
PRODUCT_EN = "P.O 42.5 low-carbon ordinary Portland cement"


def register_manufacturer(page: Page, live_server, screenshot) -> None:
    page.goto("/register")
    expect(heading(page)).to_have_text("Register a manufacturer")
    label(page, "Name in Chinese").fill(COMPANY)
    label(page, "Name in English").fill("Qiannan Green Cement Co., Ltd.")
    label(page, "Unified Social Credit Code").fill(factories.credit_code("522700"))
    label(page, "Division").select_option(label="Qiannan Buyei and Miao Autonomous Prefecture")
    label(page, "Address").fill("贵州省黔南州都匀市经济开发区")
    label(page, "Contact person").fill("张伟")
    label(page, "Contact phone").fill("0854-8221234")
    label(page, "Your name").fill("张伟")
    label(page, "E-mail").fill(EMAIL)
    label(page, "Password").fill(PASSWORD)
    label(page, "Repeat the password").fill(PASSWORD)
    screenshot(page, "registration-form")
    page.get_by_role("button", name="Register", exact=True).click()

    # The answer tells nothing about the address (known or new): it asks to read the mail.
    expect(heading(page)).to_have_text("Check your e-mail")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    screenshot(page, "registration-check-mail")
    (welcome,) = sent_mail(live_server.app)
    assert welcome["To"] == EMAIL
    link = re.search(r"http://\S+/login", welcome.get_content())
    assert link, welcome.get_content()

    # The mail's link leads to the sign-in page; signed in, the new company adds its plants.
    page.goto(link.group(0))
    expect(heading(page)).to_have_text("Sign in")
    sign_in(page, EMAIL, PASSWORD)
    expect(page.locator(".who")).to_have_text("张伟")
    page.get_by_role("link", name="My plants").first.click()
    expect(heading(page)).to_have_text("My plants")
    screenshot(page, "registered-plants")


def create_plant(page: Page, screenshot) -> None:
    page.get_by_role("link", name="New plant").click()
    expect(heading(page)).to_have_text("New plant")
    label(page, "Plant name").fill(PLANT)
    label(page, "Division").select_option(label="Qiannan Buyei and Miao Autonomous Prefecture")
    label(page, "Address").fill("都匀市墨冲镇")
    label(page, "Capacity measures").select_option(label="Clinker")
    label(page, "Capacity").fill("4500")
    label(page, "Capacity unit").select_option("t/d")
    page.get_by_role("button", name="Save").click()

    expect(flash(page)).to_contain_text("Plant saved.")
    expect(heading(page)).to_have_text(PLANT)
    page.get_by_role("link", name="My plants").first.click()
    plants = page.locator("table")
    expect(plants).to_contain_text(PLANT)
    expect(plants).to_contain_text("Qiannan Buyei and Miao Autonomous Prefecture")
    screenshot(page, "plant-created")


def fill_cement_product(page: Page, gwp: str) -> None:
    label(page, "Plant").select_option(label=PLANT)
    label(page, "Product name (Chinese)").fill(PRODUCT_ZH)
    label(page, "Product name (English)").fill(PRODUCT_EN)
    label(page, "Series / brand").fill("黔绿")
    label(page, "Model / specification").fill("P·O 42.5")
    label(page, "Description").fill("掺加 25% 磷石膏基缓凝剂与粉煤灰的普通硅酸盐水泥。")
    label(page, "Declared unit").select_option("t")
    label(page, "GWP, cradle to gate (A1–A3)").fill(gwp)
    label(page, "Source of the GWP figure").select_option(label="Third-party verified EPD")
    label(page, "EPD programme operator").fill("西南绿色建材 EPD 注册平台")
    label(page, "EPD registration number").fill("EPD-GZ-2025-0042")
    label(page, "EPD third-party verifier").fill("黔东第三方核查中心")
    label(page, "EPD issue date").fill("2025-03-01")
    label(page, "EPD valid until").fill("2030-02-28")
    label(page, "Clinker comprehensive energy consumption").fill("101.5")
    label(page, "Cement comprehensive energy consumption").fill("84")
    label(page, "Solid-waste content").fill("25")
    label(page, "28-day compressive strength margin over grade").fill("3.2")


def open_cement_form(page: Page) -> None:
    page.goto("/manufacturer/products/new")
    expect(heading(page)).to_have_text("New product: choose its category")
    page.get_by_role("link", name="Cement", exact=True).click()
    expect(heading(page)).to_contain_text("New product")
    expect(heading(page)).to_contain_text("Cement")


def create_and_publish_product(page: Page, screenshot) -> None:
    open_cement_form(page)
    fill_cement_product(page, gwp="612.4")
    screenshot(page, "product-form")
    page.get_by_role("button", name="Save").click()

    expect(flash(page)).to_contain_text("Product saved as a draft.")
    expect(heading(page)).to_contain_text(PRODUCT_EN)
    expect(heading(page).locator(".badge")).to_have_text("Draft")
    expect(page.get_by_test_id("gwp")).to_contain_text("612.4")
    expect(page.get_by_test_id("gwp")).to_contain_text("Third-party verified EPD")
    expect(page.locator("main")).to_contain_text("EPD-GZ-2025-0042")
    expect(page.locator("main")).to_contain_text("101.5")

    page.get_by_role("button", name="Publish").click()
    expect(flash(page)).to_contain_text("Product published in the catalogue.")
    expect(heading(page).locator(".badge")).to_have_text("Published")
    expect(page.get_by_role("link", name="Public page")).to_be_visible()
    screenshot(page, "product-published")


def test_manufacturer_registers_creates_and_publishes_a_product(page, live_server, screenshot):
    register_manufacturer(page, live_server, screenshot)
    create_plant(page, screenshot)
    create_and_publish_product(page, screenshot)

    sign_out(page)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name="My products")).to_have_count(0)

    sign_in(page, EMAIL, PASSWORD)
    expect(heading(page)).to_have_text("My products")
    mine = page.get_by_test_id("my-products")
    expect(mine).to_contain_text(PRODUCT_EN)
    expect(mine).to_contain_text("Published")
    screenshot(page, "signed-in-again")

    page.get_by_role("link", name="Catalogue").click()
    expect(heading(page)).to_have_text("Catalogue of green building materials")
    # Not certified yet: listed once the switch includes uncertified products.
    page.get_by_test_id("uncertified-switch").click()
    expect(page).to_have_url(re.compile(r"/catalog\?uncertified=1$"))
    catalogue = page.get_by_test_id("catalogue")
    row = catalogue.get_by_role("row").filter(has_text=PRODUCT_EN)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Qiannan Green Cement Co., Ltd.")
    expect(row).to_contain_text("612.4")
    screenshot(page, "catalogue-en")

    # The same catalogue in Chinese shows the Chinese names.
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(catalogue.get_by_role("row").filter(has_text=PRODUCT_ZH)).to_have_count(1)
    expect(catalogue).to_contain_text(COMPANY)
    screenshot(page, "catalogue-zh")

    catalogue.get_by_role("link", name=PRODUCT_ZH).click()
    expect(heading(page)).to_have_text(PRODUCT_ZH)
    expect(page.get_by_test_id("gwp")).to_contain_text("612.4")
    screenshot(page, "public-product-zh")


def test_language_switch_turns_the_page_english_and_back(new_page, live_server, screenshot):
    page = new_page("zh-CN")
    page.goto("/catalog?category=cement")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-CN")  # the browser asks for Chinese
    switch = page.get_by_test_id("lang-switch")
    expect(switch).to_have_text("English")
    screenshot(page, "catalogue-zh")

    switch.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/catalog\?category=cement$"))  # stays on the page
    expect(switch).to_have_text("中文")
    screenshot(page, "catalogue-en")

    page.get_by_role("link", name="Sign in").click()  # the choice sticks for the session
    expect(html).to_have_attribute("lang", "en")

    switch.click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(re.compile(r"/login$"))
    screenshot(page, "login-zh")


def test_product_form_shows_the_error_next_to_the_field_and_saves_nothing(
    page, live_server, session, screenshot
):
    user = factories.make_manufacturer_user(session)
    factories.make_plant(session, user, name=PLANT)
    session.commit()
    email, org_id = user.email, user.organisation_id

    sign_in(page, email, factories.PASSWORD)
    open_cement_form(page)
    fill_cement_product(page, gwp="0")
    page.get_by_role("button", name="Save").click()

    gwp = label(page, "GWP, cradle to gate (A1–A3)")
    field = page.locator(".field").filter(has=gwp)
    error = field.locator(".error")
    expect(error).to_be_visible()
    expect(error).to_have_text("The GWP must be greater than 0 kgCO2e.")
    expect(gwp).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error")).to_have_count(1)  # only the GWP is wrong
    # The wrong input is framed in the colour of the error message; the others are not.
    error_colour = error.evaluate("e => getComputedStyle(e).color")
    expect(gwp).to_have_css("border-top-color", error_colour)
    expect(label(page, "Solid-waste content")).not_to_have_css("border-top-color", error_colour)
    # What the user typed is kept, so only the wrong value needs changing.
    expect(label(page, "Product name (Chinese)")).to_have_value(PRODUCT_ZH)
    expect(label(page, "Solid-waste content")).to_have_value("25")
    expect(flash(page)).to_have_count(0)
    screenshot(page, "gwp-error")

    page.get_by_role("link", name="My products").click()
    expect(page.get_by_test_id("my-products")).to_contain_text("No products yet.")
    count = select(func.count()).select_from(Product).where(Product.manufacturer_id == org_id)
    assert session.exec(count).one() == 0
