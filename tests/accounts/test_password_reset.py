"""Forgotten password: a mailed, signed, expiring, single-use link; nothing revealed; CSRF on."""

import re

import pytest
from itsdangerous import timed
from sqlmodel import select

from accounts.models import User
from greenbm.audit import AuditAction, AuditEntry
from tests import factories
from tests.conftest import csrf_token
from tests.outbox import sent_mail

NEW = "a-new-pass-42"
pytestmark = pytest.mark.csrf


@pytest.fixture
def user(session):
    user = factories.make_user(session, factories.make_organisation(session))
    session.commit()
    return user


def _english(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _ask(client, email: str):
    token = csrf_token(client, "/password/forgot")
    return client.post("/password/forgot", data={"email": email, "csrf_token": token})


def _link(app) -> str:
    (mail,) = sent_mail(app)
    return re.search(r"http://localhost(/password/reset/\S+)", mail.get_content()).group(1)


def _choose(client, path: str, password: str = NEW, confirm: str | None = None):
    token = csrf_token(client, path)
    data = {"password": password, "confirm": confirm or password, "csrf_token": token}
    return client.post(path, data=data)


def test_the_sign_in_page_links_to_the_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_mailed_link_sets_a_new_password_once_and_ends_every_session(
    app, client, session, user, login
):
    other_browser = _english(app)
    login(user, target=other_browser)
    assert other_browser.get("/notifications").status_code == 200

    answer = _ask(client, user.email.upper())
    assert answer.status_code == 200
    (mail,) = sent_mail(app)
    assert mail["To"] == user.email
    path = _link(app)
    assert client.get(path).status_code == 200
    response = _choose(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"

    session.expire_all()
    assert other_browser.get("/notifications").status_code == 302  # signed out there too
    login(user, NEW)  # the new password works
    event = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert event.action == AuditAction.PASSWORD_CHANGED and event.actor_id == user.id
    # Used once: the same link is refused now, and changes nothing.
    fresh = _english(app)
    assert fresh.get(path).status_code == 400
    assert "already used" in fresh.get(path).get_data(as_text=True)


def test_the_answer_is_the_same_for_an_unknown_address(app, client, user):
    known = _ask(client, user.email).get_data(as_text=True)
    unknown = _ask(_english(app), "nobody@example.test").get_data(as_text=True)
    strip = re.compile(r'name="csrf_token"[^>]*>|value="[^"]*"')
    assert strip.sub("", known) == strip.sub("", unknown)
    assert len(sent_mail(app)) == 1  # only the account's owner gets a message


def test_a_disabled_account_gets_no_link(app, client, session, user):
    user.disabled = True
    session.commit()
    assert _ask(client, user.email).status_code == 200
    assert sent_mail(app) == []


def test_an_expired_or_forged_link_is_refused(app, client, session, user, monkeypatch):
    _ask(client, user.email)
    path = _link(app)
    now = timed.time.time()
    monkeypatch.setattr(timed.time, "time", lambda: now + 3601)
    assert client.get(path).status_code == 400
    monkeypatch.undo()
    assert client.get(path + "x").status_code == 400
    assert client.get("/password/reset/not-a-token").status_code == 400
    before = session.get(User, user.id).password_hash
    assert _choose(client, "/password/reset/not-a-token").status_code == 400
    session.expire_all()
    assert session.get(User, user.id).password_hash == before


def test_a_short_or_mismatched_password_is_explained(app, client, session, user):
    _ask(client, user.email)
    path = _link(app)
    assert "at least" in _choose(client, path, "short").get_data(as_text=True)
    assert "The passwords differ." in _choose(client, path, NEW, NEW + "x").get_data(as_text=True)
    session.expire_all()
    assert client.get(path).status_code == 200  # still unused


def test_both_steps_need_the_csrf_token(app, client, session, user):
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 400
    assert sent_mail(app) == []
    _ask(client, user.email)
    path = _link(app)
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert client.get(path).status_code == 200  # unchanged, still usable


@pytest.mark.config(REGISTRATION_RATE_LIMIT="3 per hour")
def test_asking_is_rate_limited_like_registration(client, user):
    answers = [_ask(client, user.email).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
