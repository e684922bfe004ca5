"""Check an API answer against the schema and media type the OpenAPI document gives for it."""

from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.test import TestResponse


def validate(document: dict, path: str, status: int, body, method: str = "get") -> None:
    """Validate an answer against the document's schema for the path, method and status.

    `body` is the test client's response (its status and media type are checked too) or its
    decoded JSON.
    """
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    if isinstance(body, TestResponse):
        assert body.status_code == status, body.get_data(as_text=True)[:300]
        assert list(content) == [body.mimetype], f"{body.mimetype} is not documented"
        body = body.get_json()
    (media,) = content.values()
    root = {**media["schema"], "components": document["components"]}
    Draft202012Validator(root, format_checker=FormatChecker()).validate(body)
