"""Stored documents: the key of what a file prints, and writing a file so no reader sees half."""

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=16)
def _digest_of(path: str, mtime_ns: int, size: int) -> str:
    # Keyed on the file's mtime and size: read and hashed once per version, not per document.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_version(path: Path) -> str:
    """Return the sha256 of a file read once per version; "" if it does not exist (yet)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ""
    return _digest_of(str(path), stat.st_mtime_ns, stat.st_size)


def content_key(material: dict) -> str:
    """Return the sha256 of plain values: equal values, equal key, whatever their dict order."""
    text = json.dumps(material, sort_keys=True, default=str, ensure_ascii=False)  # str: dates
    return hashlib.sha256(text.encode()).hexdigest()


def write_durably(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write a file under a temporary name of its own, synced, then renamed into place."""
    # A name per writer: two may make the same file at once. Synced before the rename: a row
    # that names the file may commit right after.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it private (0o600); a public document may say so
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
