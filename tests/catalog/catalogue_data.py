"""A small published catalogue with hand-computable GWP statistics, for page and API tests.

Cement, per t, published: 600 (uncertified), 640 (valid, 2 stars), 655 (valid but past its
date, so expired), 700 (valid, 1 star), 720 (suspended); a draft at 500 is not public.
Sorted [600, 640, 655, 700, 720], type-7 percentiles: P20 = 600 + 0.8 × 40 = 632,
P80 = 700 + 0.2 × 20 = 704; the 700 product's rank = (3 below + ½ equal) / 5 = 70 %.
Ready-mix concrete ≤ C30, per m³: 280 (valid) and 290 (valid): P20 = 282, P80 = 288, the 290
product's rank 75 %, reference 295 (the variant's); C35–C45: 320 (valid), compared alone.
Gypsum: a phosphogypsum board per m² (valid) and a binder per t (valid, no reference).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from accounts.models import Organisation, User
from catalog.models import GwpProvenance, Plant, Product
from catalog.rules import ProductInput
from catalog.services import create_product, publish_product, set_certification_summary
from tests import factories

TODAY = date.today()
LATER = TODAY + timedelta(days=900)
YESTERDAY = TODAY - timedelta(days=1)

VALUES = {
    "cement": factories.CEMENT_VALUES,
    "concrete": {"scm_recycled_content": 30.0, "strength_margin": 2.0},
    "gypsum": {"byproduct_gypsum_content": 96.0},
    "aac-block": {"solid_waste_content": 72.0, "dry_density": 560.0},
}


@dataclass(frozen=True)
class Item:
    """One product of the catalogue: key, category, names, unit, GWP, certificate."""

    key: str
    category: str
    name_zh: str
    name_en: str
    unit: str
    gwp: float
    cert: tuple[int, str, date] | None = None  # stars, status, valid until
    variant: str | None = None
    division: str = "520100"
    description: str = ""
    published: bool = True
    model: str = ""


ITEMS = [
    Item("cem600", "cement", "P·O 42.5R 低碳水泥", "P.O 42.5R low-carbon cement", "t", 600.0,
         division="520400"),
    Item("cem640", "cement", "P·O 42.5 普通硅酸盐水泥", "P.O 42.5 ordinary Portland cement", "t",
         640.0, (2, "valid", LATER), description="以磷石膏替代天然石膏作缓凝剂。"),
    Item("cem655", "cement", "P·C 32.5R 复合硅酸盐水泥", "P.C 32.5R composite cement", "t",
         655.0, (1, "valid", YESTERDAY)),
    Item("cem700", "cement", "P·O 52.5 普通硅酸盐水泥", "P.O 52.5 ordinary Portland cement", "t",
         700.0, (1, "valid", LATER), division="520400"),
    Item("cem720", "cement", "P·S·A 32.5 矿渣水泥", "P.S.A 32.5 slag cement", "t", 720.0,
         (1, "suspended", LATER)),
    Item("cemdraft", "cement", "P·O 42.5 样品水泥", "P.O 42.5 sample cement", "t", 500.0,
         published=False),
    Item("c30a", "concrete", "C30 预拌混凝土", "C30 ready-mix concrete", "m^3", 280.0,
         (2, "valid", LATER), variant="le_c30", division="522700"),
    Item("c30b", "concrete", "C25 预拌混凝土", "C25 ready-mix concrete", "m^3", 290.0,
         (1, "valid", LATER), variant="le_c30", division="522700"),
    Item("c40", "concrete", "C40 预拌混凝土", "C40 ready-mix concrete", "m^3", 320.0,
         (1, "valid", LATER), variant="c35_c45", division="522700"),
    Item("board", "gypsum", "磷石膏纸面石膏板", "phosphogypsum plasterboard", "m^2", 3.2,
         (3, "valid", LATER), division="522700", description="以磷石膏为主要原料。"),
    Item("binder", "gypsum", "磷石膏建筑石膏粉", "phosphogypsum building plaster", "t", 120.0,
         (2, "valid", LATER), division="522700"),
]  # fmt: skip


@dataclass
class Catalogue:
    """The products by key, and the manufacturers' users by division."""

    products: dict[str, Product]
    users: dict[str, tuple[User, Plant]]

    def id(self, key: str) -> int:
        """Return the id of the product with the key."""
        return self.products[key].id


def make_catalogue(session: Session, items: list[Item] = ITEMS) -> Catalogue:
    """Create the catalogue (or other items) through the services and commit."""
    users = {}
    for division in sorted({item.division for item in items}):
        org = factories.make_organisation(
            session,
            division_code=division,
            name_zh=f"贵州低碳建材有限公司{division}",
            name_en=f"Guizhou Low Carbon Materials {division}",
        )
        user = factories.make_user(session, org)
        users[division] = (user, factories.make_plant(session, user, division_code=division))
    products = {}
    for item in items:
        user, plant = users[item.division]
        data = ProductInput(
            plant_id=plant.id,
            name_zh=item.name_zh,
            name_en=item.name_en,
            model_spec=item.model or item.name_zh.split()[0],
            description=item.description,
            declared_unit=item.unit,
            variant=item.variant,
            gwp_a1a3=item.gwp,
            gwp_provenance=GwpProvenance.SELF_DECLARED,
            indicator_values=dict(VALUES[item.category]),
        )
        category = factories.category(session, item.category)
        product = create_product(session=session, actor=user, category_id=category.id, data=data)
        if item.published:
            publish_product(session=session, actor=user, product_id=product.id)
        if item.cert:
            stars, status, until = item.cert
            number = f"GZGBM-2026-TST-{len(products) + 1:06d}"
            set_certification_summary(
                product.id,
                number=number,
                stars=stars,
                status=status,
                valid_until=until,
                session=session,
            )
        products[item.key] = product
    session.commit()
    return Catalogue(products, users)


def manufacturer(session: Session, catalogue: Catalogue, key: str) -> Organisation:
    """Return the manufacturer of the product with the key."""
    return session.get(Organisation, catalogue.products[key].manufacturer_id)
