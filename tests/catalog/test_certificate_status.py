"""The live-status rule and its SQL and numpy twins: one answer for every status and date."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import column, literal, select
from sqlalchemy.types import Date, String

from catalog.certificate_status import (
    NOT_CERTIFIED,
    CertificateStatus,
    live_status,
    live_status_codes,
    live_status_is_sql,
    live_status_sql,
)

TODAY = date(2026, 6, 30)
DAY = timedelta(days=1)
STATUSES = [None, *[s.value for s in CertificateStatus]]
CODES = {NOT_CERTIFIED: 0, "valid": 1, "suspended": 2, "revoked": 3, "expired": 4}

# (stored status, end date, expected live status)
CASES = [
    (None, None, "none"),
    (None, TODAY, "none"),
    ("valid", TODAY + DAY, "valid"),
    ("valid", TODAY, "valid"),  # the last day still counts
    ("valid", TODAY - DAY, "expired"),
    ("valid", None, "expired"),
    ("suspended", TODAY + DAY, "suspended"),
    ("suspended", TODAY, "suspended"),
    ("suspended", TODAY - DAY, "expired"),  # a suspension does not extend a certificate
    ("revoked", TODAY + DAY, "revoked"),
    ("revoked", TODAY - DAY, "revoked"),
    ("expired", TODAY + DAY, "expired"),
    ("expired", TODAY - DAY, "expired"),
]


@pytest.mark.parametrize(("status", "until", "expected"), CASES)
def test_live_status(status, until, expected):
    assert live_status(status, until, TODAY) == expected


def _sql_values(session, status, until):
    status_col = literal(status, String) if status is not None else literal(None, String)
    until_col = literal(until, Date) if until is not None else literal(None, Date)
    expression = live_status_sql(status_col, until_col, TODAY)
    shown = session.execute(select(expression)).scalar_one()
    matches = {
        wanted: session.execute(
            select(live_status_is_sql(status_col, until_col, wanted, TODAY))
        ).scalar_one()
        for wanted in CODES
    }
    return shown, matches


@pytest.mark.parametrize(("status", "until", "expected"), CASES)
def test_the_sql_twin_agrees_on_the_database(session, status, until, expected):
    shown, matches = _sql_values(session, status, until)
    assert shown == expected
    assert {w for w, hit in matches.items() if hit} == {expected}


@pytest.mark.parametrize(("status", "until", "expected"), CASES)
def test_the_numpy_twin_agrees(status, until, expected):
    codes = np.array([CODES[status or NOT_CERTIFIED]])
    until_ordinals = np.array([until.toordinal() if until else 0])
    result = live_status_codes(codes, until_ordinals, TODAY, CODES)
    assert result.tolist() == [CODES[expected]]


@given(
    status=st.sampled_from(STATUSES),
    offset=st.one_of(st.none(), st.integers(min_value=-4000, max_value=4000)),
    today_offset=st.integers(min_value=-4000, max_value=4000),
)
def test_python_and_numpy_agree_everywhere(status, offset, today_offset):
    today = TODAY + timedelta(days=today_offset)
    until = None if offset is None else TODAY + timedelta(days=offset)
    expected = live_status(status, until, today)
    codes = np.array([CODES[status or NOT_CERTIFIED]])
    ordinals = np.array([until.toordinal() if until else 0])
    assert live_status_codes(codes, ordinals, today, CODES).tolist() == [CODES[expected]]


@given(
    status=st.sampled_from(STATUSES),
    until=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)),
)
def test_only_valid_is_ever_valid_and_time_only_expires(status, until):
    """Later days never bring a certificate back: once not valid, never valid again."""
    before = live_status(status, until, until)
    after = live_status(status, until, until + DAY)
    assert after != "valid" or before == "valid"
    if before != after:
        assert after == "expired"


def test_column_expressions_build():
    """The SQL twin takes real columns, not only literals."""
    expression = live_status_sql(column("status"), column("valid_until"), TODAY)
    assert "CASE" in str(expression)
