"""Public certificate pages: verification by number and the signed PDF."""

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from certification import bp
from certification.certificates.confirmation import external_record
from certification.certificates.documents import (
    StoredDocument,
    current_file,
    find_document,
    make_document,
)
from certification.certificates.issue import printed
from certification.certificates.queries import certificate_events, get_certificate, live_status
from certification.models import CertificateSource
from greenbm.db import discard_changes, get_session
from greenbm.errors import NotFound
from greenbm.urls import public_url

# Seconds a reader is asked to wait when a certificate's PDF could not be made.
DOCUMENT_RETRY_AFTER = 300


@bp.get("/verify")
def verify_lookup():
    """Show the look-up form; a submitted number goes to its verification page."""
    if "number" in request.args:
        number = request.args["number"].strip()
        if number:
            return redirect(url_for(".verify_certificate", number=number.upper()))
        return render_template("certification/verify.html", empty=True, unknown=None), 400
    return render_template("certification/verify.html", empty=False, unknown=None)


@bp.get("/verify/<number>")
def verify_certificate(number: str):
    """Show anyone a certificate's live status, holder, product, dates and history."""
    db = get_session()
    try:
        certificate = get_certificate(number, session=db)
    except NotFound:
        page = render_template("certification/verify.html", empty=False, unknown=number[:80])
        return page, 404
    if certificate.number != number:  # lower case or spaces typed by hand
        return redirect(url_for(".verify_certificate", number=certificate.number))
    return render_template(
        "certification/verify_certificate.html",
        certificate=certificate,
        status=live_status(certificate),
        cert=printed(certificate),
        events=certificate_events(certificate.id, session=db),
        external=external_record(certificate, session=db),
    )


def _public_verify_url(number: str) -> str:
    """Return the verification page's address as printed: on the public site if configured."""
    return public_url("certification.verify_certificate", number=number)


def _send(data: bytes, stored: StoredDocument, number: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.set_etag(stored.sha256)
    response.headers["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    # The status printed on it can change any day: always ask again (the ETag makes it cheap).
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)  # a browser holding this very file gets a 304


@bp.get("/certificates/<number>.pdf")
def certificate_pdf_download(number: str):
    """Download the certificate's signed PDF: the stored file, made anew if it is not current."""
    db = get_session()
    try:
        certificate, document = find_document(number, session=db)
    except NotFound:
        abort(404)
    if certificate.source != CertificateSource.ISSUED:
        abort(404)  # another body's certificate: its PDF is that body's to issue
    config = current_app.config
    verify_url = _public_verify_url(certificate.number)
    stored = current_file(certificate, document, config, verify_url=verify_url)
    if stored is not None:
        try:
            # Read whole (a page of about 300 kB): no open file is left to the response.
            return _send(stored.path.read_bytes(), stored, certificate.number)
        except OSError:
            pass  # superseded, lost or unreadable since: make it again (or say it cannot be)
    # No current file: an older certificate, a render that failed, or a status that changed
    # by date (expiry) with no write. Made now, stored, and recorded with this request.
    try:
        stored = make_document(
            certificate,
            config,
            session=db,
            static_dir=current_app.static_folder,
            verify_url=verify_url,
        )
        data = stored.path.read_bytes()
    except SQLAlchemyError:
        raise  # the database's own handlers answer (503 when it is unreachable)
    except Exception:
        # The store, the signing key or the renderer failed: nothing is recorded, the reader
        # learns the PDF will come back and where the live status is meanwhile.
        current_app.logger.exception("certificate %s: PDF could not be made", certificate.number)
        discard_changes()
        return _not_made(certificate.number)
    return _send(data, stored, certificate.number)


def _not_made(number: str):
    message = _(
        "The PDF of certificate %(number)s cannot be made at the moment; the error has been "
        "logged. Try again in a few minutes. The certificate's live status is on its "
        "verification page.",
        number=number,
    )
    link = (
        url_for(".verify_certificate", number=number),
        _("Verify certificate %(number)s", number=number),
    )
    page = render_template("error.html", code=503, message=message, link=link)
    return page, 503, {"Retry-After": str(DOCUMENT_RETRY_AFTER)}
