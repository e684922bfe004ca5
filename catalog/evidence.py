"""Evidence files: PDF-only uploads stored under the instance folder with random names."""

import hashlib
import io
import os
import re
import secrets
from datetime import date
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from sqlmodel import Session, select

from accounts.models import User
from catalog.models import EvidenceFile, EvidenceKind
from catalog.services import own_product, require_manufacturer
from greenbm.errors import Invalid, NotFound

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024


def _safe_name(filename: str) -> str:
    # Keep only the last path component: a name is shown, never used as a path. Control
    # characters go too: the name ends up in a Content-Disposition header.
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:255] or "evidence.pdf"


_READ_ERRORS = (
    PdfReadError,
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
)

# Keys and types that run code or carry files: reviewers open evidence in their browser, so
# none of them is accepted. /AA (actions on open, close, focus…) is refused whatever it holds.
_SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA"}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF", "/XFA", "/RichMedia"}
_EMBEDDED_TYPES = {"/EmbeddedFile", "/FileAttachment", "/RichMedia"}
# Where an action dictionary sits: the document's open action, an annotation's or a field's
# /A, and the /Next action that follows another.
_ACTION_KEYS = {"/OpenAction", "/A", "/Next"}
# The one action allowed: a jump inside the document. Every other type leaves the document
# (URI, GoToR with a UNC path, Launch, SubmitForm…) or does something (Named Print, scripts).
_ALLOWED_ACTIONS = {"/GoTo"}
# Action types found anywhere, even outside an action key (never a name of anything else).
_ACTION_TYPES = {
    "/JavaScript",
    "/Launch",
    "/URI",
    "/GoToR",
    "/GoToE",
    "/SubmitForm",
    "/ImportData",
    "/RichMediaExecute",
}
# The same names in the raw bytes: catches objects no reference reaches (old revisions).
_ACTIVE_BYTES = re.compile(
    rb"/(?:(EmbeddedFiles?|FileAttachment)|JS|JavaScript|Launch|URI|GoToR|GoToE|SubmitForm"
    rb"|ImportData)(?![A-Za-z0-9])"
)
# A PDF of a few MB can reference millions of objects, and pypdf reads some 10,000 a second:
# the walk stops at this many dictionaries and arrays and refuses. The structure tree (tagged
# PDFs hold one element per paragraph) is skipped: no action runs from there, an annotation
# it names acts only from a page's /Annots, which is walked.
MAX_PDF_OBJECTS = 30_000
_SKIPPED_KEYS = {"/StructTreeRoot"}
_ACTIONS, _EMBEDDED, _TOO_LARGE = "actions", "embedded", "too large"
_CONTAINERS = (IndirectObject, DictionaryObject, ArrayObject)


def _kind(item: DictionaryObject, is_action: bool) -> str | None:
    """Return what the dictionary holds that is not accepted, or None."""
    keys = set(item.keys())
    if _EMBEDDED_KEYS & keys:
        return _EMBEDDED
    if _SCRIPT_KEYS & keys:
        return _ACTIONS
    # Indexing resolves an indirect value (dict.get would not): the names are read resolved.
    action_type, type_, subtype = (
        item[key] if key in item and isinstance(item[key], str) else None
        for key in ("/S", "/Type", "/Subtype")
    )
    if {action_type, type_, subtype} & _EMBEDDED_TYPES:
        return _EMBEDDED
    if action_type in _ACTION_TYPES:
        return _ACTIONS
    is_action = is_action or type_ == "/Action"
    if is_action and action_type is not None and action_type not in _ALLOWED_ACTIONS:
        return _ACTIONS
    return None


def _walk(root) -> str | None:
    """Return what reachable content is not accepted (at most MAX_PDF_OBJECTS looked at)."""
    stack, seen, budget = [(root, False)], set(), MAX_PDF_OBJECTS
    while stack:
        item, is_action = stack.pop()
        if isinstance(item, IndirectObject):
            # Seen once as an action and once not: an object reached first under another key
            # is still checked as an action where /A or /OpenAction points at it.
            if (item.idnum, item.generation, is_action) in seen:
                continue
            seen.add((item.idnum, item.generation, is_action))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if kind := _kind(item, is_action):
                return kind
            children = [
                (value, key in _ACTION_KEYS)
                for key, value in item.items()
                if key not in _SKIPPED_KEYS
            ]
        elif isinstance(item, ArrayObject):
            # An array under /Next lists actions; under /OpenAction it is a destination.
            children = [(value, is_action) for value in item]
        else:
            continue
        budget -= 1
        if budget < 0:
            return _TOO_LARGE
        # Numbers and names hold nothing: only containers are kept (a font's widths array
        # has thousands of numbers).
        stack.extend(child for child in children if isinstance(child[0], _CONTAINERS))
    return None


