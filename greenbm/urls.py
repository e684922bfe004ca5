"""URL converters: an id in a path is a number the database can hold, or the page is not found."""

from werkzeug.routing import IntegerConverter

# The tables' ids are INTEGER columns: 32-bit on PostgreSQL (at most 2**31 - 1), 64-bit on
# SQLite. A larger id in a URL would otherwise reach the driver and fail there (an OverflowError
# or "integer out of range", a 500) instead of a plain 404.
MAX_DATABASE_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` for database ids: a non-negative integer up to 2**31 - 1; anything else 404s."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_DATABASE_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Make every `<int:…>` of the app's routes a database id (before any route is added)."""
    app.url_map.converters["int"] = DatabaseIdConverter
