"""Lower-carbon alternatives: the certified peers a product page recommends, kept per process."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.certificate_status import live_status
from catalog.models import Product, ProductStatus
from catalog.peer_groups import PeerValues
from greenbm.figures import figure_store, kept

ALTERNATIVES = 5
# Alternatives each process keeps. Most products of a group share theirs (the group's lowest
# certified), so a few hundred entries hold every group of a large catalogue.
KEPT_ALTERNATIVES = 512


@dataclass(frozen=True)
class AlternativeProduct:
    """What the alternatives table shows of a product."""

    id: int
    name_zh: str
    name_en: str | None
    model_spec: str | None
    gwp_a1a3: float
    declared_unit: str
    cert_stars: int | None


@dataclass(frozen=True)
class AlternativeMaker:
    """What the alternatives table shows of a product's manufacturer."""

    name_zh: str
    name_en: str | None
    division_code: str


@dataclass(frozen=True)
class Alternative:
    """A recommended peer: the product, its manufacturer and its certificate's live status."""

    product: AlternativeProduct
    manufacturer: AlternativeMaker
    status: str


def _load(ids: list[int], today: date, *, session: Session) -> tuple[Alternative, ...]:
    query = (
        select(
            Product.id, Product.name_zh, Product.name_en, Product.model_spec, Product.gwp_a1a3,
            Product.declared_unit, Product.cert_stars, Product.cert_status,
            Product.cert_valid_until, Organisation.name_zh, Organisation.name_en,
            Organisation.division_code,
        )
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .where(Product.id.in_(ids), Product.status == ProductStatus.PUBLISHED)
    )  # fmt: skip
    found = {}
    for row in session.exec(query).all():
        status = live_status(row[7], row[8], today)
        found[row[0]] = Alternative(
            AlternativeProduct(*row[:7]), AlternativeMaker(*row[9:]), status
        )
    # The group may briefly name a product withdrawn since: it is simply left out.
    return tuple(found[i] for i in ids if i in found)


def lower_carbon_alternatives(
    product: Product,
    peers: PeerValues,
    *,
    session: Session,
    today: date | None = None,
    limit: int = ALTERNATIVES,
) -> tuple[Alternative, ...]:
    """Return peers with a lower GWP and a valid certificate today, lowest GWP first."""
    # Only a product with a valid certificate is recommended: never a revoked, suspended or
    # expired one (the live-status rule of catalog/certificate_status.py, over the kept peers).
    today = today or date.today()
    ids = peers.lower_certified(product.id, product.gwp_a1a3, today, limit)
    if not ids:
        return ()
    # Kept under the change counter: any write to a product or a maker moves it. Every product
    # above a group's lowest certified shares the same ids, and so the same entry.
    store = figure_store("kept_alternatives", KEPT_ALTERNATIVES)
    what = ("alternatives", tuple(ids), today)
    return kept(what, lambda: _load(ids, today, session=session), session=session, store=store)
