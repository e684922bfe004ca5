"""Every /admin URL answers 404 to everyone but an enabled administrator, and changes nothing."""

import io
import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from accounts.models import Organisation, OrganisationKind, User
from accounts.services import set_user_disabled
from admin.import_jobs import start_job
from catalog.models import Category, Plant
from catalog.reports.models import ProvincialFigure
from certification.external.records import REQUIRED
from certification.models import CriteriaVersion
from greenbm.audit import AuditEntry
from tests import factories
from tests.admin.criteria_files import lime_2026_2
from tests.conftest import csrf_token

NON_ADMIN_KINDS = [
    OrganisationKind.MANUFACTURER,
    OrganisationKind.CERTIFICATION_BODY,
    OrganisationKind.PROCUREMENT_AGENCY,
    OrganisationKind.CONSTRUCTION_FIRM,
]


@pytest.fixture
def world(app, reference_data, session, admin):
    """A victim user in a manufacturer, and the ids the /admin URLs need."""
    victim = factories.make_user(session, email="victim@example.test")
    plant = factories.make_plant(session, victim, capacity=5000, capacity_unit="t/d")
    lime = session.exec(select(Category).where(Category.code == "lime")).one()
    version = session.exec(
        select(CriteriaVersion).where(CriteriaVersion.category_id == lime.id)
    ).first()
    session.commit()
    import_token = start_job(app.config["INSTANCE_DIR"], "certs.csv", [])
    return {
        "victim": victim,
        "values": {
            "token": import_token,
            "organisation_id": victim.organisation_id,
            "user_id": victim.id,
            "code": "lime",
            "version_id": version.id,
            "plant_id": plant.id,
        },
    }


def _form(endpoint: str, world: dict) -> dict:
    """Return valid form data for the endpoint, so a missing guard would change something."""
    return {
        "admin.new_organisation": {
            "kind": "construction_firm",
            "name_zh": "不该出现的公司",
            "credit_code": factories.credit_code(),
            "division_code": "520100",
        },
        "admin.new_user": {
            "organisation_id": world["values"]["organisation_id"],
            "email": "intruder@example.test",
            "password": "long enough",
        },
        "admin.toggle_user": {"disabled": "1"},
        "admin.reset_password": {"password": "another long one"},
        "admin.edit_category": {
            "name_zh": "石灰（改）",
            "name_en": "Lime (renamed)",
            "declared_unit": "t",
            "procurement_class": "mandatory",
        },
        "admin.upload": {"file": (io.BytesIO(lime_2026_2().encode()), "lime.toml")},
        "admin.activate": {},
        "admin.enter": {
            "kind": "phosphogypsum_produced",
            "year": "2025",
            "value": "1000000",
            "source": "Provincial solid-waste bulletin 2025, table 2",
        },
        "admin.external_import": {
            "file": (io.BytesIO((",".join(REQUIRED) + "\nX\n").encode()), "certs.csv")
        },
    }.get(endpoint, {})


def admin_requests(app, world: dict) -> list[tuple[str, str, str]]:
    """Return (method, url, endpoint) for every method of every /admin rule."""
    requests = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule == "/admin" or rule.rule.startswith("/admin/")):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world["values"][m.group(1)]), rule.rule)
        for method in sorted(rule.methods):
            requests.append((method, url, rule.endpoint))
    # Not routes at all, or not with that method: the answer must not differ.
    requests += [
        ("GET", "/admin/no-such-page", ""),
        ("POST", "/admin/organisations", ""),
        ("GET", f"/admin/users/{world['values']['user_id']}/disabled", ""),
    ]
    return requests


def _state(session, victim_id: int) -> tuple:
    session.expire_all()
    victim = session.get(User, victim_id)
    return (
        session.exec(select(func.count()).select_from(Organisation)).one(),
        session.exec(select(func.count()).select_from(User)).one(),
        session.exec(select(func.count()).select_from(AuditEntry)).one(),
        tuple(session.exec(select(CriteriaVersion.id, CriteriaVersion.active)).all()),
        tuple(session.exec(select(Category.name_en, Category.procurement_class)).all()),
        tuple(session.exec(select(Plant.id, Plant.confirmed_at)).all()),
        tuple(session.exec(select(ProvincialFigure.kind, ProvincialFigure.value)).all()),
        (victim.disabled, victim.session_version, victim.password_hash),
    )


