"""Put the reference data (categories, criteria versions) back as it was after a test changed it."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select

from catalog.models import Category
from certification.models import CriteriaVersion
from tests.conftest import _empty_tables

CATEGORY = Category.__table__
VERSIONS = CriteriaVersion.__table__


@contextmanager
def kept_reference_data(engine: Engine) -> Iterator[None]:
    """Restore categories and criteria versions on exit (other tables are emptied)."""
    with engine.connect() as conn:
        categories = [dict(r._mapping) for r in conn.execute(select(CATEGORY))]
        versions = [dict(r._mapping) for r in conn.execute(select(VERSIONS))]
    try:
        yield
    finally:
        # Applications and certificates may point at the new versions: remove them first.
        _empty_tables(engine)
        with engine.begin() as conn:
            known = [v["id"] for v in versions]
            conn.execute(VERSIONS.delete().where(VERSIONS.c.id.not_in(known)))
            conn.execute(VERSIONS.update().values(active=False))
            for v in versions:
                values = {"active": v["active"], "activated_at": v["activated_at"]}
                conn.execute(VERSIONS.update().where(VERSIONS.c.id == v["id"]).values(**values))
            for c in categories:
                conn.execute(CATEGORY.update().where(CATEGORY.c.id == c["id"]).values(**c))
