"""Fixtures for operations tests: more app instances on the test database, its dialect."""

import pytest
from sqlalchemy.engine import make_url

from catalog.search import close_search_indexes
from greenbm import create_app
from tests.conftest import _base_config


@pytest.fixture
def dialect(database_url) -> str:
    """Return the test database's dialect name: sqlite or postgresql."""
    return make_url(database_url).get_backend_name()


@pytest.fixture
def make_app(app, tmp_path):
    """Return a function creating another app instance (own instance folder); closed after."""
    made = []

    def _make(name: str, **overrides):
        config = _base_config(app.config["DATABASE_URL"], tmp_path / name)
        config.update(overrides)
        other = create_app(config)
        made.append(other)
        return other

    yield _make
    for other in made:
        close_search_indexes(other)
        other.extensions["db_engine"].dispose()
