"""Organisations and users in the console, and the audit entries every change writes."""

import json

from sqlmodel import select

from accounts.models import Organisation, OrganisationKind, User
from accounts.passwords import verify_password
from accounts.services import set_user_disabled
from greenbm.audit import AuditEntry
from tests import factories


def _entries(session, action: str, *, console: bool = True) -> list[AuditEntry]:
    """Return the entries of an action: from the console (with an actor), else from the CLI."""
    session.expire_all()
    by = AuditEntry.actor_id.is_not(None) if console else AuditEntry.actor_id.is_(None)
    query = select(AuditEntry).where(AuditEntry.action == action, by)
    return list(session.exec(query.order_by(AuditEntry.id)).all())


def test_creating_a_body_and_its_reviewer_is_audited(client, session, login, admin):
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
    body = session.exec(select(Organisation).where(Organisation.credit_code == code)).one()
    assert response.headers["Location"] == f"/admin/users/new?organisation_id={body.id}"
    [entry] = _entries(session, "organisation.created")
    assert (entry.actor_id, entry.actor_organisation_id) == (admin.id, admin.organisation_id)
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "organisation",
        body.id,
        "黔认认证有限公司",
    )
    assert entry.subject_organisation_id == body.id
    detail = json.loads(entry.detail)
    assert detail["kind"] == "certification_body" and detail["cert_number_prefix"] == "QCC"

    response = client.post(
        "/admin/users/new",
        data={"organisation_id": body.id, "email": "R@qcc.test", "password": "long enough"},
    )
    assert response.headers["Location"] == f"/admin/organisations/{body.id}"
    reviewer = session.exec(select(User).where(User.email == "r@qcc.test")).one()
    [entry] = _entries(session, "user.created")
    assert (entry.actor_id, entry.object_id, entry.object_label) == (
        admin.id,
        reviewer.id,
        "r@qcc.test",
    )
    assert json.loads(entry.detail) == {
        "email": "r@qcc.test",
        "role": "reviewer",
        "organisation_id": body.id,
    }
    assert "long enough" not in entry.detail
    page = client.get(f"/admin/organisations/{body.id}").get_data(as_text=True)
    assert "r@qcc.test" in page and "QCC" in page and "User created" in page


def test_disabling_signs_the_user_out_and_is_audited(app, client, session, login, admin):
    victim = factories.make_user(session)
    session.commit()
    victim_client = login(victim, target=app.test_client())
    assert victim_client.get("/manufacturer/products").status_code == 200
    login(admin)
    response = client.post(
        f"/admin/users/{victim.id}/disabled", data={"disabled": "1", "next": "/admin/users"}
    )
    assert response.headers["Location"] == "/admin/users"
    assert victim_client.get("/manufacturer/products").status_code == 302
    [entry] = _entries(session, "user.disabled")
    assert (entry.actor_id, entry.object_id, entry.subject_organisation_id) == (
        admin.id,
        victim.id,
        victim.organisation_id,
    )
    # Disabling again changes nothing, so it writes nothing; enabling is audited.
    client.post(f"/admin/users/{victim.id}/disabled", data={"disabled": "1"})
    assert len(_entries(session, "user.disabled")) == 1
    client.post(f"/admin/users/{victim.id}/disabled", data={"disabled": "0"})
    session.expire_all()
    assert not session.get(User, victim.id).disabled
    assert len(_entries(session, "user.enabled")) == 1


def test_an_administrator_cannot_disable_or_reset_themselves(client, session, login, admin):
    login(admin)
    client.post(f"/admin/users/{admin.id}/disabled", data={"disabled": "1"})
    assert client.get(f"/admin/users/{admin.id}/password").status_code == 302
    session.expire_all()
    assert not session.get(User, admin.id).disabled
    assert client.get("/admin").status_code == 200


def test_a_typed_password_reset_ends_the_users_sessions(app, client, session, login, admin):
    victim = factories.make_user(session)
    session.commit()
    victim_client = login(victim, target=app.test_client())
    login(admin)
    response = client.post(
        f"/admin/users/{victim.id}/password", data={"password": "brand new secret"}
    )
    assert response.status_code == 302
    # The old session is signed out at once, and the new password works.
    after = victim_client.get("/manufacturer/products")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    session.expire_all()
    assert verify_password(session.get(User, victim.id).password_hash, "brand new secret")
    login(victim, password="brand new secret", target=app.test_client())
    [entry] = _entries(session, "user.password_reset")
    assert (entry.actor_id, entry.object_id) == (admin.id, victim.id)
    assert "brand new secret" not in entry.detail and "hash" not in entry.detail


def test_a_generated_password_is_shown_once_and_works(app, client, session, login, admin):
    victim = factories.make_user(session)
    session.commit()
    login(admin)
    response = client.post(f"/admin/users/{victim.id}/password", data={"password": ""})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    password = page.split('data-testid="generated-password">')[1].split("<")[0]
    assert len(password) == 14
    login(victim, password=password, target=app.test_client())
    # Not kept anywhere the administrator could see it again.
    assert password not in client.get(f"/admin/organisations/{victim.organisation_id}").text
    assert password not in _entries(session, "user.password_reset")[0].detail


def test_a_short_password_is_refused(client, session, login, admin):
    victim = factories.make_user(session)
    session.commit()
    login(admin)
    response = client.post(f"/admin/users/{victim.id}/password", data={"password": "short"})
    assert response.status_code == 400 and "at least 8" in response.get_data(as_text=True)
    assert _entries(session, "user.password_reset") == []
    assert client.get("/admin/users/999999/password").status_code == 404


def test_user_list_filters_and_pages(client, session, login, admin, admin_org):
    agency = factories.make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    for n in range(23):
        factories.make_user(session, agency, email=f"buyer{n:02d}@agency.test")
    other = factories.make_user(session, email="maker@factory.test")
    session.commit()
    set_user_disabled(session=session, actor=None, user_id=other.id, disabled=True)
    session.commit()
    login(admin)

    first = client.get(f"/admin/users?organisation={agency.id}").get_data(as_text=True)
    assert "23 users." in first and "Page 1 of 2" in first
    assert "buyer22@agency.test" in first and "buyer02@agency.test" not in first
    second = client.get(f"/admin/users?organisation={agency.id}&page=2").get_data(as_text=True)
    assert "buyer02@agency.test" in second and "buyer22@agency.test" not in second
    assert "maker@factory.test" not in first + second

    page = client.get("/admin/users?email=BUYER1").get_data(as_text=True)
    assert "10 users." in page
    page = client.get("/admin/users?status=disabled").get_data(as_text=True)
    assert "1 user." in page and "maker@factory.test" in page
    page = client.get("/admin/users?role=administrator").get_data(as_text=True)
    assert "1 user." in page and "admin@example.test" in page
    assert "Choose one of the options in the list" not in client.get("/admin/users").get_data(
        as_text=True
    )
    assert (
        "Choose one of the options in the list"
        in client.get("/admin/users?organisation=999999").text
    )


def test_the_users_create_command_is_audited(app, session):
    org = factories.make_organisation(session, kind=OrganisationKind.CONSTRUCTION_FIRM)
    session.commit()
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "site@builder.test",
            "--credit-code",
            org.credit_code,
            "--password",
            "long enough",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "site@builder.test")).one()
    entries = _entries(session, "user.created", console=False)
    [entry] = [e for e in entries if e.object_id == user.id]
    assert entry.actor_id is None and entry.actor_organisation_id is None
    assert entry.subject_organisation_id == org.id
