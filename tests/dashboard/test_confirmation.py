"""A manufacturer's plant and figures count in the dashboard only once confirmed."""

import pytest

from accounts.models import OrganisationKind
from catalog.plant_confirmation import confirm_plant
from catalog.plants import PlantInput, record_energy_figure, update_plant
from dashboard import views
from tests.dashboard.data import TODAY
from tests.dashboard.test_views import download
from tests.factories import make_organisation, make_plant, make_user

CLINKER_KEYS = ("clinker-benchmark", "clinker-intensity")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The hand-built data set is dated around TODAY."""
    monkeypatch.setattr(views, "today", lambda: TODAY)


def _public_figures(client) -> dict[str, list[list[str]]]:
    return {key: download(client, key) for key in CLINKER_KEYS}


def _province(figures) -> list[str]:
    return next(r for r in figures["clinker-benchmark"] if r[0] == "Guizhou province")


@pytest.fixture
def maker(session):
    """A manufacturer's user who registers a big kiln at the benchmark."""
    return make_user(session)


@pytest.fixture
def reviewer(session):
    """A certification body's reviewer."""
    return make_user(session, make_organisation(session, kind=OrganisationKind.CERTIFICATION_BODY))


def _register_kiln(session, maker):
    plant = make_plant(session, maker, capacity=5000, capacity_unit="t/d", capacity_kind="clinker")
    record_energy_figure(
        session=session,
        actor=maker,
        plant_id=plant.id,
        year=2025,
        metric="clinker_energy",
        value=90.0,
    )
    session.commit()
    return plant


def test_a_just_registered_plant_changes_no_public_figure(client, session, world, maker):
    before = _public_figures(client)
    _register_kiln(session, maker)
    assert _public_figures(client) == before
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="awaiting-confirmation"' in html
    assert "1,550,000 t/a of capacity await confirmation" in html


def test_a_confirmed_plant_counts_and_a_change_drops_it_until_confirmed_again(
    client, session, world, maker, reviewer
):
    before = _public_figures(client)
    plant = _register_kiln(session, maker)
    assert confirm_plant(session=session, actor=reviewer, plant_id=plant.id) is True
    session.commit()
    confirmed = _public_figures(client)
    # 5000 t/d × 310 days at 90 kgce/t joins the province's 5 plants and 1,860,000 t/a.
    assert _province(confirmed)[1:4] == ["6", "4", "3410000"]
    assert confirmed != before

    data = PlantInput(
        name=plant.name,
        division_code=plant.division_code,
        capacity=6000,
        capacity_unit="t/d",
        capacity_kind="clinker",
    )
    update_plant(session=session, actor=maker, plant_id=plant.id, data=data)
    session.commit()
    assert _public_figures(client) == before

    confirm_plant(session=session, actor=reviewer, plant_id=plant.id)
    record_energy_figure(
        session=session,
        actor=maker,
        plant_id=plant.id,
        year=2025,
        metric="clinker_energy",
        value=80.0,
    )
    session.commit()
    # The plant's capacity stands confirmed; its changed figure counts for nothing yet.
    assert _province(_public_figures(client))[1:4] == ["6", "3", "3720000"]
    confirm_plant(session=session, actor=reviewer, plant_id=plant.id)
    session.commit()
    assert _province(_public_figures(client))[1:3] == ["6", "4"]
