"""One world for the security tests: objects owned by manufacturer A, body A and agency A.

Every principal of the access table is a signed-in test client (or none, for anonymous); the
world also holds the values that fill every URL parameter, and the strings that only some
principals may ever see (SECRETS), so any page can be checked for leaks.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, select

from accounts.api_keys import create_api_key
from accounts.models import Organisation, OrganisationKind, User
from admin.import_jobs import start_job
from catalog.evidence import store_evidence
from catalog.models import EvidenceFile
from catalog.plants import record_energy_figure
from catalog.reports.rules import ProductLine, ReportInput
from catalog.reports.services import file_report
from catalog.services import publish_product
from certification.applications.review import request_information, start_review
from certification.applications.services import create_application, submit_application
from certification.certificates.lifecycle import record_surveillance
from certification.models import Application, CriteriaVersion
from certification.webhooks.models import WebhookEndpoint
from eligibility.result_store import save_result
from procurement.line_services import add_product_line
from procurement.services import ProjectInput, create_list, create_project
from seeds.certification_demo import blank_pdf
from tests import factories

PRINCIPALS = (
    "anon",
    "maker_a",
    "maker_b",
    "reviewer_a",
    "reviewer_b",
    "officer_a",
    "officer_b",
    "contractor",
    "admin",
)

# Strings that only the listed principals may ever receive, on any page, download or error.
SECRETS = {
    "DRAFTSECRET-A": {"maker_a"},  # name of a draft product never applied for
    "EVIDENCESECRET-A": {"maker_a"},  # original file name of that draft's evidence
    # A reviewer's question on an application; administrators read it in the audit trail.
    "QUESTIONSECRET-A": {"maker_a", "reviewer_a", "admin"},
    "APPSECRET-A": {"maker_a", "reviewer_a", "admin"},  # products applied for, not published
    "PROJECTSECRET-A": {"officer_a"},  # agency A's project name
    "LISTSECRET-A": {"officer_a"},  # agency A's procurement list name
}

# Tables whose rows never change through a request in these tests (reference data).
KEPT_TABLES = {"category", "categoryvariant", "categoryindicator", "criteriaversion"}


@dataclass
class World:
    """The users, objects and URL values of the security tests."""

    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)


def _complete_product(session: Session, maker: User, plant, evidence_dir: str):
    product = factories.make_product(session, maker, plant, name_zh="APPSECRET-A 水泥")
    factories.attach_evidence(
        session, maker, product, evidence_dir, report_date=date.today() - timedelta(days=30)
    )
    return product


def _application(session: Session, maker: User, product, body) -> Application:
    return create_application(session=session, actor=maker, product_id=product.id, body_id=body.id)


def build_world(session: Session, app: Flask) -> World:
    """Create the fixture objects of A (and a little of B) through the services; commit."""
    evidence_dir = app.config["EVIDENCE_DIR"]
    maker_a = factories.make_manufacturer_user(session)
    maker_b = factories.make_manufacturer_user(session)
    body_a, reviewer_a = factories.make_body(session, prefix="GZA")
    body_b, reviewer_b = factories.make_body(session, prefix="GZB")
    agency_a = factories.make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    agency_b = factories.make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    firm = factories.make_organisation(session, kind=OrganisationKind.CONSTRUCTION_FIRM)
    admins = factories.make_organisation(session, kind=OrganisationKind.ADMINISTRATOR)
    users = {
        "maker_a": maker_a,
        "maker_b": maker_b,
        "reviewer_a": reviewer_a,
        "reviewer_b": reviewer_b,
        "officer_a": factories.make_user(session, agency_a),
        "officer_b": factories.make_user(session, agency_b),
        "contractor": factories.make_user(session, firm),
        "admin": factories.make_user(session, admins),
    }

    plant = factories.make_plant(session, maker_a)
    record_energy_figure(
        session=session,
        actor=maker_a,
        plant_id=plant.id,
        year=2025,
        metric="clinker_energy",
        value=104,
    )
    report = file_report(
        session=session,
        actor=maker_a,
        plant_id=plant.id,
        data=ReportInput(
            year=2025,
            fuel_tce=100.0,
            substitute_fuel_tce=0.0,
            evidence="REPORTSECRET-A audit",
            products=[ProductLine("clinker", 1000.0, 900.0, 104.0)],
        ),
        today=date.today(),
    )
    draft = factories.make_product(session, maker_a, plant, name_zh="DRAFTSECRET-A 水泥")
    evidence = store_evidence(
        session=session,
        actor=maker_a,
        product_id=draft.id,
        kind="type_test_report",
        stream=io.BytesIO(blank_pdf()),
        filename="EVIDENCESECRET-A.pdf",
        evidence_dir=evidence_dir,
        test_date=date.today() - timedelta(days=10),
    )
    published = factories.make_product(session, maker_a, plant, name_zh="已发布水泥 A")
    publish_product(session=session, actor=maker_a, product_id=published.id)
    epd = store_evidence(
        session=session,
        actor=maker_a,
        product_id=published.id,
        kind="epd",
        stream=io.BytesIO(blank_pdf()),
        filename="epd.pdf",
        evidence_dir=evidence_dir,
        test_date=None,
    )

    # Applications of maker A to body A, one in each state a POST route acts on.
    app_draft = _application(
        session, maker_a, _complete_product(session, maker_a, plant, evidence_dir), body_a
    )
    submitted_product = _complete_product(session, maker_a, plant, evidence_dir)
    app_submitted = _application(session, maker_a, submitted_product, body_a)
    submit_application(session=session, actor=maker_a, application_id=app_submitted.id)
    app_review = _application(
        session, maker_a, _complete_product(session, maker_a, plant, evidence_dir), body_a
    )
    submit_application(session=session, actor=maker_a, application_id=app_review.id)
    start_review(session=session, actor=reviewer_a, application_id=app_review.id)
    app_info = _application(
        session, maker_a, _complete_product(session, maker_a, plant, evidence_dir), body_a
    )
    submit_application(session=session, actor=maker_a, application_id=app_info.id)
    start_review(session=session, actor=reviewer_a, application_id=app_info.id)
    request_information(
        session=session, actor=reviewer_a, application_id=app_info.id, question="QUESTIONSECRET-A?"
    )
    session.commit()
    submitted_evidence = session.exec(
        select(EvidenceFile.id).where(EvidenceFile.product_id == submitted_product.id)
    ).all()

    certificate = factories.issue_test_certificate(
        session, body=body_a, reviewer=reviewer_a, maker=maker_a, issued_on=date.today()
    )
    certified = publish_product(session=session, actor=maker_a, product_id=certificate.product_id)
    record_surveillance(
        session=session,
        actor=reviewer_a,
        certificate_id=certificate.id,
        visited_on=date.today(),
        result="passed",
    )

    officer_a = users["officer_a"]
    project = create_project(
        session=session,
        actor=officer_a,
        data=ProjectInput(
            name="PROJECTSECRET-A 学校",
            code="SEC-A-001",
            project_type="school",
            division_code="520100",
            owner_unit="贵阳市教育局",
            budget=Decimal("1000000"),
        ),
    )
    plist = create_list(
        session=session, actor=officer_a, project_id=project.id, name="LISTSECRET-A"
    )
    line = add_product_line(
        session=session,
        actor=officer_a,
        list_id=plist.id,
        product_id=certified.id,
        quantity=Decimal("100"),
        unit_price=Decimal("400"),
    )
    # Maker B and agency B own a little too, so "their own" pages are not empty.
    plant_b = factories.make_plant(session, maker_b)
    factories.make_product(session, maker_b, plant_b, name_zh="B 的水泥")
    create_project(
        session=session,
        actor=users["officer_b"],
        data=ProjectInput(
            name="B 的项目",
            code="SEC-B-001",
            project_type="school",
            division_code="520100",
            owner_unit="遵义市教育局",
            budget=Decimal("1000000"),
        ),
    )
    session.commit()

    token = save_result(
        app.config["INSTANCE_DIR"],
        {
            "filename": "suppliers.csv",
            "checked_on": date.today().isoformat(),
            "summary": {"rows": 0, "eligible": 0, "malformed": 0, "not_eligible": 0},
            "rows": [],
        },
    )
    api_key, _secret = create_api_key(session=session, actor=maker_a, name="A 的系统")
    session.commit()
    import_token = start_job(app.config["INSTANCE_DIR"], "certs.csv", [])
    cement_id = factories.category(session, "cement").id
    endpoint = WebhookEndpoint(
        organisation_id=maker_a.organisation_id, url="https://hooks.example.cn/a", secret="0" * 64
    )
    session.add(endpoint)
    session.commit()
    ids = {
        "endpoint_id": endpoint.id,
        "api_key_id": api_key.id,
        "import_token": import_token,
        "plant_id": plant.id,
        "report_id": report.id,
        "draft_id": draft.id,
        "published_id": published.id,
        "certified_id": certified.id,
        "evidence_id": evidence.id,
        "epd_id": epd.id,
        "submitted_evidence_id": submitted_evidence[0],
        "app_draft": app_draft.id,
        "app_submitted": app_submitted.id,
        "app_review": app_review.id,
        "app_info": app_info.id,
        "certificate_id": certificate.id,
        "number": certificate.number,
        "project_id": project.id,
        "list_id": plist.id,
        "line_id": line.id,
        "token": token,
        "user_id": users["maker_b"].id,
        "category_id": cement_id,
        "app_product_id": app_review.product_id,
        "maker_a_uscc": session.get(Organisation, maker_a.organisation_id).credit_code,
        "body_a_id": body_a.id,
        "maker_b_org_id": maker_b.organisation_id,
        "maker_a_org_id": maker_a.organisation_id,
        "criteria_version_id": session.exec(
            select(CriteriaVersion.id).where(CriteriaVersion.category_id == cement_id)
        ).first(),
    }
    for name in ("app_draft", "app_submitted", "app_review", "app_info"):
        ids[f"{name}_lock"] = session.get(Application, ids[name]).lock_version
    return World(users=users, ids=ids)


def client_for(app: Flask, user: User | None) -> FlaskClient:
    """Return an English-speaking test client, signed in as the user (CSRF on)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        response = client.post(
            "/login",
            data={
                "email": user.email,
                "password": factories.PASSWORD,
                "csrf_token": token_of(client, "/login"),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def token_of(client: FlaskClient, url: str = "/") -> str:
    """Return a valid CSRF token of the client's session, read from a page's form."""
    match = _TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Return every row of every table but the reference data, for before/after comparison."""
    rows = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in KEPT_TABLES:
                continue
            rows[table.name] = sorted(
                (tuple(map(repr, row)) for row in conn.execute(table.select())), key=repr
            )
    return rows
