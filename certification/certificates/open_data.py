"""The daily open-data snapshot of every certificate, as CSV and JSON, with its data dictionary."""

import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from certification.certificates.api import certificate_json
from certification.models import Certificate
from greenbm.spreadsheets import csv_bytes

SNAPSHOT_NAME = re.compile(r"certificates-(\d{4}-\d{2}-\d{2})\.(csv|json)")
# Snapshots kept in the folder; older ones are removed when a new one is written.
KEEP = 7

# The data dictionary: each column of the CSV (and key of the JSON, dotted where nested).
FIELDS = (
    ("number", "text", _l("Certificate number, unique, e.g. GZGBM-2026-CEM-000123.")),
    ("status", "text", _l("Status on the snapshot's date: valid, suspended, revoked or expired.")),
    ("stars", "integer", _l("Star level, 1 to 3.")),
    ("category", "text", _l("Product category code, e.g. cement.")),
    ("product.id", "integer", _l("Product number in the catalogue.")),
    ("product.name", "text", _l("Product name in Chinese.")),
    ("product.name_en", "text", _l("Product name in English (may be empty).")),
    ("holder.name", "text", _l("Certificate holder in Chinese.")),
    ("holder.name_en", "text", _l("Certificate holder in English (may be empty).")),
    ("holder.uscc", "text", _l("Holder's unified social credit code (GB 32100-2015).")),
    ("body.name", "text", _l("Certification body in Chinese.")),
    ("body.name_en", "text", _l("Certification body in English (may be empty).")),
    ("issued_on", "date", _l("Date of issue, YYYY-MM-DD.")),
    ("valid_until", "date", _l("Last day of validity, YYYY-MM-DD.")),
    ("change_date", "date", _l("Date of the last approved change, if any.")),
)


def snapshot_folder() -> Path:
    """Return the folder the snapshots are written into and served from (in the instance)."""
    return Path(current_app.config["INSTANCE_DIR"]) / "open-data"


def _flat(record: dict, field: str):
    value = record
    for part in field.split("."):
        value = value[part]
    return value


def snapshot_records(*, session: Session) -> list[dict]:
    """Return every certificate in its API form (live status as of today), by number."""
    certificates = session.exec(select(Certificate).order_by(Certificate.number)).all()
    return [certificate_json(c) for c in certificates]


def write_snapshot(folder: Path, *, session: Session) -> list[Path]:
    """Write today's CSV and JSON snapshot into the folder, each file replaced atomically."""
    today = date.today()
    records = snapshot_records(session=session)
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": today.isoformat(),
        "count": len(records),
        "certificates": records,
    }
    header = [name for name, _type, _text in FIELDS]
    rows = [[_flat(r, name) for name in header] for r in records]
    contents = {
        "json": json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
        "csv": csv_bytes(header, rows),
    }
    written = []
    for extension, data in contents.items():
        path = folder / f"certificates-{today.isoformat()}.{extension}"
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers never see a half-written file
        written.append(path)
    for old in sorted(snapshots(folder), reverse=True)[KEEP:]:
        for extension in contents:
            (folder / f"certificates-{old}.{extension}").unlink(missing_ok=True)
    return written


def snapshots(folder: Path) -> list[str]:
    """Return the dates (ISO) of the complete snapshots in the folder, newest first."""
    if not folder.is_dir():
        return []
    found: dict[str, set[str]] = {}
    for entry in folder.iterdir():
        match = SNAPSHOT_NAME.fullmatch(entry.name)
        if match:
            found.setdefault(match[1], set()).add(match[2])
    return sorted((day for day, kinds in found.items() if kinds == {"csv", "json"}), reverse=True)
