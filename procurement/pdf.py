"""Procurement-list PDFs: plain values from a list report, a Jinja template, WeasyPrint."""

from decimal import Decimal

from accounts.divisions import DIVISIONS
from catalog.units import format_unit
from greenbm.pdf import render_pdf
from procurement.exports import (
    PROJECT_TYPE_ZH,
    category_zh,
    line_values,
    money,
    percent,
    quantity,
    reason_zh,
    three_decimals,
    tonnes,
)
from procurement.report import LineRow, ListReport
from procurement.rules import CarbonTotals

TEMPLATE_NAME = "procurement/list_pdf.html"


def render_list_pdf(context: dict, *, static_dir: str) -> bytes:
    """Render a list context (see `pdf_context`) to an A4 landscape PDF."""
    return render_pdf(TEMPLATE_NAME, {"doc": context}, static_dir=static_dir)


# --- the PDF's context ------------------------------------------------------------------------


def pdf_context(report: ListReport) -> dict:
    """Return plain values for the PDF template."""
    project, c = report.project, report.compliance
    carbon = dict(c.carbon.categories)
    return {
        "project": {
            "name": project.name,
            "code": project.code,
            "type": PROJECT_TYPE_ZH.get(project.project_type, project.project_type),
            "division": DIVISIONS.get(project.division_code, (project.division_code,))[0],
            "owner_unit": project.owner_unit,
            "budget": money(project.budget) if project.budget is not None else "",
        },
        "list_name": report.item.name,
        "today": c.today.isoformat(),
        "compliant": c.compliant,
        "reasons": [(r.failing, reason_zh(r, report)) for r in c.reasons],
        "lines": [_pdf_line(i, row) for i, row in enumerate(report.rows, 1)],
        "optional": [
            {
                "category": category_zh(report, t.category),
                "lines": t.lines,
                "green_lines": t.green_lines,
                "covered": t.covered,
            }
            for t in c.optional.types
        ],
        "optional_share": percent(c.optional.share),
        "optional_counts": f"{c.optional.covered}/{c.optional.used}",
        "value": {
            "green": money(c.value.green),
            "total": money(c.value.total),
            "share": percent(c.value.share),
        },
        "carbon": [
            {"category": category_zh(report, code), **_carbon_cells(totals)}
            for code, totals in carbon.items()
        ],
        "carbon_total": _carbon_cells(c.carbon.total),
        "not_compared": [_label(report, i) for i in c.carbon.not_compared],
        "estimated": [_label(report, i) for i in c.carbon.estimated],
        "references": _references(report),
    }


def _pdf_line(index: int, row: LineRow) -> dict:
    """Return a line as the PDF prints it: the cells of the CSV, a few of them side by side."""
    (
        number,
        category,
        procurement_class,
        name,
        maker,
        certificate,
        stars,
        status,
        green,
        amount,
        unit,
        unit_price,
        value,
        gwp,
        carbon,
        flag,
    ) = line_values(index, row)
    return {
        "number": number,
        "category": f"{category} · {procurement_class}",
        "name": name,
        "maker": maker,
        "certificate": certificate,
        "stars": "★" * stars if stars else "",
        "status": status,
        "green": green,
        "quantity": f"{quantity(amount)} {unit}",
        "unit_price": money(unit_price),
        "value": money(value),
        "gwp": _pdf_cell(gwp),
        "carbon": _pdf_cell(carbon),
        "flag": flag,
    }


def _pdf_cell(value) -> str:
    if isinstance(value, Decimal):
        return quantity(value)
    return str(value)


def _carbon_cells(totals: CarbonTotals) -> dict:
    return {
        "carbon": tonnes(totals.carbon_kg),
        "compared": tonnes(totals.compared_kg),
        "reference": tonnes(totals.reference_kg),
        "saved": three_decimals(totals.saved_t),
        "share": percent(totals.saved_share),
    }


def _label(report: ListReport, line_id: int) -> str:
    row = report.row(line_id)
    return row.product.name_zh if row.product else row.line.description


def _references(report: ListReport) -> list[str]:
    return [
        f"{category.name_zh}：{reference.factor:g} kgCO2e/{format_unit(reference.unit)}"
        f"（{reference.source}）"
        for category, reference in report.references
    ]