def _send(client, method: str, url: str, endpoint: str, world: dict):
    data = _form(endpoint, world) if method == "POST" else None
    return client.open(url, method=method, data=data)


def test_the_walk_covers_every_console_page(app, world):
    endpoints = {e for _, _, e in admin_requests(app, world)}
    assert {
        "admin.home",
        "admin.organisations",
        "admin.organisation",
        "admin.new_organisation",
        "admin.users",
        "admin.new_user",
        "admin.toggle_user",
        "admin.reset_password",
        "admin.categories",
        "admin.edit_category",
        "admin.criteria",
        "admin.upload",
        "admin.criteria_version",
        "admin.activate",
        "admin.audit",
        "admin.plants",
        "admin.confirm",
        "admin.figures",
        "admin.enter",
    } <= endpoints


def test_anonymous_visitors_get_404_everywhere(app, client, session, world):
    before = _state(session, world["victim"].id)
    for method, url, endpoint in admin_requests(app, world):
        response = _send(client, method, url, endpoint, world)
        assert response.status_code == 404, (method, url, response.status_code)
    assert _state(session, world["victim"].id) == before


@pytest.mark.parametrize("kind", NON_ADMIN_KINDS)
def test_other_roles_get_404_everywhere(app, client, session, login, world, kind):
    user = factories.make_user(session, factories.make_organisation(session, kind=kind))
    session.commit()
    login(user)
    before = _state(session, world["victim"].id)
    for method, url, endpoint in admin_requests(app, world):
        response = _send(client, method, url, endpoint, world)
        assert response.status_code == 404, (kind, method, url, response.status_code)
    assert _state(session, world["victim"].id) == before


def test_a_disabled_administrator_gets_404_everywhere(
    app, client, session, login, world, admin_org
):
    other_admin = factories.make_user(session, admin_org, email="former@example.test")
    session.commit()
    login(other_admin)
    assert client.get("/admin").status_code == 200
    set_user_disabled(session=session, actor=None, user_id=other_admin.id, disabled=True)
    session.commit()
    before = _state(session, world["victim"].id)
    for method, url, endpoint in admin_requests(app, world):
        response = _send(client, method, url, endpoint, world)
        assert response.status_code == 404, (method, url, response.status_code)
    assert _state(session, world["victim"].id) == before


def test_administrators_reach_every_page(app, client, login, world, admin):
    login(admin)
    for method, url, endpoint in admin_requests(app, world):
        if not endpoint:
            continue
        response = _send(client, method, url, endpoint, world)
        assert response.status_code in (200, 302), (method, url, response.status_code)


@pytest.mark.csrf
def test_the_guard_answers_before_the_csrf_check(app, client, world):
    # Without a token an anonymous POST would otherwise get the CSRF error page (400).
    for method, url, _endpoint in admin_requests(app, world):
        if method == "POST":
            assert client.post(url).status_code == 404, url


@pytest.mark.csrf
def test_console_posts_without_a_csrf_token_are_refused(app, client, session, login, world, admin):
    login(admin)
    before = _state(session, world["victim"].id)
    for method, url, endpoint in admin_requests(app, world):
        if method != "POST" or not endpoint:
            continue
        response = client.post(url, data=_form(endpoint, world))
        assert response.status_code == 400, (url, response.status_code)
        assert "did not come from this site" in response.get_data(as_text=True)
    assert _state(session, world["victim"].id) == before
    # With the page's token the same request goes through.
    token = csrf_token(client, "/admin/users")
    response = client.post(
        f"/admin/users/{world['victim'].id}/disabled", data={"disabled": "1", "csrf_token": token}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, world["victim"].id).disabled
