"""The outbox follower: queue products, apply the outbox in order, rebuild, follow.

The database is the truth and the index is derived from it: every change that affects a
product's document writes an outbox row in the same transaction; the follower applies the rows
in order and records the last one applied in the index generation.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, select

from catalog.models import SearchOutbox
from catalog.search import bulk, storage
from catalog.search.documents import document_rows, documents
from greenbm.models_base import as_utc

# On PostgreSQL an outbox id can become visible after a higher one (transactions commit out
# of order). A gap younger than this is waited for; an older one was a rollback.
GAP_GRACE = timedelta(seconds=60)


def queue_for_index(product_id: int, *, session: Session) -> None:
    """Record, in the caller's transaction, that the product's search document is stale."""
    session.add(SearchOutbox(product_id=product_id))


def rebuild_index(
    index_dir: str | Path,
    *,
    session: Session,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> int:
    """Index every published product into a fresh generation and switch to it; return count.

    `workers` processes analyse the documents (1: this process only); the index is the same.
    """
    index_dir = Path(index_dir)
    with storage.writer_lock(index_dir):
        # Before building: a dead build's disk space comes back.
        storage.remove_unfinished(index_dir)
        try:
            previous = storage.current_generation(index_dir).name
        except storage.IndexUnavailable:
            previous = ""
        # Read before the products: a change committed meanwhile has a higher id and is
        # applied again by the next apply_outbox (applying is idempotent).
        last = session.exec(select(func.max(SearchOutbox.id))).one() or 0
        name = f"{storage.PREFIX}{time.time_ns():x}"
        building = index_dir / (name + storage.BUILDING)
        storage.create_index(building)
        rows = document_rows(session=session)
        try:
            count = bulk.write_rows(building, rows, workers=workers, progress=progress)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)  # CURRENT still names the old one
            raise
        finally:
            rows.close()  # a failed build must not leave the database cursor open
        storage.set_last_applied(building, last)
        storage.publish_generation(index_dir, building, name)
        storage.remove_old_generations(index_dir, keep={name, previous})
    return count


def _contiguous_end(last: int, rows: Sequence, now: datetime) -> int:
    """Return the highest outbox id up to which no row can still appear."""
    expected = last + 1
    for outbox_id, _product_id, created_at in rows:
        if outbox_id > expected and now - as_utc(created_at) < GAP_GRACE:
            return expected - 1
        expected = outbox_id + 1
    return expected - 1


def _check_not_ahead(last: int, *, session: Session) -> None:
    newest = session.exec(select(func.max(SearchOutbox.id))).one() or 0
    if last > newest:
        # The index has applied rows this database never had: the database was restored from
        # a backup (or replaced), and the index may show changes it lost. Rebuild.
        raise storage.IndexUnavailable(f"the index is ahead of the database ({last} > {newest})")


def apply_outbox(index_dir: str | Path, *, session: Session, batch: int = 500) -> int:
    """Apply outbox rows newer than the index's state, in order; return how many were applied.

    Idempotent: a row applied twice leaves the same document. Raises IndexUnavailable when
    there is no index to update, or when it is ahead of the database (rebuild first).
    """
    index_dir = Path(index_dir)
    applied = 0
    with storage.writer_lock(index_dir):
        storage.remove_unfinished(index_dir)
        generation = storage.current_generation(index_dir)
        last = storage.last_applied(index_dir)
        while True:
            rows = session.exec(
                select(SearchOutbox.id, SearchOutbox.product_id, SearchOutbox.created_at)
                .where(SearchOutbox.id > last)
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
            if not rows:
                if not applied:
                    _check_not_ahead(last, session=session)
                break
            product_ids = {product_id for _, product_id, _ in rows}
            upserts = list(documents(product_ids, session=session))
            removals = product_ids - {doc.product_id for doc in upserts}
            storage.update_documents(generation, upserts, removals)
            applied += len(rows)
            end = _contiguous_end(last, rows, datetime.now(UTC))
            if end > last:
                storage.set_last_applied(generation, end)
            if end < rows[-1][0] or len(rows) < batch:
                break  # waiting for a gap to fill, or caught up
            last = end
    return applied


def follow_round(engine: Engine, index_dir: str, echo: Callable[[str], None]) -> int:
    """Apply what waits in the outbox, rebuilding a missing or outdated index; return count."""
    # A fresh session each round, so that each poll sees newly committed rows.
    with Session(engine) as session:
        try:
            applied = apply_outbox(index_dir, session=session)
        except storage.IndexUnavailable as exc:
            echo(f"No usable index in {index_dir} ({exc}): rebuilding it.")
            echo(f"Indexed {rebuild_index(index_dir, session=session)} products.")
            applied = apply_outbox(index_dir, session=session)
    if applied:
        echo(f"Applied {applied} outbox rows (up to {storage.last_applied(index_dir)}).")
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
