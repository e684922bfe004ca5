"""Count the SQL statements a block of code runs (SQLAlchemy's before_cursor_execute event)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


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
