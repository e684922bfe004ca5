"""Another body's certificate in a real browser: imported, found eligible, suspended, lapsed."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from accounts.api_keys import create_api_key
from accounts.models import OrganisationKind
from catalog.models import Product
from procurement.services import ProjectInput, create_list, create_project
from tests import factories
from tests.certification.external_helpers import csv_file, make_other_body, row
from tests.e2e.helpers import flash, heading, label, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

PROJECT = "黔东南州某医院住院楼"
LIST = "外省水泥"
NUMBER = "XC-2026-CEM-0042"


@pytest.fixture
def world(session) -> dict:
    """An administrator, another body with an API key, a contractor, a buyer with a list."""
    admin_org = factories.make_organisation(session, kind=OrganisationKind.ADMINISTRATOR)
    admin = factories.make_user(session, admin_org)
    body = make_other_body(session, code="CNCA-R-2099-042")
    body_user = factories.make_user(session, body)
    _key, secret = create_api_key(session=session, actor=body_user, name="证书系统")
    firm = factories.make_organisation(session, kind=OrganisationKind.CONSTRUCTION_FIRM)
    contractor = factories.make_user(session, firm)
    agency = factories.make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    buyer = factories.make_user(session, agency)
    project = create_project(
        session=session,
        actor=buyer,
        data=ProjectInput(
            name=PROJECT,
            code="QDN-2026-001",
            project_type="hospital",
            division_code="522600",
            owner_unit="某医院",
            budget=Decimal("90000000"),
        ),
    )
    plist = create_list(session=session, actor=buyer, project_id=project.id, name=LIST)
    supplier = factories.credit_code("430100")
    session.commit()
    return {
        "admin": admin.email,
        "contractor": contractor.email,
        "buyer": buyer.email,
        "body": body,
        "secret": secret,
        "supplier": supplier,
        "list_id": plist.id,
        "file": csv_file([row(body, NUMBER, supplier)], "gb18030"),
    }


def test_an_imported_certificate_counts_until_its_body_suspends_it(
    page: Page, live_server, world, session, screenshot, tmp_path
):
    # An administrator imports the body's file (GB18030, as Excel in China saves it).
    path = tmp_path / "certificates.csv"
    path.write_bytes(world["file"])
    sign_in(page, world["admin"], factories.PASSWORD)
    page.goto("/admin/external-certificates/import")
    expect(heading(page)).to_have_text("Import certificates from other bodies")
    label(page, "CSV or XLSX file").set_input_files(path)
    page.locator("main").get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 created")
    expect(page.get_by_test_id("import-progress")).to_have_attribute("value", "1")
    screenshot(page, "imported")
    sign_out(page)

    # A contractor finds the supplier, certified in Hunan, eligible.
    sign_in(page, world["contractor"], factories.PASSWORD)
    page.goto("/eligibility")
    label(page, "Supplier").fill(world["supplier"])
    label(page, "Category").select_option("cement")
    page.locator("main").get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("eligibility-verdict")).to_have_attribute("data-eligible", "yes")
    expect(page.get_by_test_id("eligibility-certificates")).to_contain_text(NUMBER)
    screenshot(page, "eligible")
    sign_out(page)

    # The buyer puts the product on a list.
    product_id = session.exec(select(Product.id).where(Product.cert_number == NUMBER)).one()
    sign_in(page, world["buyer"], factories.PASSWORD)
    page.goto(f"/catalog/products/{product_id}")
    expect(page.get_by_test_id("recorded-from")).to_contain_text(world["body"].name_zh)
    page.get_by_test_id("add-to-list").click()
    label(page, "Procurement list").select_option(label=f"{PROJECT} · {LIST}")
    label(page, "Quantity").fill("1200")
    label(page, "Unit price (CNY)").fill("430")
    page.locator("main").get_by_role("button", name="Add to list").click()
    expect(flash(page)).to_contain_text("Line added.")

    # The issuing body suspends it through the API, with its own key.
    record = row(world["body"], NUMBER, world["supplier"], status="suspended")
    for name in ("certificate_number", "body_code", "body_name"):
        record.pop(name)
    record["stars"], record["gwp"] = int(record["stars"]), float(record["gwp"])
    answer = page.request.put(
        f"{live_server.url}/api/v1/external-certificates/{world['body'].approval_number}/{NUMBER}",
        data=record,
        headers={"Authorization": f"Bearer {world['secret']}"},
    )
    assert answer.status == 200, answer.text()
    assert answer.json()["status"] == "suspended"

    # The buyer's list shows the lapse.
    page.goto(f"/procurement/lists/{world['list_id']}")
    expect(heading(page)).to_have_text(LIST)
    lapsed = page.locator("tr.lapsed")
    expect(lapsed).to_have_count(1)
    expect(lapsed.locator(".flag")).to_contain_text("suspended")
    screenshot(page, "lapsed")
