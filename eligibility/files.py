"""Bulk eligibility files: reading the CSV and XLSX uploads, row by row, as text."""

import codecs
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10,000 rows of CSV take about 400 KB
MAX_COLUMNS = 30  # columns after the 30th are not read
# What an XLSX may unpack to: 10,000 rows take about 1 MB; a zip bomb takes gigabytes.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_DELIMITERS = (",", "\t", ";", "，")

# Header names, compared after `_header_key`: Chinese as Excel users in China write them,
# English as this product's own downloads write them.
_HEADERS = {
    "uscc": {
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "供应商统一社会信用代码",
        "供应商信用代码",
        "uscc",
        "creditcode",
        "unifiedsocialcreditcode",
        "suppliercreditcode",
    },
    "category": {
        "类别",
        "产品类别",
        "材料类别",
        "类别代码",
        "品类",
        "category",
        "categorycode",
        "productcategory",
    },
    "min_stars": {
        "最低星级",
        "星级",
        "最低星级要求",
        "minstars",
        "minimumstars",
        "minimumstarlevel",
        "minstarlevel",
        "stars",
        "starlevel",
    },
}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


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
                raise FileProblem(_("The file is not a valid XLSX workbook."))
            return _table(_csv_rows(data), max_rows)
        except csv.Error as exc:
            raise FileProblem(_("The CSV file cannot be read: %(error)s", error=str(exc))) from exc


def _decode(data: bytes) -> str:
    """Return the text of a CSV file: UTF-8 (with or without BOM), UTF-16, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # Excel in China saves "CSV" in GB18030 (GBK); valid UTF-8 is very rarely also that.
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(
        _("The file is neither UTF-8 nor GB18030 text: save it as CSV (UTF-8) or as XLSX.")
    )


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem(_("The file is not a CSV text file: upload a .csv or .xlsx file."))
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _check_unpacked_size(data: bytes) -> None:
    # zipfile never inflates a member past the size its header declares, so the sum is a bound.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(_("The file is not a valid XLSX workbook.")) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise FileProblem(_("The workbook is too large once unpacked: upload at most 10,000 rows."))


def _xlsx_rows(data: bytes) -> Iterator[list]:
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise FileProblem(_("The file is not a valid XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read every row there is
        yield from (list(row) for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    finally:
        workbook.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(value: object) -> str:
    text = _text(value).casefold()
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", text)  # "统一社会信用代码（18位）"
    return re.sub(r"[\s_\-.:：*]+", "", text)


def _columns(header: list) -> dict[str, int] | None:
    """Return the column of each field if the row is a header row, else None."""
    keys = [_header_key(cell) for cell in header]
    columns = {}
    for field, names in _HEADERS.items():
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


def _table(rows: Iterable[list], max_rows: int) -> list[RawRow]:
    result: list[RawRow] = []
    columns = None
    kept = 0  # rows up to and including the last non-empty one
    for number, row in enumerate(rows, start=1):
        if columns is None:
            if not any(_text(cell) for cell in row):
                continue  # empty rows before the first one are not data
            columns = _columns(row)
            if columns is not None:
                continue
            columns = {"uscc": 0, "category": 1, "min_stars": 2}
        code = _cell(row, columns["uscc"])
        raw = RawRow(
            number=number,
            uscc=_text(code),
            category=_text(_cell(row, columns["category"])),
            min_stars=_cell(row, columns.get("min_stars")),
            code_was_number=isinstance(code, int | float) and not isinstance(code, bool),
        )
        result.append(raw)
        if not raw.empty:
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
