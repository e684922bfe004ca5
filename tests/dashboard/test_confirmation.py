"""A manufacturer's plant and its annual reports count in the dashboard only once confirmed."""

import pytest

from accounts.models import OrganisationKind
from catalog.plant_confirmation import confirm_plant
from catalog.plants import PlantInput, update_plant
from catalog.reports.rules import ProductLine, ReportInput
from catalog.reports.services import confirm_report, file_report
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


def _file(session, maker, plant, energy: float):
    data = ReportInput(
        year=2025,
        fuel_tce=1000.0,
        substitute_fuel_tce=0.0,
        evidence="energy audit 2025",
        products=[ProductLine("clinker", 1_550_000.0, 1_400_000.0, energy)],
    )
    return file_report(session=session, actor=maker, plant_id=plant.id, data=data, today=TODAY)


def _register_kiln(session, maker, reviewer=None):
    plant = make_plant(session, maker, capacity=5000, capacity_unit="t/d", capacity_kind="clinker")
    report = _file(session, maker, plant, 90.0)
    if reviewer is not None:
        confirm_report(session=session, actor=reviewer, report_id=report.id)
    session.commit()
    return plant


def test_a_just_registered_plant_changes_no_public_figure(client, session, world, maker, reviewer):
    before = _public_figures(client)
    _register_kiln(session, maker, reviewer)
    assert _public_figures(client) == before
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="awaiting-confirmation"' in html
    assert "1,550,000 t/a of capacity await confirmation" in html


def test_a_confirmed_plant_counts_and_a_change_drops_it_until_confirmed_again(
    client, session, world, maker, reviewer
):
    before = _public_figures(client)
    plant = _register_kiln(session, maker, reviewer)
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
    correction = _file(session, maker, plant, 80.0)
    session.commit()
    # The confirmed version keeps counting (at 90) until its correction is confirmed.
    assert _province(_public_figures(client))[1:4] == ["6", "4", "3720000"]
    assert _province(_public_figures(client))[-1] != "80.0"
    confirm_report(session=session, actor=reviewer, report_id=correction.id)
    session.commit()
    assert _province(_public_figures(client))[1:3] == ["6", "4"]
