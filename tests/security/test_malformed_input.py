"""Malformed input anyone can send answers 400 or 404 with a message that says what to do."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from tests.catalog.test_registry_views import post_files
from tests.security.world import token_of

NOT_XLSX = "The file is not a readable XLSX workbook"
HUGE = str(2**64)


def _workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "类别", "最低星级"])
    workbook.active.append(["91520100MA6DKXXXXX", "cement", "1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewritten(member: str, change) -> bytes:
    """Return the workbook with one member's XML changed by `change`."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            archive.writestr(info, change(content) if info.filename == member else content)
    return target.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HOSTILE_WORKBOOKS = {
    "truncated sheet XML": _rewritten(SHEET, lambda xml: xml[: len(xml) // 2]),
    "cell reference out of range": _rewritten(
        SHEET, lambda xml: xml.replace(b'"A2"', b'"ZZZZZZZZ3"')
    ),
    "dimension out of range": _rewritten(
        SHEET, lambda xml: xml.replace(b'<dimension ref="A1:C2"', b'<dimension ref="A1:ZZZZZZZZ3"')
    ),
    "broken workbook XML": _rewritten("xl/workbook.xml", lambda xml: b"<workbook" + xml),
    "broken styles": _rewritten("xl/styles.xml", lambda xml: xml[:40]),
}


@pytest.fixture
def anon(secure_app, world):
    """Return the anonymous client, with a 500 answered as a page (as in production)."""
    secure_app.config["PROPAGATE_EXCEPTIONS"] = False
    return world.clients["anon"]


@pytest.mark.parametrize("data", HOSTILE_WORKBOOKS.values(), ids=HOSTILE_WORKBOOKS.keys())
def test_a_broken_workbook_gets_a_form_error(anon, data):
    form = {"csrf_token": token_of(anon, "/eligibility/bulk"), "file": (data, "codes.xlsx")}
    answer = post_files(anon, "/eligibility/bulk", form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400, page[:300]
    assert NOT_XLSX in page


def test_the_broken_workbook_message_is_in_the_readers_language(anon):
    anon.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    try:
        data = HOSTILE_WORKBOOKS["truncated sheet XML"]
        form = {"csrf_token": token_of(anon, "/eligibility/bulk"), "file": (data, "codes.xlsx")}
        answer = post_files(anon, "/eligibility/bulk", form)
    finally:
        anon.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert answer.status_code == 400
    assert "文件不是可读取的 XLSX 工作簿" in answer.get_data(as_text=True)


def test_json_nested_100000_deep_gets_a_problem(anon):
    body = b"[" * 100_000 + b"]" * 100_000
    answer = anon.post("/api/v1/eligibility", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.mimetype == "application/problem+json"
    assert "nested too deeply" in answer.get_json()["detail"]


def test_a_json_number_of_5000_digits_gets_a_problem(anon):
    body = b'[{"supplier": "x", "category": "cement", "min_stars": ' + b"9" * 5000 + b"}]"
    answer = anon.post("/api/v1/eligibility", data=body, content_type="application/json")
    assert answer.status_code == 400
    detail = answer.get_json()["detail"]
    assert "number too long" in detail
    assert "sys.set_int_max_str_digits" not in detail


def _criteria_upload(client, content: bytes):
    form = {"csrf_token": token_of(client, "/admin/criteria/cement"), "file": (content, "c.toml")}
    return post_files(client, "/admin/criteria/cement", form)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a = " + b"[" * 20_000 + b"]" * 20_000, "The file is nested too deeply"),
        (b"a = " + b"{b = " * 20_000 + b"1" + b"}" * 20_000, "The file is nested too deeply"),
        (b"version = " + b"9" * 5000, "The file holds a number too long to read"),
    ],
    ids=["arrays 20000 deep", "tables 20000 deep", "5000-digit integer"],
)
def test_a_hostile_criteria_file_gets_a_form_error(secure_app, world, content, message):
    secure_app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = _criteria_upload(world.clients["admin"], content)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400, page[:300]
    assert message in page
    assert "set_int_max_str_digits" not in page


@pytest.mark.parametrize("value", [HUGE, "9" * 5000, "²", "1e3", "-1", "x"])
def test_the_audit_search_refuses_a_bad_object_id(secure_app, world, value):
    secure_app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = world.clients["admin"].get("/admin/audit", query_string={"object_id": value})
    assert answer.status_code == 400
    if value == HUGE:
        assert "Enter a whole number from 1" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("principal", "url"),
    [
        ("officer_a", "/procurement/add?product_id=" + HUGE),
        ("officer_a", "/procurement/add?product_id=²"),
        ("officer_a", "/procurement/add?product_id=" + "9" * 5000),
        ("admin", "/admin/users?organisation=" + HUGE),
        ("admin", "/admin/users/new?organisation_id=" + HUGE),
        ("admin", "/admin/users/new?organisation_id=²"),
        ("admin", "/admin/audit?organisation=" + HUGE),
        ("maker_a", "/manufacturer/products/new?category=" + HUGE),
        ("maker_a", "/manufacturer/products/new?category=²"),
        ("anon", "/catalog?compare=" + HUGE),
        ("anon", "/catalog/compare?ids=" + HUGE),
    ],
)
def test_a_huge_or_odd_id_in_a_query_parameter_is_never_a_500(secure_app, world, principal, url):
    secure_app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = world.clients[principal].get(url)
    assert answer.status_code in (200, 400, 404), url
