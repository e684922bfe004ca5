"""The green-procurement rule: table-driven cases and properties over plain values."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.rules import (
    CarbonSource,
    Line,
    LineStatus,
    ReasonCode,
    check_list,
    check_mandatory,
    check_optional,
    embodied_carbon,
    line_status,
    value_share,
)

TODAY = date(2026, 6, 15)
LATER = TODAY + timedelta(days=400)
_ids = iter(range(1, 10**9))

# Category code -> procurement class, as the shipped category data has them.
CLASSES = {
    "cement": "mandatory",
    "concrete": "mandatory",
    "flat-glass": "mandatory",
    "lime": "optional",
    "gypsum": "optional",
    "wood-bamboo": "optional",
    "sanitary-ceramic": "optional",
}


def line(category: str = "cement", status: str | None = "valid", **kw) -> Line:
    """Return a line of the category; green unless told otherwise."""
    values = {
        "id": next(_ids),
        "label": kw.pop("label", f"{category} product"),
        "category": category,
        "procurement_class": CLASSES.get(category, "optional"),
        "quantity": Decimal(kw.pop("quantity", "1")),
        "unit_price": Decimal(kw.pop("unit_price", "100")),
        "cert_status": status,
        "cert_valid_until": kw.pop("until", LATER),
    }
    values.update(kw)
    return Line(**values)


def off_catalogue(category: str, **kw) -> Line:
    """Return a line for a material that is not in the catalogue."""
    return line(category, status=None, in_catalogue=False, until=None, **kw)


# --- line status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "until", "in_catalogue", "expected"),
    [
        ("valid", LATER, True, LineStatus.GREEN),
        ("valid", TODAY, True, LineStatus.GREEN),  # valid on its last day
        ("valid", TODAY - timedelta(days=1), True, LineStatus.EXPIRED),  # before the nightly job
        ("valid", None, True, LineStatus.EXPIRED),
        ("suspended", LATER, True, LineStatus.SUSPENDED),
        ("revoked", LATER, True, LineStatus.REVOKED),
        ("expired", TODAY - timedelta(days=3), True, LineStatus.EXPIRED),
        (None, None, True, LineStatus.NOT_CERTIFIED),
        (None, None, False, LineStatus.OFF_CATALOGUE),
        ("valid", LATER, False, LineStatus.OFF_CATALOGUE),  # off-catalogue is never green
    ],
)
def test_line_status(status, until, in_catalogue, expected):
    item = line(status=status, until=until, in_catalogue=in_catalogue)
    assert line_status(item, TODAY) == expected


# --- mandatory class --------------------------------------------------------------------------


def test_mandatory_names_each_offending_line():
    good = line("cement", label="P·O 42.5 水泥")
    suspended = line("cement", "suspended", label="暂停的水泥")
    expired = line("concrete", "valid", until=TODAY - timedelta(days=1), label="C30 商品混凝土")
    local = off_catalogue("flat-glass", label="本地浮法玻璃")
    optional_bad = off_catalogue("lime", label="石灰")  # optional class: not a mandatory offence
    result = check_mandatory([good, suspended, expired, local, optional_bad], TODAY)
    assert not result.compliant
    assert result.categories == ("cement", "concrete", "flat-glass")
    assert [(o.label, o.category, o.status) for o in result.offences] == [
        ("暂停的水泥", "cement", LineStatus.SUSPENDED),
        ("C30 商品混凝土", "concrete", LineStatus.EXPIRED),
        ("本地浮法玻璃", "flat-glass", LineStatus.OFF_CATALOGUE),
    ]


def test_mandatory_met_when_every_line_is_green():
    result = check_mandatory([line("cement"), line("concrete", until=TODAY)], TODAY)
    assert result.compliant and result.offences == ()


# --- optional class: the 40 % boundary ---------------------------------------------------------

OPTIONAL = [
    "lime",
    "gypsum",
    "wood-bamboo",
    "sanitary-ceramic",
    "o5",
    "o6",
    "o7",
    "o8",
    "o9",
    "o10",
]


def optional_lines(used: int, covered: int) -> list[Line]:
    """Return one line per optional type; the first `covered` types green, the others not."""
    return [
        line(code) if i < covered else line(code, None) for i, code in enumerate(OPTIONAL[:used])
    ]


@pytest.mark.parametrize(
    ("used", "covered", "compliant", "share", "required", "needed"),
    [
        (5, 2, True, Fraction(2, 5), 2, 0),  # exactly 40 %
        (5, 1, False, Fraction(1, 5), 2, 1),
        (10, 4, True, Fraction(2, 5), 4, 0),  # exactly 40 %
        (10, 3, False, Fraction(3, 10), 4, 1),
        (3, 1, False, Fraction(1, 3), 2, 1),  # 33.3 %: 40 % of 3 is 1.2, so 2 types
        (3, 2, True, Fraction(2, 3), 2, 0),
        (7, 2, False, Fraction(2, 7), 3, 1),  # 28.6 %
        (7, 3, True, Fraction(3, 7), 3, 0),  # 42.9 %
        (7, 0, False, Fraction(0), 3, 3),
        (2, 1, True, Fraction(1, 2), 1, 0),
        (1, 0, False, Fraction(0), 1, 1),
        (1, 1, True, Fraction(1), 1, 0),
        (0, 0, True, None, 0, 0),  # no optional type used: nothing to cover
    ],
)
def test_optional_boundary(used, covered, compliant, share, required, needed):
    result = check_optional(optional_lines(used, covered), TODAY)
    assert (result.used, result.covered) == (used, covered)
    assert result.compliant is compliant
    assert result.share == share
    assert (result.required, result.needed) == (required, needed)


def test_a_type_with_a_non_green_line_is_not_covered():
    lines = [
        line("lime"),
        line("lime", "suspended"),  # lime partly bought from a suspended certificate
        line("gypsum"),
        line("gypsum"),
        off_catalogue("wood-bamboo"),
    ]
    result = check_optional(lines, TODAY)
    coverage = {t.category: (t.lines, t.green_lines, t.covered) for t in result.types}
    assert coverage == {
        "lime": (2, 1, False),
        "gypsum": (2, 2, True),
        "wood-bamboo": (1, 0, False),
    }
    assert result.share == Fraction(1, 3)
    assert result.needed == 1


def test_mandatory_lines_do_not_count_as_optional_types():
    result = check_optional([line("cement"), line("concrete"), line("lime", None)], TODAY)
    assert result.used == 1 and result.covered == 0


# --- value share ------------------------------------------------------------------------------


def test_value_share():
    lines = [
        line("cement", quantity="100", unit_price="450.50"),  # 45,050 green
        line("cement", "revoked", quantity="20", unit_price="400"),  # 8,000
        off_catalogue("lime", quantity="3.5", unit_price="700"),  # 2,450
    ]
    result = value_share(lines, TODAY)
    assert result.total == Decimal("55500.00")
    assert result.green == Decimal("45050.00")
    assert result.share == Fraction(45050, 55500)


def test_value_share_of_a_list_without_value_is_undefined():
    result = value_share([line("cement", unit_price="0")], TODAY)
    assert result.total == 0 and result.share is None


# --- embodied carbon --------------------------------------------------------------------------


def test_carbon_against_reference_factors_by_hand():
    cement = line("cement", quantity="100", gwp=Decimal("655"), reference=Decimal("735"))
    concrete = line("concrete", quantity="200", gwp=Decimal("280"), reference=Decimal("295"))
    sanitary = line("sanitary-ceramic", quantity="10", gwp=Decimal("900"), reference=None)
    lime = off_catalogue("lime", quantity="5", reference=Decimal("1190"))
    unknown = off_catalogue("wood-bamboo", quantity="2", reference=None)
    result = embodied_carbon([cement, concrete, sanitary, lime, unknown])

    by_line = {c.line_id: c for c in result.lines}
    assert by_line[cement.id].carbon_kg == Decimal("65500")  # 100 t × 655
    assert by_line[cement.id].reference_kg == Decimal("73500")  # 100 t × 735
    assert by_line[concrete.id].carbon_kg == Decimal("56000")  # 200 m³ × 280
    assert by_line[sanitary.id].carbon_kg == Decimal("9000")
    assert by_line[lime.id].source == CarbonSource.REFERENCE
    assert by_line[lime.id].carbon_kg == Decimal("5950")  # 5 t × 1190, estimated
    assert by_line[unknown.id].carbon_kg is None

    assert result.not_compared == (sanitary.id, unknown.id)
    assert result.estimated == (lime.id,)
    assert result.unknown == (unknown.id,)

    total = result.total
    assert total.carbon_kg == Decimal("136450")  # 65,500 + 56,000 + 9,000 + 5,950
    assert total.compared_kg == Decimal("127450")  # without the sanitary ware
    assert total.reference_kg == Decimal("138450")  # 73,500 + 59,000 + 5,950
    assert total.saved_t == Decimal("11")  # (138,450 − 127,450) / 1000
    assert total.saved_share == Fraction(11000, 138450)

    categories = dict(result.categories)
    assert categories["cement"].saved_t == Decimal("8")
    assert categories["cement"].saved_share == Fraction(8000, 73500)
    assert categories["concrete"].saved_t == Decimal("3")
    assert categories["sanitary-ceramic"].saved_share is None
    assert sum(c.carbon_kg for c in categories.values()) == total.carbon_kg


def test_carbon_above_the_reference_is_a_negative_saving():
    result = embodied_carbon(
        [line("cement", quantity="2", gwp=Decimal("800"), reference=Decimal("735"))]
    )
    assert result.total.saved_t == Decimal("-0.13")


# --- the verdict ------------------------------------------------------------------------------


def codes(compliance) -> list[str]:
    return [r.code for r in compliance.reasons]


def test_verdict_compliant_with_reasons():
    lines = [line("cement"), line("lime"), off_catalogue("gypsum")]  # optional 1 of 2 = 50 %
    result = check_list(lines, TODAY)
    assert result.compliant
    assert codes(result) == [ReasonCode.MANDATORY_MET, ReasonCode.OPTIONAL_MET]


def test_verdict_names_mandatory_offences_and_optional_shortfall():
    bad = line("concrete", "suspended", label="C30 混凝土")
    lines = [line("cement"), bad, off_catalogue("lime"), off_catalogue("gypsum")]
    result = check_list(lines, TODAY)
    assert not result.compliant
    assert codes(result) == [ReasonCode.MANDATORY_LINE, ReasonCode.OPTIONAL_SHORT]
    assert result.reasons[0].params["label"] == "C30 混凝土"
    assert result.reasons[1].params["needed"] == 1
    assert all(r.failing for r in result.reasons)


def test_empty_list_is_not_compliant():
    result = check_list([], TODAY)
    assert not result.compliant
    assert codes(result) == [ReasonCode.EMPTY]


def test_lists_without_a_class_say_so():
    assert codes(check_list([line("cement")], TODAY)) == [
        ReasonCode.MANDATORY_MET,
        ReasonCode.NO_OPTIONAL,
    ]
    assert codes(check_list([line("lime")], TODAY)) == [
        ReasonCode.NO_MANDATORY,
        ReasonCode.OPTIONAL_MET,
    ]


# --- properties -------------------------------------------------------------------------------

CATEGORIES = list(CLASSES)
STATUSES = [
    ("valid", LATER),
    ("valid", TODAY),
    ("valid", TODAY - timedelta(days=1)),
    ("suspended", LATER),
    ("revoked", LATER),
    ("expired", TODAY),
    (None, None),
]
amounts = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal("10000"), places=2)
factors = st.one_of(st.none(), st.decimals(min_value=Decimal(0), max_value=Decimal(3000), places=1))


@st.composite
def lines_strategy(draw, green: bool | None = None):
    category = draw(st.sampled_from(CATEGORIES))
    status, until = ("valid", LATER) if green else draw(st.sampled_from(STATUSES))
    in_catalogue = True if green else draw(st.booleans())
    return line(
        category,
        status if in_catalogue else None,
        until=until,
        in_catalogue=in_catalogue,
        quantity=str(draw(amounts)),
        unit_price=str(draw(prices)),
        gwp=draw(factors) if in_catalogue else None,
        reference=draw(factors),
    )


a_list = st.lists(lines_strategy(), max_size=25)


@given(a_list, lines_strategy(green=True))
def test_adding_a_green_line_keeps_a_compliant_list_compliant(lines, green):
    before = check_list(lines, TODAY)
    after = check_list([*lines, green], TODAY)
    if before.mandatory.compliant:
        assert after.mandatory.compliant
    if before.optional.compliant:
        assert after.optional.compliant
    if before.compliant:
        assert after.compliant


@given(a_list, st.sampled_from([c for c, k in CLASSES.items() if k == "mandatory"]))
def test_a_non_green_mandatory_line_always_breaks_the_rule(lines, category):
    result = check_list([*lines, off_catalogue(category)], TODAY)
    assert not result.mandatory.compliant and not result.compliant


@given(a_list)
def test_shares_lie_between_0_and_1(lines):
    result = check_list(lines, TODAY)
    for share in (result.optional.share, result.value.share):
        assert share is None or 0 <= share <= 1
    saved = result.carbon.total.saved_share
    assert saved is None or saved <= 1  # negative when above the reference


@given(a_list)
def test_needed_is_the_fewest_more_types_that_reach_40_percent(lines):
    optional = check_list(lines, TODAY).optional
    assert optional.compliant == (optional.needed == 0)
    if optional.used:
        assert Fraction(optional.covered + optional.needed, optional.used) >= Fraction(2, 5)
        if optional.needed:
            assert Fraction(optional.covered + optional.needed - 1, optional.used) < Fraction(2, 5)


@given(a_list, st.randoms())
def test_order_of_lines_does_not_matter(lines, random):
    shuffled = list(lines)
    random.shuffle(shuffled)
    a, b = check_list(lines, TODAY), check_list(shuffled, TODAY)
    assert a.compliant == b.compliant
    assert a.value == b.value
    assert a.carbon.total == b.carbon.total
    assert a.optional.share == b.optional.share


@given(a_list)
def test_carbon_totals_are_sums_of_categories(lines):
    carbon = check_list(lines, TODAY).carbon
    for field in ("carbon_kg", "compared_kg", "reference_kg"):
        assert sum(getattr(t, field) for _c, t in carbon.categories) == getattr(carbon.total, field)


@given(a_list)
def test_green_value_never_exceeds_total(lines):
    value = check_list(lines, TODAY).value
    assert 0 <= value.green <= value.total


positive = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(3000), places=1)


@given(amounts, positive, positive, st.decimals(min_value=0, max_value=1, places=2))
def test_lowering_gwp_never_lowers_the_saving(quantity, gwp, reference, factor):
    item = line("cement", quantity=str(quantity), gwp=gwp, reference=reference)
    lower = replace(item, gwp=gwp * factor)
    assert embodied_carbon([lower]).total.saved_t >= embodied_carbon([item]).total.saved_t
