"""External-certificate imports run a chunk per request: the job's rows and progress on disk."""

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from certification.external.importing import ImportReport

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


def _folder(instance_dir: str) -> Path:
    return Path(instance_dir) / "external-imports"


def _write(instance_dir: str, token: str, job: dict) -> None:
    # Written to a temporary name and renamed, so no worker ever reads half a file.
    folder = _folder(instance_dir)
    fd, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(job, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, folder / f"{token}.json")


def start_job(instance_dir: str, filename: str, rows: list) -> str:
    """Store a new import of the rows; return its token (older jobs are deleted first)."""
    folder = _folder(instance_dir)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    job = {"filename": filename, "rows": rows, "done": 0, "report": asdict(ImportReport())}
    _write(instance_dir, token, job)
    return token


def load_job(instance_dir: str, token: str) -> dict | None:
    """Return the job of the token, or None when it is malformed, unknown or gone."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        with open(_folder(instance_dir) / f"{token}.json", encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def save_job(instance_dir: str, token: str, job: dict) -> None:
    """Store the job's progress."""
    _write(instance_dir, token, job)


def job_report(job: dict) -> ImportReport:
    """Return the job's report so far."""
    return ImportReport(**job["report"])
