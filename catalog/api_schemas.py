"""Schemas and query parameters of the catalogue's JSON API, as the OpenAPI document shows them."""

from accounts.divisions import DIVISIONS
from catalog.models import GwpProvenance
from catalog.search import SORTS
from greenbm.api import api_schema

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
DEFAULT_PER_PAGE = 20
MAX_QUERY = 200
_TEXT = {"type": "string"}
_NUMBER = {"type": "number"}
_DIVISION = {"type": "string", "enum": list(DIVISIONS), "description": "GB/T 2260 code."}


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


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "name": {**_TEXT, "description": "Product name in Chinese."},
    "name_en": {**_TEXT, "description": "Product name in English (may be empty)."},
    "model": {**_TEXT, "description": "Model or specification (may be empty)."},
    "category": {**_TEXT, "description": "Category code, e.g. cement."},
    "manufacturer": _object(
        {
            "name": _TEXT,
            "uscc": {
                "type": "string",
                "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
                "description": "Unified social credit code (统一社会信用代码).",
            },
            "division": _DIVISION,
        }
    ),
    "gwp": _object(
        {
            "value": {**_NUMBER, "description": "GWP cradle to gate (A1–A3)."},
            "unit": {**_TEXT, "examples": ["kgCO2e/t", "kgCO2e/m^3"]},
        },
        "Embodied carbon per declared unit.",
    ),
    "certificate": _nullable(
        _object(
            {
                "number": _TEXT,
                "stars": {"type": ["integer", "null"], "minimum": 1, "maximum": 3},
                "status": {
                    "type": "string",
                    "enum": ["valid", "suspended", "revoked", "expired"],
                    "description": "Live status: a certificate past its date is expired.",
                },
                "valid_until": {"type": ["string", "null"], "format": "date"},
            }
        )
    ),
}
PRODUCT_SUMMARY = api_schema(
    "ProductSummary", _object(_SUMMARY_PROPERTIES, "A published product as search lists it.")
)
PRODUCT_PAGE = api_schema(
    "ProductPage",
    _object(
        {
            "items": {"type": "array", "items": PRODUCT_SUMMARY},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "facets": _object(
                {
                    "category": _COUNTS,
                    "stars": _COUNTS,
                    "division": _COUNTS,
                    "status": _COUNTS,
                },
                "Counts per value; each facet ignores its own filter.",
            ),
        },
        "One page of search results with facet counts.",
    ),
)
PRODUCT = api_schema(
    "Product",
    _object(
        {
            **_SUMMARY_PROPERTIES,
            "series": _TEXT,
            "description": _TEXT,
            "declared_unit": {**_TEXT, "examples": ["t", "m^3", "m^2"]},
            "variant": _nullable(_object({"code": _TEXT, "name": _TEXT, "name_en": _TEXT})),
            "gwp_provenance": {"type": "string", "enum": [p.value for p in GwpProvenance]},
            "epd": _nullable(
                _object(
                    {
                        "programme_operator": _TEXT,
                        "registration_number": _TEXT,
                        "issue_date": {"type": ["string", "null"], "format": "date"},
                        "valid_until": {"type": ["string", "null"], "format": "date"},
                    }
                )
            ),
            "plant": _object({"name": _TEXT, "division": _DIVISION}),
            "indicators": {
                "type": "array",
                "items": _object(
                    {
                        "code": {**_TEXT, "description": "Indicator code; gwp for the GWP."},
                        "value": {"type": ["number", "null"]},
                        "unit": _TEXT,
                        "level": {
                            "type": ["integer", "null"],
                            "minimum": 0,
                            "maximum": 3,
                            "description": "Level the value reaches under the active "
                            "criteria (0: below one star); null when not assessed.",
                        },
                    }
                ),
            },
            "carbon": _object(
                {
                    "compared_with": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Published products of the category with the same "
                        "declared unit (and variant), this one included.",
                    },
                    "percentile_rank": {**_NUMBER, "minimum": 0, "maximum": 100},
                    "p20": {**_NUMBER, "description": "20th percentile: achievable target."},
                    "p80": {**_NUMBER, "description": "80th percentile: conservative estimate."},
                    "reference": {
                        "type": ["number", "null"],
                        "description": "GB/T 51366-2019 reference factor, when one applies.",
                    },
                }
            ),
        },
        "A published product with its data, levels and carbon standing.",
    ),
)
CATEGORIES = api_schema(
    "Categories",
    _object(
        {
            "items": {
                "type": "array",
                "items": _object(
                    {
                        "code": _TEXT,
                        "name": _TEXT,
                        "name_en": _TEXT,
                        "declared_unit": _TEXT,
                        "units": {"type": "array", "items": _TEXT, "minItems": 1},
                        "procurement_class": {"type": "string", "enum": ["mandatory", "optional"]},
                        "gwp_reference": {"type": ["number", "null"]},
                        "gwp_reference_source": _TEXT,
                        "variant_attribute": {"type": ["string", "null"]},
                        "variants": {
                            "type": "array",
                            "items": _object(
                                {
                                    "code": _TEXT,
                                    "name": _TEXT,
                                    "name_en": _TEXT,
                                    "gwp_reference": {"type": ["number", "null"]},
                                }
                            ),
                        },
                        "published_products": {"type": "integer", "minimum": 0},
                    }
                ),
            }
        },
        "Every product category in display order.",
    ),
)

QUERY = {
    "q": {
        "description": "Words in Chinese or English, quoted phrases, model or certificate numbers.",
        "schema": {"type": "string", "maxLength": MAX_QUERY},
    },
    "category": {
        "description": "Category code; repeat for several.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
    "min_stars": {"schema": {"type": "integer", "minimum": 1, "maximum": 3}},
    "division": {
        "description": "Manufacturer's division; repeat for several.",
        "schema": {"type": "array", "items": _DIVISION},
        "style": "form",
        "explode": True,
    },
    "status": {
        "description": "valid: only products with a valid certificate; any: every product.",
        "schema": {"type": "string", "enum": ["valid", "any"], "default": "valid"},
    },
    "gwp_max": {"schema": {"type": "number", "minimum": 0}},
    "sort": {"schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
    "page": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    "per_page": {
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PER_PAGE,
            "default": DEFAULT_PER_PAGE,
        }
    },
}
