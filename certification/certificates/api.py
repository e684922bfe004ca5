"""JSON API of certificates: a certificate's live status, holder, product and dates."""

import json
from datetime import datetime

from flask import abort, jsonify

from accounts.credit_code import CREDIT_CODE_PATTERN
from certification.certificates.queries import get_certificate, live_status
from certification.models import Certificate, CertificateStatus
from greenbm.api import DATE, TEXT, api_get, api_schema, closed_object, names, string_enum
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.models_base import as_utc

CERTIFICATE = api_schema(
    "Certificate",
    closed_object(
        {
            "number": {**TEXT, "examples": ["GZGBM-2026-CEM-000123"]},
            "status": string_enum(
                (s.value for s in CertificateStatus),
                "Live status: a certificate past its date is expired.",
            ),
            "stars": {"type": "integer", "minimum": 1, "maximum": 3},
            "category": {**TEXT, "description": "Category code, e.g. cement."},
            "product": closed_object({"id": {"type": "integer"}, **names("Product name")}),
            "holder": closed_object(
                {
                    **names("Holder's name"),
                    "uscc": {
                        "type": "string",
                        "pattern": CREDIT_CODE_PATTERN,
                        "description": "Unified social credit code (统一社会信用代码).",
                    },
                }
            ),
            "body": closed_object(names("Certification body")),
            "issued_on": DATE,
            "valid_until": DATE,
            "change_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "Date of the last approved change, if any.",
            },
            "updated_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the certificate last changed in the register (UTC).",
            },
        },
        "A green building-material certificate as it stands today.",
    ),
)


def utc_timestamp(moment: datetime) -> str:
    """Return an ISO 8601 UTC time ending in Z."""
    return as_utc(moment).isoformat().replace("+00:00", "Z")


def certificate_json(certificate: Certificate) -> dict:
    """Return the API form of a certificate."""
    snapshot = json.loads(certificate.snapshot)
    return {
        "number": certificate.number,
        "status": live_status(certificate),
        "stars": certificate.stars,
        "category": snapshot["category_code"],
        "product": {
            "id": certificate.product_id,
            "name": snapshot["product_name_zh"],
            "name_en": snapshot["product_name_en"] or "",
        },
        "holder": {
            "name": snapshot["holder_name_zh"],
            "name_en": snapshot["holder_name_en"] or "",
            "uscc": snapshot["holder_credit_code"],
        },
        "body": {"name": snapshot["body_name_zh"], "name_en": snapshot["body_name_en"] or ""},
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "change_date": certificate.change_date.isoformat() if certificate.change_date else None,
        "updated_at": utc_timestamp(certificate.updated_at),
    }


@api_get(
    "/certificates/<except('verify-document'):number>",
    operation_id="get_certificate",
    summary="A certificate's live status, holder, product and dates.",
    response=CERTIFICATE,
    tags=("certificates",),
    parameters={
        "number": {"description": "Certificate number.", "example": "GZGBM-2026-CEM-000123"}
    },
)
def certificate(number: str):
    """Return a certificate by its number."""
    try:
        found = get_certificate(number, session=get_session())
    except NotFound:
        abort(404, description=f"No certificate has the number {number!r}.")
    return jsonify(certificate_json(found))
