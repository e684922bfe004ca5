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
from pypdf.errors import PdfReadError, PyPdfError
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

# Keys and action types that make a PDF run code, open files or carry files: reviewers open
# evidence in their browser, so none of them is accepted.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia"}
_ACTIVE_VALUES = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/RichMediaExecute",
    "/EmbeddedFile",
    "/FileAttachment",
    "/RichMedia",
}
# The same names in the raw bytes: catches objects no reference reaches (old revisions).
_ACTIVE_BYTES = re.compile(
    rb"/(?:JS|JavaScript|Launch|EmbeddedFiles?|FileAttachment)(?![A-Za-z0-9])"
)


def _walk(root) -> bool:
    """Return whether any object reachable from the root holds active content."""
    stack, seen = [root], set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if _ACTIVE_KEYS & set(item.keys()):
                return True
            kinds = (item.get(key) for key in ("/S", "/Type", "/Subtype"))
            if any(isinstance(kind, str) and kind in _ACTIVE_VALUES for kind in kinds):
                return True
            # An open action that is only a destination moves the view and stays allowed; an
            # action dictionary there is reached and checked like every other object.
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


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
        active = _walk(reader.trailer) or bool(_ACTIVE_BYTES.search(data))
    except _READ_ERRORS:
        return _("Only PDF files are accepted, and this file is not a PDF.")
    if active:
        return _(
            "PDF files with scripts, actions or embedded files are not accepted. "
            "Print the document to a plain PDF and upload that."
        )
    return None


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
