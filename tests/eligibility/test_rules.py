"""The eligibility rule and the reading of a query: table-driven and property tests."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.queries import Categories, parse_min_stars, parse_query
from eligibility.rules import CertificateFact, Reason, judge
from greenbm.errors import Invalid
from tests.factories import credit_code

TODAY = date(2026, 6, 15)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
LATER = TODAY + timedelta(days=400)


def fact(stars: int = 2, status: str = "valid", valid_until: date = LATER, n: int = 1):
    """Return a certificate fact."""
    return CertificateFact(f"GZGBM-2026-CEM-{n:06d}", stars, status, valid_until, n, "水泥", "")


# Each row: the certificates, the minimum stars, eligible?, the reason.
CASES = {
    "valid, enough stars": ([fact(2)], 2, True, None),
    "valid, more stars than asked": ([fact(3)], 1, True, None),
    "valid, too few stars": ([fact(1)], 2, False, Reason.STARS_BELOW),
    "valid until today": ([fact(valid_until=TODAY)], 1, True, None),
    "valid until yesterday": ([fact(valid_until=YESTERDAY)], 1, False, Reason.NOT_VALID),
    "suspended": ([fact(status="suspended")], 1, False, Reason.NOT_VALID),
    "suspended, still in date": ([fact(3, "suspended", LATER)], 1, False, Reason.NOT_VALID),
    "revoked": ([fact(status="revoked")], 1, False, Reason.NOT_VALID),
    "expired by the nightly job": ([fact(status="expired")], 1, False, Reason.NOT_VALID),
    "no certificate in the category": ([], 1, False, Reason.NO_CERTIFICATE),
    "unknown supplier": (None, 1, False, Reason.UNKNOWN_SUPPLIER),
    # A valid one with too few stars and a suspended one with enough: the valid one decides.
    "low valid, high suspended": (
        [fact(1, n=1), fact(3, "suspended", n=2)],
        2,
        False,
        Reason.STARS_BELOW,
    ),
    "one of several qualifies": (
        [fact(1, n=1), fact(3, "revoked", n=2), fact(2, n=3)],
        2,
        True,
        None,
    ),
}


@pytest.mark.parametrize(
    ("certificates", "min_stars", "eligible", "reason"), CASES.values(), ids=CASES.keys()
)
def test_rule(certificates, min_stars, eligible, reason):
    judgement = judge(certificates, min_stars=min_stars, today=TODAY)
    assert (judgement.eligible, judgement.reason) == (eligible, reason)


# "A certificate that expires today is still valid today and not tomorrow."
@pytest.mark.parametrize(
    ("today", "eligible", "status"),
    [(YESTERDAY, True, "valid"), (TODAY, True, "valid"), (TOMORROW, False, "expired")],
    ids=["the day before", "its last day", "the day after"],
)
def test_a_certificate_ending_today_is_valid_today_and_not_tomorrow(today, eligible, status):
    judgement = judge([fact(valid_until=TODAY)], min_stars=1, today=today)
    assert judgement.eligible is eligible
    assert judgement.certificates[0].status == status
    assert judgement.reason is (None if eligible else Reason.NOT_VALID)


def test_statuses_are_live_and_qualifying_certificates_come_first():
    certificates = [
        fact(3, "suspended", n=1),
        fact(2, "valid", YESTERDAY, n=2),
        fact(1, "valid", n=3),
        fact(2, "valid", n=4),
    ]
    judgement = judge(certificates, min_stars=2, today=TODAY)
    shown = [(r.fact.number[-1], r.status, r.qualifies) for r in judgement.certificates]
    assert shown == [
        ("4", "valid", True),
        ("3", "valid", False),
        ("1", "suspended", False),
        ("2", "expired", False),
    ]


statuses = st.sampled_from(["valid", "suspended", "revoked", "expired"])
facts = st.builds(
    fact,
    stars=st.integers(1, 3),
    status=statuses,
    valid_until=st.sampled_from([YESTERDAY, TODAY, LATER]),
    n=st.integers(1, 999),
)


@given(st.lists(facts, max_size=6), st.integers(1, 2))
def test_asking_for_more_stars_never_makes_a_supplier_eligible(certificates, min_stars):
    lower = judge(certificates, min_stars=min_stars, today=TODAY)
    higher = judge(certificates, min_stars=min_stars + 1, today=TODAY)
    assert lower.eligible or not higher.eligible


@given(st.lists(facts, max_size=6), facts, st.integers(1, 3))
def test_another_certificate_never_makes_a_supplier_ineligible(certificates, extra, min_stars):
    before = judge(certificates, min_stars=min_stars, today=TODAY)
    after = judge([*certificates, extra], min_stars=min_stars, today=TODAY)
    assert after.eligible or not before.eligible


# "A suspended one is never eligible": whatever its stars and dates, and whatever else is held.
@given(st.lists(facts, max_size=6), facts, st.integers(1, 3))
def test_a_suspended_certificate_never_qualifies(others, certificate, min_stars):
    # Numbers of `facts` end in 000001–000999: 001000 is the suspended one.
    held = [*others, fact(certificate.stars, "suspended", certificate.valid_until, 1000)]
    judgement = judge(held, min_stars=min_stars, today=TODAY)
    rated = next(r for r in judgement.certificates if r.fact.number.endswith("001000"))
    assert not rated.qualifies and rated.status in ("suspended", "expired")
    without = judge(others, min_stars=min_stars, today=TODAY)
    assert judgement.eligible == without.eligible


@given(st.lists(facts, max_size=6), st.integers(1, 3))
def test_eligible_exactly_when_one_is_valid_today_with_enough_stars(certificates, min_stars):
    judgement = judge(certificates, min_stars=min_stars, today=TODAY)
    expected = any(
        c.status == "valid" and c.valid_until >= TODAY and c.stars >= min_stars
        for c in certificates
    )
    assert judgement.eligible == expected
    assert (judgement.reason is None) == expected


# --- reading a query --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        (None, 1),
        ("", 1),
        ("  ", 1),
        (2, 2),
        (3.0, 3),
        ("2", 2),
        ("2.0", 2),
        ("３", 3),
        ("二星级", 2),
        ("三星", 3),
        ("1星级", 1),
        ("2 stars", 2),
        ("1 star", 1),
    ],
)
def test_min_stars_accepted(value, stars):
    assert parse_min_stars(value) == stars


@pytest.mark.parametrize("value", [0, 4, "4", "four", "2.5", 2.5, True, "-1", "四星级"])
def test_min_stars_refused(value):
    with pytest.raises(ValueError, match="must be 1, 2 or 3"):
        parse_min_stars(value)


CATEGORIES = Categories(
    [
        SimpleNamespace(id=1, code="cement", name_zh="水泥", name_en="Cement"),
        SimpleNamespace(id=2, code="ceramic-tile", name_zh="陶瓷砖", name_en="Ceramic tile"),
    ]
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("cement", "cement"),
        ("CEMENT ", "cement"),
        ("水泥", "cement"),
        ("Ceramic tile", "ceramic-tile"),
        ("ceramic_tile", "ceramic-tile"),
        ("陶瓷砖", "ceramic-tile"),
        ("glass", None),
        ("", None),
    ],
)
def test_category_by_code_or_name(text, code):
    found = CATEGORIES.find(text)
    assert (found.code if found else None) == code


def test_query_normalises_the_credit_code():
    code = credit_code()
    query = parse_query(
        supplier=f" {code[:6]} {code[6:].lower()} ",
        category="水泥",
        min_stars="",
        categories=CATEGORIES,
    )
    assert (query.credit_code, query.category.code, query.min_stars) == (code, "cement", 1)


def test_query_names_every_bad_parameter():
    with pytest.raises(Invalid) as caught:
        parse_query(supplier="9152", category="steel", min_stars=5, categories=CATEGORIES)
    errors = caught.value.errors
    assert set(errors) == {"supplier", "category", "min_stars"}
    assert errors["supplier"] == ["A credit code has 18 characters; this one has 4."]
    assert errors["category"] == ["No category has the code or name “steel”."]


def test_query_with_a_wrong_check_character():
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(Invalid) as caught:
        parse_query(supplier=wrong, category="cement", min_stars=1, categories=CATEGORIES)
    assert caught.value.errors == {"supplier": ["The check character (the 18th) does not match."]}


def test_query_missing_values():
    with pytest.raises(Invalid) as caught:
        parse_query(supplier=None, category=" ", min_stars=None, categories=CATEGORIES)
    assert caught.value.errors == {
        "supplier": ["Enter the supplier's credit code."],
        "category": ["Enter a category."],
    }
