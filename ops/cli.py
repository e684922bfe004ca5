"""`flask backup PATH` and `flask restore PATH`: the database and stored files, with progress."""

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ops.archive import BackupError
from ops.backup import create_backup
from ops.restore import rebuild_search_index, restore_backup

_ARCHIVE = click.Path(dir_okay=False, path_type=Path)


def _bar(stack: ExitStack, label: str) -> Callable[[int, int], None]:
    """Return a progress callback (bytes done, bytes in all) drawing one bar, opened lazily."""
    state = {"bar": None, "done": 0}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = stack.enter_context(click.progressbar(length=total, label=label))
        state["bar"].update(done - state["done"])
        state["done"] = done

    return update


@click.command("backup")
@click.argument("path", type=_ARCHIVE)
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database and the stored files to PATH (a tar archive)."""
    app = current_app._get_current_object()
    with ExitStack() as stack:
        try:
            manifest = create_backup(
                app.config,
                app.extensions["db_engine"],
                path,
                report=click.echo,
                progress=_bar(stack, "Stored files"),
            )
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Backed up {rows} rows in {len(manifest['tables'])} tables and "
        f"{len(manifest['files'])} files to {path}."
    )
    if manifest["missing"]:
        click.echo(
            f"Warning: {len(manifest['missing'])} evidence files the database lists were not "
            f"found on disk: {', '.join(manifest['missing'][:5])}",
            err=True,
        )
    click.echo("The archive holds the signing key and all users' data: keep it private.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.option(
    "--no-reindex", is_flag=True, help="Leave the search index alone (rebuild it yourself)."
)
@with_appcontext
def restore_command(path: Path, force: bool, no_reindex: bool) -> None:
    """Restore the database and stored files from a backup made by `flask backup`.

    Stop the web servers and `flask catalog follow` of every instance first; afterwards run
    `flask catalog reindex` on each instance (this one is rebuilt here unless --no-reindex).
    """
    app = current_app._get_current_object()
    with ExitStack() as stack:
        try:
            manifest = restore_backup(
                app, path, force=force, report=click.echo, progress=_bar(stack, "Stored files")
            )
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Restored {rows} rows and {len(manifest['files'])} files from a backup made "
        f"{manifest['created_at']}."
    )
    if not no_reindex:
        click.echo("Rebuilding the search index…")
        click.echo(f"Indexed {rebuild_search_index(app)} products.")
