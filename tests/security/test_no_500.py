"""No input makes a 500: arbitrary ids, query strings, form bodies and files on every route.

Hypothesis draws a route of the URL map, a method, a principal and the request's inputs; the
answer must be below 500 (a 503 is the database being away, which does not happen here).
CSRF is off in this module so that form bodies reach the views; the CSRF tests run with it on.
Every route and method of the URL map is tried, each with a bounded number of drawn requests
(NO_500_EXAMPLES per route, default 6), so that CI stays within a minute or two.
"""

import io
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from catalog.search import close_search_indexes
from greenbm import create_app
from greenbm.extensions import limiter
from tests import factories
from tests.conftest import _base_config, _empty_tables
from tests.security.world import PRINCIPALS, build_world

EXAMPLES = int(os.environ.get("NO_500_EXAMPLES", "6"))
_PART = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
# Names the app's forms and queries really read, so that drawn inputs reach real code.
KEYS = (
    "q", "page", "per_page", "sort", "category", "division", "status", "min_stars", "gwp_max",
    "compare", "supplier", "year", "product_id", "object_id", "organisation_id", "user_id",
    "next", "lang", "show", "format", "name_zh", "name_en", "model_spec", "description",
    "gwp_a1a3", "declared_unit", "capacity", "value", "metric", "kind", "test_date", "reason",
    "action", "decision", "quantity", "unit_price", "email", "password", "credit_code",
    "division_code", "display_name", "lock_version", "file", "from_date", "to_date",
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "1e309", "nan", "2026-02-30", "../../etc", "%00", "A" * 300]),
)


@pytest.fixture(scope="module")
def fuzz_world(database_url, tmp_path_factory):
    """Return the app (CSRF off, no rate limits) and a signed-in client per principal."""
    config = _base_config(database_url, tmp_path_factory.mktemp("no500"))
    config.update(
        LOGIN_RATE_LIMIT="1000000 per minute",
        ELIGIBILITY_BULK_RATE_LIMIT="1000000 per hour",
        PROPAGATE_EXCEPTIONS=False,
    )
    app = create_app(config)
    limiter.reset()
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, app)
    clients = {}
    for name in PRINCIPALS:
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        user = world.users.get(name)
        if user is not None:
            answer = client.post(
                "/login", data={"email": user.email, "password": factories.PASSWORD}
            )
            assert answer.status_code == 302
        clients[name] = client
    routes = [
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    yield app, world, clients, routes
    close_search_indexes(app)
    _empty_tables(engine)
    engine.dispose()


def _path(rule: str, draw, ids: dict) -> str:
    def value(match):
        if match.group("converter") == "int":
            known = [v for v in ids.values() if isinstance(v, int)]
            edges = [0, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]
            values = st.one_of(
                st.sampled_from(edges), st.sampled_from(known), st.integers(0, 2**70)
            )
            return str(draw(values))
        return draw(st.text(alphabet=st.characters(blacklist_characters="/?#"), min_size=1))

    return _PART.sub(value, rule)


@st.composite
def requests(draw, rule, method, ids):
    """Draw one request to the route: principal, path values, query, form and maybe a file."""
    principal = draw(st.sampled_from(PRINCIPALS))
    query = draw(st.dictionaries(st.sampled_from(KEYS), TEXT, max_size=4))
    form = draw(st.dictionaries(st.sampled_from(KEYS), TEXT, max_size=6))
    data = dict(form)
    if method != "GET" and draw(st.booleans()):
        content = draw(st.binary(max_size=300))
        name = draw(st.sampled_from(["a.pdf", "a.xlsx", "a.csv", "a.json", "a", "../x.pdf"]))
        data["file"] = (io.BytesIO(content), name)
    return principal, method, _path(rule, draw, ids), query, data


def test_no_input_makes_a_500(fuzz_world):
    app, world, clients, routes = fuzz_world
    assert len(routes) > 100  # the whole URL map is tried
    failures = []

    for rule, method in routes:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            derandomize=True,
            database=None,
        )
        @given(requests(rule, method, world.ids))
        def no_500(request):
            principal, method_, path, query, data = request
            answer = clients[principal].open(path, method=method_, query_string=query, data=data)
            answer.close()  # a file download holds its file open until then
            assert answer.status_code < 500, (principal, method_, path, query, data)

        try:
            no_500()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0][:300])
    assert failures == []
