"""The annual report as an XLSX workbook: the template (empty or filled) out, a filled one in."""

import io
import zipfile

from flask_babel import gettext as _
from openpyxl import load_workbook

from catalog.reports.data import report_data
from catalog.reports.rules import ProductLine, ReportInput, WasteLine
from catalog.reports.services import ReportView
from greenbm.errors import Invalid
from greenbm.spreadsheets import Sheet, xlsx_bytes

MAX_XLSX_BYTES = 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # a filled template unpacks to some 30 KB
MAX_LINES = 50  # rows read per sheet: a plant has a handful of lines
FIELDS = ("year", "fuel_tce", "substitute_fuel_tce", "raw_meal_limestone_t", "evidence")
PRODUCT_HEADER = ("industry", "capacity", "production", "energy")
WASTE_HEADER = ("kind", "tonnes", "in_raw_meal")
YES = {"yes", "y", "1", "true", "是"}


def _codes_sheet() -> Sheet:
    data = report_data()
    rows = [
        ["industry", i.code, i.name_zh, i.name_en, i.unit, i.energy_unit or ""]
        for i in data.industries.values()
    ]
    rows += [
        ["waste", w.code, w.name_zh, w.name_en, "t", "raw meal" if w.carbonate else ""]
        for w in data.wastes.values()
    ]
    return Sheet("codes", rows, header=("list", "code", "中文", "English", "unit", "energy unit"))


def report_workbook(view: ReportView | None = None, year: int | None = None) -> bytes:
    """Return the template, filled with a filed report's figures when one is given."""
    report = view.report if view else None
    values = {name: getattr(report, name) if report else None for name in FIELDS}
    values["year"] = report.year if report else year
    help_text = {
        "year": "calendar year / 年度",
        "fuel_tce": "all fuels, tce / 燃料总量（吨标准煤）",
        "substitute_fuel_tce": "substitute fuels among them, tce / 其中替代燃料",
        "raw_meal_limestone_t": "limestone in cement raw meal, t (blank: none) / 生料石灰石用量",
        "evidence": "evidence: audit, statistics form... / 证明材料",
    }
    products = (
        [[p.industry, p.capacity, p.production, p.energy] for p in view.products] if view else []
    )
    wastes = (
        [[w.kind, w.tonnes, "yes" if w.in_raw_meal else "no"] for w in view.wastes] if view else []
    )
    return xlsx_bytes(
        Sheet(
            "report",
            [[n, values[n], help_text[n]] for n in FIELDS],
            header=("field", "value", "help"),
        ),
        Sheet("products", products, header=PRODUCT_HEADER),
        Sheet("wastes", wastes, header=WASTE_HEADER),
        _codes_sheet(),
    )


def _refuse(message: str) -> Invalid:
    return Invalid({"file": [message]})


def _number(value, where: str, optional: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise _refuse(_("%(where)s is empty: fill it in.", where=where))
    if isinstance(value, bool):
        raise _refuse(_("%(where)s is not a number.", where=where))
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise _refuse(_("%(where)s is not a number.", where=where)) from None


def _rows(workbook, title: str) -> list[tuple]:
    if title not in workbook.sheetnames:
        raise _refuse(_("The sheet “%(name)s” is missing: start from the template.", name=title))
    sheet = workbook[title]
    rows = sheet.iter_rows(min_row=2, max_row=MAX_LINES + 1, max_col=4, values_only=True)
    return [row for row in rows if any(v not in (None, "") for v in row)]


def _formulas(workbook) -> bool:
    for title in ("report", "products", "wastes"):
        if title in workbook.sheetnames:
            for row in workbook[title].iter_rows(max_row=MAX_LINES + 1, max_col=4):
                if any(cell.data_type == "f" for cell in row):
                    return True
    return False


def _open(data: bytes):
    if len(data) > MAX_XLSX_BYTES:
        raise _refuse(_("The file is larger than 1 MB: start from the template."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(m.file_size for m in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _refuse(_("The workbook is too large once unpacked."))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Invalid:
        raise
    except Exception as exc:  # any damage openpyxl or zipfile reports: one answer for all
        raise _refuse(
            _("The file is not a readable XLSX workbook: save it again as .xlsx.")
        ) from exc


def read_report_workbook(data: bytes) -> ReportInput:
    """Return the report of a filled template; Invalid (key "file") says what is wrong."""
    workbook = _open(data)
    try:
        if _formulas(workbook):
            raise _refuse(_("The workbook holds formulas: type the figures as numbers."))
        fields = {str(r[0]).strip(): r[1] for r in _rows(workbook, "report") if r[0]}
        products = [
            ProductLine(
                industry=str(r[0] or "").strip(),
                capacity=_number(r[1], _("Capacity of line %(n)s", n=n)),
                production=_number(r[2], _("Production of line %(n)s", n=n)),
                energy=_number(r[3], _("Energy of line %(n)s", n=n), optional=True),
            )
            for n, r in enumerate(_rows(workbook, "products"), start=1)
        ]
        wastes = [
            WasteLine(
                kind=str(r[0] or "").strip(),
                tonnes=_number(r[1], _("Tonnes of waste %(n)s", n=n)),
                in_raw_meal=str(r[2] or "").strip().lower() in YES,
            )
            for n, r in enumerate(_rows(workbook, "wastes"), start=1)
        ]
    finally:
        workbook.close()
    year = _number(fields.get("year"), _("The year"))
    if not year.is_integer():
        raise _refuse(_("The year must be a whole number, such as 2025."))
    return ReportInput(
        year=int(year),
        fuel_tce=_number(fields.get("fuel_tce"), _("Fuels")),
        substitute_fuel_tce=_number(fields.get("substitute_fuel_tce"), _("Substitute fuels")),
        raw_meal_limestone_t=_number(
            fields.get("raw_meal_limestone_t"), _("Limestone in raw meal"), optional=True
        ),
        evidence=str(fields.get("evidence") or ""),
        products=products,
        wastes=wastes,
    )
