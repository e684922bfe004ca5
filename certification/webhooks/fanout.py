"""Turning certificate events into deliveries: one per matching endpoint, never two."""

import json

from sqlmodel import Session, select

from certification.certificates.api import certificate_json, utc_timestamp
from certification.certificates.events import PublicEvent, events_after
from certification.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookFanout
from certification.webhooks.services import endpoint_filter
from greenbm.models_base import as_utc, utcnow

FANOUT_BATCH = 500
_FANOUT_ROW = 1


def event_payload(item: PublicEvent) -> str:
    """Return the JSON a webhook receives for a certificate event (the same on every retry)."""
    event = item.event
    body = {
        "id": f"certificate-event-{event.id}",
        "type": f"certificate.{item.kind}",
        "occurred_at": utc_timestamp(event.at),
        "event": {
            "kind": item.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "reason": event.reason,
        },
        "certificate": certificate_json(item.certificate),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _cursor(*, session: Session) -> WebhookFanout:
    # Locked on PostgreSQL, so that two workers never fan out the same events at once (the
    # unique (endpoint, event) constraint would refuse the second anyway).
    row = session.exec(
        select(WebhookFanout).where(WebhookFanout.id == _FANOUT_ROW).with_for_update()
    ).first()
    if row is None:
        row = WebhookFanout(id=_FANOUT_ROW, last_event_id=0)
        session.add(row)
        session.flush()
    return row


def fan_out(*, session: Session, batch: int = FANOUT_BATCH) -> int:
    """Queue deliveries for the events recorded since the last call; return how many."""
    cursor = _cursor(session=session)
    items = events_after(cursor.last_event_id, batch, session=session)
    if not items:
        return 0
    endpoints = session.exec(select(WebhookEndpoint).where(WebhookEndpoint.active)).all()
    queued = 0
    now = utcnow()
    for item in items:
        for endpoint in endpoints:
            # An endpoint hears only of what happened after it was registered.
            if as_utc(item.event.at) < as_utc(endpoint.created_at):
                continue
            wanted = endpoint_filter(endpoint)
            if not wanted.wants(item.kind, item.category_code, item.supplier_credit_code):
                continue
            session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id,
                    event_id=item.event.id,
                    kind=item.kind,
                    payload=event_payload(item),
                    next_attempt_at=now,
                )
            )
            queued += 1
    cursor.last_event_id = items[-1].event.id
    session.flush()
    return queued
