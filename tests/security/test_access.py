"""Every route for every principal against the access table: nothing readable or changeable by
the wrong party, and no private string of A in any answer to someone who may not see it."""

import io
from datetime import date
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import factories
from tests.catalog.test_registry_views import ENERGY_FORM, PLANT_FORM, pdf_bytes, product_form
from tests.security.access_table import ARGS, ROUTES, STATE_CHANGING, Route
from tests.security.world import PRINCIPALS, SECRETS, World, snapshot, token_of

EPD_JSON = (Path(__file__).parents[1] / "catalog" / "data" / "epd_valid_cement.json").read_bytes()
GET_ROUTES = [r for r in ROUTES if r.method == "GET"]
POST_ROUTES = [r for r in ROUTES if r.method in STATE_CHANGING]
DENIED = {"in", "go", "nf", "no", "err"}


def _value(world: World, name: str, ref: object) -> object:
    return world.ids.get(ref, ref) if isinstance(ref, str) else ref


def url_of(app, world: World, route: Route) -> str:
    """Return the route's URL, its arguments filled from the world."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == route.endpoint)
    args = {a: _value(world, a, route.args.get(a, ARGS[a])) for a in rule.arguments}
    with app.test_request_context():
        url = url_for(route.endpoint, **args)
    return url + route.query.format(**world.ids)


def form_for(endpoint: str, world: World) -> dict:
    """Return form data that would change something if the principal were allowed."""
    ids = world.ids
    today = date.today().isoformat()
    project = {
        "name": "攻击者的项目",
        "code": "EVIL-1",
        "project_type": "school",
        "division_code": "520100",
        "owner_unit": "x",
        "budget": "1",
    }
    forms = {
        "accounts.register": {
            "name_zh": "冒名企业",
            "credit_code": factories.credit_code(),
            "division_code": "520100",
            "email": "intruder@example.test",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
        "admin.new_organisation": {
            "kind": "manufacturer",
            "name_zh": "冒名企业",
            "credit_code": factories.credit_code(),
            "division_code": "520100",
        },
        "admin.new_user": {
            "organisation_id": ids["maker_b_org_id"],
            "email": "intruder@example.test",
            "password": "a long enough password",
        },
        "admin.toggle_user": {"disabled": "1"},
        "admin.reset_password": {"password": "a long enough password"},
        "admin.edit_category": {"procurement_class": "optional"},
        "admin.upload": {"file": (b"[criteria]\n", "criteria.toml")},
        "manufacturer.new_plant": PLANT_FORM,
        "manufacturer.plant": {**PLANT_FORM, "name": "改名"},
        "manufacturer.add_energy": ENERGY_FORM,
        "manufacturer.new_product": product_form("cement", ids["plant_id"]),
        "manufacturer.edit_product": product_form("cement", ids["plant_id"], name_zh="改名"),
        "manufacturer.import_epd": {
            "category_id": ids["category_id"],
            "plant_id": ids["plant_id"],
            "file": (EPD_JSON, "epd.json"),
        },
        "manufacturer.upload_evidence": {
            "kind": "other",
            "file": (pdf_bytes(), "intruder.pdf"),
        },
        "certification.apply": {"body_id": ids["body_a_id"]},
        "certification.apply_change": {"body_id": ids["body_a_id"], "description": "换厂址"},
        "certification.submit": {"lock_version": ids["app_draft_lock"]},
        "certification.resubmit": {"lock_version": ids["app_info_lock"], "reason": "回答"},
        "certification.review_start": {"lock_version": ids["app_submitted_lock"]},
        "certification.review_record": {"lock_version": ids["app_review_lock"]},
        "certification.review_decide": {
            "lock_version": ids["app_review_lock"],
            "decision": "reject",
            "reason": "拒绝",
        },
        "certification.review_change_status": {"action": "revoke", "reason": "撤销"},
        "certification.review_record_surveillance": {
            "visited_on": today,
            "result": "failed",
            "notes": "不合格",
        },
        "procurement.new_project": project,
        "procurement.edit_project": project,
        "procurement.new_list": {"name": "攻击者的清单"},
        "procurement.add_line": {
            "product_id": ids["certified_id"],
            "quantity": "10",
            "unit_price": "5",
        },
        "procurement.add_material": {
            "category_id": ids["category_id"],
            "description": "砂",
            "supplier_name": "某公司",
            "quantity": "1",
            "unit_price": "1",
        },
        "procurement.add_from_catalogue": {
            "list_id": ids["list_id"],
            "quantity": "10",
            "unit_price": "5",
        },
    }
    return dict(forms.get(endpoint, {}))


def post(client, url: str, data: dict):
    """Post a form, as multipart when it holds a file given as (bytes, name)."""
    if not any(isinstance(v, tuple) for v in data.values()):
        return client.post(url, data=data)
    values = {
        k: FileStorage(io.BytesIO(v[0]), filename=v[1]) if isinstance(v, tuple) else str(v)
        for k, v in data.items()
    }
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def answer_class(response) -> str:
    """Return the table's name for the class of the response."""
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        return "in" if response.headers["Location"].startswith("/login") else "go"
    return {200: "ok", 400: "bad", 403: "no", 404: "nf", 405: "na"}.get(code, str(code))


