"""The register for other systems: every certificate, paged by a cursor, filtered, in id order."""

import base64
import binascii
import json
from datetime import UTC, date, datetime

from flask import jsonify, request, url_for
from sqlmodel import select

from accounts.credit_code import CREDIT_CODE_PATTERN
from accounts.models import Organisation
from catalog import certificate_status as status_rule
from catalog.models import Category
from certification.certificates.api import CERTIFICATE, certificate_json
from certification.models import Certificate, CertificateStatus
from greenbm.api import TEXT, api_get, api_schema, closed_object, string_enum
from greenbm.api_params import bad_parameter, query_integer, query_one_of
from greenbm.db import get_session

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
STATUSES = tuple(s.value for s in CertificateStatus)
# An empty value means no filter, as a form left blank would.
_CREDIT_CODE_OR_EMPTY = {"type": "string", "pattern": f"^({CREDIT_CODE_PATTERN[1:-1]})?$"}

CERTIFICATE_PAGE = api_schema(
    "CertificatePage",
    closed_object(
        {
            "items": {"type": "array", "items": CERTIFICATE},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
            "as_of": {
                "type": "string",
                "format": "date-time",
                "description": "When this page was read (UTC). Start the next incremental "
                "sync with the first page's as_of as updated_since.",
            },
        },
        "One page of the register, in the order certificates were created.",
    ),
)

QUERY = {
    "cursor": {"schema": TEXT, "description": "From the previous page's next_cursor."},
    "per_page": {
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "description": f"Certificates per page (default {DEFAULT_PER_PAGE}).",
    },
    "status": {
        "schema": string_enum(STATUSES),
        "description": "Only certificates whose live status today is this.",
    },
    "category": {"schema": TEXT, "description": "Category code, e.g. cement."},
    "body": {
        "schema": _CREDIT_CODE_OR_EMPTY,
        "description": "The certification body's unified social credit code (empty: any).",
    },
    "supplier": {
        "schema": _CREDIT_CODE_OR_EMPTY,
        "description": "The holder's unified social credit code (empty: any).",
    },
    "updated_since": {
        "schema": {"type": "string", "format": "date-time"},
        "description": "Only certificates changed at or after this time (ISO 8601; UTC if "
        "no offset). A certificate lapses on its valid_until date without a change.",
    },
}


def encode_cursor(after_id: int) -> str:
    """Return the opaque cursor that continues after the certificate with this id."""
    # Unpadded, so that the cursor reads the same in a URL as in the JSON body.
    data = json.dumps({"after": after_id}).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Return the certificate id a cursor continues after; raise ValueError if it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (UnicodeError, binascii.Error, json.JSONDecodeError) as exc:
        raise ValueError("not a cursor") from exc
    after = data.get("after") if isinstance(data, dict) else None
    if type(after) is not int or not 0 <= after < 2**63:
        raise ValueError("not a cursor")
    return after


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        bad_parameter("updated_since", "an ISO 8601 time such as 2026-12-01T00:00:00Z.")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _credit_code(name: str) -> str | None:
    value = request.args.get(name, "").strip().upper()
    if value and not (len(value) == 18 and value.isascii() and value.isalnum()):
        bad_parameter(name, "an 18-character unified social credit code.")
    return value or None


def _filters(today: date) -> list:
    where = []
    if "status" in request.args:
        wanted = query_one_of("status", STATUSES, "valid")
        where.append(
            status_rule.live_status_is_sql(
                Certificate.status, Certificate.valid_until, wanted, today
            )
        )
    if category := request.args.get("category", "").strip():
        codes = select(Category.id).where(Category.code == category)
        where.append(Certificate.category_id.in_(codes))
    if body := _credit_code("body"):
        bodies = select(Organisation.id).where(Organisation.credit_code == body)
        where.append(Certificate.body_id.in_(bodies))
    if supplier := _credit_code("supplier"):
        holders = select(Organisation.id).where(Organisation.credit_code == supplier)
        where.append(Certificate.holder_id.in_(holders))
    if "updated_since" in request.args:
        where.append(Certificate.updated_at >= _since(request.args["updated_since"]))
    return where


@api_get(
    "/certificates",
    operation_id="list_certificates",
    summary="Every certificate of the register, paged by a cursor, for mirroring it.",
    description="Certificates in the order they were created (by id), so that a walk "
    "through every page sees each certificate once even while certificates change between "
    "pages; a change behind the cursor is picked up by the next sync with updated_since. "
    "The next page's address is also in the Link header (rel=next).",
    response=CERTIFICATE_PAGE,
    tags=("certificates",),
    query=QUERY,
    errors=(400,),
)
def certificates():
    """Return one page of the register after the cursor."""
    as_of = datetime.now(UTC)
    per_page = query_integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    after = 0
    if cursor := request.args.get("cursor"):
        try:
            after = decode_cursor(cursor)
        except ValueError:
            bad_parameter("cursor", "use the next_cursor of a previous page, unchanged.")
    query = (
        select(Certificate)
        .where(Certificate.id > after, *_filters(date.today()))
        .order_by(Certificate.id)
        .limit(per_page + 1)  # one more tells whether a next page exists
    )
    rows = list(get_session().exec(query).all())
    page, more = rows[:per_page], len(rows) > per_page
    next_cursor = encode_cursor(page[-1].id) if more else None
    response = jsonify(
        {
            "items": [certificate_json(c) for c in page],
            "next_cursor": next_cursor,
            "as_of": as_of.isoformat().replace("+00:00", "Z"),
        }
    )
    if next_cursor:
        args = {**request.args.to_dict(), "cursor": next_cursor}
        link = url_for("api.list_certificates", _external=True, **args)
        response.headers["Link"] = f'<{link}>; rel="next"'
    return response
