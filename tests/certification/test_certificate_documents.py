"""Certificate PDFs made once: stored with the evidence, recorded, served from the store."""

import hashlib
import re
import shutil
import stat
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from catalog.models import Product
from certification.certificates import pdf
from certification.certificates.document_cli import changed_since, follow_round
from certification.certificates.documents import document_folder
from certification.certificates.issue import issue_certificate
from certification.certificates.lifecycle import change_status, expire_certificates
from certification.certificates.queries import live_status
from certification.criteria.assessment import declared_values
from certification.criteria.rules import assess
from certification.criteria.store import active_criteria
from certification.models import (
    Application,
    ApplicationKind,
    CertificateDocument,
    CertificateEvent,
)
from tests.factories import issue_test_certificate, set_dates
from tests.statements import counting_statements

BASE = "https://greenbm.example.cn"
pytestmark = pytest.mark.config(PUBLIC_BASE_URL=BASE)
# The watermark each status prints (a valid certificate has none).
WATERMARK = {"suspended": "暂停", "revoked": "撤销", "expired": "已过期"}


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages))


@pytest.fixture
def renders(monkeypatch):
    """Count the renders of certificate PDFs (every call still renders for real)."""
    calls = []
    real = pdf.render_certificate_pdf

    def counting(*args, **kwargs):
        calls.append(args[0]["number"])
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_certificate_pdf", counting)
    return calls


def documents(app):
    return app.test_cli_runner().invoke(args=["certification", "documents"])


def recorded(session, certificate) -> CertificateDocument | None:
    session.expire_all()
    return session.exec(
        select(CertificateDocument).where(CertificateDocument.certificate_id == certificate.id)
    ).first()


def assert_current(app, session, certificate) -> bytes:
    """Check the recorded file exists, has its hash, and prints the live status; return it."""
    document = recorded(session, certificate)
    assert document is not None
    path = document_folder(app.config) / document.stored_name
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
    session.refresh(certificate)
    status = live_status(certificate)
    assert document.printed_status == status
    text = pdf_text(data)
    for other, word in WATERMARK.items():
        assert (word in text) == (other == status), (other, status)
    return data


def test_an_issued_certificate_gets_its_document_stored_with_the_evidence(
    app, session, certificate, renders
):
    assert recorded(session, certificate) is None
    result = documents(app)
    assert result.exit_code == 0, result.output
    assert "1 made, 0 up to date, 0 failed." in result.output
    assert_current(app, session, certificate)
    [stored] = (document_folder(app.config)).glob("*.pdf")
    assert stored.parent.parent == document_folder(app.config).parent  # EVIDENCE_DIR
    assert stat.S_IMODE(stored.stat().st_mode) == 0o644  # public, like the verification page
    assert "1 made" not in documents(app).output  # made once
    assert renders == [certificate.number]


def test_a_status_change_is_followed_by_a_new_document_and_the_old_file_goes(
    app, session, body, certificate
):
    documents(app)
    first = recorded(session, certificate).stored_name
    last_event = select(CertificateEvent.id).order_by(CertificateEvent.id.desc())
    watermark = session.exec(last_event).first()
    change_status(
        session=session, actor=body[1], certificate_id=certificate.id, action="suspend", reason="x"
    )
    session.commit()
    # The follower's round: the events since the last round name the certificate.
    ids, _last = changed_since(watermark, session=session)
    assert ids == [certificate.id]
    with app.app_context(), app.test_request_context():
        made, failed, last = follow_round(app.extensions["db_engine"], watermark)
    assert (made, failed) == (1, 0) and last > watermark
    assert_current(app, session, certificate)
    assert [p.name for p in document_folder(app.config).glob("*.pdf")] != [first]
    assert len(list(document_folder(app.config).glob("*.pdf"))) == 1


def reissue_by_change(session, certificate, reviewer) -> None:
    """Reissue the certificate through issue_certificate, for an approved change, and commit."""
    application = session.get(Application, certificate.application_id)
    application.kind = ApplicationKind.CHANGE
    application.certificate_id = certificate.id
    application.change_description = "新增二号生产线"
    product = session.get(Product, certificate.product_id)
    _row, criteria = active_criteria(product.category_id, session=session)
    assessment = assess(
        criteria,
        variant=None,
        values=declared_values(product, session=session),
        prerequisites={p.code: True for p in criteria.prerequisites},
    )
    issue_certificate(application, assessment, reviewer, session=session)
    session.commit()
    assert certificate.change_date == date.today()


