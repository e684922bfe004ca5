"""What a certificate prints, the reason its signature gives, and the key that signs it."""

import json
import re
from collections.abc import Mapping
from datetime import date

from certification.certificates.queries import live_status
from certification.certificates.signing import SigningIdentity, ensure_signing_identity
from certification.models import Certificate

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
