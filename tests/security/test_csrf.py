"""With CSRF on, every state-changing route refuses a request without a valid token.

The routes come from the URL map, so a new endpoint is covered as soon as it exists; the
principal that posts is one the access table allows, so the token is the only thing missing.
"""

import tempfile

import pytest

from greenbm import create_app
from tests.security.access_table import ROUTES, STATE_CHANGING
from tests.security.test_access import form_for, post, url_of
from tests.security.world import PRINCIPALS, snapshot, token_of

CSRF_MESSAGE = "The form has expired or did not come from this site."

# Endpoints that take no token, and why. Nothing else may be exempt.
EXEMPT = {
    # Answers many eligibility questions in one JSON request for other systems: it reads
    # public certificate data, changes nothing, and does not look at the session cookie.
    "api.check_eligibility_many": "read-only JSON for other systems; no cookie auth",
    # Checks a PDF sent as the body for other systems: changes nothing, no cookie auth.
    "api.verify_certificate_document": "read-only check for other systems; no cookie auth",
    # A certification body's system authenticates with its API key in the Authorization
    # header; the session cookie gives no access to it.
    "api.put_external_certificate": "API-key auth only; no cookie auth",
}


def _state_changing_rules(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods & STATE_CHANGING
    )


def _line(endpoint: str, method: str):
    lines = [r for r in ROUTES if (r.endpoint, r.method) == (endpoint, method) and not r.variant]
    assert lines, f"classify {method} {endpoint} in access_table.py"
    return lines[0]


def _allowed_principal(endpoint: str, method: str) -> str:
    line = _line(endpoint, method)
    allowed = [p for p in PRINCIPALS if line.answer(p) == "ok"]
    assert allowed, f"no principal may use {method} {endpoint}: nothing to check"
    return allowed[-1]  # the most specific one (anonymous only where no one else may)


def pytest_generate_tests(metafunc):
    """Parametrize over every state-changing rule of a freshly built URL map."""
    if "endpoint_method" in metafunc.fixturenames:
        with tempfile.TemporaryDirectory() as instance:
            app = create_app(
                {
                    "TESTING": True,
                    "INSTANCE_DIR": instance,
                    "DATABASE_URL": f"sqlite:///{instance}/unused.sqlite3",
                    "SEARCH_INDEX_DIR": f"{instance}/index",
                    "SECRET_KEY": "x",
                }
            )
            pairs = _state_changing_rules(app)
            app.extensions["db_engine"].dispose()
        metafunc.parametrize("endpoint_method", pairs, ids=[f"{m} {e}" for e, m in pairs])


def test_exemptions_name_existing_endpoints(secure_app):
    assert set(EXEMPT) <= {e for e, _m in _state_changing_rules(secure_app)}


@pytest.mark.parametrize("token", ["missing", "foreign", "garbage"])
def test_state_changing_request_without_a_valid_token_is_refused(
    secure_app, world, endpoint_method, token
):
    endpoint, method = endpoint_method
    principal = _allowed_principal(endpoint, method)
    client = world.clients[principal]
    line = _line(endpoint, method)
    url = url_of(secure_app, world, line)
    data = form_for(endpoint, world)
    if token == "foreign":
        # A valid token of another visitor's session, as an attacker's page would hold.
        other = "anon" if principal != "anon" else "maker_a"
        data["csrf_token"] = token_of(world.clients[other])
    elif token == "garbage":
        data["csrf_token"] = "IjAwMDAwMDAwMDAwMDAwMDAi.ZZZZZZ.xxxxxxxxxxxxxxxxxxxxxxxxxxx"
    engine = secure_app.extensions["db_engine"]
    before = snapshot(engine)
    response = post(client, url, data) if method == "POST" else client.open(url, method=method)
    body = response.get_data(as_text=True)
    response.close()
    if endpoint in EXEMPT:
        # Answered by the view itself, not by the CSRF check.
        assert CSRF_MESSAGE not in body and "CSRF" not in body
        return
    assert response.status_code == 400, f"{method} {url} as {principal}: {response.status_code}"
    if url.startswith("/api/"):
        assert response.is_json
    else:
        assert CSRF_MESSAGE in body
    assert snapshot(engine) == before, f"{method} {url} changed the database without a token"


def test_the_same_request_with_the_token_gets_past_the_check(secure_app, world):
    """The refusals above are the token's doing: with it, the request reaches the view."""
    client = world.clients["maker_a"]
    response = client.post("/notifications", data={"csrf_token": token_of(client)})
    response.close()
    assert response.status_code == 302


def test_the_api_answers_the_same_with_or_without_a_session(secure_app, world):
    """The API's CSRF exemption holds only while no API answer depends on the session cookie."""
    api_reads = [r for r in ROUTES if r.endpoint.startswith("api.") and r.method == "GET"]
    assert api_reads
    for line in api_reads:
        url = url_of(secure_app, world, line)
        answers = set()
        for principal in ("anon", "maker_a", "admin"):
            response = world.clients[principal].get(url)
            body = response.get_json(silent=True)
            if isinstance(body, dict):
                body.pop("as_of", None)  # the register page's read time, the same for everyone
            answers.add((response.status_code, repr(body) if body else response.get_data()))
            response.close()
        assert len(answers) == 1, f"{url} depends on who is signed in"
