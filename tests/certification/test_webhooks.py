"""Webhooks: registration rules, fan-out, signed delivery to a real receiver, retry, restarts."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from certification.certificates.lifecycle import change_status
from certification.webhooks.cli import delivery_round
from certification.webhooks.delivery import MAX_ATTEMPTS, Outcome, deliver_due, signature
from certification.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from certification.webhooks.services import register_endpoint
from greenbm.errors import Invalid
from greenbm.models_base import utcnow
from tests import factories
from tests.conftest import csrf_token

LOCAL = ["127.0.0.1"]


class Receiver:
    """An HTTP receiver on 127.0.0.1 that records each POST and answers with `status`."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 204
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _endpoint(session, actor, url, **filters):
    endpoint = register_endpoint(
        session=session,
        actor=actor,
        url=url,
        category_code=filters.get("category"),
        supplier_credit_code=filters.get("supplier"),
        kinds=filters.get("kinds", []),
        insecure_hosts=LOCAL,
    )
    session.commit()
    return endpoint


def _round(app):
    return delivery_round(app.extensions["db_engine"], LOCAL)


def _contractor(session):
    firm = factories.make_organisation(session, kind="construction_firm")
    user = factories.make_user(session, firm)
    session.commit()
    return user


@pytest.fixture
def contractor(session):
    return _contractor(session)


def _suspend(session, body, certificate, reason="Surveillance failed"):
    change_status(
        session=session,
        actor=body[1],
        certificate_id=certificate.id,
        action="suspend",
        reason=reason,
    )
    session.commit()


def test_status_change_reaches_the_receiver_signed(
    app, session, body, certificate, contractor, receiver
):
    endpoint = _endpoint(session, contractor, receiver.url)
    _suspend(session, body, certificate)
    assert _round(app) == (1, 1)
    [hit] = receiver.received
    payload = json.loads(hit["body"])
    assert payload["type"] == "certificate.suspended"
    assert payload["certificate"]["number"] == certificate.number
    assert payload["certificate"]["status"] == "suspended"
    header = hit["headers"]["X-GreenBM-Signature"]
    timestamp = int(header.split(",")[0].removeprefix("t="))
    expected = hmac.new(
        endpoint.secret.encode(), f"{timestamp}.".encode() + hit["body"], hashlib.sha256
    ).hexdigest()
    assert header == f"t={timestamp},sha256={expected}"
    assert signature(endpoint.secret, timestamp, hit["body"]) == header
    # Events from before the endpoint existed (the issue) are not sent.
    assert all(json.loads(h["body"])["type"] != "certificate.issued" for h in receiver.received)


def test_failing_receiver_is_retried_with_backoff_then_delivered(
    app, session, body, certificate, contractor, receiver
):
    _endpoint(session, contractor, receiver.url)
    receiver.status = 500
    _suspend(session, body, certificate)
    _round(app)
    session.expire_all()
    [delivery] = session.exec(select(WebhookDelivery)).all()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert _round(app) == (0, 0)  # not due yet: the backoff holds it
    delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.add(delivery)
    session.commit()
    receiver.status = 200
    _round(app)
    session.expire_all()
    delivery = session.get(WebhookDelivery, delivery.id)
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 2


def test_no_duplicate_after_the_worker_restarts(
    app, session, body, certificate, contractor, receiver
):
    _endpoint(session, contractor, receiver.url)
    _suspend(session, body, certificate)
    _round(app)
    # A new worker process starts from what the database says, not from memory.
    for _ in range(3):
        _round(app)
    assert len(receiver.received) == 1
    assert len(session.exec(select(WebhookDelivery)).all()) == 1


