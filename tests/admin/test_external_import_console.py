"""The console import: upload, progress in chunks, result and the refused rows to download."""

import io

from sqlmodel import select

from admin import external_views
from certification.models import Certificate
from greenbm.audit import AuditEntry
from tests import factories
from tests.certification.external_helpers import csv_file, make_other_body, row
from tests.conftest import csrf_token


def test_an_import_runs_in_chunks_to_its_result(app, session, client, login, admin, monkeypatch):
    monkeypatch.setattr(external_views, "CHUNK_ROWS", 2)
    body = make_other_body(session)
    rows = [row(body, f"HN-2027-{n:04d}", factories.credit_code("430100")) for n in range(3)]
    rows.append(row(body, "HN-2027-9999", factories.credit_code("430100"), status="paused"))
    session.commit()
    login(admin)
    token = csrf_token(client, "/admin/external-certificates/import")
    answer = client.post(
        "/admin/external-certificates/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv_file(rows, "gb18030")), "certs.csv")},
    )
    assert answer.status_code == 302
    status_url = answer.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert 'value="0"' in page and "data-autosubmit" in page
    form_token = csrf_token(client, status_url)
    client.post(status_url, data={"csrf_token": form_token})
    page = client.get(status_url).get_data(as_text=True)
    assert 'data-done="2"' in page
    client.post(status_url, data={"csrf_token": form_token})
    page = client.get(status_url).get_data(as_text=True)
    assert "3 created, 0 updated, 0 unchanged, 1 rows refused" in page
    report = client.get(status_url + "/errors.csv").get_data(as_text=True)
    assert "5,status," in report
    assert len(session.exec(select(Certificate)).all()) == 3
    audit = session.exec(
        select(AuditEntry).where(AuditEntry.action == "external_certificates.imported")
    ).one()
    assert '"refused": 1' in audit.detail


def test_a_file_that_cannot_be_read_is_refused_on_the_form(app, session, client, login, admin):
    login(admin)
    token = csrf_token(client, "/admin/external-certificates/import")
    answer = client.post(
        "/admin/external-certificates/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
    )
    assert answer.status_code == 400
    assert "lacks the columns" in answer.get_data(as_text=True)
