"""A list as CSV and XLSX (the PDF: `pdf`): the lines and the compliance panel, in Chinese.

The exported documents are filed with the project's procurement records, so they are written
in Chinese whatever the officer's interface language, as the certificates are.
"""

from decimal import Decimal
from fractions import Fraction

from catalog.units import format_unit
from greenbm.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from procurement.report import LineRow, ListReport
from procurement.rules import CarbonTotals, LineStatus, Reason, ReasonCode

MIME_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

STATUS_ZH = {
    LineStatus.GREEN: "绿色（证书有效）",
    LineStatus.OFF_CATALOGUE: "非目录材料",
    LineStatus.NOT_CERTIFIED: "未获认证",
    LineStatus.SUSPENDED: "证书暂停",
    LineStatus.REVOKED: "证书撤销",
    LineStatus.EXPIRED: "证书已过期",
}
CLASS_ZH = {"mandatory": "必选类", "optional": "可选类"}
PROJECT_TYPE_ZH = {
    "hospital": "医院",
    "school": "学校",
    "office": "办公楼",
    "complex": "综合体",
    "exhibition_centre": "展览馆、会展中心",
    "gymnasium": "体育馆",
    "affordable_housing": "保障性住房",
    "urban_renewal": "城市更新",
    "other": "其他",
}

COLUMNS = (
    "序号",
    "类别",
    "采购类别",
    "产品或材料",
    "生产企业或供应商",
    "证书编号",
    "星级",
    "证书状态",
    "是否绿色",
    "数量",
    "单位",
    "单价（元）",
    "金额（元）",
    "GWP（kgCO2e/单位）",
    "隐含碳（kgCO2e）",
    "标记",
)


# --- numbers, shared with the pages -----------------------------------------------------------


def money(value: Decimal | None) -> str:
    """Return an amount in yuan with thousands separators and two decimals."""
    return "—" if value is None else f"{value:,.2f}"


def quantity(value: Decimal) -> str:
    """Return a quantity without trailing zeros ("1,200.5")."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(share: Fraction | None) -> str:
    """Return a share as a percentage with one decimal, or a dash when undefined."""
    return "—" if share is None else f"{float(share) * 100:.1f} %"


def tonnes(kg: Decimal | None) -> str:
    """Return kgCO2e as tCO2e with three decimals."""
    return "—" if kg is None else f"{kg / 1000:,.3f}"


def gwp(value: Decimal | None) -> str:
    """Return a GWP per unit with four significant digits, as the catalogue shows it."""
    return "—" if value is None else f"{float(value):.4g}"


def three_decimals(value: Decimal) -> str:
    """Return a number with thousands separators and three decimals."""
    return f"{value:,.3f}"


NUMBER_FORMATS = {
    "three_decimals": three_decimals,
    "money": money,
    "quantity": quantity,
    "percent": percent,
    "tonnes": tonnes,
    "gwp_figure": gwp,
}


# --- words ------------------------------------------------------------------------------------


def category_zh(report: ListReport, code: str) -> str:
    """Return the Chinese name of a category of the list."""
    category = report.categories.get(code)
    return category.name_zh if category else code


def reason_zh(reason: Reason, report: ListReport) -> str:
    """Return a reason of the verdict in Chinese."""
    p = reason.params
    match reason.code:
        case ReasonCode.EMPTY:
            return "清单尚无任何条目。"
        case ReasonCode.MANDATORY_LINE:
            return (
                f"必选类“{category_zh(report, p['category'])}”中的“{p['label']}”不是绿色建材："
                f"{STATUS_ZH[p['status']]}。"
            )
        case ReasonCode.MANDATORY_MET:
            return "必选类建材的每一项均为绿色建材。"
        case ReasonCode.NO_MANDATORY:
            return "清单未使用必选类建材。"
        case ReasonCode.OPTIONAL_MET:
            return (
                f"绿色建材覆盖可选类建材品种 {p['covered']}/{p['used']}（{percent(p['share'])}），"
                "达到 40% 的要求。"
            )
        case ReasonCode.OPTIONAL_SHORT:
            return (
                f"绿色建材覆盖可选类建材品种 {p['covered']}/{p['used']}（{percent(p['share'])}），"
                f"未达到 40%：需覆盖 {p['required']} 种，还需 {p['needed']} 种全部采用绿色建材。"
            )
        case ReasonCode.NO_OPTIONAL:
            return "清单未使用可选类建材。"
    raise ValueError(f"Unknown reason {reason.code!r}.")


def flag_zh(row: LineRow) -> str:
    """Return the row's lapse flag in Chinese, or an empty string."""
    if not row.lapsed:
        return ""
    status = STATUS_ZH.get(row.line.flag_reason or row.status, row.status)
    when = f"{row.line.flagged_at:%Y-%m-%d} " if row.line.flagged_at else ""
    return f"{when}加入清单后{status}，请在同类别中另选绿色建材"


