"""`flask catalog …` commands: rebuild the search index, follow the outbox, rebuild peers."""

import contextlib
import os
import signal
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from catalog.peer_groups import rebuild_peer_groups
from catalog.search import count_indexable, follow, follow_round, init_search, rebuild_index
from greenbm.db import get_engine

catalog_cli = click.Group("catalog", help="The product catalogue and its search index.")


@catalog_cli.command("reindex")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Processes that analyse the products.",
)
@with_appcontext
def reindex_command(workers: int) -> None:
    """Rebuild the search index from the database, then switch readers to it."""
    init_search()
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    started = time.perf_counter()
    with Session(get_engine()) as session:
        total = count_indexable(session=session)
        with click.progressbar(length=total, label="Indexing products") as bar:
            count = rebuild_index(index_dir, progress=bar.update, workers=workers, session=session)
    elapsed = time.perf_counter() - started
    click.echo(f"Indexed {count} products into {index_dir} in {elapsed:.1f} s.")


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


@catalog_cli.command("rebuild-peers")
@with_appcontext
def rebuild_peers_command() -> None:
    """Recompute every kept peer group from the products (after SQL run outside the app)."""
    started = time.perf_counter()
    with Session(get_engine()) as session:
        count = rebuild_peer_groups(session=session)
        session.commit()
    click.echo(f"Rebuilt {count} peer groups in {time.perf_counter() - started:.1f} s.")


def _add_openepd_command() -> None:
    # Kept in its own module beside the openEPD reading it drives.
    from catalog.openepd.cli import import_openepd_command

    catalog_cli.add_command(import_openepd_command)


_add_openepd_command()
