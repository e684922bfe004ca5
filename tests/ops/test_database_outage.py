"""The database goes away: pages answer 503 with a clear message, then recover by themselves."""

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from catalog.search import follow
from tests.openapi_check import validate
from tests.ops.helpers import wait_for
from tests.ops.proxy import TcpProxy

MESSAGE = "The database is unavailable at the moment; please try again in a minute."


def _assert_unavailable(client) -> None:
    page = client.get("/")
    assert page.status_code == 503
    assert MESSAGE in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "60"
    api = client.get("/api/v1/products")
    assert api.status_code == 503
    assert api.mimetype == "application/problem+json"
    assert api.get_json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": MESSAGE,
    }


def _english(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_postgresql_going_away_and_coming_back(app, make_app, dialect):
    if dialect != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
    url = make_url(app.config["DATABASE_URL"])
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    try:
        through = url.set(host="127.0.0.1", port=proxy.port)
        client = _english(make_app("proxied", DATABASE_URL=through.render_as_string(False)))
        assert client.get("/").status_code == 200  # a pooled connection now exists
        proxy.stop()  # the server restarts: open connections are cut, new ones refused
        _assert_unavailable(client)
        proxy.start()
        assert client.get("/").status_code == 200  # no restart of the app
        assert client.get("/api/v1/products").status_code == 200
    finally:
        proxy.stop()


@pytest.fixture
def database_away(app, dialect, tmp_path):
    """Return (url, bring_back) for the test database, unreachable until bring_back()."""
    url = make_url(app.config["DATABASE_URL"])
    if dialect == "postgresql":
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        proxy.start()
        proxy.stop()  # the port is chosen; nothing answers on it yet
        yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(False), proxy.start
        proxy.stop()
        return
    # SQLite: the volume holding the database file is not mounted yet.
    folder = tmp_path / "mounted"
    path = folder / "greenbm.sqlite3"

    def bring_back() -> None:
        folder.mkdir()
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(path)
        source.backup(target)
        source.close()
        target.close()

    yield f"sqlite:///{path}", bring_back
    shutil.rmtree(folder, ignore_errors=True)


def test_pages_answer_503_until_the_database_comes(make_app, database_away):
    url, bring_back = database_away
    client = _english(make_app("late", DATABASE_URL=url))
    _assert_unavailable(client)
    bring_back()
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/products").status_code == 200


def test_the_follower_outlives_a_database_outage(make_app, database_away):
    url, bring_back = database_away
    instance = make_app("late", DATABASE_URL=url)
    index_dir = Path(instance.config["SEARCH_INDEX_DIR"])
    lines: list[str] = []
    stop = threading.Event()
    args = (instance.extensions["db_engine"], str(index_dir))
    kwargs = {"interval": 0.05, "stop": stop, "echo": lines.append}
    follower = threading.Thread(target=follow, args=args, kwargs=kwargs)
    follower.start()
    try:
        wait_for(lambda: any("database is unavailable" in line for line in lines))
        bring_back()
        wait_for(lambda: (index_dir / "CURRENT").exists())  # it built the index once it could
    finally:
        stop.set()
        follower.join(timeout=30)
    assert not follower.is_alive()


def test_the_api_answers_the_documented_503(client, monkeypatch):
    document = client.get("/api/v1/openapi.json").get_json()

    def refused(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(Session, "exec", refused)
    response = client.get("/api/v1/products")
    validate(document, "/api/v1/products", 503, response)
