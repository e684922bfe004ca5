"""Numbers as people write them: Babel's format in the reader's locale, never an exponent."""

from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from flask import Flask
from flask_babel import Babel, force_locale
from hypothesis import given
from hypothesis import strategies as st

from greenbm.numbers import format_fixed, format_number, plain_number

# A bare app with Babel for the property tests (hypothesis runs many examples per test).
BARE = Flask(__name__)
Babel(BARE)

FINITE = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)


@pytest.fixture
def in_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize(
    ("value", "english", "chinese"),
    [
        (1_500_000.0, "1,500,000", "1,500,000"),
        (99_999_999_999.0, "99,999,999,999", "99,999,999,999"),
        (0.124, "0.124", "0.124"),
        (655, "655", "655"),
        (Decimal("1E+6"), "1,000,000", "1,000,000"),
        (-0.0, "0", "0"),
    ],
)
def test_examples(in_request, value, english, chinese):
    assert format_number(value) == english
    with force_locale("zh_CN"):
        assert format_number(value) == chinese


@given(FINITE)
def test_a_shown_number_has_no_exponent_and_reads_back_as_the_same_value(value):
    with BARE.test_request_context(), force_locale("en"):
        shown = format_number(value)
        assert "e" not in shown.lower()
        assert parse_decimal(shown, locale="en") == Decimal(str(value)) or value == 0


@given(FINITE)
def test_a_form_shows_a_number_back_as_plain_digits_that_read_back_unchanged(value):
    text = plain_number(value)
    assert "e" not in text.lower() and "," not in text
    assert float(text) == value


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_fixed_digits_group_thousands_and_round_as_the_csv_does(value, digits):
    with BARE.test_request_context(), force_locale("en"):
        shown = format_fixed(value, digits)
    assert shown.replace(",", "") == f"{value:.{digits}f}"


def test_a_stored_capacity_is_shown_back_in_the_form_as_digits(app, session, client, login):
    from tests import factories

    maker = factories.make_manufacturer_user(session)
    plant = factories.make_plant(session, maker, capacity=99_999_999_999, capacity_unit="t/a")
    session.commit()
    login(maker)
    page = client.get(f"/manufacturer/plants/{plant.id}").get_data(as_text=True)
    assert 'value="99999999999"' in page
    listing = client.get("/manufacturer/plants").get_data(as_text=True)
    assert "99,999,999,999" in listing and "1e+11" not in listing
