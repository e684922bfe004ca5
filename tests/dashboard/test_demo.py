"""The demo data (`flask seed`) gives a dashboard where every chart has something to show."""

from datetime import date

from sqlmodel import select

from catalog.reports.models import PlantReport, ReportStatus
from dashboard import views
from dashboard.panels import PANELS
from dashboard.provincial import confirmed_lines, energy_trend
from seeds.certification_demo import load_demo_certificates
from seeds.loader import load_demo
from seeds.procurement_demo import load_demo_procurement
from tests.dashboard.test_views import download, page_tables


def _number(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:  # a unit or "–"
        return 0.0


def test_every_chart_of_the_demo_dashboard_has_data(session, client, tmp_path, monkeypatch):
    today = date.today()
    monkeypatch.setattr(views, "today", lambda: today)
    load_demo(echo=lambda *a, **k: None, session=session)
    load_demo_certificates(str(tmp_path), today=today, session=session)
    load_demo_procurement(today=today, session=session)
    session.commit()
    html = client.get("/dashboard").get_data(as_text=True)
    tables = page_tables(html)
    for key in PANELS:
        rows = tables[f"table-{key}"][1:]
        assert rows, key
        # Some figure of the chart is more than zero.
        assert any(_number(cell) > 0 for row in rows for cell in row[1:]), key
        assert download(client, key) == tables[f"table-{key}"], key
    assert html.count('class="mark"') > 50


def test_the_demo_reports_show_three_years_a_trend_and_one_returned_report(session):
    load_demo(echo=lambda *a, **k: None, session=session)
    session.commit()
    reports = session.exec(select(PlantReport)).all()
    assert {r.year for r in reports} == {2023, 2024, 2025}
    returned = [r for r in reports if r.status == ReportStatus.RETURNED]
    assert len(returned) == 1 and returned[0].decision_reason
    trend = [t.mean for t in energy_trend(confirmed_lines(session=session), "clinker")]
    assert len(trend) == 3 and trend[0] > trend[1] > trend[2]
    # Seeding again adds nothing.
    load_demo(echo=lambda *a, **k: None, session=session)
    assert len(session.exec(select(PlantReport)).all()) == len(reports)
