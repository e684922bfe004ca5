"""Certificate PDFs: a certificate's context as the printed template shows it, on one page."""

from datetime import date
from urllib.parse import urlsplit

import segno
from markupsafe import Markup

from catalog.units import format_unit
from greenbm.pdf import TooManyPages, render_pdf

TEMPLATE_NAME = "certification/certificate_pdf.html"

REQUIRED_FIELDS = (
    "number",
    "stars",
    "status",
    "holder_name_zh",
    "holder_credit_code",
    "manufacturer_name_zh",
    "factory_name",
    "product_name_zh",
    "category_name_zh",
    "standard",
    "certification_mode",
    "gwp_a1a3",
    "declared_unit",
    "gwp_provenance",
    "issued_on",
    "valid_until",
    "body_name_zh",
)
# Printed when present; the catalogue stores these as "" when unknown, so None or "" prints
# a dash or nothing rather than refusing to issue the certificate.
OPTIONAL_TEXT = (
    "holder_name_en",
    "holder_address",
    "manufacturer_address",
    "factory_address",
    "product_name_en",
    "series",
    "model_spec",
    "category_name_en",
    "body_name_en",
    "standard_en",
)

STAR_WORDS = {1: ("一星级", "One star"), 2: ("二星级", "Two stars"), 3: ("三星级", "Three stars")}

# Same wording as the catalogue's product pages (templates/_macros/product.html and its zh_CN).
PROVENANCE_LABELS = {
    "verified_epd": ("经第三方验证的环境产品声明（EPD）", "Third-party verified EPD"),
    "verified_epd_unregistered": (
        "经第三方验证、未在项目运营方注册的环境产品声明（EPD）",
        "Verified EPD, not registered with a programme",
    ),
    "verified_lca": ("经验证的生命周期评价（LCA）", "Verified LCA"),
    "self_declared": ("企业自行核算", "Self-declared calculation"),
    "default_factor": ("缺省排放因子（GB/T 51366）", "Default factor (GB/T 51366)"),
}

# The official mode in both languages; a mode not listed prints in Chinese only.
MODE_EN = {
    "文件审核 + 初始工厂检查 + 产品抽样检测 + 获证后监督": (
        "Document review + initial factory inspection + product sampling test"
        " + post-certification surveillance"
    ),
}

# Only a certificate that is not valid gets a watermark: a printed copy must not pass for live.
STATUS_LABELS = {
    "valid": ("有效", "Valid"),
    "suspended": ("暂停", "Suspended"),
    "revoked": ("撤销", "Revoked"),
    "expired": ("已过期", "Expired"),
}


def _qr_data_uri(url: str) -> str:
    # Error level M survives a smudged print; dark green matches the certificate frame.
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#123d24")


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _format_gwp(value: float) -> str:
    # Four significant digits, as on the product pages, without a float's noise digits.
    return f"{float(value):.4g}"


def _format_date(day: date) -> tuple[str, str]:
    if not isinstance(day, date):
        raise TypeError(f"Expected a datetime.date, got {day!r}.")
    return f"{day.year}年{day.month}月{day.day}日", day.isoformat()


def _seal_chars(name: str) -> list[dict]:
    """Place the body's Chinese name along the seal's upper arc, as on a paper seal."""
    chars = [c for c in name if not c.isspace()]
    if not chars:
        return []
    span = min(250.0, 21.0 * (len(chars) - 1))
    step = span / (len(chars) - 1) if len(chars) > 1 else 0.0
    return [{"char": c, "angle": round(-span / 2 + i * step, 2)} for i, c in enumerate(chars)]


def _unit_html(unit: str) -> Markup:
    return Markup("kgCO<sub>2</sub>e / {}").format(format_unit(unit))


def certificate_view(context: dict, *, verify_url: str) -> dict:
    """Return the template values for a certificate context; ValueError names a bad field.

    `verify_url` is the absolute URL of the certificate's public verification page.
    """
    missing = [key for key in REQUIRED_FIELDS if context.get(key) is None]
    if missing:
        raise ValueError(f"Certificate context is missing: {', '.join(missing)}.")
    stars = context["stars"]
    if stars not in STAR_WORDS:
        raise ValueError(f"stars must be 1, 2 or 3, got {stars!r}.")
    if context["gwp_provenance"] not in PROVENANCE_LABELS:
        raise ValueError(f"Unknown gwp_provenance {context['gwp_provenance']!r}.")
    if context["status"] not in STATUS_LABELS:
        raise ValueError(f"Unknown status {context['status']!r}.")
    context = {**context, **{key: context.get(key) or "" for key in OPTIONAL_TEXT}}
    parts = urlsplit(verify_url)
    site = f"{parts.scheme}://{parts.netloc}"
    change_date = context.get("change_date")
    return {
        **context,
        "stars_filled": "★" * stars,
        "stars_empty": "☆" * (3 - stars),
        "stars_zh": STAR_WORDS[stars][0],
        "stars_en": STAR_WORDS[stars][1],
        "gwp": _format_gwp(context["gwp_a1a3"]),
        "gwp_unit": _unit_html(context["declared_unit"]),
        "provenance_zh": PROVENANCE_LABELS[context["gwp_provenance"]][0],
        "provenance_en": PROVENANCE_LABELS[context["gwp_provenance"]][1],
        "certification_mode_en": MODE_EN.get(_squash(context["certification_mode"]), ""),
        "status_zh": STATUS_LABELS[context["status"]][0],
        "status_en": STATUS_LABELS[context["status"]][1],
        "issued": _format_date(context["issued_on"]),
        "valid": _format_date(context["valid_until"]),
        "changed": _format_date(change_date) if change_date else None,
        "verify_url": verify_url,
        # Printed as two pieces, so that a long address breaks between site and path.
        "verify_url_site": site,
        "verify_url_path": verify_url.removeprefix(site),
        "qr_data_uri": _qr_data_uri(verify_url),
        "seal_chars": _seal_chars(context["body_name_zh"]),
    }


def render_certificate_pdf(context: dict, *, static_dir: str, verify_url: str) -> bytes:
    """Render a certificate context to a one-page A4 PDF with its CJK fonts embedded."""
    view = certificate_view(context, verify_url=verify_url)
    for compact in (False, True):
        try:
            return render_pdf(
                TEMPLATE_NAME,
                {"cert": view, "compact": compact},
                static_dir=static_dir,
                max_pages=1,
            )
        except TooManyPages:
            continue
    # Very long names or addresses: a second page would be an unsigned-looking loose sheet.
    raise ValueError(f"Certificate {context['number']} does not fit on one A4 page.")
