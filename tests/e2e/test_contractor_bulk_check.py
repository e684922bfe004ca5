"""A contractor in a real browser: a bulk eligibility check of a CSV file, its result, the CSV."""

import codecs
import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import OrganisationKind
from tests import factories
from tests.e2e.helpers import heading, label, sign_in
from tests.eligibility.test_views import World, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.csrf]

FIRM = "中建四局贵州建设有限公司"
FILLER = 1_200  # enough rows for a progress line ("Checked 1,000 of …") and a second page
LAST_ROW = 9 + FILLER + 1  # the header is row 1; the last row is malformed


@pytest.fixture
def world(session) -> tuple[World, str]:
    """Suppliers in every situation, and a contractor of a construction firm."""
    suppliers = make_world(session)
    firm = factories.make_organisation(
        session, kind=OrganisationKind.CONSTRUCTION_FIRM, name_zh=FIRM
    )
    contractor = factories.make_user(session, firm, display_name="李工")
    session.commit()
    return suppliers, contractor.email


def suppliers_csv(world: World) -> str:
    """Return the contractor's file: good rows, malformed ones, and many more good ones."""
    c = world.codes
    lines = [
        "统一社会信用代码,类别,最低星级",
        f"{c['two_stars']},水泥,2",  # 2: eligible
        f"{c['suspended']},cement,",  # 3: not eligible (suspended)
        "91520100ABC,cement,1",  # 4: malformed credit code
        f"{c['two_stars']},steel,1",  # 5: no such category
        f"{c['two_stars']},cement,4",  # 6: four stars
        "",  # 7: an empty row
        f"{c['unknown']},Cement,1",  # 8: not eligible (unknown supplier)
        f"{c['ends_today']},cement,1",  # 9: eligible (its last day)
    ]
    lines += [
        f"{c['two_stars'] if n % 2 else c['revoked']},cement,1" for n in range(FILLER)
    ]  # 10 … 1,209
    lines.append("bad,cement,1")  # 1,210: malformed
    return "\n".join(lines) + "\n"


def test_contractor_checks_a_file_of_suppliers(page: Page, world, screenshot, tmp_path):
    suppliers, email = world
    sign_in(page, email, factories.PASSWORD)
    expect(heading(page)).to_have_text("Is this supplier eligible?")  # a contractor's home

    page.get_by_role("link", name="Check a file of suppliers").click()
    expect(page).to_have_url(re.compile(r"/eligibility/bulk$"))
    expect(heading(page)).to_have_text("Check a file of suppliers")
    path = tmp_path / "供应商核查.csv"
    path.write_text(suppliers_csv(suppliers), encoding="utf-8")
    label(page, "CSV or XLSX file").set_input_files(path)
    screenshot(page, "file-chosen")
    page.get_by_role("button", name="Check the file").click()

    # The progress, as the page streamed it while the rows were checked.
    expect(heading(page)).to_have_text("Bulk eligibility check")
    progress = page.get_by_test_id("bulk-progress").get_by_role("listitem")
    expect(progress).to_have_text(
        [
            "Rows read: 1,209, of which malformed: 5.",
            re.compile(r"^Suppliers found: 4 of 5; "),
            "Checked 1,000 of 1,209 rows…",
            "Checked all 1,209 rows: 602 eligible, 602 not eligible, 5 malformed.",
        ]
    )
    expect(page.get_by_text("File: 供应商核查.csv")).to_be_visible()
    expect(page.get_by_test_id("count-eligible")).to_have_text("602")
    expect(page.get_by_test_id("count-malformed")).to_have_text("5")

    # The result table: every row answered, malformed ones by row number with the reason.
    table = page.get_by_test_id("bulk-results")
    row = table.locator("tr[data-row]")
    expect(row).to_have_count(100)
    expect(row.first).to_have_attribute("data-row", "2")
    expect(table.locator('tr[data-row="2"]')).to_contain_text("Eligible")
    expect(table.locator('tr[data-row="3"]')).to_contain_text("(Suspended 1)")
    bad_code = table.locator('tr[data-row="4"]')
    expect(bad_code).to_have_attribute("data-result", "malformed")
    expect(bad_code).to_contain_text("Malformed row")
    expect(bad_code).to_contain_text("A credit code has 18 characters; this one has 11.")
    expect(table.locator('tr[data-row="5"]')).to_contain_text("No category has the code")
    expect(table.locator('tr[data-row="6"]')).to_contain_text("must be 1, 2 or 3, not “4”")
    expect(table.locator('tr[data-row="7"]')).to_contain_text("The row is empty.")
    expect(table.locator('tr[data-row="8"]')).to_contain_text("No manufacturer with this")
    expect(table.locator('tr[data-row="9"]')).to_contain_text("Eligible")
    screenshot(page, "result")

    # Only the malformed rows: the one at the end of the file is there with its number.
    page.get_by_role("link", name="Malformed rows (5)").click()
    expect(row).to_have_count(5)
    numbers = [row.nth(i).get_attribute("data-row") for i in range(5)]
    assert {row.nth(i).get_attribute("data-result") for i in range(5)} == {"malformed"}
    assert numbers == ["4", "5", "6", "7", str(LAST_ROW)]
    expect(table.locator(f'tr[data-row="{LAST_ROW}"]')).to_contain_text(
        "A credit code has 18 characters; this one has 3."
    )
    screenshot(page, "malformed-rows")

    # The download: every row, in order, in UTF-8 with a BOM for Excel.
    with page.expect_download() as caught:
        page.get_by_test_id("download-csv").click()
    download = caught.value
    assert re.fullmatch(r"eligibility-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    data = download.path().read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header[:2] == ["Row", "Credit code"] and header[5:7] == ["Result", "Reason"]
    assert [r[0] for r in rows] == [str(n) for n in range(2, LAST_ROW + 1)]
    by_row = {r[0]: r for r in rows}
    assert by_row["2"][1:6] == [
        suppliers.codes["two_stars"],
        "Cement",
        "2",
        "Guiyang Green Cement Co.",
        "Eligible",
    ]
    assert by_row["4"][5:7] == [
        "Malformed row",
        "A credit code has 18 characters; this one has 11.",
    ]
    assert by_row["7"][5:7] == ["Malformed row", "The row is empty."]
    assert by_row[str(LAST_ROW)][1] == "bad" and by_row[str(LAST_ROW)][5] == "Malformed row"
    assert sum(r[5] == "Malformed row" for r in rows) == 5
