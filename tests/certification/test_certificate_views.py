"""Certificate pages: public verification, the signed PDF, criteria, reviewer and holder pages."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from dateutil.relativedelta import relativedelta
from pypdf import PdfReader
from sqlmodel import select

from certification.certificates.documents import document_folder
from certification.certificates.files import signing_identity
from certification.certificates.lifecycle import change_status
from certification.certificates.signing import verify_pdf_signature
from certification.models import (
    Application,
    Certificate,
    CertificateStatus,
    SurveillanceRecord,
)
from tests import factories
from tests.conftest import csrf_token
from tests.factories import issue_test_certificate, make_body, set_dates

TODAY = date.today()
HOSTILE = '<img src="file:///etc/passwd">'


def page(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


# --- public verification --------------------------------------------------------------------


def test_verify_page_shows_a_valid_certificate(client, certificate):
    response = client.get(f"/verify/{certificate.number}")
    assert response.status_code == 200
    html = page(response)
    assert 'data-status="valid"' in html
    assert "This certificate is valid" in html
    assert certificate.number == f"GZGBM-{TODAY.year}-CEM-000001"
    for text in (
        certificate.number,
        "P·O 42.5 普通硅酸盐水泥",
        "Cement",
        "1 star",
        TODAY.isoformat(),
        certificate.valid_until.isoformat(),
        "Issued",  # the history
        f"/certificates/{certificate.number}.pdf",
        "/criteria/cement",
    ):
        assert text in html, text
    assert "verify.css" in html


def test_verify_page_in_chinese(client, certificate):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    html = page(client.get(f"/verify/{certificate.number}"))
    assert 'data-status="valid"' in html and "水泥" in html


@pytest.mark.parametrize(
    ("action", "status", "wording"),
    [
        ("suspend", "suspended", "This certificate is suspended"),
        ("revoke", "revoked", "This certificate has been revoked"),
    ],
)
def test_verify_page_shows_suspension_and_revocation_with_reason(
    client, session, body, certificate, action, status, wording
):
    change_status(
        session=session,
        actor=body[1],
        certificate_id=certificate.id,
        action=action,
        reason="监督抽样不合格",
    )
    session.commit()
    html = page(client.get(f"/verify/{certificate.number}"))
    assert f'data-status="{status}"' in html
    assert wording in html
    assert "监督抽样不合格" in html


@pytest.mark.parametrize("stored", ["valid", "expired"])
def test_verify_page_shows_expiry_at_once(client, session, certificate, stored):
    # Whether or not `flask certification expire` has run yet, a past date means expired.
    set_dates(session, certificate, valid_until=TODAY - timedelta(days=1), status=stored)
    html = page(client.get(f"/verify/{certificate.number}"))
    assert 'data-status="expired"' in html
    assert "This certificate expired on" in html


def test_unknown_number_says_so_with_a_404(client, certificate):
    response = client.get("/verify/GZGBM-2026-CEM-999999")
    assert response.status_code == 404
    html = page(response)
    assert "No such certificate" in html
    assert "No certificate has the number GZGBM-2026-CEM-999999" in html
    assert 'name="number"' in html  # the form to try again


def test_lookup_form_goes_to_the_certificate(client, certificate):
    assert 'name="number"' in page(client.get("/verify"))
    response = client.get("/verify", query_string={"number": f"  {certificate.number.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.number}")
    empty = client.get("/verify", query_string={"number": " "})
    assert empty.status_code == 400 and "Enter a certificate number." in page(empty)


def test_number_typed_in_lower_case_redirects_to_the_canonical_page(client, certificate):
    response = client.get(f"/verify/{certificate.number.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.number}")


def test_hostile_product_name_is_escaped_on_the_verify_page(client, session, body):
    hostile = issue_test_certificate(session, body=body[0], reviewer=body[1], name_zh=HOSTILE)
    html = page(client.get(f"/verify/{hostile.number}"))
    assert HOSTILE not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html


# --- the PDF --------------------------------------------------------------------------------


def test_pdf_is_signed_and_shows_number_and_chinese_name(app, client, certificate):
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{certificate.number}.pdf"' in response.headers["Content-Disposition"]
    data = response.data
    check = verify_pdf_signature(data, signing_identity(app.config))
    assert check.valid and check.intact and check.covers_whole_file, check
    text = pdf_text(data)
    assert certificate.number in text
    assert "P·O42.5普通硅酸盐水泥" in text
    # The QR code and its text point at the request's own site.
    assert f"http://localhost/verify/{certificate.number}" in text


def test_pdf_is_cached_and_rendered_anew_when_it_changes(app, client, session, body, certificate):
    folder = document_folder(app.config)
    first = client.get(f"/certificates/{certificate.number}.pdf").data
    files = list(folder.glob("*.pdf"))
    assert len(files) == 1 and files[0].name.startswith(certificate.number)
    assert client.get(f"/certificates/{certificate.number}.pdf").data == first
    change_status(
        session=session, actor=body[1], certificate_id=certificate.id, action="suspend", reason="x"
    )
    session.commit()
    second = client.get(f"/certificates/{certificate.number}.pdf").data
    assert second != first
    assert "暂停" in pdf_text(second)  # the watermark of a suspended certificate
    assert [f.name for f in folder.glob("*.pdf")] != [files[0].name]
    assert len(list(folder.glob("*.pdf"))) == 1  # the stale file is gone


@pytest.mark.config(PUBLIC_BASE_URL="https://greenbm.example.cn/")
def test_pdf_uses_the_configured_public_base_url(client, certificate):
    text = pdf_text(client.get(f"/certificates/{certificate.number}.pdf").data)
    assert f"https://greenbm.example.cn/verify/{certificate.number}" in text


def test_hostile_product_name_prints_as_text_in_the_pdf(app, client, session, body):
    hostile = issue_test_certificate(session, body=body[0], reviewer=body[1], name_zh=HOSTILE)
    data = client.get(f"/certificates/{hostile.number}.pdf").data
    assert re.sub(r"\s+", "", HOSTILE) in pdf_text(data)
    assert verify_pdf_signature(data, signing_identity(app.config)).valid


def test_pdf_of_an_unknown_number_is_404(client, certificate):
    assert client.get("/certificates/GZGBM-2026-CEM-999999.pdf").status_code == 404


# --- criteria -------------------------------------------------------------------------------


def test_criteria_index_links_every_category(client):
    html = page(client.get("/criteria"))
    for code in ("cement", "ceramic-tile", "concrete", "wood-bamboo"):
        assert f'href="/criteria/{code}"' in html, code


def test_criteria_of_a_plain_category(client):
    response = client.get("/criteria/cement")
    assert response.status_code == 200
    html = page(response)
    assert 'data-testid="criteria-version">2026.1' in html
    assert "Clinker comprehensive energy consumption" in html
    assert "≤ 117" in html and "≤ 107" in html and "≤ 100" in html
    assert "≥ 10" in html and "≥ 30" in html
    assert "GB 16780-2021" in html and "Official" in html
    assert "Type-test report (CMA laboratory)" in html and "dated within 12 months" in html
    assert "Judged by the reviewer" in html


def test_criteria_of_a_category_with_variants(client):
    html = page(client.get("/criteria/ceramic-tile"))
    assert "Water absorption" in html
    assert "E ≤ 0.5%" in html and "E &gt; 10%" in html
    assert "≤ 6.5" in html and "≤ 4.9" in html and "≤ 3.2" in html


def test_criteria_of_an_unknown_category_is_404(client):
    assert client.get("/criteria/marble").status_code == 404


# --- reviewers ------------------------------------------------------------------------------


def test_review_pages_are_for_the_bodys_reviewers_only(client, login, session, body, certificate):
    assert client.get("/review/certificates").status_code == 302  # to the sign-in page
    maker = factories.make_manufacturer_user(session)
    _other_body, other_reviewer = make_body(session, prefix="QTHER")
    session.commit()
    login(maker)
    assert client.get("/review/certificates").status_code == 404
    assert client.get(f"/review/certificates/{certificate.id}").status_code == 404
    client.post("/logout")
    login(other_reviewer)
    assert certificate.number not in page(client.get("/review/certificates"))
    assert client.get(f"/review/certificates/{certificate.id}").status_code == 404
    response = client.post(
        f"/review/certificates/{certificate.id}/status",
        data={"action": "revoke", "reason": "not ours"},
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Certificate, certificate.id).status == "valid"


def test_review_list_filters_and_marks_overdue_surveillance(client, login, session, body):
    org, reviewer = body
    overdue = issue_test_certificate(session, body=org, reviewer=reviewer)
    set_dates(session, overdue, due=TODAY - timedelta(days=3))
    suspended = issue_test_certificate(session, body=org, reviewer=reviewer)
    set_dates(session, suspended, status=CertificateStatus.SUSPENDED)
    lapsed = issue_test_certificate(session, body=org, reviewer=reviewer)
    set_dates(session, lapsed, valid_until=TODAY - timedelta(days=1))
    login(reviewer)
    html = page(client.get("/review/certificates"))
    for item in (overdue, suspended, lapsed):
        assert item.number in html
    row = re.search(rf'<tr class="overdue" data-number="{overdue.number}">', html)
    assert row and html.count('class="overdue"') == 1
    only = page(client.get("/review/certificates?status=suspended"))
    assert suspended.number in only and overdue.number not in only
    expired = page(client.get("/review/certificates?status=expired"))
    assert lapsed.number in expired and overdue.number not in expired
    valid = page(client.get("/review/certificates?status=valid"))
    assert overdue.number in valid and lapsed.number not in valid


@pytest.mark.config(PAGE_SIZE=2)
def test_review_list_is_paginated(client, login, session, body):
    org, reviewer = body
    numbers = [issue_test_certificate(session, body=org, reviewer=reviewer).number for _ in "abc"]
    login(reviewer)
    first = page(client.get("/review/certificates"))
    second = page(client.get("/review/certificates?page=2"))
    assert "Page 1 of 2" in first
    assert sorted(n for n in numbers if n in first + second) == sorted(numbers)
    assert not any(n in first and n in second for n in numbers)


def test_reviewer_records_a_passed_then_a_failed_surveillance(client, login, session, body):
    org, reviewer = body
    certificate = issue_test_certificate(
        session, body=org, reviewer=reviewer, issued_on=TODAY - timedelta(days=200)
    )
    login(reviewer)
    url = f"/review/certificates/{certificate.id}"
    assert "Record a surveillance visit" in page(client.get(url))
    visit = (TODAY - timedelta(days=10)).isoformat()
    response = client.post(
        f"{url}/surveillance", data={"visited_on": visit, "result": "passed", "notes": ""}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    session.expire_all()
    renewed = session.get(Certificate, certificate.id)
    assert renewed.status == "valid"
    assert renewed.next_surveillance_due == date.fromisoformat(visit) + relativedelta(months=12)
    # A failed visit without notes is refused, with the reason on the form.
    response = client.post(f"{url}/surveillance", data={"visited_on": visit, "result": "failed"})
    assert response.status_code == 200 and "Describe what failed." in page(response)
    client.post(
        f"{url}/surveillance",
        data={"visited_on": visit, "result": "failed", "notes": "抽样强度不合格"},
    )
    session.expire_all()
    assert session.get(Certificate, certificate.id).status == "suspended"
    records = session.exec(
        select(SurveillanceRecord).where(SurveillanceRecord.certificate_id == certificate.id)
    ).all()
    assert [r.result for r in records] == ["passed", "failed"]
    html = page(client.get(url))
    assert "抽样强度不合格" in html and 'data-status="suspended"' in html


def test_surveillance_in_the_future_is_refused(client, login, body, certificate):
    login(body[1])
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.post(
        f"/review/certificates/{certificate.id}/surveillance",
        data={"visited_on": tomorrow, "result": "passed"},
    )
    assert response.status_code == 200
    assert "The visit date cannot be in the future." in page(response)


def test_reviewer_suspends_reinstates_and_revokes(client, login, session, body, certificate):
    login(body[1])
    url = f"/review/certificates/{certificate.id}"
    html = page(client.get(url))
    assert 'value="suspend"' in html and 'value="reinstate"' not in html
    # Reinstating a valid certificate is not one of the choices.
    response = client.post(f"{url}/status", data={"action": "reinstate", "reason": "x"})
    assert response.status_code == 200 and "Choose one of the options in the list" in page(response)
    response = client.post(f"{url}/status", data={"action": "suspend", "reason": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in page(response)
    for action, status in [("suspend", "suspended"), ("reinstate", "valid"), ("revoke", "revoked")]:
        response = client.post(f"{url}/status", data={"action": action, "reason": f"因为 {action}"})
        assert response.status_code == 302, page(response)
        session.expire_all()
        assert session.get(Certificate, certificate.id).status == status
    html = page(client.get(url))
    assert "Change the status" not in html and "Record a surveillance visit" not in html
    public = page(client.get(f"/verify/{certificate.number}"))
    assert "因为 revoke" in public and 'data-status="revoked"' in public


@pytest.mark.csrf
def test_status_change_needs_the_csrf_token(client, login, session, body, certificate):
    login(body[1])
    url = f"/review/certificates/{certificate.id}"
    response = client.post(f"{url}/status", data={"action": "suspend", "reason": "forged"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Certificate, certificate.id).status == "valid"
    token = csrf_token(client, url)
    assert token
    response = client.post(
        f"{url}/status", data={"action": "suspend", "reason": "真的", "csrf_token": token}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Certificate, certificate.id).status == "suspended"


# --- manufacturers --------------------------------------------------------------------------


@pytest.fixture
def holder(session, body):
    """A manufacturer with one certificate near expiry and one far from it."""
    maker = factories.make_manufacturer_user(session)
    near = issue_test_certificate(session, body=body[0], reviewer=body[1], maker=maker)
    far = issue_test_certificate(session, body=body[0], reviewer=body[1], maker=maker)
    set_dates(session, near, valid_until=TODAY + timedelta(days=30))
    set_dates(session, far, valid_until=TODAY + timedelta(days=91))
    return maker, near, far


def _renewal_button(html: str, certificate) -> bool:
    return f"/manufacturer/certificates/{certificate.id}/renewal" in html


def test_manufacturer_sees_own_certificates_and_renewal_only_within_90_days(
    client, login, session, body, holder
):
    maker, near, far = holder
    stranger = issue_test_certificate(session, body=body[0], reviewer=body[1])
    login(maker)
    html = page(client.get("/manufacturer/certificates"))
    assert near.number in html and far.number in html and stranger.number not in html
    assert _renewal_button(html, near) and not _renewal_button(html, far)
    assert f"/certificates/{near.number}.pdf" in html
    set_dates(session, far, valid_until=TODAY + timedelta(days=90))
    assert _renewal_button(page(client.get("/manufacturer/certificates")), far)


def test_renewal_opens_an_application_inside_the_window(client, login, session, holder):
    maker, near, _far = holder
    login(maker)
    response = client.post(f"/manufacturer/certificates/{near.id}/renewal")
    assert response.status_code == 302
    session.expire_all()
    application = session.exec(select(Application).where(Application.kind == "renewal")).one()
    assert response.headers["Location"].endswith(f"/applications/{application.id}")
    assert (application.certificate_id, application.product_id) == (near.id, near.product_id)
    assert application.body_id == near.body_id and application.state == "draft"


def test_renewal_outside_the_window_is_refused(client, login, session, holder):
    maker, _near, far = holder
    login(maker)
    response = client.post(f"/manufacturer/certificates/{far.id}/renewal", follow_redirects=True)
    assert "Renewal opens 90 days before expiry" in page(response)
    session.expire_all()
    assert not session.exec(select(Application).where(Application.kind == "renewal")).all()


def test_change_application_keeps_the_certificate(client, login, session, body, holder):
    maker, near, _far = holder
    login(maker)
    url = f"/manufacturer/certificates/{near.id}/change"
    form = page(client.get(url))
    assert f'<option selected value="{body[0].id}">' in form
    response = client.post(url, data={"body_id": body[0].id, "description": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in page(response)
    response = client.post(url, data={"body_id": body[0].id, "description": "新增二号生产线"})
    assert response.status_code == 302
    session.expire_all()
    application = session.exec(select(Application).where(Application.kind == "change")).one()
    assert response.headers["Location"].endswith(f"/applications/{application.id}")
    assert application.certificate_id == near.id
    assert application.change_description == "新增二号生产线"


def test_manufacturer_cannot_touch_another_holders_certificate(client, login, session, body):
    theirs = issue_test_certificate(session, body=body[0], reviewer=body[1])
    maker = factories.make_manufacturer_user(session)
    session.commit()
    login(maker)
    assert client.get(f"/manufacturer/certificates/{theirs.id}/change").status_code == 404
    assert client.post(f"/manufacturer/certificates/{theirs.id}/renewal").status_code == 404
    client.post("/logout")
    login(body[1])
    assert client.get("/manufacturer/certificates").status_code == 404


def test_holder_is_told_with_a_link_to_the_verification_page(client, login, session, body, holder):
    maker, near, _far = holder
    change_status(
        session=session,
        actor=body[1],
        certificate_id=near.id,
        action="suspend",
        reason="抽检不合格",
    )
    session.commit()
    login(maker)
    html = page(client.get("/notifications"))
    assert f'<a href="/verify/{near.number}">Certificate {near.number} is now suspended' in html
