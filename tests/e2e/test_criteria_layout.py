"""The criteria page on a phone: short cells such as the indicator group stay on one line."""

import pytest
from playwright.sync_api import expect

from certification.criteria.store import load_shipped_criteria
from tests.e2e.helpers import heading

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_group_column_does_not_wrap_a_character_per_line(
    new_page, live_server, session, locale
):
    load_shipped_criteria(session=session)
    session.commit()
    page = new_page(locale)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/criteria/cement")
    expect(heading(page)).to_be_visible()
    groups = page.get_by_test_id("criteria-indicators").locator("tbody.indicator td:first-child")
    expect(groups.first).to_be_visible()
    # One line each: no taller than one and a half times its line height.
    heights = groups.evaluate_all(
        "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
        " return r.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight); })"
    )
    assert heights and max(heights) < 1.5, heights
