"""The certification journey in a real browser: apply, review, approve, verify, download the PDF."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from accounts.models import OrganisationKind
from certification.criteria.store import active_criteria
from tests import factories
from tests.e2e.helpers import flash, heading, label, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

MAKER = "黔南绿建水泥有限公司"
BODY_ZH = "贵州省绿色建材认证中心"
BODY_EN = "Guizhou Green Building Materials Certification Centre"


@pytest.fixture
def world(app, session) -> dict:
    """A manufacturer with a complete cement product and its evidence; a body with a reviewer."""
    maker_org = factories.make_organisation(
        session, name_zh=MAKER, name_en="Qiannan Green Cement Co., Ltd."
    )
    maker = factories.make_user(session, maker_org, display_name="张伟")
    product = factories.make_product(session, maker)
    factories.attach_evidence(
        session,
        maker,
        product,
        app.config["EVIDENCE_DIR"],
        report_date=date.today() - timedelta(days=30),
    )
    body = factories.make_organisation(
        session,
        kind=OrganisationKind.CERTIFICATION_BODY,
        name_zh=BODY_ZH,
        name_en=BODY_EN,
        cert_number_prefix="GZGBM",
    )
    reviewer = factories.make_user(session, body, display_name="王审核")
    judged_by_reviewer = [
        p.code
        for p in active_criteria(product.category_id, session=session)[1].prerequisites
        if p.check == "reviewer"
    ]
    session.commit()
    return {
        "maker": maker.email,
        "reviewer": reviewer.email,
        "product_id": product.id,
        "product_zh": product.name_zh,
        "product_en": product.name_en,
        "judged_by_reviewer": judged_by_reviewer,
    }


def apply_and_submit(page: Page, world: dict, screenshot) -> None:
    sign_in(page, world["maker"], factories.PASSWORD)
    page.goto(f"/manufacturer/products/{world['product_id']}")
    expect(heading(page)).to_contain_text(world["product_en"])
    page.get_by_role("link", name="Apply for certification").click()

    expect(heading(page)).to_have_text("Apply for a green building-material certificate")
    expect(page.get_by_test_id("missing")).to_have_count(0)
    expect(page.get_by_test_id("stars")).to_have_text("1 star")  # the preview
    label(page, "Certification body").select_option(label=BODY_EN)
    screenshot(page, "apply")
    page.get_by_role("button", name="Open a draft application").click()

    expect(flash(page)).to_contain_text("Draft application opened")
    expect(page.get_by_test_id("state")).to_have_text("Draft")
    page.get_by_role("button", name=f"Submit to {BODY_EN}").click()
    expect(flash(page)).to_contain_text("Application submitted to the certification body.")
    expect(page.get_by_test_id("state")).to_have_text("Submitted")
    screenshot(page, "submitted")
    sign_out(page)


def review_and_approve(page: Page, world: dict, screenshot) -> str:
    """Review the application as the body's reviewer and approve it; return the number."""
    sign_in(page, world["reviewer"], factories.PASSWORD)
    page.get_by_role("link", name="Review queue").click()
    expect(heading(page)).to_have_text("Review queue")
    queue = page.get_by_test_id("queue")
    expect(queue.get_by_role("row").filter(has_text=world["product_en"])).to_have_count(1)
    screenshot(page, "queue")
    queue.get_by_role("link", name=world["product_en"]).click()

    expect(page.get_by_test_id("state")).to_have_text("Submitted")
    page.get_by_role("button", name="Start the review").click()
    expect(flash(page)).to_contain_text("Review started")
    expect(page.get_by_test_id("state")).to_have_text("Under review")

    review = page.get_by_test_id("review-form")
    for code in world["judged_by_reviewer"]:
        review.locator(f'select[name="prereq_{code}"]').select_option(label="Met")
    review.get_by_role("button", name="Save the review").click()
    expect(flash(page)).to_contain_text("Review saved")
    screenshot(page, "reviewed")

    decision = page.get_by_test_id("decision-form")
    decision.get_by_label("Approve and issue the certificate").check()
    decision.get_by_role("button", name="Record the decision").click()
    expect(flash(page)).to_contain_text("Approved: certificate GZGBM-")
    expect(page.get_by_test_id("state")).to_have_text("Approved")
    box = page.get_by_test_id("certificate")
    number = box.locator(".certificate-number .mono").inner_text()
    assert re.fullmatch(rf"GZGBM-{date.today().year}-CEM-\d{{6}}", number), number
    expect(flash(page)).to_contain_text(number)
    screenshot(page, "approved")
    return number


def test_a_product_is_certified_and_anyone_can_verify_it(new_page, live_server, world, screenshot):
    page = new_page()
    apply_and_submit(page, world, screenshot)
    number = review_and_approve(page, world, screenshot)

    public = new_page()  # a visitor who never signed in
    public.goto(f"/verify/{number}")
    status = public.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-status", "valid")
    expect(status).to_contain_text("Valid")
    expect(public.get_by_test_id("cert-number")).to_have_text(number)
    expect(public.get_by_test_id("cert-product")).to_contain_text(world["product_zh"])
    expect(public.get_by_test_id("cert-product")).to_contain_text(world["product_en"])
    expect(public.locator(".cert-facts .stars")).to_contain_text("★☆☆")
    expect(public.locator(".cert-facts .stars-text")).to_have_text("1 star")
    screenshot(public, "verify")

    link = public.get_by_test_id("cert-pdf")
    response = public.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    with public.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{number}.pdf"
