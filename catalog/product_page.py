"""What the public product page shows: data, levels, public EPDs, carbon standing, alternatives."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from catalog.categories import category_indicators, gwp_reference
from catalog.certificate_status import live_status_is_sql
from catalog.epd import ProductEpd, product_epd
from catalog.finder import ProductRow, row_select
from catalog.models import (
    Category,
    EvidenceFile,
    EvidenceKind,
    Plant,
    Product,
    ProductStatus,
)
from catalog.services import indicator_values
from catalog.signals import product_assessment_requested
from catalog.stats import Standing, standing
from greenbm.errors import NotFound

ALTERNATIVES = 5
# Fewer products than this make percentiles indicative only; the page says so.
FEW_PEERS = 5


@dataclass(frozen=True)
class IndicatorLine:
    """One row of the indicator table: the declared value and the level it reaches."""

    code: str
    name_zh: str
    name_en: str
    group: str
    value: float | None
    unit: str
    level: int | None
    thresholds: tuple[float, ...] | None


@dataclass(frozen=True)
class CarbonStanding:
    """The product's GWP among its peers, the values behind it and the reference's source."""

    standing: Standing
    values: list[float]
    reference_source: str

    @property
    def few(self) -> bool:
        """Return whether too few products share the unit for the percentiles to mean much."""
        return self.standing.count < FEW_PEERS


@dataclass(frozen=True)
class ProductPage:
    """Everything the public product page shows."""

    row: ProductRow
    plant: Plant
    indicators: list[IndicatorLine]
    stars_from_data: int | None
    criteria_version: str | None
    epd: ProductEpd
    carbon: CarbonStanding
    alternatives: list[ProductRow]


def get_row(product_id: int, *, session: Session) -> ProductRow:
    """Return a published product's row, or raise NotFound."""
    found = session.exec(row_select().where(Product.id == product_id)).first()
    if found is None:
        raise NotFound()
    return ProductRow(*found)


def _peers(product: Product, category: Category) -> list:
    """Return the conditions for the products a product's GWP is compared with."""
    where = [
        Product.category_id == product.category_id,
        Product.status == ProductStatus.PUBLISHED,
        Product.declared_unit == product.declared_unit,
    ]
    if category.variant_attribute:
        where.append(
            Product.variant == product.variant if product.variant else Product.variant.is_(None)
        )
    return where


def reference_factor(row: ProductRow) -> tuple[float | None, str]:
    """Return the GB/T 51366 reference factor (variant's first) and its source, if it applies."""
    return gwp_reference(row.category, row.variant, row.product.declared_unit)


def carbon_standing(row: ProductRow, *, session: Session) -> CarbonStanding:
    """Return the product's GWP standing among published products with its unit and variant."""
    values = list(
        session.exec(select(Product.gwp_a1a3).where(*_peers(row.product, row.category))).all()
    )
    reference, source = reference_factor(row)
    return CarbonStanding(standing(values, row.product.gwp_a1a3, reference), values, source)


def lower_carbon_alternatives(
    row: ProductRow, *, session: Session, today: date | None = None, limit: int = ALTERNATIVES
) -> list[ProductRow]:
    """Return peers with a lower GWP and a valid certificate today, lowest GWP first."""
    today = today or date.today()
    # Only a product with a valid certificate is recommended: never a revoked, suspended or
    # expired one (the live-status rule of catalog/certificate_status.py, in SQL).
    certified = live_status_is_sql(Product.cert_status, Product.cert_valid_until, "valid", today)
    query = (
        row_select()
        .where(*_peers(row.product, row.category))
        .where(Product.gwp_a1a3 < row.product.gwp_a1a3, Product.id != row.product.id)
        .where(certified)
        .order_by(Product.gwp_a1a3, Product.id)
        .limit(limit)
    )
    return [ProductRow(*found) for found in session.exec(query).all()]


def public_epd(
    product_id: int, evidence_id: int, evidence_dir: str, *, session: Session
) -> tuple[EvidenceFile, Path]:
    """Return a published product's EPD file and its path; NotFound for anything else."""
    get_row(product_id, session=session)
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.product_id != product_id or evidence.kind != EvidenceKind.EPD:
        raise NotFound()
    path = Path(evidence_dir) / evidence.stored_name
    if not path.is_file():
        raise NotFound()
    return evidence, path


def indicator_lines(row: ProductRow, assessment: dict | None, *, session: Session) -> list:
    """Return the GWP and each indicator with its value and, when assessed, its level."""
    levels = (assessment or {}).get("indicators", {})

    def line(code: str, names: tuple[str, str], group: str, value, unit: str) -> IndicatorLine:
        found = levels.get(code) or {}
        thresholds = found.get("thresholds")
        return IndicatorLine(
            code, *names, group, value, unit, found.get("level"),
            tuple(thresholds) if thresholds else None,
        )  # fmt: skip

    product = row.product
    values = indicator_values(session=session, product_id=product.id)
    gwp_unit = f"kgCO2e/{product.declared_unit}"
    lines = [line("gwp", ("", ""), "environment", product.gwp_a1a3, gwp_unit)]
    for ind in category_indicators(session=session, category_id=row.category.id):
        value = values.get(ind.code)
        lines.append(
            line(
                ind.code,
                (ind.name_zh, ind.name_en),
                ind.group,
                value.value if value else None,
                ind.unit,
            )
        )
    return lines


def product_assessment(product: Product, *, session: Session) -> dict | None:
    """Return the levels the product's data reaches, as certification answers the signal."""
    for _receiver, answer in product_assessment_requested.send(session=session, product=product):
        if answer is not None:
            return answer
    return None


def product_page(product_id: int, *, session: Session, today: date | None = None) -> ProductPage:
    """Return what the public page of a published product shows, or raise NotFound."""
    row = get_row(product_id, session=session)
    assessment = product_assessment(row.product, session=session)
    return ProductPage(
        row=row,
        plant=session.get(Plant, row.product.plant_id),
        indicators=indicator_lines(row, assessment, session=session),
        stars_from_data=assessment["stars"] if assessment else None,
        criteria_version=assessment["criteria_version"] if assessment else None,
        epd=product_epd(row.product, session=session),
        carbon=carbon_standing(row, session=session),
        alternatives=lower_carbon_alternatives(row, today=today, session=session),
    )
