"""Hostile uploads and hostile data: evidence PDFs, bulk eligibility files, openEPD JSON, and
certificate PDFs rendered from whatever the product data holds."""

import http.server
import io
import threading
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from sqlmodel import func, select

import greenbm.table_files
from accounts.models import Organisation
from catalog.evidence import MAX_EVIDENCE_BYTES, store_evidence
from catalog.models import EvidenceFile, Plant
from catalog.openepd.reading import import_openepd
from eligibility.files import FileProblem, read_upload
from greenbm.errors import Invalid
from greenbm.pdf import StaticOnlyFetcher
from tests import factories
from tests.catalog.test_registry_views import pdf_bytes, post_files
from tests.certification.test_certificate_pdf import pdf_text, squashed

ACTIVE_MESSAGE = "PDF files with scripts, actions or embedded files are not accepted."
ACTIONS_MESSAGE = (
    "The PDF contains actions (links to other files or web addresses, scripts, printing); "
    "save it without them and upload it again."
)
NOT_PDF = "Only PDF files are accepted, and this file is not a PDF."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- building hostile PDFs ------------------------------------------------------------------


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject("/" + key)] = TextStringObject(value)
    return action


def js_in_names_tree() -> bytes:
    writer = _blank()
    script = writer._add_object(_action("/JavaScript", JS="app.alert(1)"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _written(writer)


def js_open_action() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS="app.alert(1)")
    )
    return _written(writer)


def page_additional_action() -> bytes:
    writer = _blank()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="app.alert(1)")}
    )
    return _written(writer)


def launch_action() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = _action("/Launch", F="calc.exe")
    return _written(writer)


def embedded_file() -> bytes:
    writer = _blank()
    writer.add_attachment("invoice.exe", b"MZ not really")
    return _written(writer)


def file_attachment_annotation() -> bytes:
    writer = _blank()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/Contents"): TextStringObject("see attachment"),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def hex_escaped_javascript() -> bytes:
    """A JavaScript open action whose names are written with #xx escapes, unseen by a grep."""
    data = js_open_action()
    assert data.count(b"/JavaScript") == 1 and data.count(b"/JS ") == 1
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def destination_open_action() -> bytes:
    """Opening at a page is harmless, and common in PDFs that office software writes."""
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    return _written(writer)


HOSTILE_PDFS = {
    "JavaScript in the names tree": (js_in_names_tree, ACTIONS_MESSAGE),
    "JavaScript open action": (js_open_action, ACTIONS_MESSAGE),
    "page additional action": (page_additional_action, ACTIONS_MESSAGE),
    "launch action": (launch_action, ACTIONS_MESSAGE),
    "embedded file": (embedded_file, ACTIVE_MESSAGE),
    "file attachment annotation": (file_attachment_annotation, ACTIVE_MESSAGE),
    "hex-escaped JavaScript names": (hex_escaped_javascript, ACTIONS_MESSAGE),
}


# --- evidence: the service ------------------------------------------------------------------


@pytest.fixture
def owner(app, session):
    """Return (manufacturer user, draft product)."""
    user = factories.make_manufacturer_user(session)
    product = factories.make_product(session, user)
    session.commit()
    return user, product


def _store(app, session, owner, data: bytes, filename: str = "report.pdf") -> EvidenceFile:
    user, product = owner
    return store_evidence(
        session=session,
        actor=user,
        product_id=product.id,
        kind="other",
        stream=io.BytesIO(data),
        filename=filename,
        evidence_dir=app.config["EVIDENCE_DIR"],
    )


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(("build", "message"), HOSTILE_PDFS.values(), ids=HOSTILE_PDFS.keys())
def test_pdf_with_active_content_is_refused(app, session, owner, build, message):
    data = build()
    with pytest.raises(Invalid) as refused:
        _store(app, session, owner, data)
    assert refused.value.errors["file"][0].startswith(message)
    assert _files_under(Path(app.config["EVIDENCE_DIR"])) == []


