"""The category statistics page and API, on the small catalogue with hand-computed figures."""

import pytest

from tests.catalog.catalogue_data import make_catalogue
from tests.openapi_check import validate

PATH = "/api/v1/categories/{code}/statistics"


@pytest.fixture
def catalogue(app, session):
    return make_catalogue(session)


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def test_api_counts_valid_certificates_by_default(client, catalogue, document):
    response = client.get("/api/v1/categories/cement/statistics")
    validate(document, PATH, 200, response)
    data = response.get_json()
    # Valid today: 640 and 700 (655 lapsed yesterday, 720 suspended, 600 uncertified).
    assert (data["count"], data["min"], data["max"], data["mean"]) == (2, 640.0, 700.0, 670.0)
    assert data["target"] == pytest.approx(652.0) and data["conservative"] == pytest.approx(688.0)
    assert data["reference"] == 735.0
    assert data["thresholds"]["stars"] == [735, 662, 588]
    assert data["counted"] == "valid"


def test_api_switch_counts_every_published_product(client, catalogue, document):
    data = client.get("/api/v1/categories/cement/statistics?include=all").get_json()
    assert data["count"] == 5  # the draft at 500 is not public
    assert data["percentiles"]["p20"] == pytest.approx(632.0)
    assert data["percentiles"]["p80"] == pytest.approx(704.0)
    assert sum(b["count"] for b in data["histogram"]) == 5


def test_api_variant_and_unit(client, catalogue, document):
    data = client.get("/api/v1/categories/concrete/statistics").get_json()
    assert (data["variant"], data["count"], data["reference"]) == ("le_c30", 2, 295.0)
    c40 = client.get("/api/v1/categories/concrete/statistics?variant=c35_c45").get_json()
    assert (c40["count"], c40["reference"], c40["std"]) == (1, 340.0, None)
    binder = client.get("/api/v1/categories/gypsum/statistics?unit=t").get_json()
    assert (binder["count"], binder["reference"], binder["thresholds"]) == (1, None, None)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("cement/statistics?unit=m^3", 400),
        ("concrete/statistics?variant=c99", 400),
        ("cement/statistics?include=some", 400),
        ("marble/statistics", 404),
    ],
)
def test_api_bad_input(client, catalogue, document, query, status):
    response = client.get(f"/api/v1/categories/{query}")
    validate(document, PATH, status, response)
    assert response.get_json()["detail"]


def test_page_from_product_page(client, catalogue):
    product = client.get(f"/catalog/products/{catalogue.id('cem700')}").get_data(as_text=True)
    assert '/catalog/categories/cement?unit=t&amp;all=1"' in product
    page = client.get("/catalog/categories/cement?unit=t&all=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="stat-count">5<' in html
    assert 'data-testid="stat-p20">632<' in html and 'data-testid="stat-p80">704<' in html
    assert 'data-testid="spread-chart"' in html and "mark-target" in html
    assert "GB/T 51366-2019 Annex D" in html


def test_page_defaults_and_groups(client, catalogue):
    html = client.get("/catalog/categories/concrete").get_data(as_text=True)
    assert 'data-testid="stat-count">2<' in html and "C35 to C45" in html
    assert client.get("/catalog/categories/concrete?variant=zz").status_code == 404
    assert client.get("/catalog/categories/marble").status_code == 404
    empty = client.get("/catalog/categories/lime").get_data(as_text=True)
    assert 'data-testid="no-products"' in empty
    listing = client.get("/catalog/categories").get_data(as_text=True)
    assert "/catalog/categories/wood-bamboo" in listing
