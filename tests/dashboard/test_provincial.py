"""Figures from annual reports: hand-worked values, and each equal to a direct computation.

The world's confirmed 2025 reports (tests/dashboard/conftest.py): Kiln One (Guiyang) 300 t at
100.0 with 500 t fly ash and 250 t carbide slag in raw meal; Kiln Two 1 t at 100.1; Kiln Three
(Anshun) 700 t at 110.0 with 60 t phosphogypsum; Kiln Five 1 t at 90.0. Kiln Four reported
2024 only (1 t). Every report: 100 tce of fuels, 10 substitute, 1000 t limestone in raw meal.
"""

import math

import pytest
from sqlalchemy import text

from catalog.reports.models import PlantReport, PlantReportProduct, PlantReportWaste, ReportStatus
from dashboard.provincial import (
    benchmark_shares,
    confirmed_lines,
    confirmed_wastes,
    energy_trend,
    substitution,
)


def _shares(session, year):
    return {
        (s.industry.code if s.industry else None): s
        for s in benchmark_shares(confirmed_lines(session=session))
        if s.year == year
    }


def test_benchmark_share_2025_by_hand(session, world):
    clinker = _shares(session, 2025)["clinker"]
    assert (clinker.reported, clinker.at_benchmark, clinker.not_reported) == (1002, 301, 1)
    assert clinker.share == pytest.approx(301 / 1003)
    assert _shares(session, 2025)["flat_glass"].share is None  # nobody reported glass
    assert _shares(session, 2025)[None].share == pytest.approx(301 / 1003)


def test_substitution_2025_by_hand(session, world):
    year = {
        s.year: s for s in substitution(session=session, wastes=confirmed_wastes(session=session))
    }
    s2025 = year[2025]
    assert s2025.carbonate_share == pytest.approx(250 / (250 + 4000))
    assert s2025.substitute_fuel_share == pytest.approx(0.1)
    assert s2025.phosphogypsum_used == 60


@pytest.fixture
def noise(session, world):
    """Add unconfirmed reports with huge figures: submitted, returned, superseded."""
    plant_id = session.exec(text("SELECT id FROM plant ORDER BY id")).first()[0]
    for n, status in enumerate(
        (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.SUPERSEDED), start=10
    ):
        report = PlantReport(
            plant_id=plant_id,
            year=2025,
            version=n,
            status=status,
            fuel_tce=1e6,
            substitute_fuel_tce=1e6,
            raw_meal_limestone_t=1e6,
            evidence="noise",
        )
        session.add(report)
        session.flush()
        session.add(
            PlantReportProduct(
                report_id=report.id, industry="clinker", capacity=1e9, production=1e9, energy=1.0
            )
        )
        session.add(
            PlantReportWaste(
                report_id=report.id, kind="phosphogypsum", tonnes=1e9, in_raw_meal=True
            )
        )
    session.commit()


def _direct(session, sql: str):
    # Straight SQL over the confirmed reports: an independent computation of each figure.
    return session.exec(text(sql), params={"confirmed": ReportStatus.CONFIRMED.value}).all()


def test_every_figure_equals_a_direct_computation_from_confirmed_reports(session, noise):
    lines = confirmed_lines(session=session)
    rows = _direct(
        session,
        "SELECT r.year, p.capacity, p.energy FROM plantreport r JOIN plantreportproduct p "
        "ON p.report_id = r.id WHERE r.status = :confirmed AND p.industry = 'clinker'",
    )
    for year in {r[0] for r in rows}:
        mine = [r for r in rows if r[0] == year]
        weight = math.fsum(r[1] for r in mine)
        expected = math.fsum(r[1] * r[2] for r in mine) / weight
        trend = {t.year: t for t in energy_trend(lines, "clinker")}
        assert trend[year].mean == pytest.approx(expected)
        reported = _shares(session, year)["clinker"].reported
        assert reported == pytest.approx(weight)
        at = math.fsum(r[1] for r in mine if r[2] <= 100.0)
        assert _shares(session, year)["clinker"].at_benchmark == pytest.approx(at)
    wastes = _direct(
        session,
        "SELECT r.year, w.kind, SUM(w.tonnes) FROM plantreport r JOIN plantreportwaste w "
        "ON w.report_id = r.id WHERE r.status = :confirmed GROUP BY r.year, w.kind",
    )
    mine = confirmed_wastes(session=session)
    for year, kind, tonnes in wastes:
        assert math.fsum(w.tonnes for w in mine if (w.year, w.kind) == (year, kind)) == tonnes
    assert len({(w.year, w.kind) for w in mine}) == len(wastes)
    fuels = _direct(
        session,
        "SELECT year, SUM(fuel_tce), SUM(substitute_fuel_tce), SUM(raw_meal_limestone_t) "
        "FROM plantreport WHERE status = :confirmed GROUP BY year",
    )
    by_year = {s.year: s for s in substitution(session=session, wastes=mine)}
    for year, fuel, sub, limestone in fuels:
        assert by_year[year].substitute_fuel_share == pytest.approx(sub / fuel)
        assert by_year[year].limestone == pytest.approx(limestone)
    assert set(by_year) == {row[0] for row in fuels}
