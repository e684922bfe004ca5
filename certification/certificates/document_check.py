"""Checking an uploaded certificate PDF: signed here, unchanged since, and its status today."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from certification.certificates.files import number_in_reason
from certification.certificates.queries import get_certificate, live_status
from certification.certificates.signing import (
    NO_SIGNATURE,
    SigningIdentity,
    verify_pdf_signature,
)
from certification.models import Certificate
from greenbm.errors import NotFound

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # a certificate is one A4 page of about 100 KB
# PDF 1.7 (ISO 32000-1, 7.5.2) lets readers find the header within the first 1,024 bytes.
HEADER_WINDOW = 1024


class Verdict(StrEnum):
    """What an uploaded document turned out to be."""

    GENUINE = "genuine"  # signed by this register, unchanged since signing
    CHANGED = "changed"  # signed by this register, then changed
    FOREIGN = "foreign"  # a PDF not signed by this register (unsigned or another key)
    NOT_CERTIFICATE = "not_certificate"  # not a PDF, unreadable, or no certificate of ours


class ChangedPart(StrEnum):
    """Which part of a document signed by this register was changed after signing."""

    SIGNED_CONTENT = "signed_content"  # bytes covered by the signature no longer match it
    ADDED_AFTER_SIGNING = "added_after_signing"  # content appended after the signature


@dataclass(frozen=True)
class DocumentCheck:
    """The answer about one uploaded document."""

    verdict: Verdict
    changed_part: ChangedPart | None = None
    certificate: Certificate | None = None
    status: str | None = None  # the certificate's live status today, for a genuine one
    signed_at: datetime | None = None
    signer: str = ""  # the common name in a foreign signature, if any


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:HEADER_WINDOW]


def check_document(data: bytes, identity: SigningIdentity, *, session: Session) -> DocumentCheck:
    """Return what the document is, trusting nothing in it before its signature is validated."""
    if not _is_pdf(data):
        return DocumentCheck(Verdict.NOT_CERTIFICATE)
    check = verify_pdf_signature(data, identity)
    if check.problem == NO_SIGNATURE:
        return DocumentCheck(Verdict.FOREIGN)
    if check.problem and not check.signer:  # a PDF too damaged to find a signer in
        return DocumentCheck(Verdict.NOT_CERTIFICATE)
    if not check.signer_is_ours:
        return DocumentCheck(Verdict.FOREIGN, signer=check.signer)
    if not check.intact or not check.valid:
        return DocumentCheck(Verdict.CHANGED, ChangedPart.SIGNED_CONTENT)
    if not check.covers_whole_file:
        return DocumentCheck(Verdict.CHANGED, ChangedPart.ADDED_AFTER_SIGNING)
    # Only now is the /Reason trusted: the valid signature covers it.
    number = number_in_reason(check.reason)
    if number is None:
        return DocumentCheck(Verdict.NOT_CERTIFICATE)
    try:
        certificate = get_certificate(number, session=session)
    except NotFound:
        return DocumentCheck(Verdict.NOT_CERTIFICATE)
    return DocumentCheck(
        Verdict.GENUINE,
        certificate=certificate,
        status=live_status(certificate),
        signed_at=check.signed_at,
    )
