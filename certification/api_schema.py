"""JSON-schema pieces the certification APIs share: names in two languages, closed objects."""

DATE = {"type": "string", "format": "date"}
TEXT = {"type": "string"}


def names(description: str) -> dict:
    """Return the `name` (Chinese) and `name_en` properties of a thing so described."""
    return {
        "name": {**TEXT, "description": f"{description}, in Chinese."},
        "name_en": {**TEXT, "description": f"{description}, in English (may be empty)."},
    }


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
