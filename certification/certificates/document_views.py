"""Checking a certificate PDF anyone holds: the page at /verify/document and its API twin."""

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from certification import bp
from certification.certificates.api import CERTIFICATE, certificate_json
from certification.certificates.document_check import (
    MAX_DOCUMENT_BYTES,
    ChangedPart,
    DocumentCheck,
    Verdict,
    check_document,
)
from certification.certificates.files import signing_identity
from greenbm.api import (
    TEXT,
    api_post,
    api_schema,
    closed_object,
    nullable,
    problem,
    string_enum,
)
from greenbm.db import get_session
from greenbm.extensions import configured_limit, limiter
from greenbm.forms_util import Form

_limit = configured_limit("DOCUMENT_CHECK_RATE_LIMIT")
PDF_MEDIA_TYPES = ("application/pdf", "application/octet-stream")


class DocumentForm(Form):
    """The upload of one certificate PDF."""

    document = FileField(
        _l("Certificate PDF"),
        validators=[FileRequired(_l("Choose the certificate's PDF file."))],
        render_kw={"accept": ".pdf,application/pdf"},
    )


def _check(data: bytes) -> DocumentCheck:
    identity = signing_identity(current_app.config)
    return check_document(data, identity, session=get_session())


def _page(form: DocumentForm, result: DocumentCheck | None = None, status: int = 200):
    page = render_template(
        "certification/verify_document.html",
        form=form,
        result=result,
        Verdict=Verdict,
        ChangedPart=ChangedPart,
        max_mb=MAX_DOCUMENT_BYTES // (1024 * 1024),
    )
    return page, status


@bp.get("/verify/document")
def verify_document():
    """Show the form to check a certificate PDF."""
    return _page(DocumentForm())


@bp.post("/verify/document")
@limiter.limit(_limit, methods=["POST"])
def verify_document_check():
    """Check an uploaded certificate PDF and say what it is."""
    form = DocumentForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    data = form.document.data.read(MAX_DOCUMENT_BYTES + 1)
    if not data:
        form.document.errors = [_l("The file is empty: choose the certificate's PDF file.")]
        return _page(form, status=400)
    if len(data) > MAX_DOCUMENT_BYTES:
        form.document.errors = [
            _l(
                "The file is larger than %(mb)d MB: a certificate PDF is far smaller.",
                mb=MAX_DOCUMENT_BYTES // (1024 * 1024),
            )
        ]
        return _page(form, status=400)
    return _page(DocumentForm(formdata=None), _check(data))


DOCUMENT_CHECK = api_schema(
    "DocumentCheck",
    closed_object(
        {
            "verdict": string_enum(
                (v.value for v in Verdict),
                "genuine: signed by this register and unchanged since; changed: signed by "
                "this register, then changed; foreign: not signed by this register; "
                "not_certificate: not a PDF, unreadable, or no certificate of this register.",
            ),
            "changed_part": nullable(
                string_enum(
                    (p.value for p in ChangedPart),
                    "signed_content: bytes under the signature were altered; "
                    "added_after_signing: content was appended after the signature.",
                )
            ),
            "signed_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the register signed it (genuine documents only).",
            },
            "certificate": nullable(CERTIFICATE),
            "detail": {**TEXT, "description": "The verdict in a sentence, in English."},
        },
        "What an uploaded certificate PDF is; a genuine one with its certificate as it "
        "stands today (the status printed on the PDF may be older).",
    ),
)

_DETAILS = {
    Verdict.GENUINE: "Issued and signed by this register and unchanged since signing.",
    Verdict.CHANGED: "Signed by this register but changed after signing: do not rely on it.",
    Verdict.FOREIGN: "Not signed by this register: it is not a certificate of this register.",
    Verdict.NOT_CERTIFICATE: "Not a certificate PDF of this register.",
}


def document_check_json(result: DocumentCheck) -> dict:
    """Return the API form of a document check."""
    certificate = result.certificate
    return {
        "verdict": result.verdict.value,
        "changed_part": result.changed_part.value if result.changed_part else None,
        "signed_at": result.signed_at.isoformat() if result.signed_at else None,
        "certificate": certificate_json(certificate) if certificate is not None else None,
        "detail": _DETAILS[result.verdict],
    }


@api_post(
    "/certificates/verify-document",
    operation_id="verify_certificate_document",
    summary="Check a certificate PDF: signed by this register, unchanged, and its status today.",
    description=f"Send the PDF itself as the body (Content-Type application/pdf, or "
    f"application/octet-stream), at most "
    f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB. Nothing in the file is trusted before its "
    "signature is validated against the register's signing certificate.",
    request_body={"type": "string", "format": "binary"},
    request_media_types=PDF_MEDIA_TYPES,
    response=DOCUMENT_CHECK,
    tags=("certificates",),
    errors=(400, 413, 415, 429),
)
@limiter.limit(_limit)
def verify_document_api():
    """Check the PDF sent as the body."""
    if request.mimetype not in PDF_MEDIA_TYPES:
        return problem(415, "Send the PDF as the body with Content-Type application/pdf.")
    data = request.get_data(cache=False)
    if len(data) > MAX_DOCUMENT_BYTES:
        return problem(413, f"At most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.")
    if not data:
        return problem(400, "The body is empty: send the certificate PDF.")
    return jsonify(document_check_json(_check(data)))
