"""The provincial dashboard in a real browser: every chart drawn, in English and in Chinese."""

import csv

import pytest
from playwright.sync_api import expect

from accounts.models import OrganisationKind
from dashboard import views
from dashboard.panels import PANELS
from tests.dashboard.conftest import build_world
from tests.dashboard.data import TODAY
from tests.e2e.helpers import heading, sign_in
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]


@pytest.fixture
def world(session, monkeypatch):
    """The dashboard tests' hand-built data set, dated around TODAY."""
    monkeypatch.setattr(views, "today", lambda: TODAY)
    return build_world(session)


def _check_charts(page) -> None:
    charts = page.locator("svg.dashboard-chart")
    expect(charts).to_have_count(len(PANELS))
    for n in range(len(PANELS)):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 60, chart.get_attribute("data-chart")
        # Drawn marks with a real size: bars, boxes, points, line.
        sizes = chart.evaluate(
            "svg => [...svg.querySelectorAll('.mark')].map(m => {"
            " const b = m.getBBox(); return b.width * b.height + b.width + b.height; })"
        )
        assert sizes and max(sizes) > 0, chart.get_attribute("data-chart")


def test_dashboard_draws_every_chart_in_english_and_chinese(
    page, live_server, world, screenshot, tmp_path
):
    page.goto("/dashboard")
    expect(heading(page)).to_have_text("Provincial dashboard")
    expect(page.get_by_test_id("tile-benchmark")).to_contain_text("16.7%")
    _check_charts(page)
    path = tmp_path / "dashboard-en.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    screenshot(page, "english")

    with page.expect_download() as download:
        page.get_by_test_id("csv-clinker-benchmark").click()
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == "Guizhou province" and rows[1][6] == "16.7"

    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator('svg[data-chart="certified-division"]')).to_contain_text("贵阳市")
    _check_charts(page)
    path = tmp_path / "dashboard-zh.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    screenshot(page, "chinese")


def test_administrator_sees_the_plants_and_the_certificates(page, live_server, world, session):
    admin = make_user(session, make_organisation(session, kind=OrganisationKind.ADMINISTRATOR))
    session.commit()
    sign_in(page, admin.email, PASSWORD)
    page.goto("/dashboard")
    plants = page.get_by_test_id("plant-table")
    expect(plants).to_be_visible()
    expect(plants).to_contain_text("Kiln Four")
    expect(plants.locator("tr", has_text="Kiln Four")).to_contain_text("not reported")
    alerts = page.get_by_test_id("alert-tables")
    expect(alerts).to_contain_text("T-002")
    expect(alerts).to_contain_text("T-006")
    expect(page.locator("svg.dashboard-chart")).to_have_count(len(PANELS))
