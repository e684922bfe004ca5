"""The OpenAPI schemas of the eligibility API: an answer, a query, a malformed query, lists."""

from accounts.credit_code import CREDIT_CODE_PATTERN
from certification.models import CertificateStatus
from eligibility.queries import STAR_LEVELS
from eligibility.rules import Reason
from eligibility.services import MAX_ROWS
from greenbm.api import DATE, TEXT, api_schema, closed_object, string_enum

PARAMETERS = ("supplier", "category", "min_stars")
_USCC = {
    "type": "string",
    "pattern": CREDIT_CODE_PATTERN,
    "description": "Unified social credit code (统一社会信用代码), normalised.",
}
STARS = {"type": "integer", "minimum": min(STAR_LEVELS), "maximum": max(STAR_LEVELS)}
SUPPLIER_DESCRIPTION = (
    "The supplier's 18-character unified social credit code (统一社会信用代码); spaces and "
    "lower case are accepted."
)
CATEGORY_DESCRIPTION = "Category code, e.g. cement (its Chinese or English name is accepted too)."
STARS_DESCRIPTION = "Minimum star level: 1, 2 or 3; 1 when left out."


_REASON_CODES = (
    "unknown_supplier: no manufacturer has the credit code; no_certificate: none in the "
    "category; not_valid: none in the category is valid today (suspended, revoked or "
    "expired); stars_below: the valid ones have too few stars."
)
ANSWER = api_schema(
    "EligibilityAnswer",
    closed_object(
        {
            "supplier": {
                "oneOf": [
                    {"type": "null"},
                    closed_object({"uscc": _USCC, "name": TEXT, "name_en": TEXT}),
                ],
                "description": "The manufacturer with this code (name in Chinese and English, "
                "which may be empty); null when none is registered.",
            },
            "category": {**TEXT, "description": "Category code, e.g. cement."},
            "min_stars": STARS,
            "eligible": {
                "type": "boolean",
                "description": "Holds a certificate in the category valid today (one that ends "
                "today still is) with at least min_stars stars. Suspended, revoked and expired "
                "certificates never count.",
            },
            "reasons": {
                "type": "array",
                "description": "Why not eligible; empty when eligible.",
                "items": closed_object(
                    {
                        "code": string_enum((r.value for r in Reason), _REASON_CODES),
                        "message": {**TEXT, "description": "The reason in English words."},
                    }
                ),
            },
            "certificates": {
                "type": "array",
                "description": "The supplier's certificates in the category, in any status, "
                "those that qualify first.",
                "items": closed_object(
                    {
                        "number": {**TEXT, "examples": ["GZGBM-2026-CEM-000123"]},
                        "stars": STARS,
                        "status": string_enum(
                            (s.value for s in CertificateStatus),
                            "Status today: a certificate past its date is expired.",
                        ),
                        "valid_until": {**DATE, "description": "Last day of validity (inclusive)."},
                        "qualifies": {
                            "type": "boolean",
                            "description": "Valid today with at least min_stars stars.",
                        },
                        "product": closed_object(
                            {"id": {"type": "integer"}, "name": TEXT, "name_en": TEXT}
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
            "supplier": {"type": ["string", "null"], "description": SUPPLIER_DESCRIPTION},
            "category": {"type": ["string", "null"], "description": CATEGORY_DESCRIPTION},
            "min_stars": {
                "type": ["integer", "string", "null"],
                "default": 1,
                "description": STARS_DESCRIPTION,
            },
        },
    },
)
QUERY_ERROR = api_schema(
    "EligibilityQueryError",
    closed_object(
        {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": closed_object(
                    {
                        "parameter": {
                            "type": ["string", "null"],
                            "enum": [*PARAMETERS, None],
                            "description": "The bad member; null when the query is not an "
                            "object at all.",
                        },
                        "message": {**TEXT, "description": "What is wrong, in English."},
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
