"""Security baseline: headers on every kind of page, cookie flags, secret key handling."""

import pytest

from greenbm.config import load_config
from tests import factories


@pytest.mark.parametrize("url", ["/", "/catalog", "/login", "/register", "/no-such-page"])
def test_headers_on_every_page_type(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


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
