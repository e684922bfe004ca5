"""Check an API answer against the schema the OpenAPI document gives for it."""

from jsonschema import Draft202012Validator, FormatChecker


def validate(document: dict, path: str, status: int, body, method: str = "get") -> None:
    """Validate an answer against the document's schema for the path, method and status."""
    responses = document["paths"][path][method]["responses"]
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    root = {**schema, "components": document["components"]}
    Draft202012Validator(root, format_checker=FormatChecker()).validate(body)
