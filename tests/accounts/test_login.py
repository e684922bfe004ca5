"""Signing in and out: messages that reveal nothing, rate limits, disabled users, sessions."""

import pytest

from greenbm.accounts.services import set_user_disabled
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def user(session):
    user = factories.make_user(session, email="buyer@example.test")
    session.commit()
    return user


def _post_login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_sign_in_and_out(client, user):
    response = _post_login(client, "Buyer@Example.test", factories.PASSWORD)
    assert response.status_code == 302
    assert client.get("/manufacturer/products").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/manufacturer/products").status_code == 302  # back to sign-in


def test_wrong_password_and_unknown_email_get_the_same_answer(client, user):
    wrong = _post_login(client, "buyer@example.test", "wrong password")
    unknown = _post_login(client, "nobody@example.test", "wrong password")
    assert wrong.status_code == unknown.status_code == 200
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)


def test_disabled_user_cannot_sign_in(client, session, user):
    set_user_disabled(session=session, actor=None, user_id=user.id, disabled=True)
    session.commit()
    response = _post_login(client, user.email, factories.PASSWORD)
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_disabling_a_user_signs_them_out_at_once(client, session, user):
    _post_login(client, user.email, factories.PASSWORD)
    assert client.get("/manufacturer/products").status_code == 200
    set_user_disabled(session=session, actor=None, user_id=user.id, disabled=True)
    session.commit()
    assert client.get("/manufacturer/products").status_code == 302


def test_session_is_renewed_at_sign_in(client, user):
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"
    _post_login(client, user.email, factories.PASSWORD)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert "_user_id" in after


def test_next_parameter_only_redirects_within_the_site(client, user):
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": user.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/manufacturer/products"


@pytest.mark.config(LOGIN_RATE_LIMIT="3 per minute")
def test_sign_in_is_rate_limited(client, user):
    for _ in range(3):
        assert _post_login(client, user.email, "wrong").status_code == 200
    limited = _post_login(client, user.email, factories.PASSWORD)
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)


@pytest.mark.csrf
def test_sign_in_needs_the_csrf_token(client, user):
    assert _post_login(client, user.email, factories.PASSWORD).status_code == 400
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
