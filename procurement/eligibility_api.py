"""JSON API of supplier eligibility: one query by GET, up to 10,000 in one POST.

    GET  /api/v1/eligibility?supplier=<credit code>&category=<code>&min_stars=<1..3>
    POST /api/v1/eligibility   [{"supplier", "category", "min_stars"}, …]

GET answers an `EligibilityAnswer`; an invalid credit code, an unknown category or stars
outside 1–3 get a 400 `Error` whose message names each bad parameter ("supplier: …").
POST answers a list in the order of the queries: each item an `EligibilityAnswer`, or an
`EligibilityQueryError` (`{"errors": [{"parameter", "message"}]}`) for a malformed query,
which never stops the others; a body that is not a list, or of more than 10,000, gets a 400.
Messages are in English whatever language the client asks for.
"""

from flask import abort, current_app, jsonify, request
from flask_babel import force_locale

from certification.models import CertificateStatus
from greenbm.api import api_get, api_post, api_schema
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.extensions import limiter
from procurement.eligibility import (
    MAX_ROWS,
    STAR_LEVELS,
    Reason,
    check_eligibility,
    check_many,
    load_categories,
    parse_query,
)
from procurement.eligibility_answers import answer_json

PARAMETERS = ("supplier", "category", "min_stars")
_TEXT = {"type": "string"}
_USCC = {
    "type": "string",
    "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
    "description": "Unified social credit code (统一社会信用代码), normalised.",
}
_STARS = {"type": "integer", "minimum": min(STAR_LEVELS), "maximum": max(STAR_LEVELS)}
_SUPPLIER_DESCRIPTION = (
    "The supplier's 18-character unified social credit code (统一社会信用代码); spaces and "
    "lower case are accepted."
)
_CATEGORY_DESCRIPTION = "Category code, e.g. cement (its Chinese or English name is accepted too)."
_STARS_DESCRIPTION = "Minimum star level: 1, 2 or 3; 1 when left out."


def _object(properties: dict, description: str = "", *, required: list | None = None) -> dict:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


_REASON_CODES = (
    "unknown_supplier: no manufacturer has the credit code; no_certificate: none in the "
    "category; not_valid: none in the category is valid today (suspended, revoked or "
    "expired); stars_below: the valid ones have too few stars."
)
ANSWER = api_schema(
    "EligibilityAnswer",
    _object(
        {
            "supplier": {
                "oneOf": [
                    {"type": "null"},
                    _object({"uscc": _USCC, "name": _TEXT, "name_en": _TEXT}),
                ],
                "description": "The manufacturer with this code (name in Chinese and English, "
                "which may be empty); null when none is registered.",
            },
            "category": {**_TEXT, "description": "Category code, e.g. cement."},
            "min_stars": _STARS,
            "eligible": {
                "type": "boolean",
                "description": "Holds a certificate in the category valid today (one that ends "
                "today still is) with at least min_stars stars. Suspended, revoked and expired "
                "certificates never count.",
            },
            "reasons": {
                "type": "array",
                "description": "Why not eligible; empty when eligible.",
                "items": _object(
                    {
                        "code": {
                            "type": "string",
                            "enum": [r.value for r in Reason],
                            "description": _REASON_CODES,
                        },
                        "message": {**_TEXT, "description": "The reason in English words."},
                    }
                ),
            },
            "certificates": {
                "type": "array",
                "description": "The supplier's certificates in the category, in any status, "
                "those that qualify first.",
                "items": _object(
                    {
                        "number": {**_TEXT, "examples": ["GZGBM-2026-CEM-000123"]},
                        "stars": _STARS,
                        "status": {
                            "type": "string",
                            "enum": [s.value for s in CertificateStatus],
                            "description": "Status today: a certificate past its date is expired.",
                        },
                        "valid_until": {
                            "type": "string",
                            "format": "date",
                            "description": "Last day of validity (inclusive).",
                        },
                        "qualifies": {
                            "type": "boolean",
                            "description": "Valid today with at least min_stars stars.",
                        },
                        "product": _object(
                            {"id": {"type": "integer"}, "name": _TEXT, "name_en": _TEXT}
                        ),
                    }
                ),
            },
        },
        "Whether a supplier is eligible in a category, why not, and its certificates there.",
    ),
)
QUERY = api_schema(
    "EligibilityQuery",
    {
        "type": "object",
        "description": "One query of a POST; other members are ignored. The values are checked "
        "per query: a missing or invalid supplier, category or min_stars gets an "
        "EligibilityQueryError in that query's place, and the other queries are answered.",
        "properties": {
            "supplier": {"type": ["string", "null"], "description": _SUPPLIER_DESCRIPTION},
            "category": {"type": ["string", "null"], "description": _CATEGORY_DESCRIPTION},
            "min_stars": {
                "type": ["integer", "string", "null"],
                "default": 1,
                "description": _STARS_DESCRIPTION,
            },
        },
    },
)
QUERY_ERROR = api_schema(
    "EligibilityQueryError",
    _object(
        {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    {
                        "parameter": {
                            "type": ["string", "null"],
                            "enum": [*PARAMETERS, None],
                            "description": "The bad member; null when the query is not an "
                            "object at all.",
                        },
                        "message": {**_TEXT, "description": "What is wrong, in English."},
                    }
                ),
            }
        },
        "A malformed query of a POST: each problem, by member.",
    ),
)
QUERIES = api_schema(
    "EligibilityQueries",
    {"type": "array", "maxItems": MAX_ROWS, "items": QUERY},
)
ANSWERS = api_schema(
    "EligibilityAnswers",
    {
        "type": "array",
        "maxItems": MAX_ROWS,
        "description": "One item per query, in the same order.",
        "items": {"oneOf": [ANSWER, QUERY_ERROR]},
    },
)


