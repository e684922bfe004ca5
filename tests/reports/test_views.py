"""The manufacturer's report pages, the XLSX template in and out, and the reviewers' queue."""

import io

from openpyxl import load_workbook
from sqlmodel import select

from catalog.reports.models import PlantReport, ReportStatus
from catalog.reports.xlsx import read_report_workbook, report_workbook
from tests.factories import make_user
from tests.reports.helpers import maker_and_plant, reviewer


def _form(year=2025, energy="98.5", **extra):
    data = {
        "year": str(year),
        "fuel_tce": "1000",
        "substitute_fuel_tce": "40",
        "raw_meal_limestone_t": "9000",
        "evidence": "Energy audit 2025",
        "products-0-industry": "clinker",
        "products-0-capacity": "930000",
        "products-0-production": "850000",
        "products-0-energy": energy,
        "wastes-0-kind": "carbide_slag",
        "wastes-0-tonnes": "1200",
        "wastes-0-in_raw_meal": "y",
    }
    data.update(extra)
    return data


def _reports(session):
    session.expire_all()
    return session.exec(select(PlantReport).order_by(PlantReport.id)).all()


def test_the_manufacturer_files_a_report_from_the_form(client, login, session):
    maker, plant = maker_and_plant(session)
    session.commit()
    login(maker)
    page = client.get(f"/manufacturer/plants/{plant.id}/reports")
    assert page.status_code == 200
    response = client.post(f"/manufacturer/plants/{plant.id}/reports", data=_form())
    assert response.status_code == 302
    [report] = _reports(session)
    assert (report.year, report.status, report.version) == (2025, ReportStatus.SUBMITTED, 1)
    assert "waiting for a decision" in client.get(response.location).get_data(as_text=True)


def test_a_bad_form_says_why_and_files_nothing(client, login, session):
    maker, plant = maker_and_plant(session)
    session.commit()
    login(maker)
    response = client.post(
        f"/manufacturer/plants/{plant.id}/reports", data=_form(substitute_fuel_tce="5000")
    )
    assert response.status_code == 400
    assert "Substitute fuels must lie between 0 and all fuels used." in response.get_data(
        as_text=True
    )
    assert _reports(session) == []


def test_another_manufacturer_gets_404(client, login, session):
    _maker, plant = maker_and_plant(session)
    other = make_user(session)
    session.commit()
    login(other)
    assert client.get(f"/manufacturer/plants/{plant.id}/reports").status_code == 404
    response = client.post(f"/manufacturer/plants/{plant.id}/reports", data=_form())
    assert response.status_code == 404
    assert _reports(session) == []


def test_the_template_round_trips(client, login, session):
    maker, plant = maker_and_plant(session)
    session.commit()
    login(maker)
    client.post(f"/manufacturer/plants/{plant.id}/reports", data=_form())
    report = _reports(session)[0]
    filled = client.get(f"/manufacturer/plants/{plant.id}/reports/template.xlsx?report={report.id}")
    assert filled.status_code == 200
    data = read_report_workbook(filled.data)
    assert (data.year, data.fuel_tce, data.products[0].energy) == (2025, 1000.0, 98.5)
    assert data.wastes[0].in_raw_meal is True
    upload = client.post(
        f"/manufacturer/plants/{plant.id}/reports/upload",
        data={"file": (io.BytesIO(filled.data), "report.xlsx")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    assert [r.version for r in _reports(session)] == [1, 2]


def _workbook_with(cell_value) -> bytes:
    blank = load_workbook(io.BytesIO(report_workbook(year=2025)))
    blank["report"]["B3"] = cell_value  # fuel_tce
    buffer = io.BytesIO()
    blank.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_a_formula_or_garbage_is_refused_without_filing(client, login, session):
    maker, plant = maker_and_plant(session)
    session.commit()
    login(maker)
    for content, message in (
        (_workbook_with("=1+1"), "The workbook holds formulas"),
        (b"PK\x03\x04 not really", "not a readable XLSX workbook"),
        (_workbook_with("lots"), "is not a number"),
    ):
        response = client.post(
            f"/manufacturer/plants/{plant.id}/reports/upload",
            data={"file": (io.BytesIO(content), "report.xlsx")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _reports(session) == []


def test_the_template_has_no_live_formula():
    workbook = load_workbook(io.BytesIO(report_workbook(year=2025)))
    assert all(
        cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row
    )
    assert {"report", "products", "wastes", "codes"} <= set(workbook.sheetnames)


def test_the_reviewer_returns_then_confirms_a_correction(client, login, session):
    maker, plant = maker_and_plant(session)
    checker = reviewer(session)
    session.commit()
    login(maker)
    client.post(f"/manufacturer/plants/{plant.id}/reports", data=_form(energy="85"))
    first = _reports(session)[0]
    client.post("/logout")
    login(checker)
    queue = client.get("/reports/queue").get_data(as_text=True)
    assert f'data-testid="queued-{first.id}"' in queue
    assert client.post(f"/reports/{first.id}/return", data={"reason": ""}).status_code == 400
    client.post(f"/reports/{first.id}/return", data={"reason": "85 kgce/t is not credible"})
    client.post("/logout")
    login(maker)
    page = client.get(f"/manufacturer/plants/{plant.id}/reports").get_data(as_text=True)
    assert "85 kgce/t is not credible" in page
    client.post(f"/manufacturer/plants/{plant.id}/reports", data=_form(energy="101"))
    client.post("/logout")
    login(checker)
    second = _reports(session)[1]
    client.post(f"/reports/{second.id}/confirm")
    assert [r.status for r in _reports(session)] == [
        ReportStatus.SUPERSEDED,
        ReportStatus.CONFIRMED,
    ]


def test_a_manufacturer_cannot_open_the_queue(client, login, session):
    maker, _plant = maker_and_plant(session)
    session.commit()
    login(maker)
    assert client.get("/reports/queue").status_code == 404
