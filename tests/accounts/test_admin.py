"""The administrator's organisation and user pages, and `flask users create`."""

import pytest
from sqlmodel import select

from accounts.models import Organisation, OrganisationKind, User
from tests import factories


@pytest.fixture
def admin(session):
    org = factories.make_organisation(session, kind=OrganisationKind.ADMINISTRATOR)
    user = factories.make_user(session, org, email="admin@example.test")
    session.commit()
    return user


def test_administrators_sign_in_to_the_console(client, login, admin):
    response = client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/admin"
    page = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin">Administration</a>' in page


def test_others_see_no_administration_link(client, session, login):
    user = factories.make_user(session)
    session.commit()
    login(user)
    assert "Administration" not in client.get("/").get_data(as_text=True)


def test_administrator_creates_a_certification_body_and_its_reviewer(client, session, login, admin):
    login(admin)
    code = factories.credit_code("520300")
    response = client.post(
        "/admin/organisations/new",
        data={
            "kind": "certification_body",
            "name_zh": "黔认认证有限公司",
            "credit_code": code,
            "division_code": "520300",
            "cert_number_prefix": "qcc",
        },
    )
    assert response.status_code == 302
    body = session.exec(select(Organisation).where(Organisation.credit_code == code)).one()
    assert body.kind == "certification_body" and body.cert_number_prefix == "QCC"
    response = client.post(
        "/admin/users/new",
        data={"organisation_id": body.id, "email": "r@qcc.test", "password": "long enough"},
    )
    assert response.status_code == 302
    reviewer = session.exec(select(User).where(User.email == "r@qcc.test")).one()
    assert reviewer.role == "reviewer"
    assert "r@qcc.test" in client.get("/admin/organisations").get_data(as_text=True)


def test_administrator_disables_a_user(client, session, login, admin):
    victim = factories.make_user(session)
    session.commit()
    login(admin)
    assert (
        client.post(f"/admin/users/{victim.id}/disabled", data={"disabled": "1"}).status_code == 302
    )
    session.expire_all()
    assert session.get(User, victim.id).disabled


def test_bad_organisation_input_saves_nothing(client, session, login, admin):
    login(admin)
    before = len(session.exec(select(Organisation)).all())
    page = client.post(
        "/admin/organisations/new",
        data={
            "kind": "construction_firm",
            "name_zh": "某公司",
            "credit_code": "915201001234567890",
            "division_code": "520100",
        },
    ).get_data(as_text=True)
    assert "check character" in page
    session.expire_all()
    assert len(session.exec(select(Organisation)).all()) == before


@pytest.mark.parametrize(
    "kind",
    [
        OrganisationKind.MANUFACTURER,
        OrganisationKind.CERTIFICATION_BODY,
        OrganisationKind.PROCUREMENT_AGENCY,
        OrganisationKind.CONSTRUCTION_FIRM,
    ],
)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/admin/organisations"),
        ("get", "/admin/organisations/new"),
        ("post", "/admin/organisations/new"),
        ("get", "/admin/users/new"),
        ("post", "/admin/users/1/disabled"),
    ],
)
def test_admin_pages_are_404_for_everyone_else(client, session, login, kind, method, url):
    user = factories.make_user(session, factories.make_organisation(session, kind=kind))
    session.commit()
    login(user)
    assert getattr(client, method)(url).status_code == 404


def test_users_create_command(app, session):
    org = factories.make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Officer@Agency.test",
            "--credit-code",
            org.credit_code,
            "--password",
            "long enough",
        ],
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "officer@agency.test")).one()
    assert user.role == "procurement_officer"
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "officer@agency.test",
            "--credit-code",
            org.credit_code,
            "--password",
            "long enough",
        ],
    )
    assert again.exit_code != 0 and "email:" in again.output
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@y.test",
            "--credit-code",
            "91520100000000000X",
            "--password",
            "long enough",
        ],
    )
    assert unknown.exit_code != 0 and "No organisation" in unknown.output
