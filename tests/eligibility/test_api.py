"""The eligibility API, every real answer validated against the OpenAPI document's schema."""

from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator

from eligibility.queries import Query
from eligibility.services import check_eligibility, load_categories
from tests import factories
from tests.eligibility.test_views import World, counting_statements, make_world
from tests.openapi_check import validate as check_answer

PATH = "/api/v1/eligibility"
TODAY = date.today()
ANSWER_KEYS = {"supplier", "category", "min_stars", "eligible", "reasons", "certificates"}


@pytest.fixture
def world(session) -> World:
    """Return the suppliers of every situation."""
    return make_world(session)


@pytest.fixture
def document(client) -> dict:
    """Return the OpenAPI document."""
    return client.get("/api/v1/openapi.json").get_json()


def validate(document: dict, method: str, status: int, body) -> None:
    """Validate an eligibility answer against the document's schema."""
    check_answer(document, PATH, status, body, method)


def ask(client, document, expect: int = 200, **query):
    """GET an answer, check it against the document, return its JSON."""
    response = client.get(PATH, query_string=query)
    validate(document, "get", expect, response)
    return response.get_json()


def ask_many(client, document, body, expect: int = 200):
    """POST queries, check the answer against the document, return its JSON."""
    response = client.post(PATH, json=body)
    validate(document, "post", expect, response)
    return response.get_json()


def test_eligible_answer(client, document, world):
    code = world.codes["two_stars"]
    data = ask(client, document, supplier=code.lower(), category="cement", min_stars="2")
    assert set(data) == ANSWER_KEYS
    [certificate] = data.pop("certificates")
    assert data == {
        "supplier": {
            "uscc": code,
            "name": "贵阳绿建水泥有限公司",
            "name_en": "Guiyang Green Cement Co.",
        },
        "category": "cement",
        "min_stars": 2,
        "eligible": True,
        "reasons": [],
    }
    assert certificate == {
        "number": world.numbers["two_stars"],
        "stars": 2,
        "status": "valid",
        "valid_until": certificate["valid_until"],
        "qualifies": True,
        "product": {
            "id": certificate["product"]["id"],
            "name": "P·O 42.5 普通硅酸盐水泥",
            "name_en": "P.O 42.5 ordinary Portland cement",
        },
    }
    assert date.fromisoformat(certificate["valid_until"]) > TODAY


# The rule the issue states: "A certificate that expires today is still valid today and not
# tomorrow; a suspended one is never eligible." Each row: the supplier, the category asked,
# the minimum stars; eligible?, the reasons' codes, the statuses of the certificates shown,
# the start of the first reason's message.
CASES = {
    "valid": ("two_stars", "cement", 2, True, [], ["valid"], None),
    "expiring today": ("ends_today", "水泥", 1, True, [], ["valid"], None),
    "expired yesterday": (
        "ended_yesterday",
        "cement",
        1,
        False,
        ["not_valid"],
        ["expired"],
        "No certificate in Cement is valid today (Expired 1).",
    ),
    "suspended": (
        "suspended",
        "cement",
        1,
        False,
        ["not_valid"],
        ["suspended"],
        "No certificate in Cement is valid today (Suspended 1).",
    ),
    "revoked": (
        "revoked",
        "Cement",
        1,
        False,
        ["not_valid"],
        ["revoked"],
        "No certificate in Cement is valid today (Revoked 1).",
    ),
    "wrong category": (
        "two_stars",
        "lime",
        1,
        False,
        ["no_certificate"],
        [],
        "Holds no green building-material certificate in Lime.",
    ),
    "too few stars": (
        "two_stars",
        "cement",
        3,
        False,
        ["stars_below"],
        ["valid"],
        "Its valid certificates in Cement have at most 2 stars; at least 3 stars are required.",
    ),
    "unknown supplier": (
        "unknown",
        "cement",
        1,
        False,
        ["unknown_supplier"],
        [],
        "No manufacturer with this credit code is registered in the catalogue.",
    ),
}


