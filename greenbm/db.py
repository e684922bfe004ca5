"""Database engine, one session and one unit of work per request, and SQLite pragmas.

A request's changes are committed once, when its view has returned a response below 400, and
rolled back otherwise (an exception, an error page, a form shown again). Views never commit;
services only flush. Work outside the database that must follow the outcome (an evidence file
written before the row exists, a file removed with its row) is registered with `after_commit`
and `after_rollback`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from greenbm.figures import watch_writes

CONNECT_TIMEOUT = 5  # seconds


def make_engine(url: str) -> Engine:
    """Create the engine (it bumps the figures' counter); SQLite gets WAL, busy timeout, FKs."""
    engine = _make_engine(url)
    watch_writes(engine)
    return engine


def _make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        # Use psycopg 3, the driver we install, whatever form the URL takes.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a connection the server dropped (restart, failover) is replaced at checkout,
    # so the app recovers by itself once the database is back. The connect timeout bounds how
    # long a request waits on an unreachable server before it answers 503.
    connect_args = {} if "connect_timeout=" in url else {"connect_timeout": CONNECT_TIMEOUT}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach the engine to the app and close each request's session at teardown."""
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def init_unit_of_work(app: Flask) -> None:
    """Commit each request's work when its view has answered; call it after every other hook.

    Flask runs after-request hooks last-registered first, so registering this one last makes
    the commit come before any hook that decorates the response: an answer made from a failed
    commit (the database went away: 503) still gets every header.
    """
    app.after_request(_finish_unit_of_work)


def get_engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """Return the session of the current request (or app context), opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's unit of work has been committed."""
    g.setdefault("db_after_commit", []).append(callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if this request's unit of work is rolled back instead of committed."""
    g.setdefault("db_after_rollback", []).append(callback)


def discard_changes() -> None:
    """Roll back what the request changed so far (a service refused; the form is shown again)."""
    if "db_session" in g:
        g.db_session.rollback()
    _run_callbacks("db_after_rollback")
    g.pop("db_after_commit", None)


def _finish_unit_of_work(response: Response) -> Response:
    session = g.get("db_session")
    if session is None:
        return response
    if response.status_code >= 400:
        discard_changes()
        return response
    try:
        session.commit()
    except Exception as exc:
        discard_changes()
        # The app's error pages answer for it (503 while the database is away); with no
        # handler for it, handle_user_exception raises it again: a 500.
        return current_app.make_response(current_app.handle_user_exception(exc))
    g.pop("db_after_rollback", None)
    _run_callbacks("db_after_commit")
    return response


def _run_callbacks(key: str) -> None:
    for callback in g.pop(key, []):
        callback()


def _close_session(_exc: BaseException | None) -> None:
    # An exception that no error page turned into a response skips _finish_unit_of_work: what
    # is still pending here was never committed.
    if g.get("db_after_rollback"):
        _run_callbacks("db_after_rollback")
    g.pop("db_after_commit", None)
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error (CLI and seeds)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
