"""The push API: a certification body upserts its own certificates with one of its API keys.

    PUT /api/v1/external-certificates/{body_code}/{number}

`body_code` is the body's CNCA approval number; the key must belong to that body, so a body
can never change another body's records (403). The answer is the record as now stored.
"""

import json
from datetime import date

from flask import abort, jsonify, request
from flask_babel import force_locale
from sqlmodel import select

from accounts.api_auth import request_key
from accounts.models import Organisation
from catalog.certificate_status import CertificateStatus, live_status
from certification.certificates.confirmation import external_record
from certification.external.records import (
    body_with_code,
    category_finder,
    parse_record,
    upsert_external,
)
from certification.models import Certificate, CertificateSource
from greenbm.api import (
    API_KEY_SCHEME,
    DATE,
    TEXT,
    api_get,
    api_post,
    api_schema,
    closed_object,
    nullable,
    string_enum,
)
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.untrusted import NumberTooLong, TooDeep, load_untrusted

STATUSES = [s.value for s in CertificateStatus]
_TEXT = {**TEXT, "minLength": 1, "maxLength": 200}
_REQUIRED_BODY = {
    "holder_uscc": {**TEXT, "description": "Holder's unified social credit code."},
    "holder_name": _TEXT,
    "manufacturer_uscc": {**TEXT, "description": "Manufacturer's unified social credit code."},
    "manufacturer_name": _TEXT,
    "product_name": _TEXT,
    "model": _TEXT,
    "category": {**_TEXT, "description": "Category code or Chinese name, e.g. cement or 水泥."},
    "stars": {"type": "integer", "minimum": 1, "maximum": 3},
    "status": string_enum(STATUSES, "The status in the body's own record."),
    "issued_on": DATE,
    "valid_until": DATE,
}
_OPTIONAL_BODY = {
    "body_name": TEXT,
    "plant_address": {**TEXT, "maxLength": 300},
    "gwp": {"type": "number", "description": "GWP A1–A3, kg CO2e per declared unit."},
    "gwp_unit": {**TEXT, "description": "The declared unit the GWP is per, e.g. t."},
}
RECORD_IN = api_schema(
    "ExternalCertificateRecord",
    {
        "type": "object",
        "additionalProperties": False,
        "required": list(_REQUIRED_BODY),
        "properties": {**_REQUIRED_BODY, **_OPTIONAL_BODY},
    },
)
RECORD_OUT = api_schema(
    "ExternalCertificateStored",
    closed_object(
        {
            "number": TEXT,
            "body_code": TEXT,
            "status": string_enum(STATUSES, "Live status today."),
            "outcome": string_enum(("created", "updated", "unchanged")),
            "last_confirmed_at": {**TEXT, "format": "date-time"},
        }
    ),
)


RECORD_STATE = api_schema(
    "ExternalCertificateState",
    closed_object(
        {
            "number": TEXT,
            "body_code": TEXT,
            "status": string_enum(STATUSES, "Live status today."),
            "source": string_enum(("imported", "pushed")),
            "last_confirmed_at": {**TEXT, "format": "date-time"},
            "unconfirmed_since": nullable(
                {**DATE, "description": "Set once the record is not confirmed for too long."}
            ),
        }
    ),
)


@api_get(
    "/external-certificates/<body_code>/<number>",
    operation_id="get_external_certificate",
    summary="Another body's certificate as recorded here: live status and last confirmation.",
    response=RECORD_STATE,
    tags=("certificates",),
)
def get_external_certificate(body_code: str, number: str):
    """Return the stored state of a body's certificate record (public, like verification)."""
    session = get_session()
    body = body_with_code(body_code, session=session)
    certificate = session.exec(
        select(Certificate).where(Certificate.number == number.strip().upper())
    ).first()
    if (
        body is None
        or certificate is None
        or certificate.body_id != body.id
        or certificate.source == CertificateSource.ISSUED
    ):
        abort(404, description="No such certificate record of this body.")
    facts = external_record(certificate, session=session)
    return jsonify(
        {
            "number": certificate.number,
            "body_code": body.approval_number,
            "status": live_status(certificate.status, certificate.valid_until, date.today()),
            "source": certificate.source,
            "last_confirmed_at": certificate.last_confirmed_at.isoformat(),
            "unconfirmed_since": facts.unconfirmed_since.isoformat()
            if facts.unconfirmed_since
            else None,
        }
    )


def _record_body() -> dict:
    if not request.is_json:
        abort(400, description="Send the record as a JSON object (application/json).")
    try:
        body = load_untrusted(json.loads, request.get_data(cache=False))
    except (TooDeep, NumberTooLong, ValueError):
        abort(400, description="The body is not a JSON object that can be read.")
    if not isinstance(body, dict):
        abort(400, description="Send the record as a JSON object.")
    unknown = sorted(set(body) - set(_REQUIRED_BODY) - set(_OPTIONAL_BODY))
    if unknown:
        abort(400, description=f"Unknown fields: {', '.join(unknown)[:200]}.")
    return {
        k: "" if v is None else str(v) for k, v in body.items() if not isinstance(v, dict | list)
    }


@api_post(
    "/external-certificates/<body_code>/<number>",
    method="put",
    operation_id="put_external_certificate",
    summary="Create or update one of your body's certificates (idempotent).",
    description="Authenticated with an API key of the certification body whose CNCA approval "
    "number is body_code. Sending the same record again changes nothing but the time it was "
    "last confirmed; a new status (e.g. suspended) is recorded in the certificate's history.",
    request_body=RECORD_IN,
    response=RECORD_OUT,
    tags=("certificates",),
    errors=(400, 401, 403),
    security=[{API_KEY_SCHEME: []}],
)
def put_external_certificate(body_code: str, number: str):
    """Upsert the body's record of one certificate."""
    key = request_key(required=True)
    session = get_session()
    body = body_with_code(body_code, session=session)
    if body is None or body.id != key.organisation_id:
        abort(403, description="This API key may change only its own body's certificates.")
    values = {**_record_body(), "certificate_number": number, "body_code": body_code}
    values.setdefault("body_name", body.name_zh)
    with force_locale("en"):
        try:
            record = parse_record(values, category_finder(session=session))
            outcome = upsert_external(
                session=session,
                body=body,
                record=record,
                source=CertificateSource.PUSHED,
                reason=f"Pushed by {_name(body)} through the API (key {key.prefix}…)",
            )
        except Invalid as exc:
            detail = " ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
            abort(400, description=detail)
    certificate = session.exec(select(Certificate).where(Certificate.number == record.number)).one()
    return jsonify(
        {
            "number": certificate.number,
            "body_code": body_code,
            "status": live_status(certificate.status, certificate.valid_until, date.today()),
            "outcome": outcome,
            "last_confirmed_at": certificate.last_confirmed_at.isoformat(),
        }
    )


def _name(body: Organisation) -> str:
    return body.name_en or body.name_zh
