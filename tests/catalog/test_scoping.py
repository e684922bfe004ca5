"""Scoping and CSRF of the registry: a manufacturer reaches only its own plants, products, files."""

import io
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select

from accounts.models import OrganisationKind
from catalog.evidence import store_evidence
from catalog.models import (
    EvidenceFile,
    Plant,
    PlantEnergyFigure,
    Product,
    ProductIndicatorValue,
    ProductStatus,
)
from catalog.plants import record_energy_figure
from catalog.services import publish_product
from tests import factories
from tests.catalog.test_registry_views import (
    ENERGY_FORM,
    PLANT_FORM,
    counts,
    parse,
    pdf_bytes,
    post_files,
    product_form,
)
from tests.conftest import csrf_token

pytestmark = pytest.mark.csrf

CSRF_MESSAGE = "The form has expired or did not come from this site."
CEMENT_EPD = (Path(__file__).parent / "data" / "epd_valid_cement.json").read_bytes()


def _manufacturer(session, app) -> SimpleNamespace:
    user = factories.make_manufacturer_user(session)
    plant = factories.make_plant(session, user)
    draft = factories.make_product(session, user, plant)
    published = factories.make_product(session, user, plant, name_zh="已发布的水泥")
    publish_product(session=session, actor=user, product_id=published.id)
    record_energy_figure(
        session=session,
        actor=user,
        plant_id=plant.id,
        year=2025,
        metric="clinker_energy",
        value=104,
    )
    evidence = store_evidence(
        session=session,
        actor=user,
        product_id=draft.id,
        kind="type_test_report",
        stream=io.BytesIO(pdf_bytes()),
        filename="型式检验报告.pdf",
        evidence_dir=app.config["EVIDENCE_DIR"],
        test_date=date(2026, 5, 20),
    )
    return SimpleNamespace(
        user=user,
        plant=plant,
        product=draft,
        published=published,
        evidence=evidence,
        cement_id=factories.category(session, "cement").id,
    )


@pytest.fixture
def world(app, session):
    """Return manufacturers A and B, each with a plant, a draft, a published product, a PDF."""
    a, b = _manufacturer(session, app), _manufacturer(session, app)
    session.commit()
    return SimpleNamespace(a=a, b=b)


def state(session, app, org_id: int) -> dict:
    """Return everything stored for a manufacturer, its files' bytes and every table's count."""
    session.commit()
    session.expire_all()

    def rows(query) -> list[dict]:
        return [row.model_dump() for row in session.exec(query).all()]

    products = select(Product).where(Product.manufacturer_id == org_id).order_by(Product.id)
    plants = select(Plant).where(Plant.manufacturer_id == org_id).order_by(Plant.id)
    product_ids = select(Product.id).where(Product.manufacturer_id == org_id)
    plant_ids = select(Plant.id).where(Plant.manufacturer_id == org_id)
    evidence = select(EvidenceFile).where(EvidenceFile.manufacturer_id == org_id)
    folder = Path(app.config["EVIDENCE_DIR"])
    return {
        "products": rows(products),
        "values": rows(
            select(ProductIndicatorValue)
            .where(ProductIndicatorValue.product_id.in_(product_ids))
            .order_by(ProductIndicatorValue.id)
        ),
        "plants": rows(plants),
        "figures": rows(
            select(PlantEnergyFigure)
            .where(PlantEnergyFigure.plant_id.in_(plant_ids))
            .order_by(PlantEnergyFigure.id)
        ),
        "evidence": rows(evidence.order_by(EvidenceFile.id)),
        "files": {p.name: p.read_bytes() for p in sorted(folder.iterdir())},
        "counts": counts(session),
    }


