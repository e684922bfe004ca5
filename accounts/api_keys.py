"""API keys: an organisation's keys for its other systems, shown once and stored as a hash.

A key is 32 random bytes: SHA-256 of it is enough to store (no slow password hash is needed
for a secret nobody chose, and a lookup by hash stays one indexed query per request).
"""

import hashlib
import secrets

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.models import ApiKey, User
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import Invalid, NotFound
from greenbm.models_base import utcnow

KEY_PREFIX = "gbm_"


def hash_key(secret: str) -> str:
    """Return the stored form of a key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(*, session: Session, actor: User, name: str) -> tuple[ApiKey, str]:
    """Create a named key for the actor's organisation; return it and its secret (shown once)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise Invalid({"name": [_("Name the key (at most 100 characters).")]})
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        organisation_id=actor.organisation_id,
        name=name,
        prefix=secret[:12],
        key_hash=hash_key(secret),
        created_by_id=actor.id,
    )
    session.add(key)
    session.flush()
    _audit(actor, AuditAction.API_KEY_CREATED, key, session=session)
    return key, secret


def organisation_keys(*, session: Session, actor: User) -> list[ApiKey]:
    """Return the keys of the actor's organisation, newest first."""
    query = select(ApiKey).where(ApiKey.organisation_id == actor.organisation_id)
    return list(session.exec(query.order_by(ApiKey.id.desc())).all())


def revoke_api_key(*, session: Session, actor: User, key_id: int) -> ApiKey:
    """Revoke a key of the actor's organisation (at once and for good)."""
    key = session.get(ApiKey, key_id)
    if key is None or key.organisation_id != actor.organisation_id:
        raise NotFound()
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.flush()
        _audit(actor, AuditAction.API_KEY_REVOKED, key, session=session)
    return key


def key_of_secret(secret: str, *, session: Session) -> ApiKey | None:
    """Return the live key with this secret, noting its use; None for an unknown or revoked one."""
    if not secret.startswith(KEY_PREFIX):
        return None
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(secret))).first()
    if key is None or key.revoked_at is not None:
        return None
    key.last_used_at = utcnow()
    session.add(key)
    return key


def _audit(actor: User, action: AuditAction, key: ApiKey, *, session: Session) -> None:
    record_audit(
        session=session,
        actor=actor,
        action=action,
        object_type="api_key",
        object_id=key.id,
        label=key.name,
        detail={"prefix": key.prefix},
        subject_organisation_id=key.organisation_id,
    )
