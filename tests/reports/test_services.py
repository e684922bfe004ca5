"""Filing, correcting, confirming and returning annual plant reports."""

import json

import pytest
from sqlmodel import select

from catalog.reports.models import PlantReport, ReportStatus
from catalog.reports.services import confirm_report, file_report, plant_reports, return_report
from dashboard.provincial import confirmed_lines
from greenbm.audit import AuditEntry
from greenbm.errors import Invalid, NotAllowed, NotFound
from tests.factories import make_user
from tests.reports.helpers import TODAY, maker_and_plant, report_input, reviewer


def _file(session, maker, plant, **kw):
    return file_report(
        session=session, actor=maker, plant_id=plant.id, data=report_input(**kw), today=TODAY
    )


def _energies(session) -> list[float]:
    return [line.energy for line in confirmed_lines(session=session)]


def test_a_filed_report_counts_only_once_confirmed(session):
    maker, plant = maker_and_plant(session)
    report = _file(session, maker, plant)
    assert (report.version, report.status) == (1, ReportStatus.SUBMITTED)
    assert _energies(session) == []
    confirm_report(session=session, actor=reviewer(session), report_id=report.id)
    assert _energies(session) == [98.0]
    actions = session.exec(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "plant_report", AuditEntry.object_id == report.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["plant_report.filed", "plant_report.confirmed"]


def test_a_returned_report_never_counts_and_keeps_its_reason(session):
    maker, plant = maker_and_plant(session)
    report = _file(session, maker, plant)
    return_report(
        session=session, actor=reviewer(session), report_id=report.id, reason="Energy too low"
    )
    assert report.status == ReportStatus.RETURNED
    assert report.decision_reason == "Energy too low"
    assert _energies(session) == []
    entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert json.loads(entry.detail)["reason"] == "Energy too low"
    with pytest.raises(Invalid):  # a decided report waits no more
        confirm_report(session=session, actor=reviewer(session), report_id=report.id)


def test_a_return_needs_a_reason(session):
    maker, plant = maker_and_plant(session)
    report = _file(session, maker, plant)
    with pytest.raises(Invalid) as caught:
        return_report(session=session, actor=reviewer(session), report_id=report.id, reason=" ")
    assert "reason" in caught.value.errors
    assert report.status == ReportStatus.SUBMITTED


def test_a_correction_is_a_new_version_and_the_confirmed_one_counts_until_replaced(session):
    maker, plant = maker_and_plant(session)
    first = _file(session, maker, plant, energy=98.0)
    checker = reviewer(session)
    confirm_report(session=session, actor=checker, report_id=first.id)
    second = _file(session, maker, plant, energy=104.0)
    assert second.version == 2
    # The confirmed version is not touched and keeps counting while the correction waits.
    assert (first.status, _energies(session)) == (ReportStatus.CONFIRMED, [98.0])
    confirm_report(session=session, actor=checker, report_id=second.id)
    assert first.status == ReportStatus.SUPERSEDED
    assert _energies(session) == [104.0]
    versions = plant_reports(session=session, plant_id=plant.id)
    # Never edited in place: both versions keep their own figures.
    assert [(v.report.version, v.products[0].energy) for v in versions] == [(2, 104.0), (1, 98.0)]


def test_a_new_version_replaces_a_pending_or_returned_one(session):
    maker, plant = maker_and_plant(session)
    first = _file(session, maker, plant)
    return_report(session=session, actor=reviewer(session), report_id=first.id, reason="Units")
    second = _file(session, maker, plant)
    assert (first.status, second.status) == (ReportStatus.SUPERSEDED, ReportStatus.SUBMITTED)
    assert first.decision_reason == "Units"


def test_only_reviewers_and_administrators_decide(session):
    maker, plant = maker_and_plant(session)
    report = _file(session, maker, plant)
    for actor in (maker, make_user(session)):
        with pytest.raises(NotAllowed):
            confirm_report(session=session, actor=actor, report_id=report.id)
        with pytest.raises(NotAllowed):
            return_report(session=session, actor=actor, report_id=report.id, reason="x")
    with pytest.raises(NotFound):
        confirm_report(session=session, actor=reviewer(session), report_id=report.id + 999)


def test_no_manufacturer_files_for_another_ones_plant(session):
    _maker, plant = maker_and_plant(session)
    with pytest.raises(NotFound):
        _file(session, make_user(session), plant)
    assert session.exec(select(PlantReport)).all() == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"substitute_fuel_tce": 1001.0}, "substitute_fuel_tce"),
        ({"year": 2027}, "year"),
        ({"evidence": "  "}, "evidence"),
        ({"products": []}, "products"),
        ({"raw_meal_limestone_t": None}, "wastes"),  # substitutes without their limestone
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(session, overrides, field):
    maker, plant = maker_and_plant(session)
    with pytest.raises(Invalid) as caught:
        _file(session, maker, plant, **overrides)
    assert field in caught.value.errors
    assert session.exec(select(PlantReport)).all() == []