def _refusal(kind: str) -> str:
    if kind == _EMBEDDED:
        return _(
            "PDF files with scripts, actions or embedded files are not accepted. "
            "Print the document to a plain PDF and upload that."
        )
    if kind == _TOO_LARGE:
        return _(
            "The PDF has too many parts to be checked. "
            "Print the document to a plain PDF and upload that."
        )
    return _(
        "The PDF contains actions (links to other files or web addresses, scripts, "
        "printing); save it without them and upload it again."
    )


def pdf_problem(data: bytes) -> str | None:
    """Return why the bytes are not an acceptable PDF, or None when they are."""
    if data.lstrip()[:5] != b"%PDF-":
        return _("Only PDF files are accepted, and this file is not a PDF.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _("Password-protected PDF files cannot be checked: remove the password.")
        if len(reader.pages) == 0:
            return _("Only PDF files are accepted, and this file is not a PDF.")
        found = _walk(reader.trailer)
        if found is None and (raw := _ACTIVE_BYTES.search(data)):
            found = _EMBEDDED if raw.group(1) else _ACTIONS
    except LimitReachedError:  # pypdf's own limits (array length, stream size…)
        found = _TOO_LARGE
    except _READ_ERRORS:
        return _("Only PDF files are accepted, and this file is not a PDF.")
    return _refusal(found) if found else None


def store_evidence(
    *,
    session: Session,
    actor: User,
    product_id: int,
    kind: str,
    stream: BinaryIO,
    filename: str,
    evidence_dir: str,
    test_date: date | None = None,
) -> EvidenceFile:
    """Check and store an uploaded PDF for a product; nothing is kept if any check fails."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    errors: dict[str, list[str]] = {}
    if kind not in EvidenceKind.__members__.values():
        errors["kind"] = [_("Choose the kind of document.")]
    if kind == EvidenceKind.TYPE_TEST_REPORT and test_date is None:
        errors["test_date"] = [_("Enter the date of the type test.")]
    if test_date and test_date > date.today():
        errors["test_date"] = [_("The test date cannot be in the future.")]
    data = stream.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        errors["file"] = [_("The file is larger than 20 MB.")]
    elif not data:
        errors["file"] = [_("The file is empty.")]
    elif problem := pdf_problem(data):
        errors["file"] = [problem]
    if errors:
        raise Invalid(errors)
    stored_name = secrets.token_hex(16) + ".pdf"
    folder = Path(evidence_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # Write to a temporary name and rename: a reader never sees half a file.
    partial = folder / (stored_name + ".part")
    try:
        with open(partial, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, folder / stored_name)
    except OSError:
        partial.unlink(missing_ok=True)  # a full disk must not leave half a file behind
        raise
    evidence = EvidenceFile(
        manufacturer_id=product.manufacturer_id,
        product_id=product.id,
        kind=kind,
        original_name=_safe_name(filename),
        stored_name=stored_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        test_date=test_date,
        uploaded_by_id=actor.id,
    )
    session.add(evidence)
    session.flush()
    return evidence


def discard_evidence_file(evidence: EvidenceFile, evidence_dir: str) -> None:
    """Remove the stored file of an evidence row that was never committed."""
    (Path(evidence_dir) / evidence.stored_name).unlink(missing_ok=True)


def product_evidence(*, session: Session, product_id: int) -> list[EvidenceFile]:
    """Return a product's evidence files, newest first."""
    query = select(EvidenceFile).where(EvidenceFile.product_id == product_id)
    return list(session.exec(query.order_by(EvidenceFile.uploaded_at.desc())).all())


def _own_record(*, session: Session, actor: User, evidence_id: int) -> EvidenceFile:
    org_id = require_manufacturer(actor)
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.manufacturer_id != org_id:
        raise NotFound()
    return evidence


def own_evidence(
    *, session: Session, actor: User, evidence_id: int, evidence_dir: str
) -> tuple[EvidenceFile, Path]:
    """Return the actor's evidence file and its path, or raise NotFound."""
    evidence = _own_record(session=session, actor=actor, evidence_id=evidence_id)
    path = Path(evidence_dir) / evidence.stored_name
    if not path.is_file():
        raise NotFound()
    return evidence, path


def delete_evidence(
    *, session: Session, actor: User, evidence_id: int, evidence_dir: str
) -> tuple[EvidenceFile, Path]:
    """Delete the evidence record; return it and its file's path, for removal after commit."""
    # No check that the file exists: a record whose file is gone must still be removable.
    evidence = _own_record(session=session, actor=actor, evidence_id=evidence_id)
    session.delete(evidence)
    session.flush()
    return evidence, Path(evidence_dir) / evidence.stored_name
