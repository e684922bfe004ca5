"""The index directory: generations, the pointer to the current one, the writer lock, writing.

Layout of an index directory (one writer at a time, guarded by a lock file)::

    index_dir/CURRENT           name of the generation readers open
    index_dir/gen-<stamp>/      a complete Whoosh index plus `last_applied` (an outbox id)

A rebuild writes a new generation beside the current one and switches CURRENT with an atomic
rename, so a crash mid-rebuild leaves the old index in use. The previous generation is kept
until the next rebuild, so a worker still reading it is not cut off.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from catalog.search.schema import SCHEMA, Codec, ProductDocument, document_fields

logger = logging.getLogger(__name__)

POINTER = "CURRENT"
STATE_FILE = "last_applied"
LOCK_FILE = ".lock"
PREFIX = "gen-"
BUILDING = ".building"


class IndexUnavailable(Exception):
    """The index directory is missing, unreadable or corrupt: search the database instead."""


def current_generation(index_dir: Path) -> Path:
    """Return the directory of the index generation the pointer file names."""
    try:
        name = (Path(index_dir) / POINTER).read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexUnavailable(str(exc)) from exc
    if not name or "/" in name or name.startswith("."):
        raise IndexUnavailable(f"bad pointer {name!r} in {index_dir}")
    return Path(index_dir) / name


def open_generation(generation: Path):
    """Open the Whoosh index of a generation, read-only."""
    # Not mmap: whoosh-reloaded wraps each mapped file in a BytesIO, which copies the whole
    # postings file into every worker (+360 MB at 100k).
    return FileStorage(str(generation), supports_mmap=False, readonly=True).open_index()


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the directory's writer lock, waiting for another writer to finish."""
    # One writer per index directory: `follow` waits while `reindex` runs, and vice versa.
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for child in path.iterdir():
        with open(child, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(path)


def last_applied(index_dir: str | Path) -> int:
    """Return the id of the last outbox row applied to the current index (0 if none)."""
    generation = current_generation(Path(index_dir))
    try:
        return int((generation / STATE_FILE).read_text().strip() or 0)
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"no outbox state in {generation}") from exc


def set_last_applied(generation: Path, outbox_id: int) -> None:
    """Record the id of the last outbox row applied to the generation."""
    _write_atomically(generation / STATE_FILE, str(outbox_id))


def remove_unfinished(index_dir: Path) -> None:
    """Remove what a writer killed half-way left behind (call with the writer lock held)."""
    # No other writer can be running: a `.building` generation or a temporary pointer now
    # belongs to a rebuild that died (power cut, kill -9, out of memory).
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith(PREFIX) and child.name.endswith(BUILDING):
            logger.warning("removing the unfinished index generation %s", child)
            shutil.rmtree(child, ignore_errors=True)
    (index_dir / (POINTER + ".tmp")).unlink(missing_ok=True)


def publish_generation(index_dir: Path, building: Path, name: str) -> None:
    """Make a finished generation durable under its name, then point readers at it."""
    _fsync_tree(building)
    os.rename(building, index_dir / name)
    _write_atomically(index_dir / POINTER, name)
    _fsync_dir(index_dir)


def remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Remove the generations not kept (call with the writer lock held)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith(PREFIX) and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def create_index(path: Path) -> None:
    """Create an empty index in the directory."""
    path.mkdir(parents=True, exist_ok=True)
    whoosh_index.create_in(str(path), SCHEMA)


def update_documents(
    path: Path, upserts: Iterable[ProductDocument], removals: Iterable[int]
) -> None:
    """Replace or remove documents in one commit."""
    ix = whoosh_index.open_dir(str(path))
    with ix.writer(codec=Codec()) as writer:
        for product_id in removals:
            writer.delete_by_term("pid", str(product_id))
        for doc in upserts:
            writer.update_document(**document_fields(doc))


def segment_tables(path: Path) -> dict[str, bytes]:
    """Return the tables of the index's one segment, by name less the segment's random id.

    Two builds of the same documents must hold the same tables byte for byte, whichever
    way they were written; the container file around them may order them differently.
    """
    ix = whoosh_index.open_dir(str(path))
    (segment,) = ix._segments()  # private (whoosh-reloaded 2.7.5, pinned)
    files = segment.open_compound_file(ix.storage)
    try:
        return {name.split(".", 1)[1]: files.open_file(name).read() for name in files.list()}
    finally:
        files.close()
