"""The backup archive: a tar of the database copy and the stored files, with a manifest.

Layout::

    manifest.json             what is inside, row counts per table, size and sha256 of each member
    database.sqlite3          SQLite: a page-consistent copy (online backup API)
    database.pgdump           PostgreSQL: `pg_dump -Fc` of one snapshot
    files/<area>/<path>       the stored files of each area (evidence and certificate PDFs, ...)
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from certification.certificates.documents import DOCUMENT_FOLDER

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class FileArea:
    """A folder of stored files that a backup copies as a whole."""

    name: str
    path: Path


def file_areas(config: Mapping) -> list[FileArea]:
    """Return the folders holding stored files: evidence and certificate PDFs, key, results."""
    instance = Path(config["INSTANCE_DIR"])
    return [
        FileArea("evidence", Path(config["EVIDENCE_DIR"])),
        # Where certificate PDFs were cached before they were stored with the evidence
        # (certification.certificates.documents): kept so that older archives restore.
        FileArea("certificates", instance / "certificates"),
        FileArea("signing", instance / "signing"),  # the key that signs them
        FileArea("eligibility", instance / "eligibility"),  # bulk-check results, kept a day
    ]


def is_stored_file(relative: PurePosixPath) -> bool:
    """Return whether a file is a finished one (not a writer's temporary or hidden file)."""
    name = relative.name
    return not (name.startswith(".") or name.endswith((".part", ".tmp")))


def stored_files(area: FileArea) -> Iterator[tuple[PurePosixPath, Path]]:
    """Yield (path relative to the area, absolute path) of the area's finished files."""
    if not area.path.is_dir():
        return
    for path in sorted(area.path.rglob("*")):
        relative = PurePosixPath(path.relative_to(area.path).as_posix())
        if path.is_file() and not path.is_symlink() and is_stored_file(relative):
            yield relative, path


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    """Return the sha256 and size of what the stream holds."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def dialect_of(url: str) -> str:
    """Return "sqlite" or "postgresql" for a database URL, or raise BackupError."""
    name = make_url(url).get_backend_name()
    if name not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def table_counts(connection: Connection) -> dict[str, int]:
    """Return the number of rows of every table, by name."""
    counts = {}
    for table in sorted(inspect(connection).get_table_names()):
        quoted = connection.dialect.identifier_preparer.quote(table)
        counts[table] = connection.execute(text(f"SELECT count(*) FROM {quoted}")).scalar_one()
    return counts


def referenced_evidence(connection: Connection) -> set[str]:
    """Return the paths, inside the evidence area, of the files the database refers to."""
    tables = inspect(connection).get_table_names()
    names = set()
    if "evidencefile" in tables:
        names |= set(connection.execute(text("SELECT stored_name FROM evidencefile")).scalars())
    if "certificatedocument" in tables:  # the certificate PDFs, stored with the evidence
        query = text("SELECT stored_name FROM certificatedocument")
        names |= {f"{DOCUMENT_FOLDER}/{name}" for name in connection.execute(query).scalars()}
    return names


def alembic_revision(connection: Connection) -> str | None:
    """Return the schema revision the database is at (None before any migration)."""
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def safe_member(name: str) -> PurePosixPath:
    """Return a member name as a relative path, refusing absolute paths and `..`."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe path: {name!r}.")
    return path


def read_manifest(archive: tarfile.TarFile) -> dict:
    """Return the archive's manifest, checking its format."""
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.load(archive.extractfile(member))
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError("This is not a backup archive: it has no readable manifest.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify_archive(archive: tarfile.TarFile, manifest: dict) -> None:
    """Check that the archive holds exactly the members the manifest lists, unchanged."""
    expected = {manifest["database"]["member"]: manifest["database"]}
    for entry in manifest["files"]:
        expected[f"{FILES}/{entry['area']}/{entry['path']}"] = entry
    seen = set()
    for member in archive.getmembers():
        if member.name == MANIFEST:
            continue
        safe_member(member.name)
        entry = expected.get(member.name)
        if entry is None or not member.isfile():
            raise BackupError(f"The archive holds {member.name!r}, which its manifest lacks.")
        digest, size = sha256_of(archive.extractfile(member))
        if (digest, size) != (entry["sha256"], entry["size"]):
            raise BackupError(f"{member.name} is damaged: its checksum does not match.")
        seen.add(member.name)
    if missing := sorted(set(expected) - seen):
        raise BackupError(f"The archive is incomplete: {', '.join(missing[:5])} missing.")
