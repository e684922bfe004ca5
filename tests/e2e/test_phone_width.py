"""Every public and contractor page, and each role's main pages, fit a 390 px phone screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import flash, heading
from tests.e2e.phone_pages import (
    PASSWORD,
    ROLE_EMAILS,
    load_demo_world,
    public_pages,
    signed_in_pages,
)

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Pages whose screenshots are kept under test-artifacts/e2e/ for a person to look at.
SHOWN = {"/", "/catalog", "/dashboard", "/criteria/cement"}
LOCALES = ("zh-CN", "en-US")


@pytest.fixture
def world(app, session):
    """The whole demo data set, as `flask seed` loads it."""
    return load_demo_world(app, session)


def _too_wide(page, url: str, locale: str, screenshot) -> str | None:
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    if url in SHOWN:
        screenshot(page, f"{locale}-{page.viewport_size['width']}-{url}")
    if width > PHONE["width"]:
        return f"{url} is {width} px wide"
    small = _chart_text_sizes(page)
    return f"{url} draws chart text at {min(small):.1f} px" if small and min(small) < 8 else None


def _chart_text_sizes(page) -> list[float]:
    # The drawn size of the charts' 11 px text: scaled below 8 px it cannot be read.
    return page.locator("svg.dashboard-chart, svg.gwp-chart").evaluate_all(
        "svgs => svgs.map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width * 11)"
    )


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(flash(page).locator(".flash-success")).to_have_count(1)
    page.wait_for_load_state("load")  # the style sheets too, before anything is measured


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_fits_a_phone(new_page, live_server, world, screenshot, locale):
    page = new_page(locale)
    page.set_viewport_size(PHONE)
    problems = [_too_wide(page, url, locale, screenshot) for url in public_pages(world)]
    for role, urls in signed_in_pages(world).items():
        page = new_page(locale)
        page.set_viewport_size(PHONE)
        _sign_in(page, ROLE_EMAILS[role])
        problems += [
            f"{role}: {p}" for url in urls if (p := _too_wide(page, url, locale, screenshot))
        ]
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_main_pages_at_desktop_width(new_page, live_server, world, screenshot, locale):
    page = new_page(locale)
    page.set_viewport_size(DESKTOP)
    for url in sorted(SHOWN):
        page.goto(url)
        expect(heading(page)).to_be_visible()
        screenshot(page, f"{locale}-1280-{url}")


def _nav_rows(page) -> int:
    return page.evaluate(
        "new Set([...document.querySelectorAll('.main-nav a')]"
        ".map(a => Math.round(a.getBoundingClientRect().top))).size"
    )


def test_the_english_navigation_fits_one_line_at_1280(new_page, live_server, world):
    page = new_page("en-US")
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_count(5)
    rows = {"anonymous": _nav_rows(page)}
    for role, email in ROLE_EMAILS.items():
        page = new_page("en-US")
        page.set_viewport_size(DESKTOP)
        _sign_in(page, email)
        rows[role] = _nav_rows(page)
    assert rows == dict.fromkeys(rows, 1)


def test_dashboard_charts_stay_readable_on_a_phone(new_page, live_server):
    page = new_page("zh-CN")
    page.set_viewport_size(PHONE)
    page.goto("/dashboard")
    charts = page.locator("svg.dashboard-chart")
    expect(charts.first).to_be_visible()
    sizes = _chart_text_sizes(page)
    assert sizes and min(sizes) >= 8, sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
