"""The register for other systems: the cursor walk, its filters, and the Atom feed."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certification.certificates.lifecycle import change_status
from certification.certificates.register_api import decode_cursor, encode_cursor
from greenbm.models_base import utcnow
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def register(session, body):
    """Return ten certificates of the body, each of a new manufacturer."""
    return [
        factories.issue_test_certificate(session, body=body[0], reviewer=body[1]) for _ in range(10)
    ]


def _walk(client, per_page: int, between=None, **filters) -> list[str]:
    numbers, url = [], "/api/v1/certificates"
    params = {"per_page": per_page, **filters}
    while url:
        response = client.get(url, query_string=params)
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        numbers += [c["number"] for c in answer["items"]]
        if answer["next_cursor"]:
            link = response.headers["Link"]
            assert link.endswith('; rel="next"') and answer["next_cursor"] in link
            params = {**params, "cursor": answer["next_cursor"]}
        else:
            assert "Link" not in response.headers
            url = None
        if between:
            between()
    return numbers


def test_the_walk_sees_every_certificate_once(client, register):
    assert _walk(client, 3) == [c.number for c in register]


def test_no_duplicate_or_gap_while_certificates_change_between_pages(
    client, session, body, register
):
    changed = iter(reversed(register))

    def change_one():  # a certificate ahead of the cursor and one behind it change each page
        certificate = next(changed, None)
        if certificate is not None and certificate.status == "valid":
            change_status(
                session=session,
                actor=body[1],
                certificate_id=certificate.id,
                action="suspend",
                reason="Surveillance failed",
            )
            session.commit()
        factories.issue_test_certificate(session, body=body[0], reviewer=body[1])

    numbers = _walk(client, 4, between=change_one)
    assert len(numbers) == len(set(numbers))
    assert [c.number for c in register] == numbers[: len(register)]


def test_status_filter_uses_the_live_status(client, session, body, register):
    change_status(
        session=session,
        actor=body[1],
        certificate_id=register[0].id,
        action="suspend",
        reason="Surveillance failed",
    )
    register[1].valid_until = utcnow().date() - timedelta(days=1)  # lapsed, status unchanged
    session.add(register[1])
    session.commit()
    assert _walk(client, 50, status="suspended") == [register[0].number]
    assert _walk(client, 50, status="expired") == [register[1].number]
    assert len(_walk(client, 50, status="valid")) == 8


def test_supplier_body_category_and_updated_since_filters(client, session, body, register):
    holder = session.get(type(body[0]), register[3].holder_id)
    assert _walk(client, 50, supplier=holder.credit_code) == [register[3].number]
    assert len(_walk(client, 50, body=body[0].credit_code)) == 10
    assert _walk(client, 50, category="flat-glass") == []
    assert len(_walk(client, 50, category="cement")) == 10
    mark = client.get("/api/v1/certificates").get_json()["as_of"]
    assert _walk(client, 50, updated_since=mark) == []
    change_status(
        session=session,
        actor=body[1],
        certificate_id=register[5].id,
        action="suspend",
        reason="Surveillance failed",
    )
    session.commit()
    assert _walk(client, 50, updated_since=mark) == [register[5].number]


@pytest.mark.parametrize(
    "query",
    [
        {"per_page": "0"},
        {"per_page": "201"},
        {"cursor": "not-a-cursor"},
        {"cursor": encode_cursor(1)[:-2] + "!!"},
        {"status": "dormant"},
        {"updated_since": "yesterday"},
        {"supplier": "123"},
        {"body": "x" * 40},
    ],
)
def test_bad_parameters_are_named(client, register, query):
    response = client.get("/api/v1/certificates", query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert next(iter(query)) in response.get_json()["detail"]


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_cursor_round_trip(after):
    assert decode_cursor(encode_cursor(after)) == after


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_any_text_is_a_cursor_or_refused(text):
    try:
        after = decode_cursor(text)
    except ValueError:
        return  # refused, as the view answers with a 400
    assert type(after) is int and after >= 0


def _entries(client, **query):
    response = client.get("/certificates/feed.atom", query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    return [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]


def test_feed_lists_status_changes_newest_first_per_category_and_supplier(
    client, session, body, register
):
    change_status(
        session=session,
        actor=body[1],
        certificate_id=register[2].id,
        action="suspend",
        reason="Surveillance failed",
    )
    session.commit()
    titles = _entries(client)
    assert titles[0] == f"Certificate {register[2].number} suspended"
    assert len(titles) == 11  # ten issues and one suspension
    holder = session.get(type(body[0]), register[2].holder_id)
    assert _entries(client, supplier=holder.credit_code) == [
        f"Certificate {register[2].number} suspended",
        f"Certificate {register[2].number} issued",
    ]
    assert _entries(client, category="flat-glass") == []
    assert client.get("/certificates/feed.atom?category=nope").status_code == 404
    assert client.get("/certificates/feed.atom?supplier=%00").status_code == 404
