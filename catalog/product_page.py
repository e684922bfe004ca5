"""What the public product page shows: data, levels, public EPDs, carbon standing, alternatives."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from catalog.alternatives import Alternative, lower_carbon_alternatives
from catalog.categories import gwp_reference, shown_indicators
from catalog.epd import ProductEpd, product_epd
from catalog.finder import ProductRow, row_select
from catalog.models import EvidenceFile, EvidenceKind, Plant, Product
from catalog.peer_groups import PeerValues, peer_values
from catalog.services import indicator_values
from catalog.signals import product_assessment_requested
from catalog.stats import Standing, standing
from greenbm.errors import NotFound

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
    alternatives: tuple[Alternative, ...]


def get_row(product_id: int, *, session: Session) -> ProductRow:
    """Return a published product's row, or raise NotFound."""
    found = session.exec(row_select().where(Product.id == product_id)).first()
    if found is None:
        raise NotFound()
    return ProductRow(*found)


def reference_factor(row: ProductRow) -> tuple[float | None, str]:
    """Return the GB/T 51366 reference factor (variant's first) and its source, if it applies."""
    return gwp_reference(row.category, row.variant, row.product.declared_unit)


def product_peers(row: ProductRow, *, session: Session) -> PeerValues:
    """Return the kept peers of the product: its category's published products of its group."""
    product = row.product
    return peer_values(row.category, product.variant, product.declared_unit, session=session)


def carbon_standing(row: ProductRow, peers: PeerValues) -> CarbonStanding:
    """Return the product's GWP standing among published products with its unit and variant."""
    values = peers.published()
    reference, source = reference_factor(row)
    return CarbonStanding(standing(values, row.product.gwp_a1a3, reference), values, source)


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


def indicator_lines(
    row: ProductRow, assessment: dict | None, values: dict, *, session: Session
) -> list:
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
    gwp_unit = f"kgCO2e/{product.declared_unit}"
    lines = [line("gwp", ("", ""), "environment", product.gwp_a1a3, gwp_unit)]
    for ind in shown_indicators(session=session, category_id=row.category.id):
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


def product_assessment(
    product: Product, *, session: Session, declared: dict[str, float] | None = None
) -> dict | None:
    """Return the levels the product's data reaches, as certification answers the signal."""
    for _receiver, answer in product_assessment_requested.send(
        session=session, product=product, declared=declared
    ):
        if answer is not None:
            return answer
    return None


def product_page(product_id: int, *, session: Session, today: date | None = None) -> ProductPage:
    """Return what the public page of a published product shows, or raise NotFound."""
    found = session.exec(
        row_select().add_columns(Plant).join(Plant, Plant.id == Product.plant_id)
        .where(Product.id == product_id)
    ).first()  # fmt: skip
    if found is None:
        raise NotFound()
    row, plant = ProductRow(*found[:4]), found[4]
    values = indicator_values(session=session, product_id=product_id)
    declared = {code: value.value for code, value in values.items()}
    assessment = product_assessment(
        row.product, session=session, declared={**declared, "gwp": row.product.gwp_a1a3}
    )
    peers = product_peers(row, session=session)
    return ProductPage(
        row=row,
        plant=plant,
        indicators=indicator_lines(row, assessment, values, session=session),
        stars_from_data=assessment["stars"] if assessment else None,
        criteria_version=assessment["criteria_version"] if assessment else None,
        epd=product_epd(row.product, session=session),
        carbon=carbon_standing(row, peers),
        alternatives=lower_carbon_alternatives(row.product, peers, today=today, session=session),
    )
