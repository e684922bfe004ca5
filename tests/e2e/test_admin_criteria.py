"""An administrator uploads a new criteria version in a real browser, checks it and activates it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import OrganisationKind
from tests import factories
from tests.admin.criteria_files import lime_2026_2
from tests.admin.reference_data import kept_reference_data
from tests.e2e.helpers import flash, heading, label, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

SCREENSHOT = Path("/tmp/admin_criteria.png")


@pytest.fixture
def admin_email(app, session) -> str:
    """An administrator; the criteria versions are put back after the test."""
    with kept_reference_data(app.extensions["db_engine"]):
        org = factories.make_organisation(
            session, kind=OrganisationKind.ADMINISTRATOR, name_zh="贵州省住房和城乡建设厅"
        )
        user = factories.make_user(session, org, email="admin@zjt.test", display_name="李管理")
        session.commit()
        yield user.email


def test_administrator_activates_a_new_criteria_version(page, admin_email, tmp_path, screenshot):
    criteria_file = tmp_path / "lime-2026.2.toml"
    criteria_file.write_text(lime_2026_2(), encoding="utf-8")

    sign_in(page, admin_email, factories.PASSWORD)
    expect(heading(page)).to_have_text("Administration")
    page.locator(".admin-nav").get_by_role("link", name="Categories and criteria").click()
    expect(heading(page)).to_have_text("Categories and criteria")
    lime = page.locator('tr[data-code="lime"]')
    expect(lime.locator("td.mono")).to_have_text("2026.1")
    lime.get_by_role("link", name="Criteria versions").click()

    expect(heading(page)).to_contain_text("Criteria versions")
    label(page, "Criteria file (TOML, UTF-8)").set_input_files(str(criteria_file))
    page.get_by_role("button", name="Upload").click()

    expect(flash(page)).to_contain_text("Version 2026.2 stored, not active yet.")
    expect(page.get_by_test_id("state")).to_contain_text("Compared with version 2026.1")
    energy = page.get_by_test_id("thresholds-changed").locator('tr[data-code="lime_energy"]')
    expect(energy).to_contain_text("140 → 135")
    expect(energy).to_contain_text("110 → 105")
    expect(page.get_by_test_id("indicators-removed")).to_contain_text("kiln_co2_captured")
    expect(page.get_by_test_id("prerequisites-added")).to_contain_text("carbon_plan")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    screenshot(page, "diff")
    page.get_by_role("button", name="Activate version 2026.2").click()

    expect(flash(page)).to_contain_text("Version 2026.2 is now in force")
    expect(page.locator('tr[data-version="2026.2"]')).to_contain_text("In force")
    expect(page.locator('tr[data-version="2026.1"]')).to_contain_text("not active")

    page.get_by_role("link", name="Criteria", exact=True).click()
    expect(page.get_by_test_id("criteria-index")).to_contain_text("2026.2")
    page.goto("/criteria/lime")
    expect(page.get_by_test_id("criteria-version")).to_have_text("2026.2")
    expect(page.get_by_test_id("criteria-indicators").locator("tbody.indicator")).to_have_count(2)
    screenshot(page, "public-criteria")
