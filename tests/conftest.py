"""Shared fixtures: an app on a migrated test database (SQLite or TEST_DATABASE_URL), clients."""

import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from catalog.search import close_search_indexes
from certification.criteria.store import load_shipped_criteria
from greenbm import create_app
from greenbm.db import get_session
from greenbm.document_fonts import build_document_fonts
from greenbm.extensions import limiter
from greenbm.migrate import upgrade
from seeds.loader import load_categories
from tests import factories


def _base_config(database_url: str, instance_dir) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_DIR": str(instance_dir),
        "EVIDENCE_DIR": str(instance_dir / "evidence"),
        "SEARCH_INDEX_DIR": str(instance_dir / "index"),
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_ADDRESS_RATE_LIMIT": "1000 per minute",
        "REGISTRATION_RATE_LIMIT": "1000 per minute",
        # Cheap argon2 parameters: the strong defaults cost ~0.5 s a hash on this machine.
        "PASSWORD_HASH_FAST": True,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the test database URL, with the schema migrated once for the whole run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app(_base_config(url, tmp_path_factory.mktemp("migrate")))
    engine = app.extensions["db_engine"]
    if engine.dialect.name == "postgresql":
        # A dedicated test database: start from an empty schema so migrations run for real.
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(app)
    with app.app_context():
        session = get_session()
        load_categories(session=session)
        load_shipped_criteria(session=session)
        session.commit()
    engine.dispose()
    return url


# Reference data loaded once per run; tests that change it must restore it. The figures'
# change counter is one row that only ever counts up.
KEPT_TABLES = {
    "category",
    "categoryvariant",
    "categoryindicator",
    "criteriaversion",
    "figuresversion",
}


def _empty_tables(engine) -> None:
    # DELETE rather than TRUNCATE: on a handful of rows it is much faster on PostgreSQL.
    with engine.begin() as conn:
        # Applications and certificates refer to each other: cut that link first.
        conn.execute(text("UPDATE application SET certificate_id = NULL"))
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in KEPT_TABLES:
                conn.execute(table.delete())


@pytest.fixture
def app(request, database_url, tmp_path):
    """Return an app on the test database: categories loaded, every other table empty."""
    config = _base_config(database_url, tmp_path / "instance")
    if request.node.get_closest_marker("csrf"):
        config["WTF_CSRF_ENABLED"] = True
    marker = request.node.get_closest_marker("config")
    if marker:
        config.update(marker.kwargs)
    app = create_app(config)
    limiter.reset()
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    with engine.begin() as conn:
        # The demo history stores an earlier, inactive criteria version (for its expired
        # certificate); tests start from the shipped versions, active (tests that change
        # those restore them before this runs).
        conn.execute(text("DELETE FROM criteriaversion WHERE NOT active"))
    yield app
    close_search_indexes(app)
    engine.dispose()


@pytest.fixture
def session(app):
    """Return a database session of the test's own, outside any app context.

    Holding an app context open would make the test client's requests share it (and its
    `g`, with the request's session and signed-in user), hiding bugs that real requests hit.
    Call `session.expire_all()` before reading what a request changed.
    """
    with Session(app.extensions["db_engine"], expire_on_commit=False) as db:
        yield db


@pytest.fixture
def client(app):
    """Return a test client whose browser asks for English (the messages tests look for)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def login(client):
    """Return a function that signs a user in through the login form."""

    def _login(user, password: str = factories.PASSWORD, target=client):
        token = csrf_token(target, "/login")
        response = target.post(
            "/login", data={"email": user.email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return target

    return _login


def csrf_token(client, url: str) -> str:
    """Return the CSRF token of the form on the page (empty when CSRF is off)."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    return match.group(1) if match else ""


@pytest.fixture(scope="session")
def cut_fonts_static(tmp_path_factory) -> Path:
    """Return a static folder holding only the cut document faces, built for this run."""
    if shutil.which("hb-subset") is None:
        missing = "hb-subset (Debian: libharfbuzz-bin) is not installed; `make install` adds it"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    static = tmp_path_factory.mktemp("static")
    report = build_document_fonts(static)
    assert all("cut from" in line for line in report), report
    return static
