"""The JSON-schema vocabulary every package's API documents its answers with."""

from collections.abc import Iterable

TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date"}


def closed_object(properties: dict, description: str = "") -> dict:
    """Return an object schema that requires every property and allows no other."""
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def nullable(schema: dict) -> dict:
    """Return a schema that allows null as well as what `schema` allows."""
    return {"anyOf": [schema, {"type": "null"}]}


def string_enum(values: Iterable[str], description: str = "") -> dict:
    """Return a string schema allowing only `values`, listed in their order."""
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def names(description: str) -> dict:
    """Return the `name` (Chinese) and `name_en` properties of a thing so described."""
    return {
        "name": {**TEXT, "description": f"{description}, in Chinese."},
        "name_en": {**TEXT, "description": f"{description}, in English (may be empty)."},
    }
