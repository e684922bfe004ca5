"""Reading bulk-eligibility uploads and keeping their results."""

import codecs
import io
import os
import time
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook

from eligibility.files import FileProblem, read_upload
from eligibility.result_store import load_result, save_result

CODE = "915201000000000052"


def rows_of(data: bytes, filename: str = "f.csv", max_rows: int = 100):
    """Return the rows read as (number, uscc, category, min_stars) tuples."""
    return [
        (r.number, r.uscc, r.category, r.min_stars)
        for r in read_upload(data, filename, max_rows=max_rows)
    ]


def xlsx(rows: list[list]) -> bytes:
    """Return a workbook whose first sheet holds the rows."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEXT = f"统一社会信用代码,类别,最低星级\n{CODE},水泥,2\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
        TEXT.replace(",", ";").encode("utf-8"),
        TEXT.replace(",", "\t").encode("gb18030"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8 BOM", "gb18030", "utf-16", "semicolons", "tabs", "CRLF"],
)
def test_encodings_and_delimiters(data):
    assert rows_of(data) == [(2, CODE, "水泥", "2")]


@pytest.mark.parametrize(
    "header",
    [
        "类别,备注,信用代码",
        "Category,Note,Credit code",
        "CATEGORY,note,USCC",
        "类别（代码或名称）,供应商名称,统一社会信用代码（18位）",
    ],
)
def test_header_in_chinese_or_english_in_any_order(header):
    data = f"{header}\ncement,x,{CODE}\n".encode()
    assert rows_of(data) == [(2, CODE, "cement", None)]


def test_without_a_header_the_columns_are_code_category_stars():
    assert rows_of(f"{CODE},cement,3\n{CODE},lime\n".encode()) == [
        (1, CODE, "cement", "3"),
        (2, CODE, "lime", None),
    ]


def test_header_without_a_category_column():
    with pytest.raises(FileProblem, match="no category column"):
        rows_of(f"统一社会信用代码,名称\n{CODE},x\n".encode())


def test_rows_keep_their_numbers_and_trailing_empty_rows_are_dropped():
    data = f"\n信用代码,类别\n{CODE},cement\n,\n\n{CODE},lime\n,,\n\n".encode()
    rows = read_upload(data, "f.csv", max_rows=10)
    assert [(r.number, r.empty) for r in rows] == [(3, False), (4, True), (5, True), (6, False)]


def test_quoted_fields_and_full_width_characters():
    code = "".join(chr(ord(c) + 0xFEE0) for c in CODE)  # full-width digits
    data = f'"信用代码","类别"\n"{code}","Ceramic tile, glazed"\n'.encode()
    assert rows_of(data) == [(2, CODE, "Ceramic tile, glazed", None)]


def test_too_many_rows_stops_reading():
    data = ("credit code,category\n" + f"{CODE},cement\n" * 11).encode()
    with pytest.raises(FileProblem, match="more than 10 rows"):
        read_upload(data, "f.csv", max_rows=10)
    assert len(read_upload(data, "f.csv", max_rows=11)) == 11


def test_empty_rows_do_not_count_towards_the_limit_at_the_end():
    data = ("credit code,category\n" + f"{CODE},cement\n" * 10 + ",\n" * 50).encode()
    assert len(read_upload(data, "f.csv", max_rows=10)) == 10


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "f.csv", "empty"),
        (b"\n\n,,\n", "f.csv", "no data rows"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "f.xls", r"\.xls"),
        (b"not a workbook", "f.xlsx", "not a readable XLSX"),
        (b"PK\x03\x04broken", "f.xlsx", "not a readable XLSX"),
        (b"a\x00b,c\n", "f.csv", "not a CSV"),
        (b"\xff\xfe\xff" + b"\x80" * 10, "f.csv", "neither UTF-8 nor GB18030"),
    ],
)
def test_unreadable_files(data, filename, message):
    with pytest.raises(FileProblem, match=message):
        read_upload(data, filename, max_rows=10)


def test_xlsx_with_numbers_and_gaps():
    data = xlsx(
        [
            ["Credit code", "Category", "Minimum stars"],
            [CODE, "水泥", 2],
            [None, None, None],
            [915201000000000000, "cement", 1.0],
        ]
    )
    rows = read_upload(data, "upload.xlsx", max_rows=10)
    assert [(r.number, r.uscc, r.category, r.min_stars, r.empty) for r in rows] == [
        (2, CODE, "水泥", 2, False),
        (3, "", "", None, True),
        (4, "915201000000000000", "cement", 1.0, False),
    ]
    assert [r.code_was_number for r in rows] == [False, False, True]


def test_xlsx_is_recognised_whatever_its_name():
    assert rows_of(xlsx([[CODE, "cement"]]), filename="upload.bin") == [(1, CODE, "cement", None)]


def test_results_are_kept_by_token_and_old_ones_deleted(tmp_path):
    token = save_result(str(tmp_path), {"rows": [1, 2]})
    assert load_result(str(tmp_path), token) == {"rows": [1, 2]}
    for bad in ("", "../secret", token[:-1], token + "x", "a" * 23 + "/"):
        assert load_result(str(tmp_path), bad) is None
    old = tmp_path / "eligibility" / f"{token}.json"
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    fresh = save_result(str(tmp_path), {"rows": []})
    assert load_result(str(tmp_path), token) is None
    assert load_result(str(tmp_path), fresh) == {"rows": []}


def test_results_younger_than_a_day_stay(tmp_path):
    token = save_result(str(tmp_path), {"rows": []})
    save_result(str(tmp_path), {"rows": []}, now=datetime.now() + timedelta(hours=23))
    assert load_result(str(tmp_path), token) == {"rows": []}
