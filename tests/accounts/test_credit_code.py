"""Unified Social Credit Code validation (GB 32100-2015)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from accounts.credit_code import (
    CREDIT_CODE_PATTERN,
    CreditCodeError,
    make_credit_code,
    normalize_credit_code,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("91110000600037341L", "91110000600037341L"),  # python-stdnum's own example
        ("9111 0000-6000 3734 1l", "91110000600037341L"),  # spaces, dashes, lower case
        (make_credit_code("91520100123456789"), make_credit_code("91520100123456789")),
        # Letters in the first two positions are legal in GB 32100 but refused by stdnum.
        (make_credit_code("Y1520100MA6D12345"), make_credit_code("Y1520100MA6D12345")),
        (make_credit_code("N2522700123456789"), make_credit_code("N2522700123456789")),
    ],
)
def test_valid_codes(text, expected):
    assert normalize_credit_code(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "18 characters"),
        ("9152010012345678", "18 characters"),
        ("91110000600037341M", "check character"),
        ("911100006000373410", "check character"),
        ("91AB0000600037341L", "Characters 3 to 8"),
        ("9111000060003734I0", "Characters 3 to 8"),  # I is not in the alphabet
        (make_credit_code("Y1520100MA6D12345")[:-1] + "0", "check character"),
    ],
)
def test_invalid_codes_say_why(text, message):
    with pytest.raises(CreditCodeError, match=message):
        normalize_credit_code(text)


@given(st.text(alphabet=ALPHABET, min_size=9, max_size=9), st.sampled_from(["520100", "522700"]))
def test_computed_check_character_always_validates(body, region):
    code = make_credit_code("91" + region + body)
    assert normalize_credit_code(code) == code
    assert uscc.is_valid(code)


@given(st.text(alphabet=ALPHABET, min_size=2, max_size=2), st.text(alphabet=ALPHABET, min_size=9))
def test_the_api_pattern_matches_every_valid_code_and_no_other_letter(head, body):
    # The API documents codes with this pattern: it must accept whatever the validator does.
    code = make_credit_code(head + "520100" + body[:9])
    assert re.fullmatch(CREDIT_CODE_PATTERN, normalize_credit_code(code))
    for letter in "IOSVZ":
        assert not re.fullmatch(CREDIT_CODE_PATTERN, code[:-1] + letter)


@given(st.text(alphabet=ALPHABET, min_size=9, max_size=9), st.sampled_from(ALPHABET))
def test_any_other_check_character_is_refused(body, check):
    first17 = "91520100" + body
    good = make_credit_code(first17)
    if check != good[-1]:
        with pytest.raises(CreditCodeError):
            normalize_credit_code(first17 + check)
