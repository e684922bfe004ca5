"""An annual plant report in a real browser: filed from the XLSX template, returned, corrected,
confirmed, and then on the dashboard."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import OrganisationKind
from catalog.plant_confirmation import confirm_plant
from tests.e2e.helpers import flash, heading, label, sign_in, sign_out
from tests.factories import PASSWORD, make_organisation, make_plant, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]


@pytest.fixture
def people(session):
    """A manufacturer with a confirmed 3000 t/d kiln, and a certification body's reviewer."""
    maker = make_user(session)
    checker = make_user(
        session, make_organisation(session, kind=OrganisationKind.CERTIFICATION_BODY)
    )
    plant = make_plant(
        session, maker, name="E2E Kiln", capacity=3000, capacity_unit="t/d", capacity_kind="clinker"
    )
    confirm_plant(session=session, actor=checker, plant_id=plant.id)
    session.commit()
    return maker, checker


def _fill(template: bytes) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    report = workbook["report"]
    for row, value in zip(
        range(2, 7), (2025, 12000, 600, 1_100_000, "Energy audit 2025"), strict=True
    ):
        report.cell(row=row, column=2, value=value)
    workbook["products"].append(["clinker", 930000, 880000, 86.0])
    workbook["wastes"].append(["carbide_slag", 30000, "yes"])
    workbook["wastes"].append(["phosphogypsum", 12000, "no"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fits_a_phone(page) -> None:
    # At 390 px wide tables scroll inside their own box, never the page.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})


def _intensity(page):
    page.goto("/dashboard")
    return page.get_by_test_id("table-clinker-intensity")


def test_file_return_correct_confirm_and_see_it_on_the_dashboard(
    page, live_server, people, tmp_path, screenshot
):
    maker, checker = people
    expect(_intensity(page)).to_contain_text("No data yet.")

    sign_in(page, maker.email, PASSWORD)
    page.goto("/manufacturer/plants")
    page.get_by_test_id("plant-reports").click()
    expect(heading(page)).to_contain_text("Annual reports")
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    filled = tmp_path / "report.xlsx"
    filled.write_bytes(_fill(download.value.path().read_bytes()))
    label(page, "Filled template (XLSX)").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and file").click()
    expect(flash(page)).to_contain_text("Report for 2025 filed as version 1.")
    expect(page.get_by_test_id("report-2025-v1")).to_contain_text("waiting for a decision")
    screenshot(page, "filed")
    _fits_a_phone(page)
    sign_out(page)

    sign_in(page, checker.email, PASSWORD)
    page.get_by_role("link", name="Plant reports").click()
    expect(heading(page)).to_have_text("Annual plant reports awaiting a decision")
    _fits_a_phone(page)
    label(page, "Reason").fill("86 kgce/t is below any kiln in the province: check the audit.")
    page.get_by_role("button", name="Return with this reason").click()
    expect(flash(page)).to_contain_text("Report returned to the manufacturer.")
    sign_out(page)

    sign_in(page, maker.email, PASSWORD)
    page.goto("/manufacturer/plants")
    page.get_by_test_id("plant-reports").click()
    expect(page.get_by_test_id("return-reason")).to_contain_text("86 kgce/t is below any kiln")
    page.get_by_role("link", name="Correct (file a new version)").click()
    energy = page.locator("#products-0-energy")
    expect(energy).to_have_value("86.0")
    energy.fill("101.5")
    page.get_by_role("button", name="File the report").click()
    expect(flash(page)).to_contain_text("Report for 2025 filed as version 2.")
    sign_out(page)

    sign_in(page, checker.email, PASSWORD)
    page.goto("/reports/queue")
    page.get_by_role("button", name="Confirm").click()
    expect(flash(page)).to_contain_text("Report confirmed")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()

    table = _intensity(page)
    expect(table).to_contain_text("101.5")
    expect(page.get_by_test_id("table-substitution")).to_contain_text("2025")
    screenshot(page, "dashboard")
