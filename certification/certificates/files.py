"""A certificate's printable context, and its signed PDF cached in the instance."""

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from certification.certificates import pdf
from certification.certificates.queries import live_status
from certification.certificates.signing import SigningIdentity, ensure_signing_identity, sign_pdf
from certification.models import Certificate
from greenbm.paths import TEMPLATES_DIR

PDF_DIR_NAME = "certificates"
KEY_LENGTH = 20  # hex digits of the cache key in a file name
SIGNATURE_REASON_PREFIX = "Green building-material certificate "


def certificate_context(certificate: Certificate, *, today: date | None = None) -> dict:
    """Return what the certificate prints: its snapshot plus number, stars, status and dates."""
    return {
        **json.loads(certificate.snapshot),
        "number": certificate.number,
        "stars": certificate.stars,
        "status": live_status(certificate, today),
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "change_date": certificate.change_date,
    }


def signature_reason(number: str) -> str:
    """Return the /Reason a certificate's signature carries: it names the certificate."""
    return f"{SIGNATURE_REASON_PREFIX}{number}"


def number_in_reason(reason: str) -> str | None:
    """Return the certificate number a signature's /Reason names, or None if it names none."""
    if not reason.startswith(SIGNATURE_REASON_PREFIX):
        return None
    number = reason.removeprefix(SIGNATURE_REASON_PREFIX).strip()
    return number if re.fullmatch(r"[A-Z0-9-]{1,40}", number) else None


def signing_identity(config: Mapping) -> SigningIdentity:
    """Return the configured signing key and certificate, else the pair kept in the instance."""
    return ensure_signing_identity(
        config["INSTANCE_DIR"],
        key_path=config.get("SIGNING_KEY_PATH") or None,
        cert_path=config.get("SIGNING_CERT_PATH") or None,
    )


def _cache_key(context: dict, verify_url: str, identity: SigningIdentity) -> str:
    """Hash everything that changes the file: what it prints, the URL, the template, the key."""
    template = (TEMPLATES_DIR / pdf.TEMPLATE_NAME).read_bytes()
    material = json.dumps(
        {
            "context": context,
            "verify_url": verify_url,
            "template": hashlib.sha256(template).hexdigest(),
            "signer": hashlib.sha256(identity.cert_path.read_bytes()).hexdigest(),
        },
        sort_keys=True,
        default=str,  # dates
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:KEY_LENGTH]


def _write_atomically(path: Path, data: bytes) -> None:
    # A temporary name of its own per writer: two requests may render the same file at once.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the PDF is public anyway
        os.replace(tmp, path)  # readers see the old file or the whole new one, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def certificate_pdf(
    certificate: Certificate,
    config: Mapping,
    *,
    static_dir: str,
    verify_url: str,
    today: date | None = None,
) -> bytes:
    """Return the certificate's signed PDF, rendering and signing it only when it changed.

    The file is cached under `<INSTANCE_DIR>/certificates/`, named by a hash of everything it
    shows (so a reissue, a status change or another verification URL renders anew); older
    files of the same certificate are removed.
    """
    context = certificate_context(certificate, today=today)
    identity = signing_identity(config)
    folder = Path(config["INSTANCE_DIR"]) / PDF_DIR_NAME
    stem = re.sub(r"[^A-Za-z0-9-]", "_", certificate.number)
    path = folder / f"{stem}-{_cache_key(context, verify_url, identity)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    rendered = pdf.render_certificate_pdf(context, static_dir=static_dir, verify_url=verify_url)
    signed = sign_pdf(rendered, identity, reason=signature_reason(certificate.number))
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, signed)
    own = re.compile(rf"{re.escape(stem)}-[0-9a-f]{{{KEY_LENGTH}}}\.pdf")
    for stale in folder.glob(f"{stem}-*.pdf"):
        if stale != path and own.fullmatch(stale.name):
            stale.unlink(missing_ok=True)
    return signed
