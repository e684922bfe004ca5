"""The staleness rule of other bodies' records, at its boundary, and what the pages say."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from catalog.certificate_status import unconfirmed_since
from certification.external.importing import import_rows, read_external_file
from certification.models import Certificate
from tests import factories
from tests.certification.external_helpers import csv_file, make_other_body, row

TODAY = date(2027, 3, 31)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age_days", "stale"), [(0, False), (89, False), (90, False), (91, True), (400, True)]
)
def test_a_record_is_unconfirmed_only_after_more_than_the_period(age_days, stale):
    confirmed = TODAY - timedelta(days=age_days)
    expected = confirmed if stale else None
    assert unconfirmed_since(_at(confirmed), TODAY, 90) == expected


def test_a_certificate_issued_here_is_never_unconfirmed():
    assert unconfirmed_since(None, TODAY, 90) is None


def test_the_verification_page_names_the_body_and_flags_a_stale_record(app, session, client):
    body = make_other_body(session)
    data = csv_file([row(body, "HN-2026-0700", factories.credit_code("430100"))])
    import_rows(read_external_file(data, "f.csv"), session=session, actor=None, filename="f.csv")
    session.commit()
    page = client.get("/verify/HN-2026-0700").get_data(as_text=True)
    assert 'data-testid="verify-external"' in page and body.approval_number in page
    assert 'data-status="valid"' in page and "verify-unconfirmed" not in page
    assert client.get("/certificates/HN-2026-0700.pdf").status_code == 404
    certificate = session.exec(
        select(Certificate).where(Certificate.number == "HN-2026-0700")
    ).one()
    certificate.last_confirmed_at = datetime.now(UTC) - timedelta(days=91)
    session.commit()
    page = client.get("/verify/HN-2026-0700").get_data(as_text=True)
    stale_on = certificate.last_confirmed_at.date().isoformat()
    assert f"Not confirmed since {stale_on}" in page
    # A stale record keeps its status (see the README): the flag is the warning.
    assert 'data-status="valid"' in page
