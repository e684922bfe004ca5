"""The catalogue's JSON API: product search, one product, categories; checked against OpenAPI."""

import pytest
from jsonschema import ValidationError

from catalog.search import close_search_indexes, rebuild_index
from tests.catalog.catalogue_data import Catalogue, make_catalogue
from tests.openapi_check import validate


@pytest.fixture(autouse=True)
def _close_indexes(app):
    yield
    close_search_indexes(app)


@pytest.fixture
def catalogue(app, session) -> Catalogue:
    catalogue = make_catalogue(session)
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    return catalogue


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def keys(catalogue: Catalogue, items: list[dict]) -> list[str]:
    by_id = {p.id: key for key, p in catalogue.products.items()}
    return [by_id[item["id"]] for item in items]


def search(client, query: str = "", status: int = 200) -> dict:
    response = client.get(f"/api/v1/products{query}")
    assert response.status_code == status, response.get_json()
    media_type = "application/json" if status == 200 else "application/problem+json"
    assert response.mimetype == media_type
    return response.get_json()


def test_search_answer_shape(client, catalogue, document):
    data = search(client, "?category=cement&sort=gwp")
    validate(document, "/api/v1/products", 200, data)
    assert (data["total"], data["page"], data["per_page"]) == (2, 1, 20)
    first = data["items"][0]
    product = catalogue.products["cem640"]
    assert first == {
        "id": product.id,
        "name": "P·O 42.5 普通硅酸盐水泥",
        "name_en": "P.O 42.5 ordinary Portland cement",
        "model": "P·O",
        "category": "cement",
        "manufacturer": {
            "name": "贵州低碳建材有限公司520100",
            "uscc": first["manufacturer"]["uscc"],
            "division": "520100",
        },
        "gwp": {"value": 640.0, "unit": "kgCO2e/t"},
        "certificate": {
            "number": product.cert_number,
            "stars": 2,
            "status": "valid",
            "valid_until": product.cert_valid_until.isoformat(),
        },
    }
    assert len(first["manufacturer"]["uscc"]) == 18
    assert data["facets"]["category"] == {"cement": 2, "concrete": 3, "gypsum": 2}
    assert data["facets"]["status"] == {"valid": 2, "none": 1, "expired": 1, "suspended": 1}


def test_status_any_lists_uncertified_products_with_a_null_certificate(client, catalogue, document):
    data = search(client, "?category=cement&status=any&sort=gwp")
    validate(document, "/api/v1/products", 200, data)
    assert keys(catalogue, data["items"]) == ["cem600", "cem640", "cem655", "cem700", "cem720"]
    statuses = [item["certificate"] and item["certificate"]["status"] for item in data["items"]]
    assert statuses == [None, "valid", "expired", "valid", "suspended"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=磷石膏", {"cem640", "board", "binder"}),
        ("?q=plasterboard", {"board"}),
        ("?min_stars=2", {"cem640", "c30a", "board", "binder"}),
        ("?min_stars=3", {"board"}),
        ("?division=520400", {"cem700"}),
        ("?division=522700&division=520400", {"cem700", "c30a", "c30b", "c40", "board", "binder"}),
        ("?category=concrete&gwp_max=290", {"c30a", "c30b"}),
        ("?category=concrete&gwp_min=290", {"c30b", "c40"}),
        ("?gwp_min=285&gwp_max=650", {"c30b", "c40", "cem640"}),
        ("?category=cement&category=gypsum", {"cem640", "cem700", "board", "binder"}),
        ("?q=GZGBM-2026-TST-000002", {"cem640"}),
        # An empty value is no filter, as a form field left blank.
        ("?category=&division=&min_stars=3", {"board"}),
    ],
)
def test_search_filters(client, catalogue, query, expected):
    assert set(keys(catalogue, search(client, query)["items"])) == expected


def test_pages(client, catalogue):
    # Sorted by stars then GWP: sorting by GWP alone needs one category (one declared unit).
    whole = keys(catalogue, search(client, "?sort=-stars&per_page=7")["items"])
    first = search(client, "?sort=-stars&per_page=3")
    second = search(client, "?sort=-stars&per_page=3&page=2")
    assert keys(catalogue, first["items"]) + keys(catalogue, second["items"]) == whole[:6]
    assert len(set(whole)) == 7
    assert first["total"] == second["total"] == 7
    past = search(client, "?page=50")
    assert past["items"] == [] and past["total"] == 7 and past["page"] == 50


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?page=0", "page"),
        ("?page=x", "page"),
        ("?per_page=101", "per_page"),
        ("?per_page=0", "per_page"),
        ("?min_stars=4", "min_stars"),
        ("?min_stars=one", "min_stars"),
        ("?status=expired", "status"),
        ("?sort=price", "sort"),
        # GWP is per declared unit: no ranking across categories, nor across gypsum's m² and t.
        ("?sort=gwp", "sort"),
        ("?sort=gwp&category=cement&category=lime", "sort"),
        ("?sort=gwp&category=gypsum", "sort"),
        ("?gwp_max=-1", "gwp_max"),
        ("?gwp_max=abc", "gwp_max"),
        ("?gwp_max=inf", "gwp_max"),
        ("?gwp_min=-1", "gwp_min"),
        ("?gwp_min=nan", "gwp_min"),
        ("?gwp_min=300&gwp_max=200", "gwp_min"),
        ("?category=marble", "category"),
        ("?division=110000", "division"),
        ("?q=" + "长" * 201, "q"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(
    client, catalogue, document, query, parameter
):
    data = search(client, query, status=400)
    validate(document, "/api/v1/products", 400, data)
    assert data["title"] == "Bad Request"
    assert data["detail"].startswith(f"Parameter '{parameter}'")


@pytest.mark.parametrize("query", ['?q="unbalanced', "?q=((( OR ]]", "?q=NOT", "?q=%00"])
def test_hostile_queries_still_answer(client, catalogue, document, query):
    validate(document, "/api/v1/products", 200, search(client, query))


def test_without_an_index_the_database_answers(app, client, catalogue, tmp_path, document):
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "missing")
    response = client.get("/api/v1/products?q=磷石膏")
    assert response.headers["X-Search-Mode"] == "database"
    validate(document, "/api/v1/products", 200, response.get_json())
    assert set(keys(catalogue, response.get_json()["items"])) == {"cem640", "board", "binder"}


