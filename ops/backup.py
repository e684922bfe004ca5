"""`flask backup`: one consistent copy of the database plus every stored file, in one tar.

Left out on purpose: the search index (derived; rebuilt after a restore) and the session
secret (a new one only signs everybody out). The signing key is included: keep backups as
private as the server itself.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url

from ops.archive import (
    DATABASE_MEMBERS,
    FILES,
    FORMAT,
    MANIFEST,
    BackupError,
    alembic_revision,
    dialect_of,
    file_areas,
    referenced_evidence,
    sha256_of,
    stored_files,
    table_counts,
)

Report = Callable[[str], None]


def quiet(_message: str) -> None:
    """Report nothing (the default when no command line is watching)."""


def libpq_command(url: str, tool: str) -> tuple[list[str], dict[str, str]]:
    """Return the PostgreSQL client tool's argv prefix and environment for a SQLAlchemy URL.

    The password goes in PGPASSWORD, not on the command line, where `ps` would show it.
    """
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return [tool, "--dbname", plain.render_as_string(hide_password=False)], env


def run_tool(argv: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client tool; raise BackupError with its own message if it fails."""
    if shutil.which(argv[0]) is None:
        raise BackupError(
            f"{argv[0]} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) in the server's major version or newer."
        )
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip() or done.returncode}")


def _dump_sqlite(url: str, target: Path) -> dict:
    source_path = make_url(url).database
    if not source_path or source_path == ":memory:" or not Path(source_path).is_file():
        raise BackupError(f"No SQLite database file at {source_path!r}.")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step: a single read transaction, so the copy is one consistent state even while
        # the app keeps writing (WAL lets writers go on meanwhile).
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return _describe(connection)
    finally:
        engine.dispose()


def _dump_postgresql(engine: Engine, url: str, target: Path) -> dict:
    argv, env = libpq_command(url, "pg_dump")
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # Counts, file references and the dump all read this one snapshot.
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            described = _describe(connection)
            run_tool([*argv, "-Fc", "--no-owner", "--snapshot", snapshot, "-f", str(target)], env)
    return described


def _describe(connection) -> dict:
    return {
        "tables": table_counts(connection),
        "revision": alembic_revision(connection),
        "evidence": sorted(referenced_evidence(connection)),
    }


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as handle:
        digest, size = sha256_of(handle)
        handle.seek(0)
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        archive.addfile(info, handle)
    if info.size != size:
        raise BackupError(f"{path} changed while it was copied; run the backup again.")
    return {"sha256": digest, "size": size, "mode": info.mode & 0o777}


def _add_files(archive: tarfile.TarFile, config: Mapping, report: Report, progress) -> list[dict]:
    """Add every area's stored files to the archive; return their manifest entries."""
    areas = [(area, list(stored_files(area))) for area in file_areas(config)]
    total = sum(_size(path) for _, files in areas for _, path in files)
    report(f"Copying {sum(len(f) for _, f in areas)} stored files ({total} bytes)…")
    entries, done = [], 0
    for area, files in areas:
        for relative, path in files:
            try:
                entry = _add_file(archive, f"{FILES}/{area.name}/{relative}", path)
            except FileNotFoundError:
                continue  # deleted since listed: "missing" in the manifest if its row was copied
            entries.append({"area": area.name, "path": str(relative), **entry})
            done += entry["size"]
            if progress:
                progress(done, total)
    return entries


def _add_manifest(archive: tarfile.TarFile, manifest: dict) -> None:
    data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(
    config: Mapping,
    engine: Engine,
    destination: str | Path,
    *,
    report: Report = quiet,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write a backup archive of the database and the stored files; return its manifest."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists already: choose a new name.")
    url = config["DATABASE_URL"]
    dialect = dialect_of(url)
    partial = destination.with_name(destination.name + ".partial")
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=destination.parent) as scratch:
            dumped = Path(scratch) / DATABASE_MEMBERS[dialect]
            report(f"Copying the {dialect} database…")
            if dialect == "sqlite":
                described = _dump_sqlite(url, dumped)
            else:
                described = _dump_postgresql(engine, url, dumped)
            partial.unlink(missing_ok=True)  # left by a backup that was killed
            # Private from the start: it holds the signing key and every user's data.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive,
            ):
                database = {"member": dumped.name, **_add_file(archive, dumped.name, dumped)}
                # The files after the database: evidence is stored before its row commits,
                # so every row in the copy has its file, unless it was deleted meanwhile.
                entries = _add_files(archive, config, report, progress)
                copied = {e["path"] for e in entries if e["area"] == "evidence"}
                manifest = {
                    "format": FORMAT,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "dialect": dialect,
                    "revision": described["revision"],
                    "tables": described["tables"],
                    "database": database,
                    "files": entries,
                    # Rows whose file was already gone (deleted during the backup, or lost).
                    "missing": sorted(set(described["evidence"]) - copied),
                }
                _add_manifest(archive, manifest)
                archive.close()  # writes the end-of-archive blocks before the sync
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest
