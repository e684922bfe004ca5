"""JSON API of a category's GWP statistics per variant and declared unit."""

from flask import abort, jsonify, request

from catalog.categories import category_by_code
from catalog.category_statistics import (
    DECILES,
    CategoryStatistics,
    category_statistics,
    default_variant,
)
from greenbm.api import TEXT, api_get, api_schema, closed_object, nullable, string_enum
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound

_NUMBER_OR_NULL = {"type": ["number", "null"]}
STATISTICS = api_schema(
    "CategoryStatistics",
    closed_object(
        {
            "category": TEXT,
            "variant": {"type": ["string", "null"], "description": "Variant code, if any."},
            "unit": {**TEXT, "description": "Declared unit of the products counted."},
            "counted": string_enum(
                ["valid", "all"],
                "valid: published products with a valid certificate; all: every published one.",
            ),
            "count": {"type": "integer", "minimum": 0},
            "min": _NUMBER_OR_NULL,
            "max": _NUMBER_OR_NULL,
            "mean": _NUMBER_OR_NULL,
            "std": {**_NUMBER_OR_NULL, "description": "Sample standard deviation (n − 1)."},
            "percentiles": closed_object(
                {f"p{p}": _NUMBER_OR_NULL for p in DECILES},
                "Type-7 percentiles (linear between ranks); null when nothing is counted.",
            ),
            "target": {**_NUMBER_OR_NULL, "description": "20th percentile: achievable target."},
            "conservative": {
                **_NUMBER_OR_NULL,
                "description": "80th percentile: conservative estimate.",
            },
            "reference": {**_NUMBER_OR_NULL, "description": "GB/T 51366-2019 reference factor."},
            "reference_source": TEXT,
            "thresholds": nullable(
                closed_object(
                    {
                        "criteria_version": TEXT,
                        "direction": string_enum(["at_most", "at_least"]),
                        "stars": {
                            "type": "array",
                            "items": {"type": "number"},
                            "minItems": 3,
                            "maxItems": 3,
                            "description": "One-, two- and three-star GWP thresholds.",
                        },
                        "unit": TEXT,
                    },
                    "The GWP star thresholds of the criteria in force.",
                )
            ),
            "histogram": {
                "type": "array",
                "items": closed_object(
                    {
                        "low": {"type": "number"},
                        "high": {"type": "number"},
                        "count": {"type": "integer", "minimum": 0},
                    }
                ),
            },
        },
        "A category's GWP (A1–A3, kgCO2e per declared unit) statistics.",
    ),
)


def statistics_json(stats: CategoryStatistics) -> dict:
    """Return the API form of a category's statistics."""
    t = stats.thresholds
    return {
        "category": stats.category,
        "variant": stats.variant,
        "unit": stats.unit,
        "counted": "all" if stats.include_all else "valid",
        "count": stats.count,
        "min": stats.minimum,
        "max": stats.maximum,
        "mean": stats.mean,
        "std": stats.std,
        "percentiles": {f"p{p}": stats.percentiles.get(p) for p in DECILES},
        "target": stats.target,
        "conservative": stats.conservative,
        "reference": stats.reference,
        "reference_source": stats.reference_source,
        "thresholds": None
        if t is None
        else {
            "criteria_version": t.criteria_version,
            "direction": t.direction,
            "stars": list(t.thresholds),
            "unit": t.unit,
        },
        "histogram": [{"low": b.low, "high": b.high, "count": b.count} for b in stats.bins],
    }


@api_get(
    "/categories/<code>/statistics",
    operation_id="category_statistics",
    summary="A category's GWP percentiles, mean, spread, reference factor and star thresholds.",
    description="Per variant (where the category has them; default: its first) and declared "
    "unit (default: the category's). Counts published products with a valid certificate; "
    "include=all counts every published product.",
    response=STATISTICS,
    tags=("products",),
    parameters={"code": {"description": "Category code.", "example": "concrete"}},
    query={
        "variant": {"description": "Variant code, e.g. le_c30.", "schema": TEXT},
        "unit": {"description": "Declared unit, e.g. t or m^3.", "schema": TEXT},
        "include": {"schema": {**string_enum(["valid", "all"]), "default": "valid"}},
    },
    errors=(400, 404),
)
def category_statistics_view(code: str):
    """Return the statistics of a category's variant and unit."""
    session = get_session()
    try:
        category = category_by_code(code, session=session)
    except NotFound:
        abort(404, description=f"No category has the code {code!r}.")
    include = request.args.get("include", "valid")
    if include not in ("valid", "all"):
        abort(400, description="Parameter 'include': one of valid, all is expected.")
    variant = request.args.get("variant") or None
    if variant is None:
        variant = default_variant(category, session=session)
    unit = request.args.get("unit") or category.declared_unit
    try:
        stats = category_statistics(category, variant, unit, include == "all", session=session)
    except Invalid as exc:
        field, messages = next(iter(exc.errors.items()))
        abort(400, description=f"Parameter {field!r}: {' '.join(messages)}")
    return jsonify(statistics_json(stats))
