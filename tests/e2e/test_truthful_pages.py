"""Every page tells the truth (issue 13, "untrue or contradictory today"), in a real browser."""

import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect
from sqlmodel import select

from accounts.models import OrganisationKind
from catalog.models import EvidenceFile, Product
from catalog.search import close_search_indexes, rebuild_index
from catalog.services import publish_product
from certification.certificates.lifecycle import SUSPENSION_MONTHS
from certification.models import Certificate
from seeds.certification_demo import load_demo_certificates
from seeds.loader import load_demo
from tests import factories
from tests.catalog.catalogue_data import ITEMS, LATER, Item, make_catalogue
from tests.e2e.helpers import flash, heading, sign_in, sign_out
from tests.e2e.test_certification_journey import apply_and_submit, review_and_approve, world

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]
__all__ = ["world"]  # the certification journey's fixture, used here too

REVOKED = Item("cem650", "cement", "P·O 42.5 停用水泥", "P.O 42.5 revoked cement", "t", 650.0,
               (3, "revoked", LATER))  # fmt: skip


# 1. A certificate for a product nobody can see ---


def test_approving_a_draft_publishes_it_and_it_stays_public(new_page, world, screenshot):
    page = new_page()
    apply_and_submit(page, world, screenshot)  # the product is still a draft
    number = review_and_approve(page, world, screenshot)
    sign_out(page)

    public = new_page()
    public.goto(f"/catalog/products/{world['product_id']}")
    expect(heading(public)).to_contain_text(world["product_en"])
    expect(public.get_by_test_id("certificate")).to_contain_text(number)
    screenshot(public, "certified-product-public")

    sign_in(page, world["maker"], factories.PASSWORD)
    page.goto(f"/manufacturer/products/{world['product_id']}")
    expect(page.get_by_test_id("stays-public")).to_contain_text("stays public")
    expect(page.get_by_role("button", name="Withdraw")).to_have_count(0)
    response = public.goto(f"/catalog/products/{world['product_id']}")
    assert response.status == 200


# 2. Revoked and suspended products recommended ---


@pytest.fixture
def catalogue(app, session):
    """The test catalogue with a revoked cement at 650, and a buyer of an agency."""
    catalogue = make_catalogue(session, [*ITEMS, REVOKED])
    agency = factories.make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    buyer = factories.make_user(session, agency)
    session.commit()
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    yield catalogue, buyer.email
    close_search_indexes(app)


def test_only_valid_certificates_are_recommended_or_starred(new_page, catalogue, screenshot):
    products, buyer = catalogue
    phone = new_page("zh-CN")  # a site inspector checking the supplier at the gate
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"/catalog/products/{products.id('cem650')}")
    expect(phone.get_by_test_id("cert-warning")).to_contain_text("不属于获证绿色建材")
    screenshot(phone, "revoked-product-zh-390")
    page = new_page()
    page.goto(f"/catalog/products/{products.id('cem700')}")
    alternatives = page.get_by_test_id("alternatives")
    expect(alternatives).to_contain_text("P.O 42.5 ordinary Portland cement")  # valid, 640
    expect(alternatives).not_to_contain_text("revoked cement")
    expect(alternatives).not_to_contain_text("P.C 32.5R")  # expired yesterday
    expect(alternatives.locator("tbody tr")).to_have_count(1)

    sign_in(page, buyer, factories.PASSWORD)
    page.goto(f"/catalog/products/{products.id('cem650')}")
    expect(page.get_by_test_id("cert-warning")).to_contain_text("Certificate revoked")
    card = page.get_by_test_id("certificate")
    expect(card.locator(".stars")).to_have_count(0)
    expect(card).not_to_contain_text("valid until")
    expect(page.get_by_test_id("maker-line").locator(".stars")).to_have_count(0)
    add = page.get_by_test_id("add-to-list")
    expect(add).to_have_class(re.compile(r"\bsecondary\b"))
    screenshot(page, "revoked-product")
    add.click()
    expect(page.locator("p.warning")).to_contain_text("holds no valid certificate")


# 3. The EPD said twice, differently ---


def test_the_epd_is_told_once(page: Page, app, session, screenshot):
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker, epd_registration_number="EPD-CN-2024-0114")
    publish_product(session=session, actor=maker, product_id=product.id)
    session.commit()
    page.goto(f"/catalog/products/{product.id}")
    expect(page.get_by_test_id("epd-summary")).to_contain_text("EPD-CN-2024-0114")
    evidence = page.get_by_test_id("epd-evidence")
    expect(evidence).to_contain_text("EPD-CN-2024-0114")
    expect(evidence).not_to_contain_text("No EPD has been published")
    screenshot(page, "epd")


# 4. The reviewer misled ---


