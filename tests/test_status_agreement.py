"""Every reader of a certificate's status gives the same answer, at the boundary dates too.

One certificate per (stored status, end date) pair, the end date yesterday, today or tomorrow;
then the verification page, the product page, the search (index and its SQL fallback), the
eligibility API, the reviewer's certificate list and the procurement line rule each say what
the status is today, and all must say what `catalog.certificate_status.live_status` says.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.certificate_status import RUNNING, live_status
from catalog.models import Product
from catalog.search import close_search_indexes, rebuild_index
from catalog.services import publish_product
from certification.certificates.issue import summarise
from certification.certificates.lifecycle import change_status
from certification.certificates.queries import body_certificates
from certification.external.records import category_finder, parse_record, upsert_external
from certification.models import Certificate
from certification.states import CERTIFICATES
from procurement.line_facts import Line, LineStatus, line_status
from procurement.line_services import certificate_state
from tests import factories
from tests.certification.external_helpers import row

TODAY = date.today()
ENDS = {
    "yesterday": TODAY - timedelta(days=1),
    "today": TODAY,
    "tomorrow": TODAY + timedelta(days=1),
}
STORED = ("valid", "suspended", "revoked", "expired")
ACTIONS = {"suspended": ("suspend",), "revoked": ("revoke",)}


def _external_register(session: Session) -> tuple:
    """Record one other body's certificate per (stored status, end date), as an import would."""
    body, reviewer = factories.make_body(session, prefix="OTH")
    body.approval_number = "CNCA-R-2099-999"
    find = category_finder(session=session)
    made = {}
    for stored in STORED:
        for end_name, end in ENDS.items():
            values = row(
                body,
                f"EXT-{stored}-{end_name}".upper(),
                factories.credit_code("430100"),
                product_name=f"外部一致性{stored}{end_name}",
                status=stored,
                issued_on=(end - timedelta(days=400)).isoformat(),
                valid_until=end.isoformat(),
            )
            record = parse_record(values, find)
            upsert_external(
                session=session, body=body, record=record, source="imported", reason="一致性测试"
            )
            session.commit()
            made[(stored, end_name)] = session.exec(
                select(Certificate).where(Certificate.number == record.number)
            ).one()
    return body, reviewer, made


# Every reader must agree for certificates issued here and for other bodies' records alike.
@pytest.fixture(params=["issued", "external"])
def register(app, session: Session, request):
    """Issue one certificate per (stored status, end date) and index the catalogue."""
    if request.param == "external":
        body, reviewer, made = _external_register(session)
        rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
        return body, reviewer, made
    body, reviewer = factories.make_body(session)
    made = {}
    for stored in STORED:
        for end_name, end in ENDS.items():
            certificate = factories.issue_test_certificate(
                session, body=body, reviewer=reviewer, name_zh=f"一致性{stored}{end_name}"
            )
            maker_id = session.get(Product, certificate.product_id).manufacturer_id
            maker = session.exec(select(User).where(User.organisation_id == maker_id)).first()
            publish_product(session=session, actor=maker, product_id=certificate.product_id)
            for action in ACTIONS.get(stored, ()):
                change_status(
                    session=session,
                    actor=reviewer,
                    certificate_id=certificate.id,
                    action=action,
                    reason="一致性测试",
                )
            if stored == "expired":
                certificate.status = "expired"  # as the nightly job records it
            certificate.valid_until = end
            summarise(certificate, session=session)
            session.commit()
            made[(stored, end_name)] = certificate
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    return body, reviewer, made


def _expected(certificate: Certificate) -> str:
    return live_status(certificate.status, certificate.valid_until, TODAY)


def test_the_cases_cover_every_live_status(register):
    _, _, made = register
    assert {_expected(c) for c in made.values()} == {"valid", "suspended", "revoked", "expired"}


def test_the_verification_page_agrees(client, register):
    for certificate in register[2].values():
        page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
        shown = re.search(r'data-testid="verify-status" data-status="(\w+)"', page).group(1)
        assert shown == _expected(certificate), certificate.number


def test_the_product_page_agrees(client, register):
    for certificate in register[2].values():
        page = client.get(f"/catalog/products/{certificate.product_id}").get_data(as_text=True)
        shown = re.search(r'class="badge cert-(\w+)" data-testid="cert-status"', page).group(1)
        assert shown == _expected(certificate), certificate.number


@pytest.mark.parametrize("engine", ["index", "sql"])
def test_the_search_agrees(app, client, register, engine):
    if engine == "sql":
        close_search_indexes(app)
        app.config["SEARCH_INDEX_DIR"] = str(app.config["SEARCH_INDEX_DIR"]) + "-missing"
    made = register[2].values()
    listed = client.get("/api/v1/products?status=any&per_page=100").get_json()
    statuses = {p["id"]: p["certificate"]["status"] for p in listed["items"]}
    assert statuses == {c.product_id: _expected(c) for c in made}
    valid_only = client.get("/api/v1/products?per_page=100").get_json()
    assert {p["id"] for p in valid_only["items"]} == {
        c.product_id for c in made if _expected(c) == "valid"
    }


def test_eligibility_agrees(client, session, register):
    for certificate in register[2].values():
        holder = session.get(Organisation, certificate.holder_id)
        answer = client.get(
            f"/api/v1/eligibility?supplier={holder.credit_code}&category=cement"
        ).get_json()
        shown = {c["number"]: c["status"] for c in answer["certificates"]}
        assert shown == {certificate.number: _expected(certificate)}
        assert answer["eligible"] is (_expected(certificate) == "valid")


def test_the_reviewers_certificate_list_agrees(session, register):
    _, reviewer, made = register
    for status in ("valid", "suspended", "revoked", "expired"):
        page = body_certificates(
            reviewer, status=status, today=TODAY, page=1, per_page=100, session=session
        )
        assert {c.number for c in page.items} == {
            c.number for c in made.values() if _expected(c) == status
        }


def test_procurement_lines_agree(session, register):
    for certificate in register[2].values():
        product = session.get(Product, certificate.product_id)
        state = certificate_state(product, TODAY)
        line = Line(
            id=1,
            label="x",
            category="cement",
            procurement_class="mandatory",
            quantity=Decimal(1),
            unit_price=Decimal(1),
            cert_status=product.cert_status,
            cert_valid_until=product.cert_valid_until,
        )
        expected = _expected(certificate)
        assert state == expected
        assert line_status(line, TODAY) == (
            LineStatus.GREEN if expected == "valid" else LineStatus(expected)
        )


def test_the_expiry_job_expires_exactly_what_has_lapsed():
    """The nightly job's sources are the statuses the rule lets lapse."""
    assert set(CERTIFICATES.move("expire").sources) == RUNNING


def test_every_stored_certificate_the_job_would_expire_reads_expired(session, register):
    running = session.exec(select(Certificate).where(Certificate.status.in_(sorted(RUNNING)))).all()
    for certificate in running:
        lapsed = certificate.valid_until < TODAY
        assert (_expected(certificate) == "expired") is lapsed
