"""URLs: ids from outside (a number the database can hold, else 404 or None); public addresses."""

import re

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, IntegerConverter
from wtforms.validators import NumberRange

# The tables' ids are INTEGER columns: 32-bit on PostgreSQL (at most 2**31 - 1), 64-bit on
# SQLite. A larger id in a URL would otherwise reach the driver and fail there (an OverflowError
# or "integer out of range", a 500) instead of a plain 404.
MAX_DATABASE_ID = 2**31 - 1
_MAX_ID_DIGITS = len(str(MAX_DATABASE_ID))


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` for database ids: a non-negative integer up to 2**31 - 1; anything else 404s."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_DATABASE_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SegmentExceptConverter(BaseConverter):
    """`<except("a", "b"):…>`: one path segment, but not one of the reserved words.

    For a route beside a fixed path it would otherwise also match (`/certificates/<number>`
    beside `/certificates/verify-document`), so that the fixed path's Allow header lists only
    its own methods.
    """

    def __init__(self, url_map, *reserved: str):
        super().__init__(url_map)
        words = "|".join(re.escape(word) for word in reserved)
        self.regex = rf"(?!(?:{words})$)[^/]+"


def init_app(app) -> None:
    """Add the converters: every `<int:…>` a database id, `<except(…):…>` (before any route)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_map.converters["except"] = SegmentExceptConverter


def database_id(text: object) -> int | None:
    """Return the id a query parameter or form value names, or None if it cannot be one."""
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses (a ValueError, a 500);
    # and the length is checked before int() so that 5,000 digits cost nothing.
    if not isinstance(text, str) or not (0 < len(text) <= _MAX_ID_DIGITS):
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_DATABASE_ID else None


def id_range() -> NumberRange:
    """Return the WTForms validator of a whole number that can be a database id."""
    return NumberRange(
        1,
        MAX_DATABASE_ID,
        message=_l("Enter a whole number from 1 to %(max)s.", max=f"{MAX_DATABASE_ID:,}"),
    )


def public_url(endpoint: str, **values) -> str:
    """Return a page's full address as printed or mailed: on the public site if configured."""
    site = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return site.rstrip("/") + url_for(endpoint, **values)
