"""Who may confirm a plant, what a confirmation records and what a change undoes."""

import json

import pytest
from sqlmodel import select

from accounts.models import OrganisationKind
from catalog.models import Plant, PlantEnergyFigure
from catalog.plant_confirmation import confirm_plant
from catalog.plants import PlantInput, record_energy_figure, update_plant
from greenbm.audit import AuditEntry
from greenbm.errors import NotAllowed, NotFound
from tests.factories import make_organisation, make_plant, make_user


@pytest.fixture
def maker(session):
    """A manufacturer's user."""
    return make_user(session)


@pytest.fixture
def plant(session, maker):
    """A clinker plant of the maker with one energy figure, both as just registered."""
    row = make_plant(session, maker, capacity=0.001, capacity_unit="t/d", capacity_kind="clinker")
    record_energy_figure(
        session=session, actor=maker, plant_id=row.id, year=2025, metric="clinker_energy", value=61
    )
    session.commit()
    return row


def _figure(session, plant) -> PlantEnergyFigure:
    return session.exec(
        select(PlantEnergyFigure).where(PlantEnergyFigure.plant_id == plant.id)
    ).one()


def _confirmations(session) -> list[AuditEntry]:
    return list(
        session.exec(select(AuditEntry).where(AuditEntry.action == "plant.confirmed")).all()
    )


def _user_of(session, kind):
    return make_user(session, make_organisation(session, kind=kind))


def test_a_registered_plant_and_figure_start_unconfirmed(session, plant):
    assert plant.confirmed_at is None
    assert _figure(session, plant).confirmed_at is None


@pytest.mark.parametrize(
    "kind", [OrganisationKind.MANUFACTURER, OrganisationKind.PROCUREMENT_AGENCY]
)
def test_only_reviewers_and_administrators_may_confirm(session, plant, maker, kind):
    actor = maker if kind == OrganisationKind.MANUFACTURER else _user_of(session, kind)
    with pytest.raises(NotAllowed):
        confirm_plant(session=session, actor=actor, plant_id=plant.id)
    session.rollback()
    assert session.get(Plant, plant.id).confirmed_at is None
    assert _confirmations(session) == []


@pytest.mark.parametrize(
    "kind", [OrganisationKind.CERTIFICATION_BODY, OrganisationKind.ADMINISTRATOR]
)
def test_a_confirmation_records_who_and_is_audited(session, plant, kind):
    actor = _user_of(session, kind)
    assert confirm_plant(session=session, actor=actor, plant_id=plant.id) is True
    figure = _figure(session, plant)
    assert (plant.confirmed_by_id, figure.confirmed_by_id) == (actor.id, actor.id)
    assert plant.confirmed_at is not None and figure.confirmed_at is not None
    (entry,) = _confirmations(session)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "plant.confirmed",
        "plant",
        plant.id,
    )
    assert entry.subject_organisation_id == plant.manufacturer_id
    detail = json.loads(entry.detail)
    assert detail["capacity"] == 0.001
    assert detail["figures"] == [
        {"year": 2025, "metric": "clinker_energy", "value": 61.0, "unit": "kgce/t"}
    ]
    # Nothing new to confirm: no second audit entry.
    assert confirm_plant(session=session, actor=actor, plant_id=plant.id) is False
    assert len(_confirmations(session)) == 1


def test_an_unknown_plant_is_not_found(session):
    reviewer = _user_of(session, OrganisationKind.CERTIFICATION_BODY)
    with pytest.raises(NotFound):
        confirm_plant(session=session, actor=reviewer, plant_id=999999)


def _data(plant, **changes) -> PlantInput:
    values = {
        "name": plant.name,
        "division_code": plant.division_code,
        "address": plant.address,
        "capacity": plant.capacity,
        "capacity_unit": plant.capacity_unit,
        "capacity_kind": plant.capacity_kind,
    }
    return PlantInput(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "stays"),
    [
        ({"name": "新名字", "address": "新地址"}, True),
        ({"capacity": 5000.0}, False),
        ({"capacity_unit": "t/a"}, False),
        ({"capacity_kind": "product"}, False),
        ({"division_code": "520100"}, False),
    ],
)
def test_a_change_of_what_counts_needs_a_new_confirmation(session, plant, maker, changes, stays):
    confirm_plant(
        session=session, actor=_user_of(session, OrganisationKind.ADMINISTRATOR), plant_id=plant.id
    )
    update_plant(session=session, actor=maker, plant_id=plant.id, data=_data(plant, **changes))
    assert (plant.confirmed_at is not None) is stays
    assert (plant.confirmed_by_id is not None) is stays
    assert _figure(session, plant).confirmed_at is not None


@pytest.mark.parametrize(("value", "stays"), [(61.0, True), (95.0, False)])
def test_a_changed_figure_needs_a_new_confirmation(session, plant, maker, value, stays):
    confirm_plant(
        session=session, actor=_user_of(session, OrganisationKind.ADMINISTRATOR), plant_id=plant.id
    )
    record_energy_figure(
        session=session,
        actor=maker,
        plant_id=plant.id,
        year=2025,
        metric="clinker_energy",
        value=value,
    )
    assert (_figure(session, plant).confirmed_at is not None) is stays
    assert plant.confirmed_at is not None


def test_the_plant_pages_mark_what_is_unconfirmed(client, session, login, plant, maker):
    login(maker)
    for url in ("/manufacturer/plants", f"/manufacturer/plants/{plant.id}"):
        assert 'data-testid="unconfirmed"' in client.get(url).get_data(as_text=True), url
    confirm_plant(
        session=session, actor=_user_of(session, OrganisationKind.ADMINISTRATOR), plant_id=plant.id
    )
    session.commit()
    for url in ("/manufacturer/plants", f"/manufacturer/plants/{plant.id}"):
        assert 'data-testid="unconfirmed"' not in client.get(url).get_data(as_text=True), url