def assert_no_secrets(principal: str, route: Route, body: bytes) -> None:
    """Fail if the body holds a private string the principal may not see."""
    text = body.decode("utf-8", "replace")
    for secret, readers in SECRETS.items():
        assert principal in readers or secret not in text, (
            f"{route.id} shows {secret} to {principal}"
        )


# --- the table covers the URL map exactly ---------------------------------------------------


def test_every_route_of_the_url_map_is_in_the_table(secure_app):
    in_map = {
        (rule.endpoint, method)
        for rule in secure_app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_table = {(r.endpoint, r.method) for r in ROUTES}
    assert not in_map - in_table, f"classify these routes in access_table.py: {in_map - in_table}"
    assert not in_table - in_map, f"these routes no longer exist: {in_table - in_map}"


def test_table_lines_are_well_formed():
    for route in ROUTES:
        assert len(route.answers.split()) == len(PRINCIPALS), route.id
        allowed = {"ok", "in", "go", "nf", "no", "bad"}
        if route.method in STATE_CHANGING:
            allowed = {"ok"} | DENIED
        assert set(route.answers.split()) <= allowed, route.id
    assert len({r.id for r in ROUTES}) == len(ROUTES), "two lines with the same id: add a variant"


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.id)
def test_get_answers_as_the_table_says(secure_app, world, route):
    url = url_of(secure_app, world, route)
    wrong = []
    for principal in PRINCIPALS:
        client = world.clients[principal]
        response = client.get(url)
        got = answer_class(response)
        body = response.get_data()
        response.close()
        head = client.head(url)
        head.close()
        assert answer_class(head) == got, f"HEAD {url} as {principal}"
        if got != route.answer(principal):
            wrong.append(f"{principal}: expected {route.answer(principal)}, got {got}")
        assert_no_secrets(principal, route, body)
    assert not wrong, f"{route.id} ({url}):\n" + "\n".join(wrong)


# --- changing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r.id)
def test_denied_posts_change_nothing(secure_app, world, route):
    url = url_of(secure_app, world, route)
    engine = secure_app.extensions["db_engine"]
    wrong = []
    for principal in PRINCIPALS:
        expected = route.answer(principal)
        if expected == "ok":
            continue  # allowed: test_csrf.py covers it, and the world must stay as built
        client = world.clients[principal]
        data = {**form_for(route.endpoint, world), "csrf_token": token_of(client)}
        before = snapshot(engine)
        response = post(client, url, data)
        got = answer_class(response)
        body = response.get_data()
        response.close()
        matched = got in ("ok", "bad") if expected == "err" else got == expected
        if not matched:
            wrong.append(f"{principal}: expected {expected}, got {got}")
        assert snapshot(engine) == before, f"{route.id} as {principal} changed the database"
        assert_no_secrets(principal, route, body)
    assert not wrong, f"{route.id} ({url}):\n" + "\n".join(wrong)


def test_other_methods_are_not_allowed(secure_app, world):
    rules = list(secure_app.url_map.iter_rules())
    for rule in rules:
        if "PUT" in rule.methods:
            continue
        route = Route(rule.endpoint, "GET", "", variant="405")
        url = url_of(secure_app, world, route)
        if any("PUT" in r.methods for r in rules if r.rule == rule.rule):
            continue
        same_url = {r.endpoint for r in rules if r.rule == rule.rule}
        lines = [r for r in ROUTES if r.endpoint in same_url and not r.variant]
        for principal in ("anon", "maker_a"):
            response = world.clients[principal].put(url)
            response.close()
            # A page hidden from the principal may stay hidden (the console answers 404).
            hidden = any(r.answer(principal) == "nf" for r in lines)
            expected = {404, 405} if hidden else {405}
            assert response.status_code in expected, f"PUT {url} as {principal}"
