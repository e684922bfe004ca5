"""Bulk eligibility files: reading the CSV and XLSX uploads, row by row, as text."""

import csv
import io
import itertools
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# The sheet's rows as its XML holds them; see `_sheet_rows` for why not openpyxl's iterator.
# openpyxl is pinned in uv.lock; tests/security/test_bulk_limits.py reads real workbooks through it.
from openpyxl.worksheet._reader import WorkSheetParser

from eligibility.file_headers import HEADERS
from greenbm.table_files import NOT_XLSX, FileProblem
from greenbm.table_files import OLE_MAGIC as _OLE_MAGIC
from greenbm.table_files import ZIP_MAGIC as _ZIP_MAGIC
from greenbm.table_files import cell_text as _text
from greenbm.table_files import check_unpacked_size as _check_unpacked_size
from greenbm.table_files import decode_text as _decode
from greenbm.table_files import header_key as _header_key

__all__ = ["FileProblem", "RawRow", "read_upload"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10,000 rows of CSV take about 400 KB
MAX_COLUMNS = 30  # columns after the 30th are not read
MAX_SHEET_COLUMNS = 200  # a wider row is refused: reading it would cost for nothing
# Rows with nothing in the columns read, in all (a file's gaps count too): enough for any list
# a person keeps, and a bound on the work a file of blank lines or one far-away row can cause.
MAX_EMPTY_ROWS = 1_000
# What openpyxl and lxml raise for a damaged workbook: XML syntax (SyntaxError's subclasses),
# a cell reference past the sheet's edge (ValueError), missing parts and wrong types.
_DAMAGED = (
    zipfile.BadZipFile,
    InvalidFileException,
    SyntaxError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OSError,
)
_DELIMITERS = (",", "\t", ";", "，")


@dataclass(frozen=True)
class RawRow:
    """One data row of an upload, as text, numbered as a spreadsheet numbers it (from 1)."""

    number: int
    uscc: str
    category: str
    min_stars: object
    code_was_number: bool = False  # Excel keeps only 15 digits of a number

    @property
    def empty(self) -> bool:
        """Return whether the row has nothing in the columns read."""
        return not (self.uscc or self.category or _text(self.min_stars))


# --- reading ----------------------------------------------------------------------------------


def read_upload(data: bytes, filename: str, *, max_rows: int) -> list[RawRow]:
    """Return the data rows of a CSV or XLSX upload, or raise FileProblem.

    A first row naming the columns (Chinese or English) is recognised and skipped; without
    one the columns are credit code, category, minimum stars. Empty rows between data rows
    are returned (they get an answer too); empty rows at the end are dropped.
    """
    if not data:
        raise FileProblem(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem(_("The file is larger than 10 MB."))
    name = (filename or "").lower()
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise FileProblem(
            _("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or as CSV.")
        )
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read; they do not matter here.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        try:
            if data.startswith(_ZIP_MAGIC):
                return _table(_xlsx_rows(data), max_rows)
            if name.endswith(".xlsx"):
                raise FileProblem(str(NOT_XLSX))
            return _table(enumerate(_csv_rows(data), start=1), max_rows)
        except csv.Error as exc:
            raise FileProblem(_("The CSV file cannot be read: %(error)s", error=str(exc))) from exc


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem(_("The file is not a CSV text file: upload a .csv or .xlsx file."))
    # The first line with text, among as many as may be empty: never a list of every line.
    lines = itertools.islice(io.StringIO(text, newline=None), MAX_EMPTY_ROWS + 1)
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """Yield the numbered rows of the first sheet; FileProblem if the workbook is damaged."""
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _DAMAGED as exc:
        raise FileProblem(str(NOT_XLSX)) from exc
    try:
        yield from _sheet_rows(workbook)
    except FileProblem:
        raise  # a ValueError too, but one that already says what is wrong
    except _DAMAGED as exc:
        raise FileProblem(str(NOT_XLSX)) from exc
    finally:
        workbook.close()


def _sheet_rows(workbook) -> Iterator[tuple[int, list]]:
    # openpyxl's row iterator makes up every row missing before the next one present (a
    # million for one cell at row 1,048,576) and cannot say how wide a row was. Its parser
    # gives each row as the XML holds it, with its number: the table counts a gap as empty
    # rows before making any, and a row too wide is refused. The sheet's recorded dimension is
    # not used: a writer can state any size.
    sheet = workbook.worksheets[0]
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            width = max((cell["column"] for cell in cells), default=0)
            _check_width(max(width, len(cells)))
            values = [None] * min(width, MAX_COLUMNS)
            for cell in cells:
                if cell["column"] <= MAX_COLUMNS:
                    values[cell["column"] - 1] = cell["value"]
            yield number, values


def _check_width(columns: int) -> None:
    if columns > MAX_SHEET_COLUMNS:
        raise FileProblem(
            _(
                "A row has more than %(max)s columns: keep only the credit code, category and "
                "minimum stars columns, and upload the file again.",
                max=MAX_SHEET_COLUMNS,
            )
        )


def _columns(header: list) -> dict[str, int] | None:
    """Return the column of each field if the row is a header row, else None."""
    keys = [_header_key(cell) for cell in header]
    columns = {}
    for field, names in HEADERS.items():
        found = next((i for i, key in enumerate(keys) if key in names), None)
        if found is not None:
            columns[field] = found
    if not columns:
        return None
    if "uscc" not in columns:
        raise FileProblem(
            _("The first row names no credit-code column: call it 统一社会信用代码 or Credit code.")
        )
    if "category" not in columns:
        raise FileProblem(_("The first row names no category column: call it 类别 or Category."))
    return columns


def _cell(row: list, index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _count_empty(empty: int) -> int:
    if empty > MAX_EMPTY_ROWS:
        raise FileProblem(
            _(
                "The file has more than %(max)s empty rows: delete them and upload it again.",
                max=f"{MAX_EMPTY_ROWS:,}",
            )
        )
    return empty


def _table(rows: Iterable[tuple[int, list]], max_rows: int) -> list[RawRow]:
    """Return the data rows; stop at the first row past a limit (rows, empty rows, width)."""
    result: list[RawRow] = []
    columns = None
    kept = 0  # rows up to and including the last non-empty one
    empty = last = 0
    for number, row in rows:
        _check_width(len(row))
        # Rows a workbook leaves out are empty rows: counted before any is made.
        skipped = range(last + 1, number)
        empty, last = _count_empty(empty + len(skipped)), number
        if columns is None:
            if not any(_text(cell) for cell in row):
                empty = _count_empty(empty + 1)
                continue  # empty rows before the first one are not data
            columns = _columns(row)
            if columns is not None:
                continue
            columns = {"uscc": 0, "category": 1, "min_stars": 2}
        else:
            result.extend(RawRow(number=n, uscc="", category="", min_stars=None) for n in skipped)
        code = _cell(row, columns["uscc"])
        raw = RawRow(
            number=number,
            uscc=_text(code),
            category=_text(_cell(row, columns["category"])),
            min_stars=_cell(row, columns.get("min_stars")),
            code_was_number=isinstance(code, int | float) and not isinstance(code, bool),
        )
        result.append(raw)
        if raw.empty:
            empty = _count_empty(empty + 1)
        else:
            kept = len(result)
            if kept > max_rows:
                raise FileProblem(
                    _(
                        "The file has more than %(max)s rows: split it into files of at most "
                        "%(max)s rows.",
                        max=f"{max_rows:,}",
                    )
                )
    del result[kept:]
    if not result:
        raise FileProblem(_("The file has no data rows."))
    return result
