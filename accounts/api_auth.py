"""The API key a request presents: `Authorization: Bearer <key>`."""

from flask import abort, g, request

from accounts.api_keys import key_of_secret
from accounts.models import ApiKey
from greenbm.db import get_session


def presented_secret() -> str | None:
    """Return the key the request presents, or None."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def request_key(*, required: bool) -> ApiKey | None:
    """Return the request's live key (once per request); 401 for a bad key, or none if required."""
    if "api_key" not in g:
        secret = presented_secret()
        g.api_key = key_of_secret(secret, session=get_session()) if secret else None
        if secret and g.api_key is None:
            abort(401, description="The API key is unknown or revoked.")
    if required and g.api_key is None:
        abort(401, description="Send an API key: Authorization: Bearer <key>.")
    return g.api_key
