"""axe-core in Chromium on every public page: no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.phone_pages import load_demo_world, public_pages

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

WIDTHS = (390, 1280)
BLOCKING = {"serious", "critical"}


@pytest.fixture
def world(app, session):
    """The whole demo data set, as `flask seed` loads it."""
    return load_demo_world(app, session)


def _problems(axe: Axe, page, url: str) -> list[str]:
    results = axe.run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            problems.append(f"{url}: {violation['id']} ({violation['impact']}) at {targets}")
    return problems


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_no_serious_accessibility_violation_on_public_pages(new_page, live_server, world, locale):
    axe = Axe()
    problems = []
    for width in WIDTHS:
        page = new_page(locale)
        page.set_viewport_size({"width": width, "height": 900})
        for url in public_pages(world):
            page.goto(url)
            problems += _problems(axe, page, f"{width} px {url}")
        if width < 768:  # the phone's menu, opened
            page.locator(".nav-menu > summary").click()
            problems += _problems(axe, page, f"{width} px {url} with the menu open")
    assert not problems, "\n".join(problems)
