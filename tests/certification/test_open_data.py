"""The daily open-data snapshot: `flask certification snapshot`, its files, page and dictionary."""

import json
from datetime import date, timedelta

import pytest

from certification.certificates.open_data import FIELDS
from tests.factories import issue_test_certificate, make_body, set_dates
from tests.spreadsheet_check import csv_rows, live_csv_formulas


def fetch(client, url: str) -> bytes:
    """Return a downloaded file's bytes, closing the file the response streams from."""
    response = client.get(url)
    assert response.status_code == 200
    data = response.get_data()
    response.close()
    return data


@pytest.fixture
def certificates(app, session):
    body, reviewer = make_body(session)
    valid = issue_test_certificate(session, body=body, reviewer=reviewer)
    lapsed = issue_test_certificate(session, body=body, reviewer=reviewer, name_zh="=1+2 水泥")
    set_dates(session, lapsed, valid_until=date.today() - timedelta(days=1))
    return valid, lapsed


def test_snapshot_writes_every_certificate_with_its_live_status(app, client, certificates):
    valid, lapsed = certificates
    result = app.test_cli_runner().invoke(args=["certification", "snapshot"])
    assert result.exit_code == 0, result.output
    day = date.today().isoformat()
    page = client.get("/open-data").get_data(as_text=True)
    assert f"certificates-{day}.csv" in page and 'data-testid="data-dictionary"' in page
    document = json.loads(fetch(client, f"/open-data/certificates-{day}.json"))
    statuses = {c["number"]: c["status"] for c in document["certificates"]}
    assert statuses == {valid.number: "valid", lapsed.number: "expired"}  # lapsed: live rule
    assert document["count"] == 2 and document["as_of"] == day
    data = fetch(client, f"/open-data/certificates-{day}.csv")
    rows = csv_rows(data)
    assert rows[0] == [name for name, _type, _text in FIELDS]
    assert {r[0]: r[1] for r in rows[1:]} == statuses
    assert live_csv_formulas(data) == []
    assert any(cell.startswith("'=1+2") for row in rows for cell in row)


def test_no_snapshot_yet_and_unknown_files(client, app):
    page = client.get("/open-data").get_data(as_text=True)
    assert 'data-testid="no-snapshot"' in page
    assert client.get("/open-data/certificates-2020-01-01.csv").status_code == 404
    assert client.get("/open-data/secret_key").status_code == 404
    assert client.get("/open-data/..%2Fsecret_key").status_code == 404