@pytest.mark.parametrize(
    ("key", "category", "stars", "eligible", "codes", "statuses", "message"),
    CASES.values(),
    ids=CASES.keys(),
)
def test_answers(client, document, world, key, category, stars, eligible, codes, statuses, message):
    data = ask(client, document, supplier=world.codes[key], category=category, min_stars=stars)
    assert data["eligible"] is eligible
    assert [r["code"] for r in data["reasons"]] == codes
    assert [r["message"] for r in data["reasons"]] == ([message] if message else [])
    assert [c["status"] for c in data["certificates"]] == statuses
    assert [c["qualifies"] for c in data["certificates"]] == [eligible] * len(statuses)
    assert data["category"] == ("lime" if category == "lime" else "cement")
    assert data["min_stars"] == stars
    if key == "unknown":
        assert data["supplier"] is None
    else:
        assert data["supplier"]["uscc"] == world.codes[key]


def test_post_answers_each_case_as_get_does_in_order(client, document, world):
    cases = list(CASES.values())
    queries = [
        {"supplier": world.codes[key], "category": category, "min_stars": stars}
        for key, category, stars, *_ in cases
    ]
    answers = ask_many(client, document, queries)
    assert len(answers) == len(cases)
    for query, answer in zip(queries, answers, strict=True):
        assert answer == ask(client, document, **query)


@pytest.mark.parametrize(
    ("today", "eligible", "status"),
    [(TODAY, True, "valid"), (TODAY + timedelta(days=1), False, "expired")],
    ids=["today", "tomorrow"],
)
def test_ending_today_is_valid_today_and_not_tomorrow(session, world, today, eligible, status):
    cement = load_categories(session=session).find("cement")
    query = Query(world.codes["ends_today"], cement, 1)
    answer = check_eligibility(session=session, query=query, today=today)
    assert answer.eligible is eligible
    assert [c.status for c in answer.judgement.certificates] == [status]


