"""Count the SQL statements a block of code runs (SQLAlchemy's before_cursor_execute event)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def counting_statements(app) -> Iterator[list[str]]:
    """Collect the SQL text of every statement run on the app's engine inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def counting_rows() -> Iterator[list[int]]:
    """Collect how many rows each ORM SELECT run inside the block returned (any session).

    A page can read a whole category in one statement: the statement count alone would not
    show it, the rows it reads do.
    """
    counts: list[int] = []

    def count(state):
        if not state.is_select:
            return None
        frozen = state.invoke_statement().freeze()
        counts.append(len(frozen.data))
        return frozen()

    event.listen(Session, "do_orm_execute", count)
    try:
        yield counts
    finally:
        event.remove(Session, "do_orm_execute", count)
