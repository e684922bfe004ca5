"""A visitor downloads a certificate's signed PDF and checks it on /verify/document."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.helpers import heading

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]


@pytest.fixture
def certificate(session):
    body, reviewer = factories.make_body(session)
    return factories.issue_test_certificate(session, body=body, reviewer=reviewer)


def test_downloaded_pdf_is_genuine_and_an_altered_one_is_not(
    page, live_server, certificate, screenshot, tmp_path
):
    page.goto(f"/verify/{certificate.number}")
    with page.expect_download() as download:
        page.get_by_test_id("cert-pdf").click()
    original = tmp_path / "certificate.pdf"
    download.value.save_as(original)

    page.goto("/verify")
    page.get_by_role("link", name="Check a certificate PDF you received").click()
    expect(heading(page)).to_have_text("Check a certificate PDF")
    page.get_by_label("Certificate PDF").set_input_files(original)
    page.get_by_role("button", name="Check the file").click()
    verdict = page.get_by_test_id("document-verdict")
    expect(verdict).to_have_attribute("data-verdict", "genuine")
    expect(verdict).to_contain_text("Status today: Valid")
    expect(verdict).to_contain_text(certificate.number)
    screenshot(page, "genuine")

    data = bytearray(original.read_bytes())
    data[data.index(b"\n", 1) + 2] ^= 0x01  # one signed byte changed
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    page.get_by_label("Certificate PDF").set_input_files(altered)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("document-verdict")).to_have_attribute("data-verdict", "changed")
    expect(page.get_by_test_id("document-verdict")).to_contain_text("signed content was altered")
    screenshot(page, "changed")

    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
