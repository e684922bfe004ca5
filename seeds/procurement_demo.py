"""A demo government-investment project and its procurement list, built through the services.

The list of the first procurement agency (buyer@demo.test) mixes certified catalogue products
with one fired brick bought from an uncertified local works, which is not in the catalogue:
fired brick is a mandatory-class category, so the compliance panel says the list is not yet
compliant and names that line. It also holds what a hospital building really buys besides
the structure (windows, waterproofing, paints, pipes, insulation, sealants, ceilings, floors,
taps, lighting, fresh air): optional-class types bought from suppliers without a certificate
here, so the panel shows the 40 % optional-type rule over a realistic set of types.
Loading again changes nothing; a material line missing from an older list is added.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import User
from accounts.services import normalize_email
from catalog.models import Category, Product, ProductStatus
from procurement.line_services import MaterialInput, add_material_line, add_product_line
from procurement.models import ListLine, ProcurementList, Project
from procurement.services import ProjectInput, create_list, create_project

BUYER_EMAIL = "buyer@demo.test"

# A fictional project in Qiannan; the code is the agency's own numbering.
PROJECT = ProjectInput(
    name="黔南州某县人民医院门诊综合楼",
    code="QN-ZFTZ-2026-017",
    project_type="hospital",
    division_code="522700",
    owner_unit="某县人民医院",
    budget=Decimal("186000000"),
)
LIST_NAME = "主体结构及装饰装修材料"


@dataclass(frozen=True)
class DemoLine:
    """A certified product of the catalogue, found by category and (preferably) by name."""

    category: str
    name: str
    quantity: str
    unit_price: str


LINES = (
    DemoLine("cement", "P·O 42.5 普通硅酸盐水泥", "1150", "465"),
    DemoLine("concrete", "C30 泵送混凝土", "7800", "485"),
    DemoLine("aac-block", "磷石膏蒸压加气混凝土砌块（B06）", "2300", "320"),
    DemoLine("flat-glass", "6 mm Low-E 钢化玻璃", "96", "6800"),
    DemoLine("ceramic-tile", "800×800 mm 抛光砖", "9600", "78"),
    DemoLine("gypsum", "12 mm 耐水纸面石膏板", "14500", "24"),
    DemoLine("sanitary-ceramic", "蹲便器 6.0 L", "6.5", "14000"),
    DemoLine("wood-bamboo", "重组竹地板", "85", "5200"),
)
# Not from the catalogue: (category, description, supplier, quantity in the category's
# declared unit, unit price). The fired brick from a local works (mandatory class) keeps the
# list from complying; the others are the optional-class types of a hospital's fit-out.
MATERIALS = (
    ("fired-brick", "烧结页岩多孔砖 MU10 240×115×90 mm", "某县兴旺页岩砖厂", "380", "285"),
    ("window-door", "断桥铝合金节能外窗（含五金配件）", "黔南某门窗有限公司", "6800", "980"),
    ("waterproof-membrane", "SBS 改性沥青防水卷材 4 mm", "某防水材料有限公司", "21000", "42"),
    ("waterproof-coating", "单组分聚氨酯防水涂料", "某防水材料有限公司", "38", "16500"),
    ("wall-paint", "抗菌水性内墙涂料", "某涂料有限公司", "62", "14000"),
    ("plastic-pipe", "PP-R 给水管及管件", "某管业有限公司", "46", "18500"),
    ("insulation-system", "岩棉板外墙外保温系统", "某节能材料有限公司", "2100", "720"),
    ("sealant", "硅酮耐候密封胶", "某新材料有限公司", "9", "32000"),
    ("ceiling-system", "铝合金扣板吊顶系统", "某装饰材料有限公司", "12500", "165"),
    ("resin-flooring", "环氧自流平地坪（手术部、检验科）", "某地坪工程有限公司", "5200", "95"),
    ("tap", "感应式洗手水嘴", "某卫浴有限公司", "420", "680"),
    ("led-lighting", "LED 洁净平板灯", "某照明有限公司", "3600", "210"),
    ("fresh-air-system", "新风净化机组", "某环境设备有限公司", "24", "38000"),
)


def _buyer(*, session: Session) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(BUYER_EMAIL))).first()


def _certified_product(wanted: DemoLine, today: date, *, session: Session) -> Product | None:
    """Return the named product if it is certified today, else the category's first such one."""
    candidates = session.exec(
        select(Product)
        .join(Category, Category.id == Product.category_id)
        .where(
            Category.code == wanted.category,
            Product.status == ProductStatus.PUBLISHED,
            Product.cert_status == "valid",
            Product.cert_valid_until >= today,
            Product.declared_unit == Category.declared_unit,
        )
        .order_by(Product.id)
    ).all()
    named = [p for p in candidates if p.name_zh == wanted.name]
    return (named or candidates or [None])[0]


def _project(buyer: User, *, session: Session) -> tuple[Project, bool]:
    project = session.exec(
        select(Project).where(
            Project.agency_id == buyer.organisation_id, Project.code == PROJECT.code
        )
    ).first()
    if project is not None:
        return project, False
    return create_project(session=session, actor=buyer, data=PROJECT), True


def _list(buyer: User, project: Project, *, session: Session) -> ProcurementList:
    item = session.exec(
        select(ProcurementList).where(
            ProcurementList.project_id == project.id, ProcurementList.name == LIST_NAME
        )
    ).first()
    return item or create_list(session=session, actor=buyer, project_id=project.id, name=LIST_NAME)


def load_demo_procurement(*, session: Session, today: date) -> dict[str, int]:
    """Create the demo project with its list and lines unless they are there already."""
    counts = {"projects": 0, "lines": 0}
    buyer = _buyer(session=session)
    if buyer is None:
        return counts
    project, created = _project(buyer, session=session)
    counts["projects"] += created
    item = _list(buyer, project, session=session)
    if not session.exec(select(ListLine.id).where(ListLine.list_id == item.id)).first():
        counts["lines"] += _add_products(buyer, item, today, session=session)
    counts["lines"] += _add_materials(buyer, item, session=session)
    return counts


def _add_products(buyer: User, item: ProcurementList, today: date, *, session: Session) -> int:
    added = 0
    for wanted in LINES:
        product = _certified_product(wanted, today, session=session)
        if product is None:
            continue
        add_product_line(
            session=session,
            actor=buyer,
            list_id=item.id,
            product_id=product.id,
            quantity=wanted.quantity,
            unit_price=wanted.unit_price,
            today=today,
        )
        added += 1
    return added


def _add_materials(buyer: User, item: ProcurementList, *, session: Session) -> int:
    there = set(session.exec(select(ListLine.description).where(ListLine.list_id == item.id)).all())
    added = 0
    for code, description, supplier, quantity, price in MATERIALS:
        if description in there:
            continue
        category = session.exec(select(Category).where(Category.code == code)).one()
        data = MaterialInput(category.id, description, supplier, Decimal(quantity), Decimal(price))
        add_material_line(session=session, actor=buyer, list_id=item.id, data=data)
        added += 1
    return added
