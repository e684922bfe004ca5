"""The printed list's layout: summary tables of many categories break across pages whole."""

import io
import re

from pypdf import PdfReader

from greenbm.paths import STATIC_DIR
from procurement.pdf import render_list_pdf

CATEGORIES = [f"类别{n:02d}" for n in range(1, 41)]


def _cells(n: int) -> dict:
    return {"carbon": f"{n}.000", "compared": "0.000", "reference": "0.000", "saved": "0.000"} | {
        "share": "—"
    }


def _context() -> dict:
    """Return a PDF context with one line and summary rows for forty categories."""
    line = {
        "number": 1,
        "category": "水泥 · 必选类",
        "name": "水泥",
        "maker": "某厂",
        "certificate": "",
        "stars": "",
        "status": "未获认证",
        "green": "否",
        "quantity": "10 t",
        "unit_price": "465.00",
        "value": "4,650.00",
        "gwp": "512",
        "carbon": "5,120",
        "flag": "",
    }
    return {
        "project": {
            "name": "某县人民医院",
            "code": "P-1",
            "type": "医院",
            "division": "贵阳市",
            "owner_unit": "",
            "budget": "",
        },
        "list_name": "全部建材",
        "today": "2026-12-07",
        "compliant": False,
        "reasons": [(True, "不符合")],
        "lines": [line],
        "optional": [
            {"category": name, "lines": 1, "green_lines": 0, "covered": False}
            for name in CATEGORIES
        ],
        "optional_share": "0 %",
        "optional_counts": "0/40",
        "value": {"green": "0.00", "total": "4,650.00", "share": "0 %"},
        "carbon": [{"category": name, **_cells(n)} for n, name in enumerate(CATEGORIES, 1)],
        "carbon_total": _cells(820) | {"carbon": "末行合计 820.000"},
        "not_compared": ["最后一条说明"],
        "estimated": [],
        "references": [],
    }


def _drawn_heights(page, words: tuple[str, ...]) -> list[float]:
    """Return the height above the page's bottom edge of each text piece holding a word."""
    heights = []

    def visit(text, cm, tm, _font, _size):
        if any(word in text for word in words):
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return heights


def test_long_summary_tables_break_across_pages_without_losing_rows():
    reader = PdfReader(io.BytesIO(render_list_pdf(_context(), static_dir=str(STATIC_DIR))))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for name in CATEGORIES:  # in both tables
        assert text.count(name) == 2, name
    assert "末行合计820.000" in text and "最后一条说明" in text
    assert text.index("末行合计") < text.index("清单条目")  # the lines follow the summary
    # Text in the content stream is not text on the paper: all of it lies inside the page.
    for page in reader.pages:
        height = float(page.mediabox.height)
        for y in _drawn_heights(page, ("末行合计", "最后一条说明", CATEGORIES[-1])):
            assert 0 < y < height