def test_one_product(client, catalogue, document):
    product = catalogue.products["c30b"]
    data = client.get(f"/api/v1/products/{product.id}").get_json()
    validate(document, "/api/v1/products/{product_id}", 200, data)
    assert data["carbon"] == {
        "compared_with": 2,
        "percentile_rank": 75.0,
        "p20": 282.0,
        "p80": 288.0,
        "reference": 295.0,
    }
    assert data["variant"]["code"] == "le_c30" and data["declared_unit"] == "m^3"
    assert data["gwp"] == {"value": 290.0, "unit": "kgCO2e/m^3"}
    codes = [i["code"] for i in data["indicators"]]
    assert codes[0] == "gwp" and "scm_recycled_content" in codes


def test_one_product_levels(client, catalogue, document):
    data = client.get(f"/api/v1/products/{catalogue.id('cem700')}").get_json()
    validate(document, "/api/v1/products/{product_id}", 200, data)
    levels = {i["code"]: i["level"] for i in data["indicators"]}
    assert levels == {
        "gwp": 1,
        "clinker_energy": 2,
        "cement_energy": 2,
        "solid_waste_content": 1,
        "strength_margin": 2,
    }
    assert data["carbon"]["p20"] == 632.0 and data["carbon"]["percentile_rank"] == 70.0


@pytest.mark.parametrize("key", ["cemdraft", None])
def test_unpublished_or_unknown_product_is_a_json_404(client, catalogue, document, key):
    pid = catalogue.id(key) if key else 999999
    response = client.get(f"/api/v1/products/{pid}")
    validate(document, "/api/v1/products/{product_id}", 404, response)
    assert response.get_json()["detail"] == f"No published product has the id {pid}."


def test_categories(client, catalogue, document):
    data = client.get("/api/v1/categories").get_json()
    validate(document, "/api/v1/categories", 200, data)
    by_code = {c["code"]: c for c in data["items"]}
    assert by_code["cement"]["published_products"] == 5
    assert by_code["cement"]["gwp_reference"] == 735.0
    assert by_code["gypsum"]["units"] == ["m^2", "t"]
    concrete = by_code["concrete"]
    assert concrete["variant_attribute"] == "strength_class"
    assert [(v["code"], v["gwp_reference"]) for v in concrete["variants"]] == [
        ("le_c30", 295.0),
        ("c35_c45", 340.0),
        ("ge_c50", 385.0),
    ]


def test_documented_query_parameters(document):
    operation = document["paths"]["/api/v1/products"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert set(names) == {
        "q", "category", "min_stars", "division", "status", "gwp_min", "gwp_max", "sort", "page",
        "per_page",
    }  # fmt: skip
    assert all(p["in"] == "query" and not p["required"] for p in names.values())
    assert names["per_page"]["schema"]["maximum"] == 100
    assert set(operation["responses"]) == {"200", "400", "503"}


def test_the_documented_filters_allow_the_empty_value_the_api_takes_as_no_filter(
    client, catalogue, document
):
    # Schemathesis sends what the document allows: `?division=` is answered (no filter), so
    # the document must allow it too, or the fuzzer rightly reports an accepted invalid value.
    parameters = document["paths"]["/api/v1/products"]["get"]["parameters"]
    for parameter in parameters:
        items = parameter["schema"].get("items")
        if items is None:
            continue
        assert search(client, f"?{parameter['name']}=")["items"] == search(client)["items"]
        assert "enum" not in items or "" in items["enum"], parameter["name"]


def test_schemas_are_strict(client, catalogue, document):
    data = search(client)
    data["items"][0]["extra"] = 1
    with pytest.raises(ValidationError, match="Additional properties"):
        validate(document, "/api/v1/products", 200, data)


def test_every_documented_catalogue_answer_matches_its_schema(client, catalogue, document):
    calls = {
        ("/api/v1/products", 200): "/api/v1/products?status=any",
        ("/api/v1/products", 400): "/api/v1/products?per_page=1000",
        ("/api/v1/products/{product_id}", 200): f"/api/v1/products/{catalogue.id('board')}",
        ("/api/v1/products/{product_id}", 404): "/api/v1/products/0",
        ("/api/v1/categories", 200): "/api/v1/categories",
        ("/api/v1/categories/{code}/statistics", 200): "/api/v1/categories/cement/statistics",
        (
            "/api/v1/categories/{code}/statistics",
            400,
        ): "/api/v1/categories/cement/statistics?unit=x",
        ("/api/v1/categories/{code}/statistics", 404): "/api/v1/categories/marble/statistics",
    }
    documented = {
        (path, int(status))
        for path, operations in document["paths"].items()
        if path.startswith(("/api/v1/products", "/api/v1/categories"))
        for status in operations["get"]["responses"]
        if status != "503"  # a database outage: tests/ops/test_database_outage.py
    }
    assert documented == set(calls), "add a call for each documented answer"
    for (path, status), url in calls.items():
        response = client.get(url)
        validate(document, path, status, response)
