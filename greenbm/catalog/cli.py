"""`flask catalog …` commands: rebuild the search index, follow the outbox."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from greenbm.catalog import indexer
from greenbm.catalog.search import IndexUnavailable, init_search
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


@catalog_cli.command("follow")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Apply what is waiting, then stop.")
@with_appcontext
def follow_command(interval: float, once: bool) -> None:
    """Keep this instance's index current by applying the outbox as it grows."""
    init_search()
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    try:
        while True:
            # A fresh session each round, so that each poll sees newly committed rows.
            with Session(get_engine()) as session:
                try:
                    applied = indexer.apply_outbox(session, index_dir)
                except IndexUnavailable:
                    click.echo(f"No usable index in {index_dir}: rebuilding it.")
                    count = indexer.rebuild_index(session, index_dir)
                    click.echo(f"Indexed {count} products.")
                    applied = indexer.apply_outbox(session, index_dir)
            if applied:
                click.echo(
                    f"Applied {applied} outbox rows (up to {indexer.last_applied(index_dir)})."
                )
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")
