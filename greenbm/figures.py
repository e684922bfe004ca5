"""Kept figures: a change counter every committed write bumps, and figures cached under it.

Pages that add up the whole catalogue (home, dashboard, category overview) keep what they
computed under (what, today, counter). The counter is one row, bumped in the same transaction
as any write to a table the figures may read: the engine watches every INSERT, UPDATE and
DELETE its connections run (ORM flushes, bulk and Core statements, raw SQL alike), so no writer
can forget it, and bumps the row once, just before that transaction commits. A transaction that
rolls back bumps nothing; the last statement before COMMIT holds the row's lock only for the
commit, so writers never wait on each other for it, nor deadlock over it.
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app, has_app_context
from sqlalchemy import DDL, BigInteger, Connection, case, event, inspect, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Field, Session, SQLModel, select

T = TypeVar("T")

# Tables whose writes never change a figure: the counter itself, trails and queues written
# beside the real change (audit, search outbox, webhooks), and rows written on plain reads or
# sign-ins (API key last use, user last login, notifications read). A test checks that no kept
# figure reads any of them.
NOT_FIGURES = frozenset(
    {
        "figuresversion",
        "alembic_version",
        "auditentry",
        "searchoutbox",
        "webhookdelivery",
        "webhookfanout",
        "notification",
        "apikey",
        "user",
    }
)
# Entries per process (languages × roles × years asked). A dashboard entry at 100,000 products,
# with its charts, pickles to 0.94 MB and holds up to ~2.7 MB in memory (tracemalloc), so 16
# entries bound a worker's kept figures near 45 MB; the usual few combinations stay kept.
CACHE_SIZE = 16
_WROTE = "figures_wrote"  # connection.info: the transaction that wrote figures' rows
_MIGRATING = "figures_migrating"  # connection.info: Alembic runs; it bumps once at the end
_READ = "figures_read"  # session.info: (transaction, the counter value read in it)
_READ_ONLY = re.compile(
    r"\s*(SELECT|PRAGMA|SHOW|SET|BEGIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|EXPLAIN|VACUUM|ANALYZE)\b",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)', re.IGNORECASE
)


class FiguresVersion(SQLModel, table=True):
    """The one row counting the committed transactions that changed a figure's tables."""

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_type=BigInteger)


# A schema made without migrations (create_all) gets its row too.
event.listen(
    FiguresVersion.__table__,
    "after_create",
    DDL("INSERT INTO figuresversion (id, value) VALUES (1, 0)"),
)


def _target(context, statement: str) -> str | None:
    """Return the table a statement writes ("" if unknown), or None if it writes no row."""
    if context is None:
        return None
    if context.isddl:
        return None  # schema changes come through migrations, which bump at their end
    if context.isinsert or context.isupdate or context.isdelete:
        table = getattr(context.compiled.statement, "table", None)
        return getattr(table, "name", "")
    compiled = context.compiled
    if compiled is not None and not isinstance(compiled.statement, TextClause):
        return None  # a SELECT built with SQLAlchemy
    # Raw SQL: read-only by its first word, else a write (to the table named, when it says).
    if _READ_ONLY.match(statement):
        return None
    found = _TARGET.match(statement)
    return found.group(1).lower() if found else ""


class _Watcher:
    """One engine's listeners: note which transactions wrote figures' rows, bump on commit."""

    def __init__(self) -> None:
        # Whether the counter's table exists: a database older than its migration (a test
        # that writes rows between migrations) has none, and then there is nothing to bump.
        self.ready = False

    def _bump(self, conn: Connection) -> None:
        if not self.ready:
            self.ready = inspect(conn).has_table(FiguresVersion.__tablename__)
        if self.ready:
            _bump(conn)

    def note_write(self, conn: Connection, cursor, statement, parameters, context, many) -> None:
        if conn.info.get(_MIGRATING):
            return
        table = _target(context, statement)
        if table is None or table in NOT_FIGURES:
            return
        # Private, but the only way to know: in autocommit each statement commits by itself.
        if conn._is_autocommit_isolation():
            self._bump(conn)
        else:
            conn.info[_WROTE] = conn.get_transaction()

    def bump_on_commit(self, conn: Connection) -> None:
        # Runs just before COMMIT, inside the transaction: the bump commits with the writes or
        # not at all. The flag names its transaction: one left by an earlier one is ignored.
        wrote = conn.info.pop(_WROTE, None)
        if wrote is not None and wrote is conn.get_transaction():
            self._bump(conn)

    @staticmethod
    def forget_on_rollback(conn: Connection) -> None:
        conn.info.pop(_WROTE, None)