def _start_review(page: Page, world: dict) -> None:
    sign_in(page, world["reviewer"], factories.PASSWORD)
    page.get_by_role("link", name="Review queue").click()
    page.get_by_test_id("queue").get_by_role("link", name=world["product_en"]).click()
    page.get_by_role("button", name="Start the review").click()
    expect(flash(page)).to_contain_text("Review started")


def test_the_reviewer_is_told_what_is_unjudged(new_page, world, screenshot):
    page = new_page()
    apply_and_submit(page, world, screenshot)
    _start_review(page, world)
    result = page.get_by_test_id("assessment-result")
    expect(result).to_contain_text("Not certifiable yet")
    expect(result.locator(".stars")).to_have_count(0)  # no ★★★ beside "not certifiable"
    unjudged = page.locator(f'tr[data-prerequisite="{world["judged_by_reviewer"][0]}"]')
    expect(unjudged).to_contain_text("not judged yet")

    decision = page.get_by_test_id("decision-form")
    decision.get_by_label("Approve and issue the certificate").check()
    decision.get_by_role("button", name="Record the decision").click()
    errors = page.get_by_test_id("decision-form")
    expect(errors).to_contain_text("not judged yet")
    expect(errors).not_to_contain_text("can only be rejected")
    screenshot(page, "unjudged")


def test_an_old_type_test_report_cannot_be_judged_met(new_page, world, session, screenshot):
    page = new_page()
    apply_and_submit(page, world, screenshot)
    # A year passes between submission and review: the report is now 13 months old.
    report = session.exec(
        select(EvidenceFile).where(
            EvidenceFile.product_id == world["product_id"],
            EvidenceFile.kind == "type_test_report",
        )
    ).one()
    report.test_date = date.today() - relativedelta(months=13)
    session.add(report)
    session.commit()
    _start_review(page, world)

    missing = page.get_by_test_id("missing")
    expect(missing).to_contain_text("older than 12 months")
    expect(missing).not_to_contain_text("Missing before the application can be submitted")
    expect(missing.locator('a[href*="/manufacturer/"]')).to_have_count(0)
    row = page.locator('tr[data-prerequisite="type_test_report"]')
    expect(row).to_contain_text("older than 12 months")

    review = page.get_by_test_id("review-form")
    review.locator('select[name="prereq_type_test_report"]').select_option(label="Met")
    for code in world["judged_by_reviewer"]:
        review.locator(f'select[name="prereq_{code}"]').select_option(label="Met")
    review.get_by_role("button", name="Save the review").click()
    expect(page.get_by_test_id("review-form")).to_contain_text("cannot be marked as met")
    expect(row).to_contain_text("✗")
    screenshot(page, "old-report")


# 5. GWP sorted across units ---


def test_gwp_sorts_only_within_one_unit(page: Page, catalogue, screenshot):
    page.goto("/catalog?sort=gwp")
    expect(page.get_by_test_id("gwp-sort-note")).to_contain_text("choose one category")
    expect(page.locator('.sort [aria-current="true"]')).not_to_have_text("GWP, lowest first")
    screenshot(page, "gwp-without-category")
    page.goto("/catalog?sort=gwp&category=cement")
    expect(page.locator('.sort [aria-current="true"]')).to_have_text("GWP, lowest first")
    expect(page.get_by_test_id("gwp-sort-note")).to_contain_text("per t")

    answer = page.request.get("/api/v1/products?sort=gwp")
    assert answer.status == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "one category" in answer.json()["detail"]
    assert page.request.get("/api/v1/products?sort=gwp&category=cement").status == 200


# 6. Demo history that does not add up ---


def _dates(table) -> list[str]:
    return [cell[:10] for cell in table.locator("tbody tr td:first-child").all_inner_texts()]


def test_the_demo_history_adds_up(page: Page, app, session, screenshot):
    load_demo(echo=lambda *a, **k: None, session=session)
    load_demo_certificates(app.config["EVIDENCE_DIR"], today=date.today(), session=session)
    session.commit()
    cement = session.exec(
        select(Certificate).where(Certificate.status == "valid", Certificate.number.like("%CEM%"))
    ).first()
    page.goto("/criteria/cement")
    since = page.get_by_test_id("criteria-since").inner_text()
    assert since <= cement.issued_on.isoformat(), (since, cement.number)

    revoked = session.exec(select(Certificate).where(Certificate.status == "revoked")).one()
    page.goto(f"/verify/{revoked.number}")
    history = page.get_by_test_id("cert-history")
    issued, suspended, ended = (date.fromisoformat(d) for d in _dates(history))
    assert issued == revoked.issued_on
    assert suspended > issued
    assert ended >= suspended + relativedelta(months=SUSPENSION_MONTHS) - timedelta(days=1)
    screenshot(page, "revoked-history")
    product = session.get(Product, revoked.product_id)
    assert product.published_at.date() < revoked.issued_on
