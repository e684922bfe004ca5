"""Procurement-list PDFs made once: the file for what a list prints, kept until that changes.

A list's PDF costs about a second of WeasyPrint for 200 lines. Its key hashes everything the
file shows (the list's plain values, the check date and live certificate statuses among them,
the template and the document fonts), so a stored file is served only while it would print the
same; any change to the list, a certificate or the day makes a new one, which replaces it.
"""

from collections.abc import Mapping
from pathlib import Path

from greenbm.document_fonts import document_fonts
from greenbm.document_store import content_key, file_version, write_durably
from greenbm.paths import TEMPLATES_DIR
from procurement.pdf import TEMPLATE_NAME, render_list_pdf

# Inside INSTANCE_DIR, not with the evidence: these files are made again from the database,
# so a backup need not carry them.
LIST_FOLDER = "procurement-lists"
KEY_LENGTH = 32  # hex digits of the key in a file name


def list_folder(config: Mapping, list_id: int) -> Path:
    """Return the folder holding one list's stored PDF."""
    return Path(config["INSTANCE_DIR"]) / LIST_FOLDER / str(int(list_id))


def printed_key(context: dict, *, static_dir: str) -> str:
    """Hash everything the list's PDF shows: its values, the template, the fonts it names."""
    return content_key(
        {
            "context": context,
            "template": file_version(TEMPLATES_DIR / TEMPLATE_NAME),
            "fonts": str(document_fonts(static_dir).rules),
        }
    )


def list_pdf(context: dict, *, list_id: int, config: Mapping, static_dir: str) -> bytes:
    """Return the list's PDF: the stored file if it prints this context, else a new one."""
    folder = list_folder(config, list_id)
    path = folder / f"{printed_key(context, static_dir=static_dir)[:KEY_LENGTH]}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render_list_pdf(context, static_dir=static_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_durably(path, data)  # private to this host's service (0o600): one agency's list
    except OSError:
        return data  # a full or read-only disk costs the next download a render, no more
    # The files of what the list printed before are never served again.
    for old in folder.glob("*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return data
