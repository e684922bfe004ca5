"""Sending queued deliveries: signed (HMAC-SHA256), retried with backoff, one worker each."""

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from certification.webhooks.destinations import BadDestination, check_reachable
from certification.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from greenbm.models_base import utcnow

# Seconds to wait after the 1st, 2nd, ... failed attempt; after the last, the delivery fails.
BACKOFF = (60, 300, 1800, 7200, 43200)
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM = timedelta(minutes=2)  # longer than one attempt can take (TIMEOUT below)
TIMEOUT = (5, 15)  # seconds to connect, seconds to read
SIGNATURE_HEADER = "X-GreenBM-Signature"
USER_AGENT = "GreenBM-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value: HMAC-SHA256 over "<timestamp>." and the body."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},sha256={mac.hexdigest()}"


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: delivered, or the status code or error."""

    delivered: bool
    status_code: int | None = None
    error: str = ""


Sender = Callable[[str, bytes, dict[str, str]], Outcome]


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST the body; a 2xx answer is a delivery, anything else (or no answer) is not."""
    try:
        # Redirects are not followed: they could lead the request anywhere.
        response = requests.post(
            url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as exc:
        return Outcome(False, error=type(exc).__name__)
    return Outcome(200 <= response.status_code < 300, response.status_code)


def _claim(engine: Engine, now: datetime) -> int | None:
    """Take the next due delivery for this worker; return its id, or None if none is due."""
    with Session(engine) as session:
        candidates = session.exec(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.state == DeliveryState.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(5)
        ).all()
        for delivery_id in candidates:
            # Compare-and-set: only one worker's update finds the delivery unclaimed.
            taken = session.exec(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    or_(
                        WebhookDelivery.claimed_until.is_(None),
                        WebhookDelivery.claimed_until < now,
                    ),
                )
                .values(claimed_until=now + CLAIM)
            )
            session.commit()
            if taken.rowcount == 1:
                return delivery_id
    return None


def _attempt(
    delivery: WebhookDelivery, endpoint: WebhookEndpoint, send: Sender, insecure_hosts: list[str]
) -> Outcome:
    try:
        check_reachable(endpoint.url, insecure_hosts)
    except BadDestination as exc:
        return Outcome(False, error=str(exc))
    body = delivery.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-GreenBM-Event": delivery.kind,
        # Receivers drop a delivery id they have seen: a retry after a lost answer repeats it.
        "X-GreenBM-Delivery": str(delivery.id),
        SIGNATURE_HEADER: signature(endpoint.secret, int(time.time()), body),
    }
    return send(endpoint.url, body, headers)


def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:300]
    delivery.claimed_until = None
    if outcome.delivered:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[delivery.attempts - 1])


def deliver_due(
    engine: Engine, *, insecure_hosts: list[str], send: Sender = post, limit: int = 100
) -> int:
    """Attempt every due delivery (up to `limit`), each recorded as soon as it is tried."""
    attempted = 0
    while attempted < limit and (delivery_id := _claim(engine, utcnow())) is not None:
        # No transaction stays open while the receiver answers (up to TIMEOUT).
        with Session(engine, expire_on_commit=False) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            endpoint = delivery and session.get(WebhookEndpoint, delivery.endpoint_id)
            session.commit()
        attempted += 1
        if endpoint is None:  # removed with its log since it was claimed
            continue
        outcome = _attempt(delivery, endpoint, send, insecure_hosts)
        with Session(engine) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is not None:
                _record(delivery, outcome, utcnow())
                session.commit()
    return attempted