def test_min_stars_defaults_to_one(client, document, world):
    data = ask(client, document, supplier=world.codes["two_stars"], category="cement")
    assert data["min_stars"] == 1 and data["eligible"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"supplier": "9152", "category": "cement"},
            "supplier: A credit code has 18 characters; this one has 4.",
        ),
        (
            {"supplier": "915201000000000051", "category": "cement"},
            "supplier: The check character (the 18th) does not match.",
        ),
        ({"category": "cement"}, "supplier: Enter the supplier's credit code."),
        (
            {"supplier": "CODE", "category": "steel"},
            "category: No category has the code or name “steel”.",
        ),
        (
            {"supplier": "CODE", "category": "cement", "min_stars": "4"},
            "min_stars: The minimum star level must be 1, 2 or 3, not “4”.",
        ),
        (
            {"supplier": "CODE", "category": "cement", "min_stars": "0"},
            "min_stars: The minimum star level must be 1, 2 or 3, not “0”.",
        ),
        (
            {"supplier": "x", "min_stars": "9"},
            "supplier: A credit code has 18 characters; this one has 1. category: Enter a "
            "category. min_stars: The minimum star level must be 1, 2 or 3, not “9”.",
        ),
        # `uscc` was this parameter's old name: it is no longer read.
        ({"uscc": "CODE", "category": "cement"}, "supplier: Enter the supplier's credit code."),
    ],
    ids=[
        "short code",
        "wrong check character",
        "no supplier",
        "unknown category",
        "four stars",
        "zero stars",
        "all three",
        "old uscc name",
    ],
)
def test_bad_parameters_are_named(client, document, world, query, message):
    query = {k: world.codes["two_stars"] if v == "CODE" else v for k, v in query.items()}
    data = ask(client, document, expect=400, **query)
    assert data == {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": message}


def test_messages_are_english_whatever_the_browser_asks(client, document, world):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    data = ask(client, document, expect=400, supplier="9152", category="cement")
    assert data["detail"] == "supplier: A credit code has 18 characters; this one has 4."
    data = ask(client, document, supplier=world.codes["suspended"], category="水泥")
    assert data["reasons"][0]["message"] == "No certificate in Cement is valid today (Suspended 1)."


# --- many queries in one POST -----------------------------------------------------------------


def test_post_answers_in_order_with_errors_per_item(client, document, world):
    c = world.codes
    answers = ask_many(
        client,
        document,
        [
            {"supplier": c["two_stars"], "category": "cement", "min_stars": 2},
            {"supplier": "9152", "category": "steel", "min_stars": 9},
            {"supplier": c["suspended"], "category": "水泥"},
            {"supplier": c["unknown"], "category": "cement", "min_stars": None},
            {"supplier": c["ends_today"], "category": "cement", "min_stars": "1"},
            {"uscc": c["two_stars"], "category": "cement"},
        ],
    )
    assert len(answers) == 6
    assert [
        (a["eligible"], [r["code"] for r in a["reasons"]]) if "eligible" in a else "error"
        for a in answers
    ] == [
        (True, []),
        "error",
        (False, ["not_valid"]),
        (False, ["unknown_supplier"]),
        (True, []),
        "error",
    ]
    assert answers[1] == {
        "errors": [
            {
                "parameter": "supplier",
                "message": "A credit code has 18 characters; this one has 4.",
            },
            {"parameter": "category", "message": "No category has the code or name “steel”."},
            {
                "parameter": "min_stars",
                "message": "The minimum star level must be 1, 2 or 3, not “9”.",
            },
        ]
    }
    assert answers[5]["errors"] == [
        {"parameter": "supplier", "message": "Enter the supplier's credit code."}
    ]


def test_post_with_an_item_that_is_not_an_object_is_refused_whole(client, document, world):
    body = [{"supplier": world.codes["two_stars"], "category": "cement"}, "not an object"]
    data = ask_many(client, document, body, expect=400)
    assert data["detail"].startswith("Item 1 is not a query")


def test_post_of_nothing_answers_nothing(client, document):
    assert ask_many(client, document, []) == []


NOT_A_LIST = 'Send a JSON list of queries, each {"supplier": credit code, "category": code, '


@pytest.mark.parametrize(
    "body",
    [{"rows": []}, {"supplier": "x", "category": "cement"}, "text", 3, None],
    ids=["the old {rows} object", "one query, not in a list", "a string", "a number", "no body"],
)
def test_post_body_must_be_a_list(client, document, body):
    data = ask_many(client, document, body, expect=400)
    assert data["title"] == "Bad Request"
    assert data["detail"].startswith(NOT_A_LIST)


def test_post_body_that_is_not_json(client, document):
    response = client.post(PATH, data="supplier=x", content_type="text/plain")
    validate(document, "post", 400, response)
    assert response.get_json()["detail"].startswith(NOT_A_LIST)


def test_post_of_more_than_ten_thousand_is_refused(client, document):
    body = [{"supplier": "x", "category": "cement"}] * 10_001
    data = ask_many(client, document, body, expect=400)
    assert data["detail"] == "At most 10,000 queries at once, not 10,001."


def test_post_of_ten_thousand_takes_as_many_statements_as_one(app, client, document, world):
    c = world.codes
    known = [c[k] for k in ("two_stars", "suspended", "revoked", "ends_today", "no_certificate")]
    small = [{"supplier": c["two_stars"], "category": "cement"}]
    large = [
        {
            "supplier": known[n % 5] if n % 3 else factories.credit_code(),
            "category": ("cement", "石灰", "flat-glass")[n % 3],
            "min_stars": n % 3 + 1,
        }
        if n % 97
        else {"supplier": "bad", "category": "cement"}
        for n in range(10_000)
    ]
    with counting_statements(app) as few:
        assert len(ask_many(client, document, small)) == 1
    with counting_statements(app) as many:
        answers = ask_many(client, document, large)
    assert len(answers) == 10_000
    assert len(many) == len(few), many
    assert sum("errors" in a for a in answers) == len(range(0, 10_000, 97))
    assert answers[3]["supplier"] is None and answers[3]["reasons"][0]["code"] == "unknown_supplier"
    assert answers[1]["supplier"]["uscc"] == c["suspended"] and answers[1]["category"] == "lime"
    assert (answers[2]["supplier"]["uscc"], answers[2]["min_stars"]) == (c["revoked"], 3)


@pytest.mark.csrf
def test_post_needs_no_csrf_token(client, document, world):
    queries = [{"supplier": world.codes["two_stars"], "category": "cement"}]
    assert ask_many(client, document, queries)[0]["eligible"] is True


@pytest.mark.config(ELIGIBILITY_BULK_RATE_LIMIT="2 per minute")
def test_post_is_rate_limited(client, document):
    for _ in range(2):
        ask_many(client, document, [])
    response = client.post(PATH, json=[])
    validate(document, "post", 429, response)


def test_old_bulk_endpoint_is_gone(client, document):
    response = client.post(f"{PATH}/bulk", json={"rows": []})
    assert response.status_code in (404, 405)
    assert f"{PATH}/bulk" not in document["paths"]


# --- the OpenAPI document ---------------------------------------------------------------------


def test_openapi_document_describes_both(document):
    operations = document["paths"][PATH]
    assert set(operations) == {"get", "post"}
    get, post = operations["get"], operations["post"]
    assert {p["name"]: (p["in"], p["required"]) for p in get["parameters"]} == {
        "supplier": ("query", True),
        "category": ("query", True),
        "min_stars": ("query", False),
    }
    assert set(get["responses"]) == {"200", "400", "503"}
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EligibilityAnswer"
    }
    # An unknown or revoked API key gets a 401; without a key the POST stays anonymous.
    assert set(post["responses"]) == {"200", "400", "401", "429", "503"}
    assert post["security"] == [{}, {"ApiKey": []}]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/EligibilityQueries"}
    schemas = document["components"]["schemas"]
    assert schemas["EligibilityQueries"]["maxItems"] == 10_000
    assert schemas["EligibilityAnswers"]["items"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/EligibilityAnswer"},
            {"$ref": "#/components/schemas/EligibilityQueryError"},
        ]
    }
    assert set(schemas["EligibilityAnswer"]["required"]) == ANSWER_KEYS
    assert "eligibility" in document["info"]["description"]


