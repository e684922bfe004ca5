"""The JSON API of certification, and the OpenAPI document checked against real answers."""

import re
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator, ValidationError

from certification.certificates.lifecycle import change_status
from tests.factories import set_dates
from tests.openapi_check import validate

UNKNOWN = "GZGBM-2026-CEM-999999"


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


# --- certificates ---------------------------------------------------------------------------


def test_certificate_answer(client, session, body, certificate):
    response = client.get(f"/api/v1/certificates/{certificate.number}")
    assert response.status_code == 200
    data = response.get_json()
    holder = data.pop("holder")
    assert data.pop("updated_at").endswith("Z")
    assert holder["name"].startswith("测试企业") and holder["name_en"] == ""
    assert len(holder["uscc"]) == 18 and holder["uscc"].startswith("91520100")
    assert data == {
        "number": certificate.number,
        "status": "valid",
        "stars": 1,
        "category": "cement",
        "product": {
            "id": certificate.product_id,
            "name": "P·O 42.5 普通硅酸盐水泥",
            "name_en": "P.O 42.5 ordinary Portland cement",
        },
        "body": {"name": body[0].name_zh, "name_en": ""},
        "issued_on": date.today().isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "change_date": None,
    }


def test_certificate_answer_follows_the_live_status(client, session, body, certificate):
    change_status(
        session=session, actor=body[1], certificate_id=certificate.id, action="suspend", reason="x"
    )
    session.commit()
    assert client.get(f"/api/v1/certificates/{certificate.number}").json["status"] == "suspended"
    set_dates(session, certificate, valid_until=date.today() - timedelta(days=1))
    assert client.get(f"/api/v1/certificates/{certificate.number}").json["status"] == "expired"


def test_lower_case_number_finds_the_certificate(client, certificate):
    response = client.get(f"/api/v1/certificates/{certificate.number.lower()}")
    assert response.status_code == 200 and response.json["number"] == certificate.number


def test_unknown_certificate_is_a_json_404(client, certificate):
    response = client.get(f"/api/v1/certificates/{UNKNOWN}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": f"No certificate has the number '{UNKNOWN}'.",
    }


# --- criteria -------------------------------------------------------------------------------


def test_criteria_of_a_plain_category(client):
    data = client.get("/api/v1/criteria/cement").json
    assert (data["category"], data["version"], data["variant_attribute"]) == (
        "cement",
        "2026.1",
        None,
    )
    assert data["variants"] == ["default"]
    codes = [p["code"] for p in data["prerequisites"]]
    assert "type_test_report" in codes and "no_eliminated_process" in codes
    clinker = next(i for i in data["indicators"] if i["code"] == "clinker_energy")
    assert clinker == {
        "code": "clinker_energy",
        "group": "energy",
        "name": "熟料单位产品综合能耗",
        "name_en": "Clinker comprehensive energy consumption",
        "unit": "kgce/t",
        "direction": "at_most",
        "thresholds": {"default": [117, 107, 100]},
        "source": "official",
        "standard": "GB 16780-2021 (levels 3 / 2 / 1)",
        "weight": 3,
    }
    waste = next(i for i in data["indicators"] if i["code"] == "solid_waste_content")
    assert (waste["direction"], waste["thresholds"], waste["source"], waste["standard"]) == (
        "at_least",
        {"default": [10, 20, 30]},
        "project",
        None,
    )


def test_criteria_of_a_category_with_variants(client):
    data = client.get("/api/v1/criteria/ceramic-tile").json
    assert data["variant_attribute"] == "water_absorption"
    assert data["variants"] == ["e_le_0_5", "e_0_5_10", "e_gt_10"]
    energy = next(i for i in data["indicators"] if i["code"] == "tile_energy")
    assert energy["thresholds"] == {
        "e_le_0_5": [6.5, 4.9, 4.0],
        "e_0_5_10": [4.6, 3.7, 3.4],
        "e_gt_10": [4.5, 3.5, 3.2],
    }
    waste = next(i for i in data["indicators"] if i["code"] == "body_waste_content")
    assert waste["thresholds"] == {"default": [5, 10, 20]}


def test_unknown_category_is_a_json_404(client):
    response = client.get("/api/v1/criteria/marble")
    assert response.status_code == 404 and response.json["title"] == "Not Found"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["detail"] == "No API endpoint /api/v1/nothing/here."


def test_post_only_endpoint_allows_only_post(client):
    response = client.open("/api/v1/certificates/verify-document", method="OPTIONS")
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert client.get("/api/v1/certificates/verify-document").status_code == 405


# --- the OpenAPI document -------------------------------------------------------------------


def test_document_lists_every_api_endpoint(app, document):
    assert document["openapi"] == "3.1.0"
    documented = set(document["paths"])
    routed = {
        re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert documented == routed
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_documented_answer_matches_its_schema(client, certificate, document):
    # The POST of /api/v1/certificates/verify-document: tests/certification/test_document_check.py.
    calls = {
        ("/api/v1/certificates/{number}", 200): f"/api/v1/certificates/{certificate.number}",
        ("/api/v1/certificates/{number}", 404): f"/api/v1/certificates/{UNKNOWN}",
        ("/api/v1/criteria/{category}", 200): "/api/v1/criteria/cement",
        ("/api/v1/criteria/{category}", 404): "/api/v1/criteria/marble",
        ("/api/v1/openapi.json", 200): "/api/v1/openapi.json",
        ("/api/v1/certificates", 200): "/api/v1/certificates?per_page=1",
        ("/api/v1/certificates", 400): "/api/v1/certificates?cursor=nonsense",
    }
    documented = {
        (path, int(status))
        for path, operations in document["paths"].items()
        # The catalogue's answers are checked in tests/catalog/test_products_api.py.
        if path.startswith(("/api/v1/certificates", "/api/v1/criteria", "/api/v1/openapi"))
        for status in operations.get("get", {}).get("responses", {})
        if status != "503"  # a database outage: tests/ops/test_database_outage.py
    }
    assert documented == set(calls), "add a call for each documented answer"
    for (path, status), url in calls.items():
        response = client.get(url)
        validate(document, path, status, response)


@pytest.mark.parametrize("category", ["ceramic-tile", "concrete", "wood-bamboo", "gypsum"])
def test_criteria_of_every_kind_match_the_schema(client, document, category):
    response = client.get(f"/api/v1/criteria/{category}")
    validate(document, "/api/v1/criteria/{category}", 200, response.get_json())


def test_schema_rejects_an_answer_that_drifts(client, certificate, document):
    # The schemas are strict: an undocumented or missing field fails the check above.
    data = client.get(f"/api/v1/certificates/{certificate.number}").get_json()
    data["extra"] = 1
    with pytest.raises(ValidationError, match="Additional properties"):
        validate(document, "/api/v1/certificates/{number}", 200, data)