def signed_in(app, login, user):
    """Return a new client signed in as the user, with English pages."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(user, target=client)
    return client


# Every request a manufacturer can make on one of its objects; {x} is filled from the target.
REQUESTS = [
    ("view product", "GET", "/manufacturer/products/{product}", None, 200),
    ("edit product form", "GET", "/manufacturer/products/{product}/edit", None, 200),
    ("edit product", "POST", "/manufacturer/products/{product}/edit", "product", 302),
    ("publish product", "POST", "/manufacturer/products/{product}/publish", "token", 302),
    ("withdraw product", "POST", "/manufacturer/products/{published}/withdraw", "token", 302),
    ("export product", "GET", "/manufacturer/products/{product}/openepd.json", None, 200),
    ("upload evidence", "POST", "/manufacturer/products/{product}/evidence", "evidence", 302),
    ("view plant", "GET", "/manufacturer/plants/{plant}", None, 200),
    ("edit plant", "POST", "/manufacturer/plants/{plant}", "plant", 302),
    ("record energy figure", "POST", "/manufacturer/plants/{plant}/energy", "energy", 302),
    ("download evidence", "GET", "/manufacturer/evidence/{evidence}", None, 200),
    ("delete evidence", "POST", "/manufacturer/evidence/{evidence}/delete", "token", 302),
]


def send(client, method: str, url: str, body: str | None, token: str, sender: SimpleNamespace):
    """Make one request of the table, with a CSRF token on POSTs, naming the sender's plant."""
    plant = sender.plant
    if method == "GET":
        response = client.get(url)
    elif body == "evidence":
        data = {"csrf_token": token, "kind": "other", "file": (pdf_bytes(), "x.pdf")}
        response = post_files(client, url, data)
    elif body == "import":
        data = {"csrf_token": token, "plant_id": str(plant.id), "file": (CEMENT_EPD, "epd.json")}
        response = post_files(client, url, {**data, "category_id": str(sender.cement_id)})
    else:
        data = {
            "token": {},
            "product": product_form("cement", plant.id, gwp_a1a3="123"),
            "plant": {**PLANT_FORM, "name": "changed"},
            "energy": {**ENERGY_FORM, "value": "200"},
        }[body]
        response = client.post(url, data={**data, "csrf_token": token})
    response.get_data()
    response.close()  # a downloaded file is open until then
    return response


def _url(template: str, target: SimpleNamespace) -> str:
    return template.format(
        product=target.product.id,
        published=target.published.id,
        plant=target.plant.id,
        evidence=target.evidence.id,
    )


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [r[1:4] for r in REQUESTS],
    ids=[r[0] for r in REQUESTS],
)
def test_another_manufacturers_object_answers_404(
    app, session, login, world, method, template, body
):
    a, b = world.a, world.b
    client = signed_in(app, login, a.user)
    # The token comes from a page A may see: its own product.
    token = csrf_token(client, f"/manufacturer/products/{a.product.id}")
    assert token
    before_a, before_b = (
        state(session, app, a.user.organisation_id),
        state(session, app, b.user.organisation_id),
    )
    response = send(client, method, _url(template, b), body, token, a)
    assert response.status_code == 404
    assert "There is nothing here." in response.get_data(as_text=True)
    assert state(session, app, b.user.organisation_id) == before_b
    assert state(session, app, a.user.organisation_id) == before_a


@pytest.mark.parametrize(
    ("method", "template", "body", "status"),
    [r[1:] for r in REQUESTS],
    ids=[r[0] for r in REQUESTS],
)
def test_the_owner_can_make_the_same_requests(
    app, session, login, world, method, template, body, status
):
    """The control for the test above: the same requests work for the owner."""
    b = world.b
    client = signed_in(app, login, b.user)
    token = csrf_token(client, f"/manufacturer/products/{b.product.id}")
    before = state(session, app, b.user.organisation_id)
    response = send(client, method, _url(template, b), body, token, b)
    assert response.status_code == status
    if method == "POST":
        assert state(session, app, b.user.organisation_id) != before


def test_own_product_cannot_move_to_another_manufacturers_plant(app, session, login, world):
    a, b = world.a, world.b
    client = signed_in(app, login, a.user)
    token = csrf_token(client, f"/manufacturer/products/{a.product.id}/edit")
    before = state(session, app, a.user.organisation_id)
    data = {**product_form("cement", b.plant.id), "csrf_token": token}
    response = client.post(f"/manufacturer/products/{a.product.id}/edit", data=data)
    assert response.status_code == 200
    assert parse(response).field_errors == {"plant_id": ["Choose one of the options in the list."]}
    intruder = SimpleNamespace(plant=b.plant, cement_id=a.cement_id)
    response = send(client, "POST", "/manufacturer/products/import", "import", token, intruder)
    assert parse(response).field_errors == {"plant_id": ["Choose one of the options in the list."]}
    assert state(session, app, a.user.organisation_id) == before


