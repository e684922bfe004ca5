"""Fixtures of the security tests: one app (CSRF on) and one world per module, for speed."""

import pytest

from catalog.search import close_search_indexes
from greenbm import create_app
from greenbm.extensions import limiter
from tests.conftest import _base_config, _empty_tables
from tests.security.world import PRINCIPALS, build_world, client_for


@pytest.fixture(scope="module")
def secure_app(database_url, tmp_path_factory):
    """Return an app with CSRF on, on the emptied test database, shared by the module."""
    config = _base_config(database_url, tmp_path_factory.mktemp("security"))
    config.update(
        WTF_CSRF_ENABLED=True,
        LOGIN_RATE_LIMIT="100000 per minute",
        LOGIN_ADDRESS_RATE_LIMIT="100000 per minute",
        REGISTRATION_RATE_LIMIT="100000 per minute",
        ELIGIBILITY_BULK_RATE_LIMIT="100000 per hour",
    )
    app = create_app(config)
    limiter.reset()
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    yield app
    close_search_indexes(app)
    # Leave the tables empty for the next module, whose `app` fixture expects nothing else.
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def world(secure_app):
    """Return the world of A and B, with a signed-in client for every principal."""
    from sqlmodel import Session

    with Session(secure_app.extensions["db_engine"], expire_on_commit=False) as session:
        built = build_world(session, secure_app)
    for name in PRINCIPALS:
        built.clients[name] = client_for(secure_app, built.users.get(name))
    return built
