"""A bulk eligibility file is read only until it passes a limit: rows, empty rows, columns.

The work is measured by what the reader touched (rows the sheet parser gave, rows the CSV
reader gave, memory at its peak), not by the clock.
"""

import io
import tracemalloc

import pytest
from openpyxl import Workbook
from openpyxl.worksheet._reader import WorkSheetParser

import eligibility.files
from eligibility.files import FileProblem, read_upload

HEADER = ["统一社会信用代码", "类别", "最低星级"]
CODE = "91520100MA6DKXXXXX"
MAX_EMPTY_ROWS = 1_000  # eligibility.files.MAX_EMPTY_ROWS, stated here as the promise


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sparse_workbook(rows: dict[int, list]) -> bytes:
    """Return a workbook of the header and the given rows, by number: no element for the rest."""
    workbook = Workbook()
    workbook.active.append(HEADER)
    for number, row in rows.items():
        for column, value in enumerate(row, start=1):
            workbook.active.cell(row=number, column=column, value=value)
    return _saved(workbook)


@pytest.fixture
def parsed_rows(monkeypatch):
    """Count the rows the sheet parser hands the reader."""
    counter = {"rows": 0}

    class Counting(WorkSheetParser):
        def parse(self):
            for item in super().parse():
                counter["rows"] += 1
                yield item

    # raising=False: the red run on the code before the fix, which had no parser of its own.
    monkeypatch.setattr(eligibility.files, "WorkSheetParser", Counting, raising=False)
    return counter


@pytest.fixture
def csv_rows(monkeypatch):
    """Count the rows the CSV reader hands the table."""
    counter = {"rows": 0}
    reader = eligibility.files._csv_rows

    def counting(data):
        for row in reader(data):
            counter["rows"] += 1
            yield row

    monkeypatch.setattr(eligibility.files, "_csv_rows", counting)
    return counter


def test_a_row_at_1048576_is_refused_after_touching_two_rows(app, parsed_rows):
    data = _sparse_workbook({1_048_576: [CODE, "cement", "1"]})
    assert len(data) < 10_000
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(FileProblem) as refused,
    ):
        read_upload(data, "codes.xlsx", max_rows=10_000)
    assert str(refused.value).startswith("The file has more than 1,000 empty rows")
    assert parsed_rows["rows"] == 2  # the header and the far row; no made-up rows between


def test_rows_between_data_rows_within_the_limit_are_kept_as_empty_rows(app):
    data = _sparse_workbook({2: [CODE, "cement", "1"], 500: [CODE, "cement", "2"]})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        rows = read_upload(data, "codes.xlsx", max_rows=10_000)
    assert [r.number for r in rows] == list(range(2, 501))
    assert [r.empty for r in rows].count(False) == 2


def test_a_csv_of_a_megabyte_of_newlines_stops_after_the_empty_row_limit(app, csv_rows):
    data = b"\n" * (1024 * 1024)
    tracemalloc.start()
    try:
        with (
            app.test_request_context(headers={"Accept-Language": "en"}),
            pytest.raises(FileProblem) as refused,
        ):
            read_upload(data, "codes.csv", max_rows=10_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value).startswith("The file has more than 1,000 empty rows")
    assert csv_rows["rows"] == MAX_EMPTY_ROWS + 1
    assert peak < 10 * 1024 * 1024  # the text itself is 1 MB; no list of a million lines


def test_empty_rows_between_data_rows_are_bounded_too(app, csv_rows):
    data = (f"{CODE},cement,1\n" + "\n" * 999).encode() * 5
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(FileProblem):
        read_upload(data, "codes.csv", max_rows=10_000)
    assert csv_rows["rows"] <= MAX_EMPTY_ROWS + 3


def test_more_than_the_row_limit_stops_one_row_after_it(app, csv_rows):
    data = "\n".join([",".join(HEADER)] + [f"{CODE},cement,1"] * 50_000).encode()
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(FileProblem) as refused,
    ):
        read_upload(data, "codes.csv", max_rows=10_000)
    assert "more than 10,000 rows" in str(refused.value)
    assert csv_rows["rows"] == 1 + 10_001


def test_a_sheet_16384_columns_wide_is_refused_at_its_first_row(app, parsed_rows):
    # Excel's widest sheet (openpyxl writes no wider; a hand-made one is refused alike).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for _ in range(3):
        sheet.append([CODE, "cement", "1", *(["x"] * 16_381)])
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(FileProblem) as refused,
    ):
        read_upload(_saved(workbook), "codes.xlsx", max_rows=10_000)
    assert str(refused.value).startswith("A row has more than 200 columns")
    assert parsed_rows["rows"] == 1


def test_a_csv_20000_columns_wide_is_refused(app, csv_rows):
    data = (",".join([CODE, "cement", "1", *(["x"] * 19_997)]) + "\n").encode() * 50
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(FileProblem) as refused,
    ):
        read_upload(data, "codes.csv", max_rows=10_000)
    assert str(refused.value).startswith("A row has more than 200 columns")
    assert csv_rows["rows"] == 1


def test_a_sheet_with_a_few_extra_columns_is_read(app):
    workbook = Workbook()
    workbook.active.append([*HEADER, *(f"note {n}" for n in range(40))])
    workbook.active.append([CODE, "cement", 2, *(["x"] * 40)])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (row,) = read_upload(_saved(workbook), "codes.xlsx", max_rows=10)
    assert (row.uscc, row.category, row.min_stars) == (CODE, "cement", 2)
