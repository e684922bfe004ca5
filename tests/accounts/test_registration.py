"""Registering a manufacturer: the happy path, every kind of bad input, nothing revealed."""

import re

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func
from sqlmodel import select

from accounts.credit_code import make_credit_code
from accounts.models import Organisation, User
from tests import factories
from tests.conftest import csrf_token
from tests.outbox import sent_mail

CHECK_YOUR_MAIL = "Check your e-mail"


def _form(**overrides) -> dict:
    data = {
        "name_zh": "贵州测试建材有限公司",
        "name_en": "Guizhou Test Building Materials Co., Ltd.",
        "credit_code": factories.credit_code(),
        "division_code": "522700",
        "address": "贵州省黔南州福泉市",
        "contact_name": "李明",
        "contact_phone": "0854-1234567",
        "display_name": "李明",
        "email": "Li.Ming@Example.test",
        "password": "s3cret-pass",
        "confirm": "s3cret-pass",
    }
    data.update(overrides)
    return data


def _counts(session):
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(Organisation)).one(),
        session.exec(select(func.count()).select_from(User)).one(),
    )


def test_register_creates_manufacturer_and_mails_the_sign_in_link(app, client, session, login):
    response = client.post("/register", data=_form())
    assert response.status_code == 200
    assert CHECK_YOUR_MAIL in response.get_data(as_text=True)
    user = session.exec(select(User)).one()
    org = session.get(Organisation, user.organisation_id)
    assert user.email == "li.ming@example.test"  # stored lower-cased
    assert user.role == "manufacturer" and org.kind == "manufacturer"
    assert user.password_hash.startswith("$argon2")
    # The page signs no one in: it answers a taken address just the same.
    assert client.get("/manufacturer/plants").status_code == 302
    (mail,) = sent_mail(app)
    assert mail["To"] == "li.ming@example.test"
    assert mail["Subject"] == "Your company is registered"
    assert "http://localhost/login" in mail.get_content()
    login(user, "s3cret-pass")
    assert client.get("/manufacturer/plants").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"credit_code": "91520100123456780"}, "18 characters"),
        ({"credit_code": make_credit_code("91520100123456789")[:-1] + "Y"}, "check character"),
        ({"credit_code": "91AB01001234567890"}, "Characters 3 to 8"),
        ({"division_code": "110000"}, "Choose one of the options in the list"),
        ({"name_zh": ""}, "This field is required"),
        ({"email": "not-an-email"}, "Enter an e-mail address, e.g. name@example.com."),
        ({"password": "short", "confirm": "short"}, "Use at least 8"),
        ({"confirm": "different-pass"}, "The passwords differ"),
    ],
)
def test_bad_registration_input_is_explained_and_saves_nothing(client, session, overrides, message):
    before = _counts(session)
    response = client.post("/register", data=_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _counts(session) == before


def test_a_taken_credit_code_is_refused(app, client, session):
    """The credit code is an organisation's public fact (the catalogue shows it): say so."""
    existing = factories.make_user(session, email="taken@example.test")
    org = session.get(Organisation, existing.organisation_id)
    session.commit()
    before = _counts(session)
    page = client.post("/register", data=_form(credit_code=org.credit_code)).get_data(as_text=True)
    assert "credit code is registered" in page
    assert _counts(session) == before
    assert sent_mail(app) == []


def _without_csrf_token(response) -> tuple:
    page = re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    # The session cookie's content stays; its signing time and signature differ by the second.
    headers = [
        (name, re.sub(r"(session=\.?[^.;]+)\.[^.;]+\.[^;]+", r"\1", value))
        for name, value in response.headers.items()
    ]
    return response.status_code, sorted(headers), page


@pytest.mark.csrf
def test_a_taken_email_gets_the_answer_a_new_one_gets(app, client, session, monkeypatch):
    """Registration does not tell who has an account: only the address's owner learns it."""
    # Each signed cookie a second later than the last, as when the two answers straddle a
    # second (the test once failed so): the answers must still be the same.
    seconds = iter(range(1_800_000_000, 1_900_000_000))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(seconds))
    factories.make_user(session, email="taken@example.test")
    session.commit()
    before = _counts(session)
    token = csrf_token(client, "/register")
    taken = client.post("/register", data=_form(email="TAKEN@example.test", csrf_token=token))
    assert _counts(session) == before  # nothing made for the taken address
    new = client.post("/register", data=_form(email="new@example.test", csrf_token=token))
    assert _counts(session) == (before[0] + 1, before[1] + 1)
    assert taken.status_code == 200
    assert CHECK_YOUR_MAIL in taken.get_data(as_text=True)
    # The whole answer, headers and page, byte for byte once the CSRF token is taken out.
    assert _without_csrf_token(taken) == _without_csrf_token(new)
    attempt, welcome = sent_mail(app)
    assert attempt["To"] == "taken@example.test"
    assert attempt["Subject"] == "Someone tried to register with your e-mail address"
    assert "http://localhost/password/forgot" in attempt.get_content()
    assert welcome["To"] == "new@example.test"
    assert welcome["Subject"] == "Your company is registered"


@pytest.mark.config(REGISTRATION_RATE_LIMIT="10 per hour")
def test_registration_is_rate_limited_per_address(client):
    answers = [client.post("/register", data=_form()).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    limited = client.post("/register", data=_form())
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert "Too many attempts" in limited.get_data(as_text=True)
    # Another address registers all the same.
    other = client.post("/register", data=_form(), environ_overrides={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200


@pytest.mark.csrf
def test_registration_needs_the_csrf_token(client, session):
    before = _counts(session)
    assert client.post("/register", data=_form()).status_code == 400
    assert _counts(session) == before
    data = _form(csrf_token=csrf_token(client, "/register"))
    assert client.post("/register", data=data).status_code == 200
    assert _counts(session) == (before[0] + 1, before[1] + 1)
