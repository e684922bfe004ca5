"""The app starts on the test database and serves its public pages."""

import os

import pytest


def test_database_backend_is_the_one_asked_for(app):
    """Guard the PostgreSQL CI run: it must really run on PostgreSQL."""
    dialect = app.extensions["db_engine"].dialect.name
    expected = (
        "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert dialect == expected


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/catalog", "/healthz"])
def test_public_pages_answer(client, url):
    assert client.get(url).status_code == 200
