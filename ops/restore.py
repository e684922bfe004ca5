"""`flask restore`: check a backup archive whole, then put the database and files back."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import Flask
from sqlalchemy.engine import make_url
from sqlmodel import Session

from catalog.search import rebuild_index
from greenbm.migrate import alembic_config, upgrade
from ops.archive import (
    FILES,
    BackupError,
    FileArea,
    dialect_of,
    file_areas,
    read_manifest,
    safe_member,
    sha256_of,
    table_counts,
    verify_archive,
)
from ops.backup import Report, libpq_command, quiet, run_tool


def _check_revision(app: Flask, revision: str | None) -> None:
    if revision is None:
        raise BackupError("The backup's database has no schema revision: it was never migrated.")
    try:
        found = ScriptDirectory.from_config(alembic_config(app)).get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise BackupError(
            f"The backup's schema ({revision}) is newer than this version of the application: "
            "restore it with the version that wrote it."
        )


def _check_empty(app: Flask, force: bool) -> None:
    with app.extensions["db_engine"].connect() as connection:
        counts = table_counts(connection)
    filled = sorted(name for name, n in counts.items() if n and name != "alembic_version")
    if filled and not force:
        raise BackupError(
            f"The database already holds data ({', '.join(filled[:4])}, …): restore into an "
            "empty database, or add --force to replace everything in it."
        )


def _extract(archive: tarfile.TarFile, name: str, target: Path, entry: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = archive.extractfile(name)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, entry.get("mode", 0o644))
    with os.fdopen(fd, "wb") as handle:
        shutil.copyfileobj(source, handle)
        handle.flush()
        os.fsync(handle.fileno())
    with open(target, "rb") as handle:
        if sha256_of(handle) != (entry["sha256"], entry["size"]):
            raise BackupError(f"{name} did not come out of the archive intact.")


def _stage_files(
    archive: tarfile.TarFile,
    manifest: dict,
    staged: dict[str, Path],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Extract every area into its staging folder (hidden, beside the area's own folder)."""
    total = sum(entry["size"] for entry in manifest["files"])
    done = 0
    for folder in staged.values():
        folder.mkdir(parents=True)
    for entry in manifest["files"]:
        if entry["area"] not in staged:
            raise BackupError(f"The archive holds files of an unknown kind: {entry['area']}.")
        relative = safe_member(entry["path"])
        name = f"{FILES}/{entry['area']}/{entry['path']}"
        _extract(archive, name, staged[entry["area"]] / relative, entry)
        done += entry["size"]
        if progress:
            progress(done, total)


def _swap_in(areas: list[FileArea], staged: dict[str, Path], token: str) -> None:
    """Replace each area's folder by its staged copy (two renames), then drop the old one."""
    for area in areas:
        replaced = area.path.parent / f".{area.path.name}.replaced-{token}"
        if area.path.exists():
            os.rename(area.path, replaced)
        os.rename(staged[area.name], area.path)
        shutil.rmtree(replaced, ignore_errors=True)


def _open_archive(source: str | Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {source}: {exc}") from exc


def _restore_sqlite(url: str, dumped: Path) -> None:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("Restoring needs a SQLite database file, not an in-memory database.")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dumped)
    target = sqlite3.connect(path, timeout=30)
    try:
        source.backup(target)  # replaces every page of the target in one transaction
    finally:
        target.close()
        source.close()


def _restore_postgresql(url: str, dumped: Path) -> None:
    argv, env = libpq_command(url, "pg_restore")
    # One transaction: a failure leaves the database as it was.
    flags = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    run_tool([*argv, *flags, str(dumped)], env)


def restore_backup(
    app: Flask,
    source: str | Path,
    *,
    force: bool = False,
    report: Report = quiet,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Restore the database and stored files from a backup archive; return its manifest.

    Everything is checked before anything changes: the archive against its manifest, the
    schema revision, an empty target (unless force). The files are put in place only after
    the database was restored; then the schema is upgraded to this version's head.
    """
    url = app.config["DATABASE_URL"]
    dialect = dialect_of(url)
    engine = app.extensions["db_engine"]
    areas = file_areas(app.config)
    token = secrets.token_hex(4)
    with _open_archive(source) as archive:
        manifest = read_manifest(archive)
        if manifest["dialect"] != dialect:
            raise BackupError(
                f"This backup is of a {manifest['dialect']} database; this instance uses {dialect}."
            )
        report("Checking the archive…")
        verify_archive(archive, manifest)
        _check_revision(app, manifest["revision"])
        _check_empty(app, force)
        report(f"Extracting {len(manifest['files'])} stored files…")
        staged = {a.name: a.path.parent / f".{a.path.name}.restore-{token}" for a in areas}
        try:
            _stage_files(archive, manifest, staged, progress)
            report("Restoring the database…")
            engine.dispose()  # no pooled connection of ours holds the old database open
            with tempfile.TemporaryDirectory() as scratch:
                member = manifest["database"]["member"]
                dumped = Path(scratch) / member
                _extract(archive, member, dumped, manifest["database"])
                if dialect == "sqlite":
                    _restore_sqlite(url, dumped)
                else:
                    _restore_postgresql(url, dumped)
        except BaseException:
            for folder in staged.values():
                shutil.rmtree(folder, ignore_errors=True)
            raise
    report("Putting the stored files in place…")
    _swap_in(areas, staged, token)
    engine.dispose()
    upgrade(app)
    return manifest


def rebuild_search_index(app: Flask) -> int:
    """Rebuild this instance's search index from the restored database; return the count."""
    with Session(app.extensions["db_engine"]) as session:
        return rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
