"""URLs: an id in a path is a number the database can hold; addresses printed or mailed out."""

from flask import current_app, request, url_for
from werkzeug.routing import IntegerConverter

# PostgreSQL's bigint and SQLite's INTEGER hold at most 2**63 - 1; a larger id in a URL would
# otherwise reach the driver and fail there (an OverflowError, a 500) instead of a plain 404.
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` for database ids: a non-negative integer up to 2**63 - 1; anything else 404s."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_DATABASE_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Make every `<int:…>` of the app's routes a database id (before any route is added)."""
    app.url_map.converters["int"] = DatabaseIdConverter


def public_url(endpoint: str, **values) -> str:
    """Return a page's full address as printed or mailed: on the public site if configured."""
    site = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return site.rstrip("/") + url_for(endpoint, **values)
