"""Signing in and out: messages that reveal nothing, rate limits, disabled users, sessions."""

import json
import os
import re
import subprocess
import sys
import uuid

import pytest
import redis

from accounts.services import set_user_disabled
from greenbm import create_app
from greenbm.extensions import limiter
from tests import factories
from tests.conftest import _base_config, csrf_token


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


def test_a_session_copied_before_sign_out_is_dead_after_it(app, client, user):
    _post_login(client, user.email, factories.PASSWORD)
    copied = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/manufacturer/products").status_code == 302  # back to sign-in


def _answer(response) -> tuple[int, str]:
    """Return the status and the page with the e-mail given and the CSRF token taken out."""
    page = response.get_data(as_text=True)
    page = re.sub(r'name="email"[^>]*>', 'name="email">', page)
    return response.status_code, re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_unknown_email_wrong_password_and_disabled_user_get_the_same_answer(client, session, user):
    other = factories.make_user(session, email="gone@example.test")
    set_user_disabled(session=session, actor=None, user_id=other.id, disabled=True)
    session.commit()
    wrong = _answer(_post_login(client, "buyer@example.test", "wrong password"))
    unknown = _answer(_post_login(client, "nobody@example.test", "wrong password"))
    disabled = _answer(_post_login(client, "gone@example.test", factories.PASSWORD))
    assert wrong[0] == 200
    assert "Wrong e-mail or password." in wrong[1]
    # The whole page, not only the message: nothing tells the three cases apart.
    assert wrong == unknown == disabled


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


@pytest.mark.csrf
def test_a_session_fixed_before_sign_in_is_not_signed_in(app, client, user):
    """An attacker who planted a session cookie before the victim signs in gains nothing."""
    token = csrf_token(client, "/login")
    before = client.get_cookie("session").value
    response = client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    assert client.get("/manufacturer/products").status_code == 200
    attacker = app.test_client()
    attacker.set_cookie("session", before)
    assert attacker.get("/manufacturer/products").status_code == 302
    # The token of the planted session does not work in the new one either.
    stale = client.post("/notifications", data={"csrf_token": token})
    assert stale.status_code == 400


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


# --- the limit is shared by every worker, through Redis ------------------------------------------

# A second worker: its own process and its own app on the same database and Redis.
WORKER = """
import json, os, sys
from greenbm import create_app
app = create_app(json.loads(os.environ["WORKER_CONFIG"]))
client = app.test_client()
codes = [
    client.post("/login", data={"email": sys.argv[1], "password": "wrong"}).status_code
    for _ in range(int(sys.argv[2]))
]
print(json.dumps(codes))
"""


@pytest.fixture
def redis_url():
    """Return the test Redis URL; skip when it is unreachable, unless running in CI."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {url} is unreachable in CI: {exc}")
        pytest.skip(f"Redis at {url} is unreachable ({exc}); set TEST_REDIS_URL or start Redis")
    return url


def test_sign_in_limit_is_shared_by_workers_through_redis(
    database_url, tmp_path, session, user, redis_url, monkeypatch
):
    prefix = f"greenbm-test-{uuid.uuid4().hex}"
    # The limiter is one object for every app of the process: keep the prefix to this test.
    monkeypatch.setattr(limiter, "_key_prefix", "")
    config = _base_config(database_url, tmp_path / "worker")
    config.update(
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=prefix,
        # The window opens at the first attempt: an hour, because the second worker's start
        # (a process importing the app) took over a minute on a loaded machine, and a window
        # that closed meanwhile let its third attempt through.
        LOGIN_RATE_LIMIT="3 per hour",
    )
    store = redis.Redis.from_url(redis_url)
    worker = create_app(config)
    try:
        first = worker.test_client()
        assert _post_login(first, user.email, "wrong").status_code == 200
        assert any(store.scan_iter(f"*{prefix}*")), "the counter is not kept in Redis"
        second = subprocess.run(
            [sys.executable, "-c", WORKER, user.email, "3"],
            env={**os.environ, "WORKER_CONFIG": json.dumps(config)},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        # The other worker saw the first attempt: two more, then the limit.
        assert json.loads(second.stdout.splitlines()[-1]) == [200, 200, 429]
        assert _post_login(first, user.email, factories.PASSWORD).status_code == 429
    finally:
        worker.extensions["db_engine"].dispose()
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()


@pytest.mark.parametrize(
    ("kind", "home"),
    [
        ("manufacturer", "/manufacturer/products"),
        ("certification_body", "/review/queue"),
        ("procurement_agency", "/procurement"),
        ("construction_firm", "/eligibility"),
        ("administrator", "/admin"),
    ],
)
def test_each_role_lands_on_its_own_home_after_sign_in(client, session, kind, home):
    """The package serving each role names its home page (accounts cannot name it itself)."""
    organisation = factories.make_organisation(session, kind=kind)
    user = factories.make_user(session, organisation)
    session.commit()
    response = _post_login(client, user.email, factories.PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == home
