"""An evidence upload cut off half-way stores nothing: no file, no row, no temporary file."""

import http.client
import io
import logging
import socket
import tempfile
import threading
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from werkzeug.serving import make_server

from catalog.models import EvidenceFile
from seeds.certification_demo import blank_pdf
from tests import factories

# Large enough that the server spools the upload to a temporary file before it is cut.
PADDING = b"%" + b"x" * 2_000_000 + b"\n"


@pytest.fixture
def server(app):
    """Serve the app on a free local port in a thread; return the port."""
    werkzeug_logger = logging.getLogger("werkzeug")
    quiet = logging.NullHandler()
    werkzeug_logger.addHandler(quiet)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)
    werkzeug_logger.removeHandler(quiet)


def sign_in(port: int, email: str) -> str:
    """Sign in over HTTP; return the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode({"email": email, "password": factories.PASSWORD})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/login", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 302
    return response.getheader("Set-Cookie").split(";")[0]


def upload_request(product_id: int, cookie: str, pdf: bytes) -> tuple[bytes, bytes]:
    """Return the head and the body of a multipart evidence upload."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
        "emission_monitoring\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n",
    ]
    body = "".join(parts).encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    head = (
        f"POST /manufacturer/products/{product_id}/evidence HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        f"Cookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head, body


def send(port: int, data: bytes) -> bytes:
    """Send the bytes, close our side, and return whatever the server answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)  # the browser went away: no more bytes will come
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_an_upload_cut_half_way_stores_nothing(app, session, server, tmp_path, monkeypatch):
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where the server spools uploads
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker)
    session.commit()
    cookie = sign_in(server, maker.email)
    head, body = upload_request(product.id, cookie, blank_pdf() + PADDING)
    evidence_dir = Path(app.config["EVIDENCE_DIR"])

    answer = send(server, head + body[: len(body) // 2])
    assert answer.startswith(b"HTTP/1.1 400")  # the server saw the body end early
    session.expire_all()
    assert session.exec(select(func.count()).select_from(EvidenceFile)).one() == 0
    assert list(evidence_dir.iterdir()) == []
    assert list(spool.iterdir()) == []

    # The same upload sent whole is stored: the checks above would have seen a stored file.
    answer = send(server, head + body)
    assert answer.startswith(b"HTTP/1.1 302"), answer[:200]
    session.expire_all()
    stored = session.exec(select(EvidenceFile)).one()
    assert [p.name for p in evidence_dir.iterdir()] == [stored.stored_name]
    assert list(spool.iterdir()) == []


def test_a_failed_commit_leaves_no_orphan_file(app, client, session, login, monkeypatch):
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker)
    session.commit()
    login(maker)

    def lost_connection(self):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", lost_connection)
    response = client.post(
        f"/manufacturer/products/{product.id}/evidence",
        data={"kind": "other", "file": (io.BytesIO(blank_pdf()), "report.pdf")},
    )
    monkeypatch.undo()
    assert response.status_code == 503
    session.expire_all()
    assert session.exec(select(func.count()).select_from(EvidenceFile)).one() == 0
    assert list(Path(app.config["EVIDENCE_DIR"]).iterdir()) == []