def test_the_kept_document_prints_the_live_status_after_every_kind_of_change(
    app, client, session, body, certificate
):
    reviewer = body[1]

    def download() -> bytes:
        response = client.get(f"/certificates/{certificate.number}.pdf")
        assert response.status_code == 200
        return response.data

    for action in ("suspend", "reinstate", "revoke"):
        change_status(
            session=session,
            actor=reviewer,
            certificate_id=certificate.id,
            action=action,
            reason="r",
        )
        session.commit()
        assert download() == assert_current(app, session, certificate)
    reissue_by_change(session, certificate, reviewer)  # a change: the change date prints
    data = download()
    assert data == assert_current(app, session, certificate)
    assert "变更日期" in pdf_text(data)  # the row "date of change" prints only after a change
    # Expiry by date alone (no status written), then by the nightly job.
    set_dates(session, certificate, valid_until=date.today() - timedelta(days=1), status="valid")
    assert download() == assert_current(app, session, certificate)
    expire_certificates(session=session)
    session.commit()
    assert download() == assert_current(app, session, certificate)


def test_an_expired_by_date_certificate_downloads_with_its_expired_status(
    app, client, session, certificate, renders
):
    documents(app)
    set_dates(session, certificate, valid_until=date.today() - timedelta(days=1))
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200
    assert "已过期" in pdf_text(response.data)
    assert recorded(session, certificate).printed_status == "expired"
    assert len(renders) == 2  # the issue's document, then the expired one, once
    client.get(f"/certificates/{certificate.number}.pdf")
    assert len(renders) == 2


def test_a_download_sends_the_stored_file_with_one_select_and_no_render(
    app, client, session, certificate, renders
):
    documents(app)
    stored = recorded(session, certificate)
    with counting_statements(app) as statements:
        response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200
    assert response.data == (document_folder(app.config) / stored.stored_name).read_bytes()
    assert renders == [certificate.number]  # the command's only
    assert [s for s in statements if s.lstrip().upper().startswith("SELECT")] == statements[:1]
    assert len([s for s in statements if "SELECT" in s.upper()]) == 1
    assert response.headers["ETag"] == f'"{stored.sha256}"'
    assert response.headers["Cache-Control"] == "no-cache"
    assert f'filename="{certificate.number}.pdf"' in response.headers["Content-Disposition"]
    again = client.get(
        f"/certificates/{certificate.number}.pdf", headers={"If-None-Match": f'"{stored.sha256}"'}
    )
    assert again.status_code == 304 and not again.data


def test_a_download_with_no_document_or_a_lost_file_makes_it(
    app, client, session, certificate, renders
):
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200 and len(renders) == 1
    data = assert_current(app, session, certificate)
    assert response.data == data
    (document_folder(app.config) / recorded(session, certificate).stored_name).unlink()
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200 and len(renders) == 2
    assert_current(app, session, certificate)


def test_one_failed_document_does_not_stop_the_others(
    app, session, body, certificate, monkeypatch, renders
):
    second = issue_test_certificate(session, body=body[0], reviewer=body[1])
    real = pdf.render_certificate_pdf

    def failing(context, **kwargs):
        if context["number"] == certificate.number:
            raise ValueError("does not fit")
        return real(context, **kwargs)

    monkeypatch.setattr(pdf, "render_certificate_pdf", failing)
    result = documents(app)
    assert result.exit_code == 1
    assert "1 made, 0 up to date, 1 failed." in result.output
    assert recorded(session, certificate) is None
    assert_current(app, session, second)


@pytest.mark.config(PUBLIC_BASE_URL=None)
def test_the_command_needs_the_public_address(app, certificate):
    result = documents(app)
    assert result.exit_code == 1 and "PUBLIC_BASE_URL" in result.output


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "cannot be made at the moment"), ("zh-CN", "暂时无法生成")],
)
@pytest.mark.parametrize("stored_before", [False, True])
def test_a_download_whose_document_cannot_be_made_says_so_and_changes_nothing(
    app, client, session, certificate, language, words, stored_before
):
    """A broken store (here a file where the folder should be): a 503 in the reader's words."""
    folder = document_folder(app.config)
    if stored_before:  # the recorded file cannot be read either
        assert documents(app).exit_code == 0
        shutil.rmtree(folder)
    before = recorded(session, certificate)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    response = client.get(
        f"/certificates/{certificate.number}.pdf", headers={"Accept-Language": language}
    )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert words in page
    assert f'href="/verify/{certificate.number}"' in page  # the live status is still there
    after = recorded(session, certificate)
    assert (after and after.stored_name) == (before and before.stored_name)