def test_pdf_that_only_opens_at_a_page_is_accepted(app, session, owner):
    evidence = _store(app, session, owner, destination_open_action())
    assert evidence.id is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, NOT_PDF),
        (b"<html><script>alert(1)</script></html>", NOT_PDF),
        (b"%PDF-1.7\n<script>alert(1)</script>\n%%EOF", NOT_PDF),
        (pdf_bytes()[:200], NOT_PDF),
        (b"", "The file is empty."),
    ],
    ids=["PNG", "HTML", "PDF header then HTML", "truncated PDF", "empty"],
)
def test_files_that_are_not_pdfs_are_refused(app, session, owner, data, message):
    with pytest.raises(Invalid) as refused:
        _store(app, session, owner, data)
    assert refused.value.errors == {"file": [message]}
    assert _files_under(Path(app.config["EVIDENCE_DIR"])) == []


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/abs/path/z.pdf", "z.pdf"),
        ("line\r\nbreak\x00.pdf", "linebreak.pdf"),
        ("../", "evidence.pdf"),
    ],
)
def test_a_path_in_the_file_name_is_dropped(app, session, owner, tmp_path, filename, shown):
    evidence_dir = Path(app.config["EVIDENCE_DIR"])
    around = _files_under(evidence_dir.parent)
    evidence = _store(app, session, owner, pdf_bytes(), filename)
    assert evidence.original_name == shown
    assert evidence.stored_name.endswith(".pdf") and len(evidence.stored_name) == 36
    assert _files_under(evidence_dir) == [evidence_dir / evidence.stored_name]
    # Nothing appeared anywhere else around the evidence folder.
    assert set(_files_under(evidence_dir.parent)) - set(around) == {
        evidence_dir / evidence.stored_name
    }


# --- evidence: through the page ---------------------------------------------------------------


def _upload(client, product_id: int, data: bytes, filename: str = "report.pdf"):
    return post_files(
        client,
        f"/manufacturer/products/{product_id}/evidence",
        {"kind": "other", "file": (data, filename)},
    )


def _evidence_count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(EvidenceFile)).one()


def test_the_page_says_why_a_pdf_with_javascript_is_refused(app, session, owner, login, client):
    login(owner[0])
    response = _upload(client, owner[1].id, js_open_action())
    assert response.status_code == 400
    assert ACTIONS_MESSAGE in response.get_data(as_text=True)
    assert _evidence_count(session) == 0


def test_a_renamed_png_is_refused_on_the_page(app, session, owner, login, client):
    login(owner[0])
    response = _upload(client, owner[1].id, PNG, "photo.pdf")
    assert response.status_code == 400
    assert NOT_PDF in response.get_data(as_text=True)
    assert _evidence_count(session) == 0


@pytest.mark.config(MAX_CONTENT_LENGTH=1024 * 1024)
def test_a_request_over_the_size_limit_gets_413_with_a_clear_page(
    app, session, owner, login, client
):
    login(owner[0])
    response = _upload(client, owner[1].id, pdf_bytes() + b"%" + b"0" * (1024 * 1024))
    assert response.status_code == 413
    assert "larger than the 1 MB this site accepts" in response.get_data(as_text=True)
    assert _evidence_count(session) == 0


def test_the_service_limit_is_below_the_request_limit(app):
    # Otherwise a file just over 20 MB would get the bare 413 instead of the field's message.
    assert app.config["MAX_CONTENT_LENGTH"] > MAX_EVIDENCE_BYTES


# --- bulk eligibility files -------------------------------------------------------------------


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (PNG, "photo.png", "The file is not a CSV text file"),
        (PNG, "codes.csv", "The file is not a CSV text file"),
        (b"PK\x03\x04 not really a zip", "codes.xlsx", "The file is not a readable XLSX workbook"),
        (b"", "codes.csv", "The file is empty."),
        (b"a" * (10 * 1024 * 1024 + 1), "codes.csv", "The file is larger than 10 MB."),
    ],
    ids=["PNG", "PNG named csv", "broken zip", "empty", "oversize"],
)
def test_bulk_files_of_the_wrong_kind_are_refused(data, filename, message):
    with pytest.raises(FileProblem) as refused:
        read_upload(data, filename, max_rows=10)
    assert str(refused.value).startswith(message)


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(monkeypatch):
    # The real limit is 100 MB; 2 MB of cells against a 1 MB limit shows the same check.
    monkeypatch.setattr(greenbm.table_files, "MAX_XLSX_UNPACKED_BYTES", 1024 * 1024)
    data = _xlsx([["统一社会信用代码", "类别", "最低星级"]] + [["x" * 30_000, "c", "1"]] * 70)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(m.file_size for m in archive.infolist()) > 1024 * 1024 > len(data)
    with pytest.raises(FileProblem) as refused:
        read_upload(data, "codes.xlsx", max_rows=10)
    assert "too large once unpacked" in str(refused.value)


