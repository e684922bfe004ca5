"""`flask catalog …` commands: rebuild the search index, follow the outbox."""

import contextlib
import signal
import threading
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from catalog import indexer
from catalog.search import IndexUnavailable, init_search
from greenbm.db import get_engine

catalog_cli = click.Group("catalog", help="The product catalogue and its search index.")


@catalog_cli.command("reindex")
@click.option(
    "--procs", default=1, show_default=True, help="Indexing processes (worth it on idle cores)."
)
@with_appcontext
def reindex_command(procs: int) -> None:
    """Rebuild the search index from the database, then switch readers to it."""
    init_search()
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    started = time.perf_counter()
    with Session(get_engine()) as session:
        total = indexer.count_indexable(session)
        with click.progressbar(length=total, label="Indexing products") as bar:
            count = indexer.rebuild_index(session, index_dir, progress=bar.update, procs=procs)
    elapsed = time.perf_counter() - started
    click.echo(f"Indexed {count} products into {index_dir} in {elapsed:.1f} s.")


def follow_round(engine: Engine, index_dir: str, echo: Callable[[str], None]) -> int:
    """Apply what waits in the outbox, rebuilding a missing or outdated index; return count."""
    # A fresh session each round, so that each poll sees newly committed rows.
    with Session(engine) as session:
        try:
            applied = indexer.apply_outbox(session, index_dir)
        except IndexUnavailable as exc:
            echo(f"No usable index in {index_dir} ({exc}): rebuilding it.")
            echo(f"Indexed {indexer.rebuild_index(session, index_dir)} products.")
            applied = indexer.apply_outbox(session, index_dir)
    if applied:
        echo(f"Applied {applied} outbox rows (up to {indexer.last_applied(index_dir)}).")
    return applied


def follow(
    engine: Engine,
    index_dir: str,
    *,
    interval: float,
    stop: threading.Event,
    echo: Callable[[str], None] = click.echo,
) -> None:
    """Apply the outbox to the index every `interval` seconds until `stop` is set.

    While the database is unavailable the rounds fail and are retried, so the follower
    outlives a database restart.
    """
    while not stop.is_set():
        try:
            follow_round(engine, index_dir, echo)
        except (OperationalError, InterfaceError) as exc:
            echo(f"The database is unavailable ({type(exc).__name__}); trying again.")
        stop.wait(interval)


@catalog_cli.command("follow")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Apply what is waiting, then stop.")
@with_appcontext
def follow_command(interval: float, once: bool) -> None:
    """Keep this instance's index current by applying the outbox as it grows."""
    init_search()
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    if once:
        follow_round(get_engine(), index_dir, click.echo)
        return
    stop = threading.Event()
    # A service manager stops the follower with SIGTERM: finish the round, then leave.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        follow(get_engine(), index_dir, interval=interval, stop=stop)
    click.echo("Stopped.")