def bulk_rate_limit() -> str:
    """Return the rate limit of bulk checks, by page or API (each one is up to 10,000 rows)."""
    return current_app.config.get("ELIGIBILITY_BULK_RATE_LIMIT", "60 per hour")


def _problems(error: Invalid) -> str:
    return " ".join(f"{name}: {' '.join(messages)}" for name, messages in error.errors.items())


@api_get(
    "/eligibility",
    operation_id="check_eligibility",
    summary="Whether a supplier holds a valid certificate in a category with enough stars.",
    description="A 400 names each bad parameter: an invalid credit code, an unknown category, "
    "stars outside 1–3.",
    response=ANSWER,
    tags=("eligibility",),
    query={
        "supplier": {
            "required": True,
            "schema": {**_TEXT, "minLength": 1},
            "description": _SUPPLIER_DESCRIPTION,
        },
        "category": {
            "required": True,
            "schema": {**_TEXT, "minLength": 1},
            "description": _CATEGORY_DESCRIPTION,
        },
        "min_stars": {"schema": {**_STARS, "default": 1}, "description": _STARS_DESCRIPTION},
    },
    errors=(400,),
)
def eligibility():
    """Answer one eligibility query."""
    session = get_session()
    with force_locale("en"):
        try:
            query = parse_query(
                supplier=request.args.get("supplier"),
                category=request.args.get("category"),
                min_stars=request.args.get("min_stars"),
                categories=load_categories(session=session),
            )
        except Invalid as exc:
            abort(400, description=_problems(exc))
        return jsonify(answer_json(check_eligibility(session=session, query=query)))


def _well_typed(item: object) -> bool:
    """Return whether the item has the JSON shape of a query (its values checked later)."""
    if not isinstance(item, dict):
        return False
    texts = all(isinstance(item.get(k), str | None) for k in ("supplier", "category"))
    stars = item.get("min_stars")
    valid_stars = stars is None or (isinstance(stars, int | str) and not isinstance(stars, bool))
    return texts and valid_stars


@api_post(
    "/eligibility",
    operation_id="check_eligibility_many",
    summary=f"Answer up to {MAX_ROWS:,} eligibility queries at once, in order.",
    description="The body is a list of queries; the answer lists one item per query in the "
    "same order: an EligibilityAnswer, or an EligibilityQueryError for a malformed query "
    "(which does not stop the others). A body that is not a list, or of more than "
    f"{MAX_ROWS:,} queries, gets a 400.",
    request_body=QUERIES,
    response=ANSWERS,
    tags=("eligibility",),
    errors=(400, 429),
)
@limiter.limit(bulk_rate_limit)
def eligibility_many():
    """Answer many eligibility queries, in order, with an error item for each malformed one."""
    body = request.get_json(silent=True)
    if not isinstance(body, list):
        abort(
            400,
            description='Send a JSON list of queries, each {"supplier": credit code, '
            '"category": code, "min_stars": 1, 2 or 3}.',
        )
    if len(body) > MAX_ROWS:
        abort(400, description=f"At most {MAX_ROWS:,} queries at once, not {len(body):,}.")
    malformed = [n for n, item in enumerate(body) if not _well_typed(item)]
    if malformed:
        # Not a list of queries at all (wrong JSON types): the request is refused as a whole,
        # unlike a query whose values are wrong, which gets its own error item below.
        abort(
            400,
            description=f"Item {malformed[0]} is not a query: each query is an object "
            '{"supplier": text, "category": text, "min_stars": 1, 2 or 3}.',
        )
    session = get_session()
    categories = load_categories(session=session)
    with force_locale("en"):
        items: list = []
        for item in body:
            try:
                items.append(
                    parse_query(
                        supplier=item.get("supplier"),
                        category=item.get("category"),
                        min_stars=item.get("min_stars"),
                        categories=categories,
                    )
                )
            except Invalid as exc:
                errors = [
                    {"parameter": name, "message": message}
                    for name, messages in exc.errors.items()
                    for message in messages
                ]
                items.append({"errors": errors})
        queries = [item for item in items if not isinstance(item, dict)]
        answers = iter(check_many(session=session, queries=queries))
        return jsonify(
            [item if isinstance(item, dict) else answer_json(next(answers)) for item in items]
        )
