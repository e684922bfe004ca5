"""Alembic environment: the models' metadata and the engine handed over by the app."""

from alembic import context
from sqlmodel import SQLModel

import greenbm.models  # noqa: F401  (registers every table on SQLModel.metadata)
from greenbm.figures import migrating

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection, migrating(connection):
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
