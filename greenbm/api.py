"""The JSON API under /api/v1: one blueprint that each domain package adds its routes to.

Every route is added through `api_get`, which documents it at the same time, so the OpenAPI
document at /api/v1/openapi.json lists exactly the endpoints that exist; response schemas are
registered with `api_schema` and the tests validate real responses against them.
"""

import copy
import re
from collections.abc import Callable, Iterable

from flask import Blueprint, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from greenbm.extensions import retry_after

API_PREFIX = "/api/v1"
OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

api_bp = Blueprint("api", __name__, url_prefix=API_PREFIX)

_schemas: dict[str, dict] = {}
_paths: dict[str, dict[str, dict]] = {}
_RULE_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_PARAMETER_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}}


def schema_ref(name: str) -> dict:
    """Return a JSON reference to a registered component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def api_schema(name: str, schema: dict) -> dict:
    """Register a component schema under a name and return a reference to it."""
    if name in _schemas and _schemas[name] != schema:
        raise ValueError(f"API schema {name!r} is already registered differently")
    _schemas[name] = schema
    return schema_ref(name)


# --- the schema vocabulary every package's API documents its JSON with -----------------------

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


ERROR = api_schema(
    "Error",
    closed_object(
        {
            "error": {**TEXT, "description": "The HTTP status name."},
            "message": {**TEXT, "description": "What went wrong, in English."},
        },
        "Every error answer of the API.",
    ),
)

_ERROR_DESCRIPTIONS = {
    400: "Bad request.",
    404: "Not found.",
    429: "Too many requests: retry after the Retry-After seconds.",
    503: "The database is unavailable at the moment: retry after the Retry-After seconds.",
}


def _openapi_path(rule: str, details: dict[str, dict]) -> tuple[str, list[dict]]:
    parameters = []
    for match in _RULE_PARAMETER.finditer(rule):
        name = match["name"]
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": _PARAMETER_TYPES.get(match["converter"] or "", {"type": "string"}),
                **details.get(name, {}),
            }
        )
    path = _RULE_PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule)
    return API_PREFIX + path, parameters


def api_get(
    rule: str,
    *,
    operation_id: str,
    summary: str,
    response: dict,
    description: str = "",
    tags: tuple[str, ...] = (),
    parameters: dict[str, dict] | None = None,
    query: dict[str, dict] | None = None,
    errors: tuple[int, ...] = (404,),
) -> Callable:
    """Add a GET route to the API blueprint and describe it in the OpenAPI document.

    `response` is the JSON schema (usually a `schema_ref`) of the 200 answer; `parameters`
    adds to each path parameter's object by name (description, example); `query` describes
    the optional query parameters by name (schema, description); `errors` lists the
    statuses answered with `Error`.
    """
    path, path_parameters = _openapi_path(rule, parameters or {})
    path_parameters += [
        {"name": name, "in": "query", "required": False, **details}
        for name, details in (query or {}).items()
    ]
    operation = _operation(operation_id, summary, response, description, tags, errors)
    if path_parameters:
        operation["parameters"] = path_parameters
    return _route("get", rule, path, operation)


def api_post(
    rule: str,
    *,
    operation_id: str,
    summary: str,
    request_body: dict,
    response: dict,
    description: str = "",
    tags: tuple[str, ...] = (),
    errors: tuple[int, ...] = (400,),
) -> Callable:
    """Add a POST route taking a JSON body to the API blueprint and describe it likewise.

    `request_body` is the JSON schema of the body; the other arguments are as for `api_get`.
    """
    path, path_parameters = _openapi_path(rule, {})
    operation = _operation(operation_id, summary, response, description, tags, errors)
    operation["requestBody"] = {"required": True, **_json_content(request_body)}
    if path_parameters:
        operation["parameters"] = path_parameters
    return _route("post", rule, path, operation)


def _operation(
    operation_id: str,
    summary: str,
    response: dict,
    description: str,
    tags: tuple[str, ...],
    errors: tuple[int, ...],
) -> dict:
    """Return the OpenAPI operation object shared by every method."""
    responses = {"200": {"description": "OK", **_json_content(response)}}
    # Any operation can meet a database outage (see the app's 503 handler).
    for code in (*errors, 503):
        responses[str(code)] = {
            "description": _ERROR_DESCRIPTIONS.get(code, "Error."),
            **_json_content(ERROR),
        }
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": list(tags),
        "responses": responses,
    }
    if description:
        operation["description"] = description
    return operation


def _route(method: str, rule: str, path: str, operation: dict) -> Callable:
    """Return a decorator that adds the view to the blueprint and the operation to the document."""

    def decorator(view: Callable) -> Callable:
        _paths.setdefault(path, {})[method] = operation
        return api_bp.route(rule, methods=[method.upper()], endpoint=operation["operationId"])(view)

    return decorator


def _json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document of every registered endpoint and schema."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Guizhou green building materials API",
            "version": API_VERSION,
            "description": (
                "Read-only access to certificates, certification criteria, the catalogue "
                "and supplier eligibility. The one POST (eligibility) asks many questions "
                "at once and changes nothing. Errors are JSON Error objects with an English "
                "message."
            ),
        },
        "paths": copy.deepcopy(dict(sorted(_paths.items()))),
        "components": {"schemas": copy.deepcopy(dict(sorted(_schemas.items())))},
    }


@api_bp.errorhandler(HTTPException)
def _json_error(exc: HTTPException):
    """Answer API errors in JSON, never with an HTML page."""
    message = exc.description
    # Keep the error's own headers (a 405's Allow), but not its HTML content type.
    headers = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
    if exc.code == 429:
        seconds = retry_after()
        headers.append(("Retry-After", str(seconds)))
        message = f"Too many requests: retry after {seconds} seconds."
    response = jsonify({"error": exc.name, "message": message})
    response.headers.extend(headers)
    return response, exc.code


@api_get(
    "/openapi.json",
    operation_id="openapi",
    summary="This document: the OpenAPI 3.1 description of the API.",
    response=api_schema(
        "OpenApiDocument",
        {
            "type": "object",
            "required": ["openapi", "info", "paths", "components"],
            "properties": {
                "openapi": {"type": "string", "const": OPENAPI_VERSION},
                "info": {"type": "object"},
                "paths": {"type": "object"},
                "components": {"type": "object"},
            },
        },
    ),
    tags=("meta",),
    errors=(),
)
def openapi():
    """Return the OpenAPI document."""
    return jsonify(openapi_document())


@api_bp.route("/<path:unknown>", methods=["GET", "HEAD"])
def _unknown(unknown: str):
    """Answer unknown API paths with a JSON 404 (a routing 404 would get the HTML page)."""
    abort(404, description=f"No API endpoint {request.path}.")
