"""Schemas and query parameters of the catalogue's JSON API, as the OpenAPI document shows them."""

from accounts.credit_code import CREDIT_CODE_PATTERN
from accounts.divisions import DIVISIONS
from catalog.models import GwpProvenance
from catalog.search import SORTS
from greenbm.api import TEXT, api_schema, closed_object, nullable, string_enum

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
DEFAULT_PER_PAGE = 20
MAX_QUERY = 200
_NUMBER = {"type": "number"}
# The empty value is listed: the API reads `?division=` as no filter, as a form left blank.
_DIVISION = string_enum([*DIVISIONS, ""], "GB/T 2260 code; empty: no filter.")
# A manufacturer or plant recorded from another province's certificate has that region's code.
_REGION = {
    "type": "string",
    "pattern": "^[0-9]{6}$",
    "description": "GB/T 2260 code: one of Guizhou's divisions, or another province's region "
    "for a manufacturer recorded from another body's certificate.",
}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "name": {**TEXT, "description": "Product name in Chinese."},
    "name_en": {**TEXT, "description": "Product name in English (may be empty)."},
    "model": {**TEXT, "description": "Model or specification (may be empty)."},
    "category": {**TEXT, "description": "Category code, e.g. cement."},
    "manufacturer": closed_object(
        {
            "name": TEXT,
            "uscc": {
                "type": "string",
                "pattern": CREDIT_CODE_PATTERN,
                "description": "Unified social credit code (统一社会信用代码).",
            },
            "division": _REGION,
        }
    ),
    "gwp": closed_object(
        {
            "value": {**_NUMBER, "description": "GWP cradle to gate (A1–A3)."},
            "unit": {**TEXT, "examples": ["kgCO2e/t", "kgCO2e/m^3"]},
        },
        "Embodied carbon per declared unit.",
    ),
    "certificate": nullable(
        closed_object(
            {
                "number": TEXT,
                "stars": {"type": ["integer", "null"], "minimum": 1, "maximum": 3},
                "status": string_enum(
                    ["valid", "suspended", "revoked", "expired"],
                    "Live status: a certificate past its date is expired.",
                ),
                "valid_until": {"type": ["string", "null"], "format": "date"},
            }
        )
    ),
}
PRODUCT_SUMMARY = api_schema(
    "ProductSummary", closed_object(_SUMMARY_PROPERTIES, "A published product as search lists it.")
)
PRODUCT_PAGE = api_schema(
    "ProductPage",
    closed_object(
        {
            "items": {"type": "array", "items": PRODUCT_SUMMARY},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "facets": closed_object(
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
    closed_object(
        {
            **_SUMMARY_PROPERTIES,
            "series": TEXT,
            "description": TEXT,
            "declared_unit": {**TEXT, "examples": ["t", "m^3", "m^2"]},
            "variant": nullable(closed_object({"code": TEXT, "name": TEXT, "name_en": TEXT})),
            "gwp_provenance": string_enum(p.value for p in GwpProvenance),
            "epd": nullable(
                closed_object(
                    {
                        "programme_operator": TEXT,
                        "registration_number": TEXT,
                        "issue_date": {"type": ["string", "null"], "format": "date"},
                        "valid_until": {"type": ["string", "null"], "format": "date"},
                    }
                )
            ),
            "plant": closed_object({"name": TEXT, "division": _REGION}),
            "indicators": {
                "type": "array",
                "items": closed_object(
                    {
                        "code": {**TEXT, "description": "Indicator code; gwp for the GWP."},
                        "value": {"type": ["number", "null"]},
                        "unit": TEXT,
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
            "carbon": closed_object(
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
    closed_object(
        {
            "items": {
                "type": "array",
                "items": closed_object(
                    {
                        "code": TEXT,
                        "name": TEXT,
                        "name_en": TEXT,
                        "declared_unit": TEXT,
                        "units": {"type": "array", "items": TEXT, "minItems": 1},
                        "procurement_class": string_enum(["mandatory", "optional"]),
                        "gwp_reference": {"type": ["number", "null"]},
                        "gwp_reference_source": TEXT,
                        "variant_attribute": {"type": ["string", "null"]},
                        "variants": {
                            "type": "array",
                            "items": closed_object(
                                {
                                    "code": TEXT,
                                    "name": TEXT,
                                    "name_en": TEXT,
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

# GWP is per declared unit (t, m², m³): values in different units are never ranked together.
GWP_SORT_NEEDS_ONE_UNIT = (
    "sort=gwp needs exactly one category whose products share one declared unit "
    "(for example category=cement); values per t, m² and m³ cannot be ranked together."
)

QUERY = {
    "q": {
        "description": "Words in Chinese or English, quoted phrases, model or certificate numbers.",
        "schema": {**TEXT, "maxLength": MAX_QUERY},
    },
    "category": {
        "description": "Category code; repeat for several.",
        "schema": {"type": "array", "items": TEXT},
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
        "schema": {**string_enum(["valid", "any"]), "default": "valid"},
    },
    "gwp_min": {
        "description": "Lowest GWP A1–A3 (kgCO2e per declared unit), inclusive.",
        "schema": {"type": "number", "minimum": 0},
    },
    "gwp_max": {
        "description": "Highest GWP A1–A3 (kgCO2e per declared unit), inclusive.",
        "schema": {"type": "number", "minimum": 0},
    },
    "sort": {
        "description": "gwp: lowest GWP first; " + GWP_SORT_NEEDS_ONE_UNIT,
        "schema": {**string_enum(SORTS), "default": "relevance"},
    },
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
