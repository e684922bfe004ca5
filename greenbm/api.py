"""The JSON API under /api/v1: one blueprint that each domain package adds its routes to.

Every route is added through `api_get`, which documents it at the same time, so the OpenAPI
document at /api/v1/openapi.json lists exactly the endpoints that exist; response schemas are
registered with `api_schema` and the tests validate real responses against them.
"""

import copy
import re
from collections.abc import Callable, Iterable

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from greenbm.api_vocabulary import DATE, TEXT, closed_object, names, nullable, string_enum
from greenbm.extensions import retry_after

# The schema vocabulary lives in api_vocabulary; every package imports it from here.
__all__ = ["DATE", "TEXT", "closed_object", "names", "nullable", "string_enum"]

API_PREFIX = "/api/v1"
OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

api_bp = Blueprint("api", __name__, url_prefix=API_PREFIX)

# Keys sent as `Authorization: Bearer <key>` (accounts.api_auth reads them).
API_KEY_SCHEME = "ApiKey"
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


PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM = api_schema(
    "Problem",
    closed_object(
        {
            "type": {
                "type": "string",
                "const": "about:blank",
                "description": "No type beyond the HTTP status (RFC 9457).",
            },
            "title": {**TEXT, "description": "The HTTP status name, e.g. Bad Request."},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {**TEXT, "description": "What went wrong and what to do, in English."},
        },
        "Every error answer of the API: an RFC 9457 problem, sent as application/problem+json.",
    ),
)

_ERROR_DESCRIPTIONS = {
    400: "Bad request.",
    401: "No API key, or an unknown or revoked one.",
    403: "The API key's organisation may not do this.",
    404: "Not found.",
    413: "The body is too large.",
    415: "The body is not of the media type this endpoint takes.",
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
    statuses answered with a `Problem`.
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
    request_media_types: tuple[str, ...] = ("application/json",),
    security: list[dict] | None = None,
    method: str = "post",
    parameters: dict[str, dict] | None = None,
) -> Callable:
    """Add a POST (or PUT) route taking a JSON body to the API blueprint and describe it likewise.

    `request_body` is the JSON schema of the body (of each of `request_media_types`, JSON
    unless said otherwise); `security` the OpenAPI security requirements (see
    API_KEY_SCHEME); the other arguments are as for `api_get`.
    """
    path, path_parameters = _openapi_path(rule, parameters or {})
    operation = _operation(operation_id, summary, response, description, tags, errors)
    content = {media_type: {"schema": request_body} for media_type in request_media_types}
    operation["requestBody"] = {"required": True, "content": content}
    if path_parameters:
        operation["parameters"] = path_parameters
    if security is not None:
        operation["security"] = security
    return _route(method, rule, path, operation)


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
            **_json_content(PROBLEM, PROBLEM_MEDIA_TYPE),
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


def _json_content(schema: dict, media_type: str = "application/json") -> dict:
    return {"content": {media_type: {"schema": schema}}}


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document of every registered endpoint and schema."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Guizhou green building materials API",
            "version": API_VERSION,
            "description": (
                "Read access to certificates (one by one, or the whole register paged by a "
                "cursor), certification criteria, the catalogue and supplier eligibility. "
                "The POSTs ask many eligibility questions at once, or check a certificate "
                "PDF; neither changes anything. The one PUT lets a certification body record "
                "its own certificates with its API key. Errors are RFC 9457 problems "
                "(application/problem+json) whose detail says in English what to do."
            ),
        },
        "paths": copy.deepcopy(dict(sorted(_paths.items()))),
        "components": {
            "schemas": copy.deepcopy(dict(sorted(_schemas.items()))),
            "securitySchemes": {
                API_KEY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An organisation's API key, created on its account page.",
                }
            },
        },
    }


def problem(status: int, detail: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """Return an RFC 9457 problem answer: the status, its name as title, and what to do."""
    title = HTTP_STATUS_CODES.get(status, "Error")
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MEDIA_TYPE
    response.headers.extend(headers)
    return response


def problem_for(exc: HTTPException) -> Response:
    """Return the problem answer of an HTTP error, keeping its own headers (a 405's Allow)."""
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    detail = exc.description or ""
    if exc.code == 404 and request.url_rule is None:  # no route: not a missing object
        # Answered here rather than by a catch-all route, which would add GET to the Allow
        # header of every POST-only endpoint.
        detail = f"No API endpoint {request.path}."
    if exc.code == 429:  # a broken rate limit says when to come back
        seconds = retry_after()
        headers.append(("Retry-After", str(seconds)))
        detail = f"Too many requests: retry after {seconds} seconds."
    return problem(exc.code or 500, detail, headers)


@api_bp.errorhandler(HTTPException)
def _json_error(exc: HTTPException):
    """Answer API errors as problem JSON, never with an HTML page."""
    return problem_for(exc)


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
