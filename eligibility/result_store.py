"""Bulk results kept for download: stored under a random token for a day, read by any worker."""

import json
import os
import re
import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

RESULT_MAX_AGE = timedelta(days=1)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


def _results_dir(instance_dir: str) -> Path:
    return Path(instance_dir) / "eligibility"


def save_result(instance_dir: str, result: dict, *, now: datetime | None = None) -> str:
    """Store a bulk result where every worker can read it; return its random token.

    Results older than a day are deleted first, so the folder never grows without bound.
    """
    directory = _results_dir(instance_dir)
    directory.mkdir(parents=True, exist_ok=True)
    prune_results(instance_dir, now=now)
    token = secrets.token_urlsafe(18)
    # Written to a temporary name and renamed, so no worker ever reads half a file.
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, directory / f"{token}.json")
    return token


def load_result(instance_dir: str, token: str) -> dict | None:
    """Return the stored result of the token, or None when it is malformed, unknown or gone."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        with open(_results_dir(instance_dir) / f"{token}.json", encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def prune_results(instance_dir: str, *, now: datetime | None = None) -> None:
    """Delete stored results (and abandoned temporary files) older than a day."""
    cutoff = (now or datetime.now()).timestamp() - RESULT_MAX_AGE.total_seconds()
    for path in _results_dir(instance_dir).glob("*.*"):
        try:
            if path.suffix in (".json", ".tmp") and path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker deleted it first
