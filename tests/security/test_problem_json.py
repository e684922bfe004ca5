"""Every error of the API is an RFC 9457 problem, sent and documented as problem+json."""

import pytest

from tests.openapi_check import validate

PROBLEM = "application/problem+json"


@pytest.fixture
def anon(secure_app, world):
    """Return the anonymous client, with a 500 answered as in production."""
    secure_app.config["PROPAGATE_EXCEPTIONS"] = False
    return world.clients["anon"]


@pytest.fixture
def document(anon) -> dict:
    """Return the OpenAPI document."""
    return anon.get("/api/v1/openapi.json").get_json()


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/nothing/here", 404),
        ("get", "/api/v2/products", 404),
        ("get", "/api/v1/products/9223372036854775808", 404),
        ("delete", "/api/v1/products", 405),
        ("get", "/api/v1/products?page=0", 400),
        ("get", "/api/v1/eligibility?supplier=9152&category=cement", 400),
        ("post", "/api/v1/eligibility", 400),
    ],
)
def test_every_api_error_is_a_problem(anon, method, url, status):
    answer = anon.open(url, method=method.upper())
    assert answer.status_code == status
    assert answer.mimetype == PROBLEM
    body = answer.get_json()
    assert body == {"type": "about:blank", "title": body["title"], "status": status, **body}
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["title"] and body["detail"]


def test_a_405_keeps_its_allow_header(anon):
    answer = anon.delete("/api/v1/products")
    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]


def test_the_document_declares_every_error_as_a_problem(document):
    errors = [
        (path, method, status, response)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400
    ]
    assert len(errors) > 10
    for path, method, status, response in errors:
        assert list(response["content"]) == [PROBLEM], (path, method, status)
        assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
    }


@pytest.mark.parametrize(
    ("path", "url", "status"),
    [
        ("/api/v1/products", "/api/v1/products?min_stars=9", 400),
        ("/api/v1/products/{product_id}", "/api/v1/products/999999", 404),
        ("/api/v1/certificates/{number}", "/api/v1/certificates/NOPE-1", 404),
        ("/api/v1/eligibility", "/api/v1/eligibility?supplier=x&category=cement", 400),
    ],
)
def test_real_problems_match_the_document(anon, document, path, url, status):
    validate(document, path, status, anon.get(url))


def test_a_deep_json_body_gets_a_documented_problem(anon, document):
    body = b"[" * 100_000 + b"]" * 100_000
    answer = anon.post("/api/v1/eligibility", data=body, content_type="application/json")
    validate(document, "/api/v1/eligibility", 400, answer, method="post")


def test_an_api_500_is_a_problem_too(secure_app, anon, monkeypatch):
    import catalog.api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(catalog.api, "list_categories", broken)
    answer = anon.get("/api/v1/products")
    assert answer.status_code == 500
    assert answer.mimetype == PROBLEM
    assert "a bug" not in answer.get_data(as_text=True)