# --- rows -------------------------------------------------------------------------------------


def line_values(index: int, row: LineRow) -> list:
    """Return a line as the export's cells (numbers stay numbers)."""
    product, line = row.product, row.line
    return [
        index,
        row.category.name_zh,
        CLASS_ZH.get(row.category.procurement_class, row.category.procurement_class),
        product.name_zh if product else line.description,
        (row.manufacturer.name_zh if row.manufacturer else "") if product else line.supplier_name,
        (product.cert_number or "") if product else "",
        (product.cert_stars or "") if product else "",
        STATUS_ZH[row.status],
        "是" if row.status == LineStatus.GREEN else "否",
        line.quantity,
        format_unit(line.unit),
        line.unit_price,
        row.value,
        Decimal(str(product.gwp_a1a3)) if product else "",
        row.carbon.carbon_kg if row.carbon.carbon_kg is not None else "",
        flag_zh(row),
    ]


def _lines(report: ListReport) -> list[list]:
    return [line_values(index, row) for index, row in enumerate(report.rows, 1)]


def list_csv(report: ListReport) -> bytes:
    """Return the list's lines as CSV, UTF-8 with a BOM so that Excel reads the Chinese."""
    return csv_bytes(COLUMNS, _lines(report))


def summary_rows(report: ListReport) -> list[tuple[str, str]]:
    """Return the compliance panel as (heading, text) pairs."""
    c = report.compliance
    total = c.carbon.total
    return [
        ("项目", f"{report.project.name}（{report.project.code}）"),
        ("清单", report.item.name),
        ("核查日期", c.today.isoformat()),
        ("结论", "符合绿色建材政府采购要求" if c.compliant else "不符合绿色建材政府采购要求"),
        *[("原因", reason_zh(reason, report)) for reason in c.reasons],
        (
            "可选类品种覆盖率",
            f"{c.optional.covered}/{c.optional.used}（{percent(c.optional.share)}）",
        ),
        (
            "绿色建材金额占比",
            f"{money(c.value.green)} / {money(c.value.total)} 元（{percent(c.value.share)}）",
        ),
        ("隐含碳合计（tCO2e）", tonnes(total.carbon_kg)),
        *carbon_comparison(total),
    ]


def carbon_comparison(totals: CarbonTotals) -> list[tuple[str, str]]:
    """Return the comparison with the reference factors as (heading, text) pairs."""
    return [
        ("参与对比的隐含碳（tCO2e）", tonnes(totals.compared_kg)),
        ("按参考排放因子计（tCO2e）", tonnes(totals.reference_kg)),
        ("减碳量（tCO2e）", three_decimals(totals.saved_t)),
        ("减碳比例", percent(totals.saved_share)),
    ]


def list_xlsx(report: ListReport) -> bytes:
    """Return the list as a workbook: the lines on one sheet, the compliance on another."""
    return xlsx_bytes(
        Sheet("清单", _lines(report), header=COLUMNS),
        Sheet("合规核查", summary_rows(report), widths=(28, 90)),
    )
