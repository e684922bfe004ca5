"""Time the PDF export of a 200-line procurement list, several times in one warm process.

The bench builds its own temporary SQLite database with the migrations and the real models
and services: an agency with an officer, manufacturers with published products in every
category (a few certificates suspended after their lines were added, so that those lines are
flagged), and a project list of 190 catalogue lines and 10 materials that are not in the
catalogue. Each run does what `GET /procurement/lists/<id>/export.pdf` does: the list report
(queries and rules), the PDF context, and WeasyPrint, as on a list's first download. Then it
times later downloads of the unchanged list: the report and the file stored by the first one
(procurement/list_documents.py).

    .venv/bin/python bench/bench_procurement_pdf.py [-n 7] [--out bench/results/procurement_pdf.txt]

The figures are printed and appended to the --out file.
"""

import argparse
import io
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import Session, select

from accounts.credit_code import make_credit_code
from accounts.models import OrganisationKind, User
from accounts.services import OrganisationData, create_organisation, create_user
from catalog.models import Category, GwpProvenance, Plant, Product, ProductStatus
from catalog.services import set_certification_summary
from greenbm import create_app
from greenbm.migrate import upgrade
from greenbm.paths import STATIC_DIR
from procurement.line_services import MaterialInput, add_material_line, add_product_line
from procurement.list_documents import list_pdf
from procurement.models import ListLine
from procurement.pdf import pdf_context, render_list_pdf
from procurement.report import list_report
from procurement.services import ProjectInput, create_list, create_project
from seeds.loader import load_categories

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results" / "procurement_pdf.txt"
LINES = 200
MATERIALS = 10  # lines for materials that are not in the catalogue
LAPSED = 3  # products whose certificate is suspended after their lines were added
PRODUCTS_PER_CATEGORY = 6

# Typical declared GWP (kgCO2e per declared unit) and unit price (CNY) of each category.
FIGURES = {
    "cement": (640.0, "465"),
    "concrete": (280.0, "485"),
    "flat-glass": (980.0, "6800"),
    "ceramic-tile": (12.5, "78"),
    "sanitary-ceramic": (1400.0, "14000"),
    "lime": (1010.0, "620"),
    "fired-brick": (180.0, "285"),
    "aac-block": (205.0, "320"),
    "gypsum": (3.4, "24"),
    "wood-bamboo": (220.0, "5200"),
}
# Categories added to the seeds after this bench was written take a middling figure.
OTHER_FIGURES = (150.0, "320")
DIVISIONS = ("520100", "520300", "520400", "522600", "522700")


def _organisation(n: int, kind: str, name: str, *, session: Session) -> int:
    division = DIVISIONS[n % len(DIVISIONS)]
    org = create_organisation(
        session=session,
        actor=None,
        organisation=OrganisationData(
            kind=kind,
            name_zh=name,
            credit_code=make_credit_code(f"91{division}{n:09d}"),
            division_code=division,
        ),
    )
    return org.id


def _user(organisation_id: int, n: int, *, session: Session) -> User:
    return create_user(
        session=session,
        actor=None,
        organisation_id=organisation_id,
        email=f"bench{n}@example.test",
        password="bench password 1234",
    )


def build(session: Session, today: date) -> tuple[User, int]:
    """Create the catalogue and the 200-line list; return (officer, list id)."""
    agency = _organisation(
        1, OrganisationKind.PROCUREMENT_AGENCY, "贵州省政府采购中心", session=session
    )
    officer = _user(agency, 1, session=session)
    categories = session.exec(select(Category).order_by(Category.position)).all()
    products: list[Product] = []
    for c, category in enumerate(categories):
        maker = _organisation(
            10 + c,
            OrganisationKind.MANUFACTURER,
            f"贵州黔{category.name_zh}建材有限公司",
            session=session,
        )
        plant = Plant(
            manufacturer_id=maker, name=f"{category.name_zh}生产基地", division_code="522700"
        )
        session.add(plant)
        session.flush()
        gwp, _price = FIGURES.get(category.code, OTHER_FIGURES)
        for p in range(PRODUCTS_PER_CATEGORY):
            certified = c or p  # the first cement holds no certificate
            product = Product(
                manufacturer_id=maker,
                plant_id=plant.id,
                category_id=category.id,
                name_zh=f"{category.name_zh}（规格 {p + 1} 型，低碳配方）",
                name_en=f"{category.name_en}, type {p + 1}",
                model_spec=f"GZ-{category.code.upper()}-{p + 1:02d}",
                declared_unit=category.declared_unit,
                gwp_a1a3=round(gwp * (0.8 + 0.05 * p), 3),
                gwp_provenance=GwpProvenance.VERIFIED_EPD,
                status=ProductStatus.PUBLISHED,
                cert_number=f"GZGBM-2026-BEN-{c:02d}{p:04d}" if certified else None,
                cert_stars=1 + p % 3 if certified else None,
                cert_status="valid" if certified else None,
                cert_valid_until=today + timedelta(days=900) if certified else None,
            )
            session.add(product)
            products.append(product)
    session.flush()
    project = create_project(
        session=session,
        actor=officer,
        data=ProjectInput(
            name="黔南州某县人民医院门诊综合楼",
            code="BENCH-2026-001",
            project_type="hospital",
            division_code="522700",
            owner_unit="某县人民医院",
            budget=Decimal("186000000"),
        ),
    )
    item = create_list(session=session, actor=officer, project_id=project.id, name="全部建材")
    for n in range(LINES - MATERIALS):
        product = products[n % len(products)]
        category = next(c for c in categories if c.id == product.category_id)
        add_product_line(
            session=session,
            actor=officer,
            list_id=item.id,
            product_id=product.id,
            quantity=Decimal(100 + 37 * n) / 10,
            unit_price=FIGURES.get(category.code, OTHER_FIGURES)[1],
            today=today,
        )
    for n in range(MATERIALS):
        category = categories[n % len(categories)]
        add_material_line(
            session=session,
            actor=officer,
            list_id=item.id,
            data=MaterialInput(
                category.id,
                f"非目录{category.name_zh}（当地供应）第 {n + 1} 批",
                f"某县第 {n + 1} 建材经营部",
                Decimal(50 + n),
                Decimal(FIGURES.get(category.code, OTHER_FIGURES)[1]),
            ),
        )
    for product in [p for p in products if p.cert_status == "valid"][-LAPSED:]:
        set_certification_summary(
            product.id,
            number=product.cert_number,
            stars=product.cert_stars,
            status="suspended",
            valid_until=product.cert_valid_until,
            session=session,
        )
    session.commit()
    return officer, item.id