def _bump(conn: Connection, *, at_least: int = 0) -> None:
    value = FiguresVersion.value + 1
    if at_least:
        value = case((value > at_least, value), else_=at_least)
    conn.execute(update(FiguresVersion).where(FiguresVersion.id == 1).values(value=value))


def watch_writes(engine: Engine) -> None:
    """Make every transaction on the engine that writes a figure's table bump the counter."""
    watcher = _Watcher()
    event.listen(engine, "after_cursor_execute", watcher.note_write)
    event.listen(engine, "commit", watcher.bump_on_commit)
    event.listen(engine, "rollback", watcher.forget_on_rollback)


@contextmanager
def migrating(conn: Connection) -> Iterator[None]:
    """Let Alembic change rows and schema, then bump the counter once if its table exists."""
    conn.info[_MIGRATING] = True
    try:
        yield
    finally:
        conn.info.pop(_MIGRATING, None)
    if inspect(conn).has_table(FiguresVersion.__tablename__):
        # To the clock, in microseconds: a database restored from a backup (migrated on the
        # way in) must not count again through values its old self already stood for.
        _bump(conn, at_least=time.time_ns() // 1000)


_COUNTER = select(FiguresVersion.value).where(FiguresVersion.id == 1)


def figures_version(*, session: Session) -> int | None:
    """Return the change counter as this session sees it (None: no counter row, keep nothing)."""
    # Read once per transaction: a page keeps its own figures and those of its parts under it.
    # A value read earlier in the transaction is never newer than what is read after it.
    transaction = session.get_transaction()
    read = session.info.get(_READ)
    if transaction is not None and read is not None and read[0] is transaction:
        return read[1]
    # Core on the session's connection, one statement built once: every kept page and figure
    # reads it, and the ORM's execution path added about 0.23 ms to each read on PostgreSQL.
    value = session.connection().execute(_COUNTER).scalar()
    session.info[_READ] = (session.get_transaction(), value)
    return value


def _wrote_uncommitted(*, session: Session) -> bool:
    conn = session.connection()
    wrote = conn.info.get(_WROTE)
    return wrote is not None and wrote is conn.get_transaction()


class FigureStore:
    """This process's kept figures, least recently used dropped first; safe across threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Hashable, int], object] = OrderedDict()
        self._newest = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        """Return the figures kept under the key, or default."""
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: tuple[Hashable, int], value: object) -> None:
        """Keep the figures under the key (what, counter); forget those of older counters."""
        with self._lock:
            if key[1] > self._newest:
                self._newest = key[1]
                for old in [k for k in self._entries if k[1] < key[1]]:
                    del self._entries[old]
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept figure."""
        with self._lock:
            self._entries.clear()
            self._newest = 0


_MISSING = object()


def figure_store(name: str = "kept_figures", size: int = CACHE_SIZE) -> FigureStore | None:
    """Return the current app's store `name` of kept figures (None outside an app: keep nothing)."""
    if not has_app_context():
        return None
    stores = current_app.extensions
    store = stores.get(name)
    if store is None:
        store = stores.setdefault(name, FigureStore(size))
    return store


def kept(
    what: Hashable,
    compute: Callable[[], T],
    *,
    session: Session,
    store: FigureStore | None = None,
) -> T:
    """Return compute()'s figures, computed once per change counter value and `what`.

    `what` names the figures and everything they depend on besides the database (locale, role,
    the date the live statuses are taken on). The counter is read first, in the session's
    transaction: what compute() then reads is at least as new as that value. Figures computed
    beside this transaction's own uncommitted writes are never kept (they may roll back).
    `store` is another store than the pages' figures (one whose entries must not push those out).
    """
    store = store or figure_store()
    version = figures_version(session=session) if store is not None else None
    if version is None or _wrote_uncommitted(session=session):
        return compute()
    key = (what, version)
    found = store.get(key, _MISSING)
    if found is not _MISSING:
        return found
    value = compute()
    if not _wrote_uncommitted(session=session):
        store.put(key, value)
    return value
