"""The demo world and the pages each kind of user opens, for the phone-width and axe checks."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.models import Product, ProductStatus
from catalog.search import rebuild_index
from certification.models import Application, Certificate
from procurement.models import ProcurementList
from seeds.certification_demo import load_demo_certificates
from seeds.loader import DEMO_PASSWORD, load_demo
from seeds.procurement_demo import load_demo_procurement

PASSWORD = DEMO_PASSWORD
# Demo accounts (seeds/demo.toml) and the pages each one works with after signing in.
ROLE_EMAILS = {
    "manufacturer": "manufacturer@demo.test",
    "reviewer": "reviewer@demo.test",
    "procurement_officer": "buyer@demo.test",
    "contractor": "contractor@demo.test",
    "administrator": "admin@demo.test",
}


@dataclass(frozen=True)
class DemoWorld:
    """Ids of demo rows the page list needs."""

    product_id: int
    compared: tuple[int, ...]
    certificate_number: str
    application_id: int
    list_id: int
    project_id: int
    credit_code: str


def load_demo_world(app, session: Session) -> DemoWorld:
    """Load the whole demo data set (as `flask seed` does) and build the search index."""
    today = date.today()
    load_demo(echo=lambda *a, **k: None, session=session)
    load_demo_certificates(app.config["EVIDENCE_DIR"], today=today, session=session)
    load_demo_procurement(today=today, session=session)
    session.commit()
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    certificate = session.exec(select(Certificate).order_by(Certificate.id)).first()
    published = session.exec(
        select(Product.id).where(Product.status == ProductStatus.PUBLISHED).order_by(Product.id)
    ).all()
    application = session.exec(select(Application).order_by(Application.id.desc())).first()
    procurement_list = session.exec(select(ProcurementList).order_by(ProcurementList.id)).first()
    return DemoWorld(
        product_id=certificate.product_id,
        compared=tuple(published[:4]),
        certificate_number=certificate.number,
        application_id=application.id,
        list_id=procurement_list.id,
        project_id=procurement_list.project_id,
        credit_code=session.get(Organisation, certificate.holder_id).credit_code,
    )


def public_pages(world: DemoWorld) -> list[str]:
    """Return every page anyone may open without signing in (contractors, inspectors)."""
    compared = ",".join(str(i) for i in world.compared)
    return [
        "/",
        "/catalog",
        "/catalog?category=cement",
        "/catalog?q=水泥&include_uncertified=1",
        f"/catalog/products/{world.product_id}",
        f"/catalog/compare?ids={compared}",
        "/verify",
        f"/verify/{world.certificate_number}",
        "/eligibility",
        f"/eligibility?supplier={world.credit_code}&category=cement&min_stars=1",
        "/eligibility/bulk",
        "/eligibility/suppliers?q=水泥",
        "/criteria",
        "/criteria/cement",
        "/criteria/concrete",
        "/dashboard",
        "/login",
        "/register",
        "/password/forgot",
    ]


def signed_in_pages(world: DemoWorld) -> dict[str, list[str]]:
    """Return the main pages of each role, by role."""
    return {
        "manufacturer": [
            "/manufacturer/products",
            "/manufacturer/plants",
            "/applications",
            "/manufacturer/certificates",
            f"/manufacturer/products/{world.product_id}",
        ],
        "reviewer": ["/review/queue", "/review/certificates"],
        "procurement_officer": [
            "/procurement",
            f"/procurement/projects/{world.project_id}",
            f"/procurement/lists/{world.list_id}",
        ],
        "contractor": ["/eligibility", "/notifications"],
        "administrator": ["/admin", "/admin/users", "/admin/organisations", "/admin/audit"],
    }
