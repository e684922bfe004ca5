"""Registering a manufacturer: the happy path and every kind of bad input."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from accounts.credit_code import make_credit_code
from accounts.models import Organisation, User
from tests import factories
from tests.conftest import csrf_token


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


def test_register_creates_manufacturer_and_signs_in(client, session):
    response = client.post("/register", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manufacturer/plants")
    user = session.exec(select(User)).one()
    org = session.get(Organisation, user.organisation_id)
    assert user.email == "li.ming@example.test"  # stored lower-cased
    assert user.role == "manufacturer" and org.kind == "manufacturer"
    assert user.password_hash.startswith("$argon2")
    assert client.get("/manufacturer/plants").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"credit_code": "91520100123456780"}, "18 characters"),
        ({"credit_code": make_credit_code("91520100123456789")[:-1] + "Y"}, "check character"),
        ({"credit_code": "91AB01001234567890"}, "Characters 3 to 8"),
        ({"division_code": "110000"}, "Not a valid choice"),
        ({"name_zh": ""}, "This field is required"),
        ({"email": "not-an-email"}, "Invalid email address"),
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


def test_duplicate_credit_code_and_email_are_refused(client, session):
    existing = factories.make_user(session, email="taken@example.test")
    org = session.get(Organisation, existing.organisation_id)
    session.commit()
    before = _counts(session)
    page = client.post("/register", data=_form(credit_code=org.credit_code)).get_data(as_text=True)
    assert "credit code is registered" in page
    page = client.post("/register", data=_form(email="TAKEN@example.test")).get_data(as_text=True)
    assert "already registered" in page
    assert _counts(session) == before


@pytest.mark.csrf
def test_registration_needs_the_csrf_token(client, session):
    before = _counts(session)
    assert client.post("/register", data=_form()).status_code == 400
    assert _counts(session) == before
    data = _form(csrf_token=csrf_token(client, "/register"))
    assert client.post("/register", data=data).status_code == 302
    assert _counts(session) == (before[0] + 1, before[1] + 1)
