"""The push API and API keys: only a live key of the body itself changes its records."""

from datetime import date, timedelta

from sqlmodel import select

from accounts.api_keys import create_api_key, hash_key, revoke_api_key
from accounts.models import ApiKey
from certification.models import Certificate
from tests import factories
from tests.certification.external_helpers import make_other_body, row

URL = "/api/v1/external-certificates/{code}/{number}"


def _body_with_key(session, code):
    body = make_other_body(session, code=code)
    user = factories.make_user(session, body)
    key, secret = create_api_key(session=session, actor=user, name="系统对接")
    session.commit()
    return body, user, key, secret


def _record(body, maker_code, **overrides):
    values = row(body, "unused", maker_code, **overrides)
    for name in ("certificate_number", "body_code", "body_name"):
        values.pop(name)
    values["stars"] = int(values["stars"])
    values["gwp"] = float(values["gwp"])
    return values


def test_a_key_is_stored_only_as_its_hash(app, session):
    _, _, key, secret = _body_with_key(session, "CNCA-R-2099-911")
    stored = session.get(ApiKey, key.id)
    assert stored.key_hash == hash_key(secret) and secret not in (stored.key_hash, stored.prefix)


def test_a_body_pushes_and_suspends_its_certificate(app, session, client):
    body, _, key, secret = _body_with_key(session, "CNCA-R-2099-912")
    code = factories.credit_code("510100")
    url = URL.format(code=body.approval_number, number="SC-2026-0001")
    auth = {"Authorization": f"Bearer {secret}"}
    first = client.put(url, json=_record(body, code), headers=auth)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["outcome"] == "created"
    again = client.put(url, json=_record(body, code), headers=auth)
    assert again.get_json()["outcome"] == "unchanged"
    suspended = client.put(url, json=_record(body, code, status="suspended"), headers=auth)
    assert suspended.get_json()["status"] == "suspended"
    certificate = session.exec(
        select(Certificate).where(Certificate.number == "SC-2026-0001")
    ).one()
    session.refresh(certificate)
    assert (certificate.status, certificate.source) == ("suspended", "pushed")
    session.refresh(key)
    assert key.last_used_at is not None
    state = client.get(url).get_json()
    assert (state["status"], state["source"], state["unconfirmed_since"]) == (
        "suspended",
        "pushed",
        None,
    )


def test_a_body_can_never_change_another_bodys_records(app, session, client):
    body, _, _, _ = _body_with_key(session, "CNCA-R-2099-913")
    _, _, _, intruder = _body_with_key(session, "CNCA-R-2099-914")
    url = URL.format(code=body.approval_number, number="SC-2026-0002")
    answer = client.put(
        url,
        json=_record(body, factories.credit_code()),
        headers={"Authorization": f"Bearer {intruder}"},
    )
    assert answer.status_code == 403
    assert answer.mimetype == "application/problem+json"
    assert (
        session.exec(select(Certificate).where(Certificate.number == "SC-2026-0002")).first()
        is None
    )


def test_no_key_or_a_revoked_key_is_refused(app, session, client):
    body, user, key, secret = _body_with_key(session, "CNCA-R-2099-915")
    url = URL.format(code=body.approval_number, number="SC-2026-0003")
    record = _record(body, factories.credit_code())
    assert client.put(url, json=record).status_code == 401
    revoke_api_key(session=session, actor=user, key_id=key.id)
    session.commit()
    assert (
        client.put(url, json=record, headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


def test_a_bad_record_is_refused_naming_the_field(app, session, client):
    body, _, _, secret = _body_with_key(session, "CNCA-R-2099-916")
    url = URL.format(code=body.approval_number, number="SC-2026-0004")
    record = _record(
        body, factories.credit_code(), valid_until=(date.today() - timedelta(days=3650)).isoformat()
    )
    answer = client.put(url, json=record, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 400 and "valid_until" in answer.get_json()["detail"]


def test_a_key_raises_the_eligibility_rate_limit(app, session, client):
    app.config["ELIGIBILITY_BULK_RATE_LIMIT"] = "1 per hour"
    app.config["ELIGIBILITY_KEY_RATE_LIMIT"] = "3 per hour"
    _, _, _, secret = _body_with_key(session, "CNCA-R-2099-917")
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/eligibility", json=[]).status_code == 200
    assert client.post("/api/v1/eligibility", json=[]).status_code == 429
    assert [
        client.post("/api/v1/eligibility", json=[], headers=auth).status_code for _ in range(4)
    ] == [
        200,
        200,
        200,
        429,
    ]