MANUFACTURER_PAGES = [
    "/manufacturer/products",
    "/manufacturer/products/new",
    "/manufacturer/products/import",
    "/manufacturer/plants",
    "/manufacturer/plants/new",
]


@pytest.mark.parametrize(
    "kind",
    [
        OrganisationKind.CERTIFICATION_BODY,
        OrganisationKind.PROCUREMENT_AGENCY,
        OrganisationKind.CONSTRUCTION_FIRM,
        OrganisationKind.ADMINISTRATOR,
    ],
)
def test_other_roles_get_404_on_manufacturer_pages(app, session, login, world, kind):
    b = world.b
    user = factories.make_user(session, factories.make_organisation(session, kind=kind))
    session.commit()
    client = signed_in(app, login, user)
    assert client.get("/").status_code == 200  # signed in, and the site works for them
    for url in MANUFACTURER_PAGES:
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, "/")
    assert token
    before = state(session, app, b.user.organisation_id)
    for _name, method, template, body, _status in REQUESTS:
        response = send(client, method, _url(template, b), body, token, b)
        assert response.status_code == 404, template
    assert state(session, app, b.user.organisation_id) == before


def test_anonymous_visitors_are_sent_to_sign_in(app, session, world):
    b = world.b
    client = app.test_client()
    for url in MANUFACTURER_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    token = csrf_token(client, "/login")
    assert token
    before = state(session, app, b.user.organisation_id)
    for _name, method, template, body, _status in REQUESTS:
        response = send(client, method, _url(template, b), body, token, b)
        assert response.status_code == 302, template
        assert response.headers["Location"].startswith("/login?next="), template
    assert state(session, app, b.user.organisation_id) == before


def _own_posts(a: SimpleNamespace) -> list[tuple[str, str | None]]:
    return [
        ("/manufacturer/plants/new", "plant"),
        (f"/manufacturer/plants/{a.plant.id}", "plant"),
        (f"/manufacturer/plants/{a.plant.id}/energy", "energy"),
        (f"/manufacturer/products/{a.product.id}/edit", "product"),
        (f"/manufacturer/products/{a.product.id}/publish", "token"),
        (f"/manufacturer/products/{a.published.id}/withdraw", "token"),
        (f"/manufacturer/products/{a.product.id}/evidence", "evidence"),
        (f"/manufacturer/evidence/{a.evidence.id}/delete", "token"),
        ("/manufacturer/products/import", "import"),
        ("/logout", "token"),
    ]


@pytest.mark.parametrize("token", ["", "forged-token"], ids=["no token", "forged token"])
def test_post_without_a_valid_csrf_token_is_refused(app, session, login, world, token):
    a = world.a
    client = signed_in(app, login, a.user)
    before = state(session, app, a.user.organisation_id)
    for url, body in _own_posts(a):
        response = send(client, "POST", url, body, token, a)
        assert response.status_code == 400, url
        assert CSRF_MESSAGE in response.get_data(as_text=True), url
    assert state(session, app, a.user.organisation_id) == before
    assert client.get("/manufacturer/products").status_code == 200  # still signed in


def test_the_same_posts_with_the_token_are_accepted(app, session, login, world):
    """The control for the test above."""
    a = world.a
    client = signed_in(app, login, a.user)
    token = csrf_token(client, "/manufacturer/plants/new")
    for url, body in _own_posts(a):
        response = send(client, "POST", url, body, token, a)
        assert response.status_code == 302, url


def test_drafts_are_not_public(app, session, login, world):
    b = world.b
    assert session.get(Product, b.product.id).status == ProductStatus.DRAFT
    visitors = [
        app.test_client(),
        signed_in(app, login, world.a.user),
        signed_in(app, login, b.user),  # even the owner sees a draft only on its own pages
    ]
    for client in visitors:
        assert client.get(f"/catalog/products/{b.product.id}").status_code == 404
        assert client.get(f"/catalog/products/{b.published.id}").status_code == 200
        # Uncertified products are listed once the switch includes them.
        catalogue = client.get("/catalog?uncertified=1").get_data(as_text=True)
        assert f"/catalog/products/{b.published.id}" in catalogue
        assert f'/catalog/products/{b.product.id}"' not in catalogue
