"""Finding live formulas in a downloaded CSV or XLSX file, as a spreadsheet would run them.

Written apart from greenbm.spreadsheets, so that the check does not share the writer's mistakes.
"""

import csv
import io

from openpyxl import load_workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _runs(text: str) -> bool:
    return text.startswith(FORMULA_START) and not _is_number(text)


def csv_rows(data: bytes) -> list[list[str]]:
    """Return the rows of a UTF-8 CSV download (with or without a BOM)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def live_csv_formulas(data: bytes) -> list[str]:
    """Return every cell of a CSV that a spreadsheet would run as a formula."""
    return [cell for row in csv_rows(data) for cell in row if _runs(cell)]


def live_xlsx_formulas(data: bytes) -> list[str]:
    """Return the cells of a workbook that are formulas, or formula text not marked as text."""
    book = load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                unescaped = _runs(text) and not (cell.data_type == "s" and cell.quotePrefix)
                if cell.data_type == "f" or unescaped:
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found
