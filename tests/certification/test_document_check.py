"""/verify/document and its API: genuine, changed after signing, signed elsewhere, not a PDF."""

from io import BytesIO

import pytest

from certification.certificates.documents import make_document
from certification.certificates.files import signature_reason, signing_identity
from certification.certificates.lifecycle import change_status
from certification.certificates.signing import ensure_signing_identity, sign_pdf
from tests.conftest import csrf_token


@pytest.fixture
def genuine(app, session, certificate):
    """Return the certificate's signed PDF as the register serves it."""
    stored = make_document(
        certificate,
        app.config,
        session=session,
        static_dir=app.static_folder,
        verify_url=f"https://example.cn/verify/{certificate.number}",
    )
    session.commit()
    return stored.path.read_bytes()


def _one_byte_changed(data: bytes) -> bytes:
    # The binary comment on line 2 keeps the file readable: only the signature's hash sees it.
    tampered = bytearray(data)
    tampered[data.index(b"\n", 1) + 2] ^= 0x01
    return bytes(tampered)


def _unsigned(data: bytes) -> bytes:
    # Signing appends an incremental update: the file as rendered ends at the first %%EOF.
    end = data.index(b"%%EOF") + len(b"%%EOF")
    return data[:end] + b"\n"


def _resigned(data: bytes, number: str, tmp_path) -> bytes:
    """Return the certificate re-signed with another key, under the same /Reason."""
    other = ensure_signing_identity(str(tmp_path / "forger"))
    return sign_pdf(_unsigned(data), other, reason=signature_reason(number))


def _api(client, data: bytes, mimetype: str = "application/pdf"):
    return client.post(
        "/api/v1/certificates/verify-document", data=data, headers={"Content-Type": mimetype}
    )


def test_genuine_pdf_is_recognised_with_its_live_status(client, genuine, certificate):
    answer = _api(client, genuine).get_json()
    assert answer["verdict"] == "genuine"
    assert answer["certificate"]["number"] == certificate.number
    assert answer["certificate"]["status"] == "valid"
    assert answer["changed_part"] is None and answer["signed_at"]


def test_genuine_pdf_of_a_suspended_certificate_says_so(
    client, session, genuine, certificate, body
):
    change_status(
        session=session,
        actor=body[1],
        certificate_id=certificate.id,
        action="suspend",
        reason="Surveillance found a fault",
    )
    session.commit()
    answer = _api(client, genuine).get_json()
    assert answer["verdict"] == "genuine"
    assert answer["certificate"]["status"] == "suspended"


def test_one_changed_byte_is_a_change_of_the_signed_content(client, genuine):
    answer = _api(client, _one_byte_changed(genuine)).get_json()
    assert answer["verdict"] == "changed"
    assert answer["changed_part"] == "signed_content"
    assert answer["certificate"] is None


def test_content_added_after_signing_is_named(client, genuine):
    answer = _api(client, genuine + b"\n%added\n").get_json()
    assert answer["verdict"] == "changed"
    assert answer["changed_part"] == "added_after_signing"


def test_pdf_re_signed_with_another_key_is_not_ours(client, genuine, certificate, tmp_path):
    answer = _api(client, _resigned(genuine, certificate.number, tmp_path)).get_json()
    assert answer["verdict"] == "foreign"
    assert answer["certificate"] is None


def test_unsigned_pdf_is_not_ours(client, genuine):
    assert _api(client, _unsigned(genuine)).get_json()["verdict"] == "foreign"


@pytest.mark.parametrize(
    "data", [b"GIF89a not a pdf", b"%PDF-1.7\n garbage \x00\xff", b"\x00" * 2048 + b"%PDF-1.4"]
)
def test_what_is_not_a_pdf_is_not_a_certificate(client, data):
    answer = _api(client, data)
    assert answer.status_code == 200
    assert answer.get_json()["verdict"] == "not_certificate"


def test_api_refuses_other_media_types_and_empty_bodies(client, genuine):
    assert _api(client, genuine, "application/json").status_code == 415
    assert _api(client, b"").status_code == 400


@pytest.mark.config(DOCUMENT_CHECK_RATE_LIMIT="2 per minute")
def test_document_checks_are_rate_limited(client, genuine):
    assert [_api(client, genuine).status_code for _ in range(3)] == [200, 200, 429]


def _upload(client, data: bytes, name: str = "certificate.pdf"):
    token = csrf_token(client, "/verify/document")
    return client.post(
        "/verify/document",
        data={"csrf_token": token, "document": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.csrf
def test_page_checks_an_uploaded_pdf(client, genuine, certificate, tmp_path):
    html = _upload(client, genuine).get_data(as_text=True)
    assert 'data-verdict="genuine"' in html and certificate.number in html
    html = _upload(client, _one_byte_changed(genuine)).get_data(as_text=True)
    assert 'data-verdict="changed"' in html and "signed content was altered" in html
    html = _upload(client, _resigned(genuine, certificate.number, tmp_path)).get_data(as_text=True)
    assert 'data-verdict="foreign"' in html
    html = _upload(client, b"hello", "notes.txt").get_data(as_text=True)
    assert 'data-verdict="not_certificate"' in html


@pytest.mark.csrf
def test_page_without_a_file_or_token_changes_nothing(client):
    response = _upload(client, b"")
    assert response.status_code == 400
    assert "The file is empty" in response.get_data(as_text=True)
    refused = client.post("/verify/document", data={}, content_type="multipart/form-data")
    assert refused.status_code == 400


def test_signing_identity_is_the_one_checked(app, genuine):
    # The register's own identity validates its own file: the fixture is not a forgery.
    from certification.certificates.signing import verify_pdf_signature

    assert verify_pdf_signature(genuine, signing_identity(app.config)).ok


@pytest.mark.parametrize("case", ["genuine", "changed", "not a pdf"])
def test_answers_match_the_openapi_document(client, genuine, case):
    from tests.openapi_check import validate

    body = {"genuine": genuine, "changed": genuine + b"\n", "not a pdf": b"x"}[case]
    document = client.get("/api/v1/openapi.json").get_json()
    path = "/api/v1/certificates/verify-document"
    validate(document, path, 200, _api(client, body), method="post")
    validate(document, path, 415, _api(client, genuine, "text/plain"), method="post")
    validate(document, path, 400, _api(client, b""), method="post")
