"""The console lists the plants waiting for confirmation and confirms them (CSRF on)."""

import pytest
from sqlmodel import select

from catalog.models import Plant
from greenbm.audit import AuditEntry
from tests import factories
from tests.conftest import csrf_token

pytestmark = pytest.mark.csrf


@pytest.fixture
def waiting(session):
    """A manufacturer's user and its just-registered clinker plant."""
    maker = factories.make_user(session, email="maker@example.test")
    plant = factories.make_plant(
        session,
        maker,
        name="待确认熟料厂",
        capacity=0.001,
        capacity_unit="t/d",
        capacity_kind="clinker",
    )
    session.commit()
    return maker, plant


def _confirmed_at(session, plant_id: int):
    session.expire_all()
    return session.get(Plant, plant_id).confirmed_at


def test_the_console_lists_waiting_plants_and_confirms_them(client, session, login, admin, waiting):
    _maker, plant = waiting
    login(admin)
    home = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/plants"' in home
    page = client.get("/admin/plants").get_data(as_text=True)
    assert "待确认熟料厂" in page
    assert f'action="/admin/plants/{plant.id}/confirm"' in page

    # Without the form's token the confirmation is refused and changes nothing.
    assert client.post(f"/admin/plants/{plant.id}/confirm").status_code == 400
    assert _confirmed_at(session, plant.id) is None

    token = csrf_token(client, "/admin/plants")
    response = client.post(f"/admin/plants/{plant.id}/confirm", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/plants")
    assert _confirmed_at(session, plant.id) is not None
    assert session.get(Plant, plant.id).confirmed_by_id == admin.id
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "plant.confirmed")).one()
    assert (entry.actor_id, entry.object_id) == (admin.id, plant.id)
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-action="plant.confirmed"' in audit and "Plant confirmed</td>" in audit
    assert "待确认熟料厂" not in client.get("/admin/plants").get_data(as_text=True)
    unknown = client.post("/admin/plants/999999/confirm", data={"csrf_token": token})
    assert unknown.status_code == 404


def test_a_manufacturer_cannot_confirm_its_own_plant(client, session, login, waiting):
    maker, plant = waiting
    login(maker)
    token = csrf_token(client, "/manufacturer/plants/new")
    response = client.post(f"/admin/plants/{plant.id}/confirm", data={"csrf_token": token})
    assert response.status_code == 404
    assert client.get("/admin/plants").status_code == 404
    assert _confirmed_at(session, plant.id) is None
