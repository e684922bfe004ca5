"""Reading uploaded tables (CSV and XLSX): text encodings, cell text and header names."""

import codecs
import io
import re
import unicodedata
import zipfile
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

NOT_XLSX = _l("The file is not a readable XLSX workbook: save it again as .xlsx or as CSV.")
# What an XLSX may unpack to: 10,000 rows take about 1 MB; a zip bomb takes gigabytes.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


def decode_text(data: bytes) -> str:
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


def check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook that would unpack to more than the bound (a zip bomb)."""
    # zipfile never inflates a member past the size its header declares, so the sum is a bound.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(str(NOT_XLSX)) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise FileProblem(_("The workbook is too large once unpacked: upload at most 10,000 rows."))


def cell_text(value: object) -> str:
    """Return a cell's value as normalised text (whole floats without ".0", dates in ISO)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def header_key(value: object) -> str:
    """Return a header cell as the key it is compared by: no case, spaces, marks or notes."""
    text = cell_text(value).casefold()
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", text)  # "统一社会信用代码（18位）"
    return re.sub(r"[\s_\-.:：*]+", "", text)