def test_request_schema(document):
    schema = {"$ref": "#/components/schemas/EligibilityQueries"}
    validator = Draft202012Validator({**schema, "components": document["components"]})
    validator.validate([{"supplier": "915201000000000052", "category": "cement"}])
    validator.validate([{"supplier": "915201000000000052", "category": "cement", "min_stars": 3}])
    # Values are checked per query (an error item in its place); only JSON types are schema.
    validator.validate([{"supplier": "x", "category": "cement", "min_stars": 4}])
    validator.validate([{"category": "cement"}])
    for bad in (
        {"rows": []},
        [{"supplier": {}, "category": "cement"}],
        [{"supplier": "x", "category": "cement", "min_stars": [3]}],
        [{"supplier": "x", "category": "cement"}] * 10_001,
    ):
        assert not validator.is_valid(bad)


@pytest.mark.parametrize(
    "item",
    [{"supplier": {}}, {"category": ["cement"]}, {"min_stars": False}, {"min_stars": [2]}],
    ids=["supplier object", "category list", "stars boolean", "stars list"],
)
def test_post_with_a_value_of_the_wrong_json_type_is_refused_whole(client, document, item):
    data = ask_many(client, document, [{"supplier": "x", "category": "cement", **item}], expect=400)
    assert data["detail"].startswith("Item 0 is not a query")