def test_a_delivery_is_given_up_after_the_last_attempt(app, session, body, certificate, contractor):
    endpoint = _endpoint(session, contractor, "https://hooks.example.cn/x")
    _suspend(session, body, certificate)
    engine = app.extensions["db_engine"]

    def failing(*_args):
        return Outcome(False, 503)

    delivery_round(engine, ["hooks.example.cn"])  # queues it; the send fails (no network)
    for _ in range(MAX_ATTEMPTS + 2):
        session.expire_all()
        for d in session.exec(select(WebhookDelivery)).all():
            d.next_attempt_at = utcnow() - timedelta(seconds=1)
            session.add(d)
        session.commit()
        deliver_due(engine, insecure_hosts=["hooks.example.cn"], send=failing)
    session.expire_all()
    [delivery] = session.exec(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    ).all()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == MAX_ATTEMPTS


def test_filters_choose_the_events(app, session, body, certificate, contractor, receiver):
    _endpoint(session, contractor, receiver.url, kinds=["revoked"])
    _endpoint(session, contractor, receiver.url, category="flat-glass")
    _suspend(session, body, certificate)
    assert _round(app) == (0, 0)
    assert receiver.received == []


def test_private_addresses_are_refused_at_delivery(app, session, body, certificate, contractor):
    sent = []
    _endpoint(session, contractor, "https://127.0.0.1/x")  # https: the form is acceptable
    _suspend(session, body, certificate)
    engine = app.extensions["db_engine"]
    delivery_round(engine, [])
    deliver_due(engine, insecure_hosts=[], send=lambda *a: sent.append(a) or Outcome(True))
    session.expire_all()
    [delivery] = session.exec(select(WebhookDelivery)).all()
    assert sent == [] and "private" in delivery.last_error


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.cn/x",
        "http://example.cn/x",
        "https://user:pw@example.cn/x",
        "https:///nohost",
        "https://example.cn:99999/x",
        "https://" + "a" * 600 + ".cn/",
    ],
)
def test_bad_addresses_are_refused(session, contractor, url):
    with pytest.raises(Invalid) as refused:
        _endpoint(session, contractor, url)
    assert "url" in refused.value.errors
    assert session.exec(select(WebhookEndpoint)).all() == []


def test_bad_filters_are_refused(session, contractor):
    with pytest.raises(Invalid) as refused:
        _endpoint(
            session,
            contractor,
            "https://example.cn/x",
            category="nope",
            supplier="123",
            kinds=["exploded"],
        )
    assert set(refused.value.errors) == {"category_code", "supplier_credit_code", "kinds"}


@pytest.mark.csrf
def test_pages_register_test_and_remove_an_endpoint(
    app, client, login, session, contractor, receiver
):
    app.config["WEBHOOK_INSECURE_HOSTS"] = LOCAL
    login(contractor)
    token = csrf_token(client, "/account/webhooks")
    created = client.post(
        "/account/webhooks",
        data={"csrf_token": token, "url": receiver.url, "kinds": ["suspended", "revoked"]},
    )
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    endpoint = session.exec(select(WebhookEndpoint)).one()
    assert endpoint.secret in created.get_data(as_text=True)
    assert endpoint.secret not in client.get("/account/webhooks").get_data(as_text=True)
    client.post(f"/account/webhooks/{endpoint.id}/test", data={"csrf_token": token})
    _round(app)
    assert json.loads(receiver.received[0]["body"])["type"] == "test"
    log = client.get(f"/account/webhooks/{endpoint.id}").get_data(as_text=True)
    assert 'data-state="delivered"' in log
    assert client.post(f"/account/webhooks/{endpoint.id}/remove").status_code == 400  # no token
    client.post(f"/account/webhooks/{endpoint.id}/remove", data={"csrf_token": token})
    session.expire_all()
    assert session.exec(select(WebhookEndpoint)).all() == []


def test_another_organisation_cannot_see_or_touch_an_endpoint(client, login, session, contractor):
    endpoint = _endpoint(session, contractor, "https://example.cn/x")
    login(_contractor(session))
    assert client.get(f"/account/webhooks/{endpoint.id}").status_code == 404
    assert client.post(f"/account/webhooks/{endpoint.id}/remove").status_code == 404
    assert client.post(f"/account/webhooks/{endpoint.id}/test").status_code == 404
    assert endpoint.url not in client.get("/account/webhooks").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/account/webhooks").status_code == 302
