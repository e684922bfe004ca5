"""Certificate documents: each certificate's signed PDF, made once, stored, recorded, served.

A document is rendered and signed when its certificate is issued or changes (the worker
`flask certification documents --follow`, after the change has committed) or, failing that, by
the first download that finds no current file. Downloads then send the stored file.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from certification.certificates import pdf
from certification.certificates.files import (
    certificate_context,
    signature_reason,
    signing_identity,
)
from certification.certificates.signing import CERT_FILE, IDENTITY_DIR, sign_pdf
from certification.models import Certificate, CertificateDocument, CertificateSource
from greenbm.document_store import content_key, file_version, write_durably
from greenbm.errors import NotFound
from greenbm.models_base import utcnow
from greenbm.paths import TEMPLATES_DIR

# Inside EVIDENCE_DIR: the stored files a backup copies and a restore puts back.
DOCUMENT_FOLDER = "certificates"
KEY_LENGTH = 20  # hex digits of the printed key in a file name


@dataclass(frozen=True)
class StoredDocument:
    """A certificate's stored PDF: where it is, its sha256 (the ETag) and its size."""

    path: Path
    sha256: str
    size: int


def document_folder(config: Mapping) -> Path:
    """Return the folder holding the certificate documents."""
    return Path(config["EVIDENCE_DIR"]) / DOCUMENT_FOLDER


def _signer_cert_path(config: Mapping) -> Path:
    configured = config.get("SIGNING_CERT_PATH")
    return Path(configured or Path(config["INSTANCE_DIR"]) / IDENTITY_DIR / CERT_FILE)


def printed_key(context: dict, verify_url: str, config: Mapping) -> str:
    """Hash everything the file shows: what it prints, the URL, the template, the signer."""
    return content_key(
        {
            "context": context,
            "verify_url": verify_url,
            "template": file_version(TEMPLATES_DIR / pdf.TEMPLATE_NAME),
            "signer": file_version(_signer_cert_path(config)),
        }
    )


def find_document(
    number: str, *, session: Session
) -> tuple[Certificate, CertificateDocument | None]:
    """Return the certificate with this number and its recorded document (one SELECT)."""
    row = session.exec(
        select(Certificate, CertificateDocument)
        .outerjoin(CertificateDocument, CertificateDocument.certificate_id == Certificate.id)
        .where(Certificate.number == (number or "").strip().upper())
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def current_file(
    certificate: Certificate,
    document: CertificateDocument | None,
    config: Mapping,
    *,
    verify_url: str,
    today: date | None = None,
) -> StoredDocument | None:
    """Return the stored file if it prints what the certificate says today, else None."""
    if document is None:
        return None
    context = certificate_context(certificate, today=today)
    if document.printed_key != printed_key(context, verify_url, config):
        return None  # a status, a reissue, the day (expiry), the template or the key changed
    return StoredDocument(
        document_folder(config) / document.stored_name, document.sha256, document.size
    )


def _remove_after_commit(path: Path, *, session: Session) -> None:
    """Remove a superseded file once the row naming its successor has committed."""
    settled = []

    def committed(_session) -> None:
        if not settled:
            settled.append(True)
            path.unlink(missing_ok=True)

    def rolled_back(_session) -> None:
        settled.append(True)  # the old row stands: its file stays

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_soft_rollback", rolled_back, once=True)


def _record(values: dict, *, session: Session) -> str | None:
    """Insert or replace the certificate's document row; return the file it named before."""
    certificate_id = values["certificate_id"]
    previous = session.exec(
        select(CertificateDocument.stored_name).where(
            CertificateDocument.certificate_id == certificate_id
        )
    ).first()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # An upsert: two first downloads of one certificate at once both succeed.
    statement = dialect.insert(CertificateDocument).values(**values)
    changed = {key: value for key, value in values.items() if key != "certificate_id"}
    session.exec(statement.on_conflict_do_update(index_elements=["certificate_id"], set_=changed))
    # A row this session had loaded is now out of date.
    for item in list(session.identity_map.values()):
        if isinstance(item, CertificateDocument) and item.certificate_id == certificate_id:
            session.expire(item)
    return previous


def make_document(
    certificate: Certificate,
    config: Mapping,
    *,
    session: Session,
    static_dir: str,
    verify_url: str,
    today: date | None = None,
) -> StoredDocument:
    """Render and sign the certificate's PDF as it stands today, store it and record it."""
    if certificate.source != CertificateSource.ISSUED:
        raise ValueError(f"{certificate.number} was issued by another body: it has no PDF here.")
    identity = signing_identity(config)  # before the key: it may create the signer
    context = certificate_context(certificate, today=today)
    key = printed_key(context, verify_url, config)
    rendered = pdf.render_certificate_pdf(context, static_dir=static_dir, verify_url=verify_url)
    signed = sign_pdf(rendered, identity, reason=signature_reason(certificate.number))
    folder = document_folder(config)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9-]", "_", certificate.number)
    path = folder / f"{stem}-{key[:KEY_LENGTH]}.pdf"
    write_durably(path, signed, mode=0o644)  # a public document, like the verification page
    digest = hashlib.sha256(signed).hexdigest()
    values = {
        "certificate_id": certificate.id,
        "stored_name": path.name,
        "sha256": digest,
        "size": len(signed),
        "printed_key": key,
        "printed_status": context["status"],
        "rendered_at": utcnow(),
    }
    previous = _record(values, session=session)
    if previous and previous != path.name:
        _remove_after_commit(folder / previous, session=session)
    return StoredDocument(path, digest, len(signed))
