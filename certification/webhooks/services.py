"""Webhook endpoints: an organisation registers, lists, tests and removes its own."""

import json
import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, func
from sqlmodel import Session, select

from accounts.credit_code import CreditCodeError, normalize_credit_code
from accounts.models import User
from catalog.models import Category
from certification.certificates.events import EVENT_KINDS, EventFilter
from certification.webhooks.destinations import BadDestination, check_url
from certification.webhooks.models import WebhookDelivery, WebhookEndpoint
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow

MAX_ENDPOINTS = 10  # per organisation


def endpoint_filter(endpoint: WebhookEndpoint) -> EventFilter:
    """Return the events the endpoint asked for."""
    kinds = tuple(k for k in endpoint.kinds.split(",") if k)
    return EventFilter(endpoint.category_code, endpoint.supplier_credit_code, kinds)


def register_endpoint(
    *,
    session: Session,
    actor: User,
    url: str,
    category_code: str | None,
    supplier_credit_code: str | None,
    kinds: list[str],
    insecure_hosts: list[str],
) -> WebhookEndpoint:
    """Add an endpoint of the actor's organisation with a new secret; raise Invalid if bad."""
    errors: dict[str, list[str]] = {}
    try:
        url = check_url(url, insecure_hosts)
    except BadDestination as exc:
        errors["url"] = [str(exc)]
    if (
        category_code
        and session.exec(select(Category.id).where(Category.code == category_code)).first() is None
    ):
        errors["category_code"] = [_("Choose a category from the list.")]
    if supplier_credit_code:
        try:
            supplier_credit_code = normalize_credit_code(supplier_credit_code)
        except CreditCodeError as exc:
            errors["supplier_credit_code"] = [str(exc)]
    if any(kind not in EVENT_KINDS for kind in kinds):
        errors["kinds"] = [_("Choose among the listed events.")]
    count = session.exec(
        select(func.count()).where(WebhookEndpoint.organisation_id == actor.organisation_id)
    ).one()
    if count >= MAX_ENDPOINTS:
        errors["url"] = [_("At most %(n)d endpoints: remove one first.", n=MAX_ENDPOINTS)]
    if errors:
        raise Invalid(errors)
    endpoint = WebhookEndpoint(
        organisation_id=actor.organisation_id,
        url=url,
        secret=secrets.token_hex(32),
        category_code=category_code or None,
        supplier_credit_code=supplier_credit_code or None,
        kinds=",".join(k for k in EVENT_KINDS if k in kinds),
        created_by_id=actor.id,
    )
    session.add(endpoint)
    session.flush()
    _audit(AuditAction.WEBHOOK_CREATED, actor, endpoint, session=session)
    return endpoint


def _audit(action: AuditAction, actor: User, endpoint: WebhookEndpoint, *, session) -> None:
    # The secret is never written to the trail.
    detail = {
        "url": endpoint.url,
        "category": endpoint.category_code,
        "supplier": endpoint.supplier_credit_code,
        "events": endpoint.kinds or "all",
    }
    record_audit(
        session=session,
        actor=actor,
        action=action,
        object_type="webhook",
        object_id=endpoint.id,
        label=endpoint.url,
        detail=detail,
        subject_organisation_id=endpoint.organisation_id,
    )


def organisation_endpoint(actor: User, endpoint_id: int, *, session: Session) -> WebhookEndpoint:
    """Return an endpoint of the actor's organisation, or raise NotFound."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id != actor.organisation_id:
        raise NotFound()
    return endpoint


def organisation_endpoints(actor: User, *, session: Session) -> list[WebhookEndpoint]:
    """Return the endpoints of the actor's organisation, oldest first."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.organisation_id == actor.organisation_id)
    return list(session.exec(query.order_by(WebhookEndpoint.id)).all())


def remove_endpoint(*, session: Session, actor: User, endpoint_id: int) -> None:
    """Remove an endpoint of the actor's organisation with its delivery log."""
    endpoint = organisation_endpoint(actor, endpoint_id, session=session)
    _audit(AuditAction.WEBHOOK_REMOVED, actor, endpoint, session=session)
    session.exec(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)
    session.flush()


def queue_test_delivery(*, session: Session, actor: User, endpoint_id: int) -> WebhookDelivery:
    """Queue a signed test delivery to an endpoint of the actor's organisation."""
    endpoint = organisation_endpoint(actor, endpoint_id, session=session)
    now = utcnow()
    payload = {"type": "test", "sent_for": "a test asked for on the webhooks page", "at": now}
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        kind="test",
        payload=json.dumps(payload, default=lambda t: t.isoformat(), ensure_ascii=False),
        next_attempt_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def delivery_log(endpoint: WebhookEndpoint, *, session: Session, page: int, per_page: int) -> Page:
    """Return a page of the endpoint's deliveries, newest first."""
    where = WebhookDelivery.endpoint_id == endpoint.id
    query = select(WebhookDelivery).where(where).order_by(WebhookDelivery.id.desc())
    count = select(func.count()).select_from(WebhookDelivery).where(where)
    return paginate(query, count, page, per_page, session=session)