def test_a_workbook_within_the_limit_is_read(monkeypatch):
    data = _xlsx([["统一社会信用代码", "类别", "最低星级"], ["91520100MA6DKXXXXX", "cement", "1"]])
    assert len(read_upload(data, "codes.xlsx", max_rows=10)) == 1


def test_xml_entities_in_a_workbook_are_not_expanded():
    """An XXE or billion-laughs workbook is refused or read as text: never a file's content."""
    data = _xlsx([["统一社会信用代码"], ["placeholder"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/sharedStrings.xml":
                content = content.replace(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                ).replace(b"placeholder", b"&e;")
            target.writestr(member, content)
    try:
        rows = read_upload(hostile.getvalue(), "codes.xlsx", max_rows=10)
    except FileProblem:
        return
    assert "root:" not in repr(rows)


# --- openEPD JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"a": ' + b"1" * 5000 + b"}", "The file holds a number too long to read"),
        (b"[" * 100_000 + b"]" * 100_000, "The file is nested too deeply"),
        (PNG, "The file is not UTF-8 text."),
        (b"<html></html>", "The file is not valid JSON"),
    ],
    ids=["5000-digit number", "deep nesting", "PNG", "HTML"],
)
def test_hostile_openepd_files_are_refused_with_a_message(app, raw, message):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        product, problems = import_openepd(raw, category_units=["t"], today=date.today())
    assert product is None
    assert problems[0].startswith(message)


def test_an_openepd_file_over_5_mb_is_refused_on_the_page(app, session, owner, login, client):
    login(owner[0])
    plant = session.exec(select(Plant)).first()
    cement = factories.category(session, "cement")
    response = post_files(
        client,
        "/manufacturer/products/import",
        {
            "category_id": str(cement.id),
            "plant_id": str(plant.id),
            "file": (b" " * (5 * 1024 * 1024 + 1), "epd.json"),
        },
    )
    assert response.status_code == 400
    assert "An openEPD file is at most 5 MB." in response.get_data(as_text=True)


def test_a_5000_digit_number_in_openepd_is_a_message_not_a_500(app, session, owner, login, client):
    login(owner[0])
    plant = session.exec(select(Plant)).first()
    cement = factories.category(session, "cement")
    response = post_files(
        client,
        "/manufacturer/products/import",
        {
            "category_id": str(cement.id),
            "plant_id": str(plant.id),
            "file": (b'{"gwp": ' + b"9" * 5000 + b"}", "epd.json"),
        },
    )
    assert response.status_code == 400
    assert "The file holds a number too long to read" in response.get_data(as_text=True)


# --- certificate PDFs from hostile product data -------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """Return the base URL of a local HTTP server that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_certificate_pdf_prints_hostile_product_data_as_text_and_fetches_nothing(
    app, session, client, listener, monkeypatch
):
    hostile = {
        "img": '<img src="file:///etc/passwd">',
        "link": f'<link rel="stylesheet" href="{listener}/link.css">',
        "css": "<style>body { background: url(file:///etc/passwd) }</style>",
        "import": f'<style>@import url("{listener}/import.css");</style>',
        "image": f'<img src="{listener}/img.png">',
    }
    calls: list[str] = []
    original = StaticOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        calls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
    body, reviewer = factories.make_body(session)
    maker = factories.make_manufacturer_user(session)
    holder = session.get(Organisation, maker.organisation_id)
    holder.name_en, holder.address = hostile["link"], hostile["import"]
    plant = factories.make_plant(session, maker, name=hostile["image"], address=hostile["css"])
    certificate = factories.issue_test_certificate(
        session,
        body=body,
        reviewer=reviewer,
        maker=maker,
        plant=plant,
        name_zh=hostile["img"],
        name_en=hostile["link"],
        model_spec=hostile["css"][:60],
    )
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert squashed(hostile["img"]) in text
    assert squashed(hostile["link"]) in text
    assert _Recorder.hits == []
    static = Path(app.static_folder).resolve().as_uri()
    assert calls and all(u.startswith(("data:", static + "/")) for u in calls), calls
    assert not any("passwd" in u or "127.0.0.1" in u for u in calls)
