"""JSON API of certification: a certificate's live status and a category's active criteria."""

import json

from flask import abort, jsonify
from sqlmodel import select

from catalog.categories import category_variants
from catalog.models import Category
from certification.certificates import get_certificate, live_status
from certification.criteria import DEFAULT_VARIANT, DIRECTIONS, GROUPS, SOURCES, Criteria
from certification.criteria_store import active_criteria
from certification.models import Certificate, CertificateStatus
from greenbm.api import api_get, api_schema
from greenbm.db import get_session
from greenbm.errors import NotFound

_DATE = {"type": "string", "format": "date"}
_TEXT = {"type": "string"}


def _names(description: str) -> dict:
    return {
        "name": {**_TEXT, "description": f"{description}, in Chinese."},
        "name_en": {**_TEXT, "description": f"{description}, in English (may be empty)."},
    }


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


CERTIFICATE = api_schema(
    "Certificate",
    _object(
        {
            "number": {**_TEXT, "examples": ["GZGBM-2026-CEM-000123"]},
            "status": {
                "type": "string",
                "enum": [s.value for s in CertificateStatus],
                "description": "Live status: a certificate past its date is expired.",
            },
            "stars": {"type": "integer", "minimum": 1, "maximum": 3},
            "category": {**_TEXT, "description": "Category code, e.g. cement."},
            "product": _object({"id": {"type": "integer"}, **_names("Product name")}),
            "holder": _object(
                {
                    **_names("Holder's name"),
                    "uscc": {
                        "type": "string",
                        "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
                        "description": "Unified social credit code (统一社会信用代码).",
                    },
                }
            ),
            "body": _object(_names("Certification body")),
            "issued_on": _DATE,
            "valid_until": _DATE,
            "change_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "Date of the last approved change, if any.",
            },
        },
        "A green building-material certificate as it stands today.",
    ),
)

_THRESHOLDS = {
    "type": "array",
    "description": "Thresholds for one, two and three stars.",
    "items": {"type": "number"},
    "minItems": 3,
    "maxItems": 3,
}

CRITERIA = api_schema(
    "Criteria",
    _object(
        {
            "category": _TEXT,
            "version": _TEXT,
            "title": _TEXT,
            "title_en": _TEXT,
            "variant_attribute": {
                "type": ["string", "null"],
                "description": "The product attribute the thresholds depend on, if any.",
            },
            "variants": {
                "type": "array",
                "items": _TEXT,
                "description": f"Variant codes; [{DEFAULT_VARIANT!r}] when there are none.",
            },
            "prerequisites": {
                "type": "array",
                "items": _object(
                    {
                        "code": _TEXT,
                        **_names("Prerequisite"),
                        "check": {
                            "type": "string",
                            "enum": ["data", "evidence", "reviewer"],
                            "description": "Checked from the product's data, "
                            "against evidence, or judged by the reviewer.",
                        },
                    }
                ),
            },
            "indicators": {
                "type": "array",
                "items": _object(
                    {
                        "code": _TEXT,
                        "group": {"type": "string", "enum": list(GROUPS)},
                        **_names("Indicator"),
                        "unit": _TEXT,
                        "direction": {"type": "string", "enum": list(DIRECTIONS)},
                        "thresholds": {
                            "type": "object",
                            "minProperties": 1,
                            "additionalProperties": _THRESHOLDS,
                            "description": f"By variant code ({DEFAULT_VARIANT!r} when none).",
                        },
                        "source": {"type": "string", "enum": list(SOURCES)},
                        "standard": {"type": ["string", "null"]},
                        "weight": {"type": "number", "exclusiveMinimum": 0},
                    }
                ),
            },
        },
        "The criteria a category's new certificates are assessed against.",
    ),
)


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
    }


def criteria_json(criteria: Criteria, variant_order: list[str] = ()) -> dict:
    """Return the API form of a criteria version, variants in the category's display order."""
    position = {code: i for i, code in enumerate(variant_order)}
    variants = sorted(criteria.variants, key=lambda code: (position.get(code, len(position)), code))
    return {
        "category": criteria.category,
        "version": criteria.version,
        "title": criteria.title_zh,
        "title_en": criteria.title_en,
        "variant_attribute": criteria.variant_attribute,
        "variants": variants or [DEFAULT_VARIANT],
        "prerequisites": [
            {"code": p.code, "name": p.name_zh, "name_en": p.name_en, "check": p.check}
            for p in criteria.prerequisites
        ],
        "indicators": [
            {
                "code": i.code,
                "group": i.group,
                "name": i.name_zh,
                "name_en": i.name_en,
                "unit": i.unit,
                "direction": i.direction,
                "thresholds": {variant: list(t) for variant, t in i.thresholds.items()},
                "source": i.source,
                "standard": i.standard,
                "weight": i.weight,
            }
            for i in criteria.indicators
        ],
    }


@api_get(
    "/certificates/<number>",
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
        found = get_certificate(get_session(), number)
    except NotFound:
        abort(404, description=f"No certificate has the number {number!r}.")
    return jsonify(certificate_json(found))


@api_get(
    "/criteria/<category>",
    operation_id="get_criteria",
    summary="A category's active certification criteria.",
    response=CRITERIA,
    tags=("criteria",),
    parameters={"category": {"description": "Category code.", "example": "ceramic-tile"}},
)
def criteria(category: str):
    """Return the active criteria of a category."""
    session = get_session()
    row = session.exec(select(Category).where(Category.code == category)).first()
    if row is None:
        abort(404, description=f"No category has the code {category!r}.")
    try:
        _version, active = active_criteria(session, row.id)
    except NotFound:
        abort(404, description=f"The category {category!r} has no active criteria.")
    order = [v.code for v in category_variants(session=session, category_id=row.id)]
    return jsonify(criteria_json(active, order))