def export_pdf(session: Session, officer: User, list_id: int) -> tuple[bytes, float, float]:
    """Export the list as the view does; return (PDF, report seconds, render seconds)."""
    start = time.perf_counter()
    report = list_report(session=session, actor=officer, list_id=list_id)
    context = pdf_context(report)
    middle = time.perf_counter()
    data = render_list_pdf(context, static_dir=str(STATIC_DIR))
    return data, middle - start, time.perf_counter() - middle


def _median(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds) * 1000:8.1f} ms   " + (
        f"min {min(seconds) * 1000:8.1f} ms   max {max(seconds) * 1000:8.1f} ms"
    )


def main() -> None:
    """Build the list, export it after a warm-up run, print and write the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pdf", type=Path, help="also save the last PDF there, to look at")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "INSTANCE_DIR": tmp,
                "SECRET_KEY": "bench",
                "PASSWORD_HASH_FAST": True,
            }
        )
        upgrade(app)
        with app.app_context(), Session(app.extensions["db_engine"]) as session:
            load_categories(session=session)
            session.commit()
            officer, list_id = build(session, date.today())
            numbers = set(
                session.exec(
                    select(Product.cert_number)
                    .join(ListLine, ListLine.product_id == Product.id)
                    .where(ListLine.list_id == list_id, Product.cert_number.is_not(None))
                )
            )
            reports, renders, totals = [], [], []
            for run in range(args.warmup + args.runs):
                session.expire_all()
                data, report_s, render_s = export_pdf(session, officer, list_id)
                if run >= args.warmup:  # the warm-up loads fonts and templates
                    reports.append(report_s)
                    renders.append(render_s)
                    totals.append(report_s + render_s)
            # What a download of the unchanged list costs once its file is stored.
            stored = []
            for run in range(args.warmup + args.runs):
                session.expire_all()
                start = time.perf_counter()
                report = list_report(session=session, actor=officer, list_id=list_id)
                kept = list_pdf(
                    pdf_context(report),
                    list_id=list_id,
                    config=app.config,
                    static_dir=str(STATIC_DIR),
                )
                if run >= args.warmup:  # the warm-up renders and stores the file
                    stored.append(time.perf_counter() - start)
            assert kept == data
        app.extensions["db_engine"].dispose()

    if args.pdf:
        args.pdf.write_bytes(data)
    pdf = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf.pages))
    assert "不符合绿色建材政府采购要求" in text and all(n in text for n in numbers)
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load1, load5, load15 = os.getloadavg()
    lines = [
        f"Procurement-list PDF: {LINES} lines ({MATERIALS} not in the catalogue, "
        f"{LAPSED} products suspended after adding), {args.runs} runs after {args.warmup} "
        "warm-up, one process",
        f"PDF {len(pdf.pages)} pages (A4 landscape), {len(data) / 1024:.0f} KiB",
        f"  report (queries + rules + context)  {_median(reports)}",
        f"  render (WeasyPrint)                 {_median(renders)}",
        f"  total                               {_median(totals)}",
        f"  unchanged list, stored file         {_median(stored)}",
        f"machine: {platform.machine()}, nproc {affinity} (cpu_count {os.cpu_count()}), "
        f"{platform.system()} {platform.release()}, "
        f"load average {load1:.2f} {load5:.2f} {load15:.2f}",
        f"python {platform.python_version()} ({sys.implementation.name}); weasyprint "
        f"{version('weasyprint')}, sqlalchemy {version('sqlalchemy')}; SQLite",
    ]
    print("\n".join(lines))
    if args.out:
        # Appended: the file keeps earlier runs and the notes written between them.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        command = " ".join(["bench/bench_procurement_pdf.py", *sys.argv[1:]])
        with args.out.open("a", encoding="utf-8") as out:
            out.write(f"\nRun {stamp}: .venv/bin/python {command}\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
