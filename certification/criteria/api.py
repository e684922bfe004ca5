"""JSON API of criteria: a category's active criteria, variants in the category's order."""

from flask import abort, jsonify
from sqlmodel import select

from catalog.categories import category_variants
from catalog.models import Category
from certification.criteria.model import DEFAULT_VARIANT, DIRECTIONS, GROUPS, SOURCES, Criteria
from certification.criteria.store import active_criteria
from greenbm.api import TEXT, api_get, api_schema, closed_object, names, string_enum
from greenbm.db import get_session
from greenbm.errors import NotFound

_THRESHOLDS = {
    "type": "array",
    "description": "Thresholds for one, two and three stars.",
    "items": {"type": "number"},
    "minItems": 3,
    "maxItems": 3,
}

CRITERIA = api_schema(
    "Criteria",
    closed_object(
        {
            "category": TEXT,
            "version": TEXT,
            "title": TEXT,
            "title_en": TEXT,
            "variant_attribute": {
                "type": ["string", "null"],
                "description": "The product attribute the thresholds depend on, if any.",
            },
            "variants": {
                "type": "array",
                "items": TEXT,
                "description": f"Variant codes; [{DEFAULT_VARIANT!r}] when there are none.",
            },
            "prerequisites": {
                "type": "array",
                "items": closed_object(
                    {
                        "code": TEXT,
                        **names("Prerequisite"),
                        "check": string_enum(
                            ["data", "evidence", "reviewer"],
                            "Checked from the product's data, against evidence, "
                            "or judged by the reviewer.",
                        ),
                    }
                ),
            },
            "indicators": {
                "type": "array",
                "items": closed_object(
                    {
                        "code": TEXT,
                        "group": string_enum(GROUPS),
                        **names("Indicator"),
                        "unit": TEXT,
                        "direction": string_enum(DIRECTIONS),
                        "thresholds": {
                            "type": "object",
                            "minProperties": 1,
                            "additionalProperties": _THRESHOLDS,
                            "description": f"By variant code ({DEFAULT_VARIANT!r} when none).",
                        },
                        "source": string_enum(SOURCES),
                        "standard": {"type": ["string", "null"]},
                        "weight": {"type": "number", "exclusiveMinimum": 0},
                    }
                ),
            },
        },
        "The criteria a category's new certificates are assessed against.",
    ),
)


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
        _version, active = active_criteria(row.id, session=session)
    except NotFound:
        abort(404, description=f"The category {category!r} has no active criteria.")
    order = [v.code for v in category_variants(session=session, category_id=row.id)]
    return jsonify(criteria_json(active, order))
