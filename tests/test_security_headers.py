"""Security baseline: headers on every kind of page, cookie flags, secret key handling."""

import io

import pytest

from catalog.evidence import store_evidence
from greenbm.config import load_config
from tests import factories
from tests.catalog.test_registry_views import pdf_bytes, post_files
from tests.procurement.conftest import make_officer, make_project_list

# --- every page type -------------------------------------------------------------------------

PUBLIC = "public"  # nobody signed in: no Cache-Control demanded
PRIVATE = "private"  # a signed-in user's answer: Cache-Control must hold no-store
CACHEABLE = "cacheable"  # the same for everyone even when signed in: must not say no-store


def _maker(session, login):
    user = factories.make_manufacturer_user(session)
    product = factories.make_product(session, user)
    session.commit()
    login(user)
    return user, product


def _officer_list(session, login):
    officer = make_officer(session)
    _project, item = make_project_list(session, officer)
    session.commit()
    login(officer)
    return item


def _certificate(session):
    body, reviewer = factories.make_body(session)
    certificate = factories.issue_test_certificate(session, body=body, reviewer=reviewer)
    return certificate.number


def _evidence(app, session, login):
    user, product = _maker(session, login)
    evidence = store_evidence(
        session=session,
        actor=user,
        product_id=product.id,
        kind="other",
        stream=io.BytesIO(pdf_bytes()),
        filename="r.pdf",
        evidence_dir=app.config["EVIDENCE_DIR"],
    )
    session.commit()
    return evidence.id


def _big_upload(app, client, session, login):
    _user, product = _maker(session, login)
    data = {"kind": "other", "file": (b"%PDF-" + b"0" * (1024 * 1024), "big.pdf")}
    return post_files(client, f"/manufacturer/products/{product.id}/evidence", data)


def _server_error(app, client):
    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/test-only-boom", "test_only_boom", boom)
    return client.get("/test-only-boom")


# (name, how to get the response, expected status, cache class)
PAGES = {
    "home": (lambda app, c, s, login: c.get("/"), 200, PUBLIC),
    "catalogue": (lambda app, c, s, login: c.get("/catalog"), 200, PUBLIC),
    "form page": (lambda app, c, s, login: c.get("/login"), 200, PUBLIC),
    "signed-in page": (
        lambda app, c, s, login: (_maker(s, login), c.get("/manufacturer/products"))[1],
        200,
        PRIVATE,
    ),
    "signed-in form": (
        lambda app, c, s, login: (_maker(s, login), c.get("/manufacturer/plants/new"))[1],
        200,
        PRIVATE,
    ),
    "public page signed in": (
        lambda app, c, s, login: (_maker(s, login), c.get("/catalog"))[1],
        200,
        PRIVATE,
    ),
    "notifications": (
        lambda app, c, s, login: (_maker(s, login), c.get("/notifications"))[1],
        200,
        PRIVATE,
    ),
    "redirect to sign-in": (lambda app, c, s, login: c.get("/manufacturer/products"), 302, PUBLIC),
    "404": (lambda app, c, s, login: c.get("/no-such-page"), 404, PUBLIC),
    "405": (lambda app, c, s, login: c.put("/"), 405, PUBLIC),
    "400 CSRF": (
        lambda app, c, s, login: c.post("/login", data={"email": "a@b.test"}),
        400,
        PUBLIC,
    ),
    "413": (lambda app, c, s, login: _big_upload(app, c, s, login), 413, PRIVATE),
    "500": (lambda app, c, s, login: _server_error(app, c), 500, PUBLIC),
    "JSON API": (lambda app, c, s, login: c.get("/api/v1/categories"), 200, PUBLIC),
    "JSON API error": (lambda app, c, s, login: c.get("/api/v1/products/999999"), 404, PUBLIC),
    "OpenAPI document": (lambda app, c, s, login: c.get("/api/v1/openapi.json"), 200, PUBLIC),
    "certificate PDF": (
        lambda app, c, s, login: c.get(f"/certificates/{_certificate(s)}.pdf"),
        200,
        PUBLIC,
    ),
    "CSV template": (
        lambda app, c, s, login: c.get("/eligibility/bulk/template.csv"),
        200,
        PUBLIC,
    ),
    "private CSV": (
        lambda app, c, s, login: c.get(
            f"/procurement/lists/{_officer_list(s, login).id}/export.csv"
        ),
        200,
        PRIVATE,
    ),
    "private XLSX": (
        lambda app, c, s, login: c.get(
            f"/procurement/lists/{_officer_list(s, login).id}/export.xlsx"
        ),
        200,
        PRIVATE,
    ),
    "evidence download": (
        lambda app, c, s, login: c.get(f"/manufacturer/evidence/{_evidence(app, s, login)}"),
        200,
        PRIVATE,
    ),
    "static file": (lambda app, c, s, login: c.get("/static/css/app.css"), 200, PUBLIC),
    "static file signed in": (
        lambda app, c, s, login: (_maker(s, login), c.get("/static/css/app.css"))[1],
        200,
        CACHEABLE,
    ),
}


@pytest.mark.csrf
@pytest.mark.config(MAX_CONTENT_LENGTH=1024 * 1024, PROPAGATE_EXCEPTIONS=False)
@pytest.mark.parametrize("name", PAGES)
def test_headers_on_every_page_type(app, client, session, login, name):
    fetch, status, cache = PAGES[name]
    response = fetch(app, client, session, login)
    response.close()
    assert response.status_code == status
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP, as in development
    if cache == PRIVATE:
        assert "no-store" in headers.get("Cache-Control", "")
    elif cache == CACHEABLE:
        assert "no-store" not in headers.get("Cache-Control", "")


def test_the_page_of_a_server_error_says_so(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = _server_error(app, client)
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.get_data(as_text=True)


def test_hsts_is_sent_over_https_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.config(SESSION_COOKIE_SECURE=True)
def test_hsts_is_sent_where_cookies_are_secure_behind_a_tls_proxy(client):
    # The proxy speaks HTTP to the app; secure cookies say the site itself is HTTPS.
    response = client.get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_signed_out_pages_may_be_cached_again(client, session, login):
    user = factories.make_manufacturer_user(session)
    session.commit()
    login(user)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    client.post("/logout")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_pages_have_no_inline_script(client, session, login):
    user = factories.make_manufacturer_user(session)
    session.commit()
    login(user)
    for url in ["/", "/catalog", "/manufacturer/products", "/manufacturer/plants"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "onclick=" not in page


def test_session_cookie_is_httponly_and_samesite(client, session):
    user = factories.make_manufacturer_user(session)
    session.commit()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secret_key_is_generated_once_into_the_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config({"INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"]
    second = load_config({"INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_config({"INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
