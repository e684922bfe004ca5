"""Ids no id column can hold (2**31 and more) in any URL answer 404, never a 500."""

import re

import pytest

from tests.security.world import PRINCIPALS

HUGE = (2**31, 2**63, 2**64, 10**30)
_PART = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if any(m.group("converter") == "int" for m in _PART.finditer(rule.rule)):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def _url(rule: str, value: int) -> str:
    return _PART.sub(lambda m: str(value) if m.group("converter") == "int" else "x", rule)


def test_every_id_route_refuses_a_huge_id_for_every_principal(secure_app, world):
    secure_app.config["PROPAGATE_EXCEPTIONS"] = False
    routes = list(_int_routes(secure_app))
    assert len(routes) > 40  # the URL map was read
    failures = []
    for principal in PRINCIPALS:
        client = world.clients[principal]
        for method, rule in routes:
            for value in HUGE:
                answer = client.open(_url(rule, value), method=method)
                if answer.status_code >= 500:
                    failures.append(f"{principal} {method} {rule} {value}: {answer.status_code}")
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/products/2147483648",
        "/catalog/products/9223372036854775808",
        "/api/v1/products/9223372036854775808",
    ],
)
def test_a_huge_product_id_is_not_found(secure_app, world, url):
    answer = world.clients["anon"].get(url)
    assert answer.status_code == 404
