"""Alembic migrations driven from the Flask CLI (`flask db upgrade`, `flask db revision`)."""

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import with_appcontext

from greenbm.paths import MIGRATIONS_DIR


def alembic_config(app: Flask) -> Config:
    """Return an Alembic config pointing at this package's migrations and the app's engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = app.extensions["db_engine"]
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database schema up to the given revision."""
    command.upgrade(alembic_config(app), revision)


@click.group("db")
def db_cli() -> None:
    """Manage the database schema."""


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade(current_app, revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def revision_command(message: str, autogenerate: bool) -> None:
    """Create a new migration, compared against the models by default."""
    command.revision(alembic_config(current_app), message=message, autogenerate=autogenerate)
