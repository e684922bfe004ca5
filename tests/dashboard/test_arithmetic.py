"""The pure arithmetic: table-driven cases and properties (hypothesis)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.arithmetic import (
    annual_tonnes,
    month_key,
    months_back,
    number,
    percent,
    share,
    weighted_mean,
)
from dashboard.clinker import PlantFigure, tally


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(1, 100.0)], 100.0),
        ([(1, 100.0), (1, 110.0)], 105.0),
        ([(3, 100.0), (1, 120.0)], 105.0),
        ([(310_000, 100.0), (620_000, 100.1), (620_000, 110.0)], 104.04),
        ([(0, 100.0), (2, 90.0)], 90.0),  # no weight, no say
        ([], None),
        ([(0, 100.0)], None),
    ],
)
def test_weighted_mean(pairs, expected):
    result = weighted_mean(pairs)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_weighted_mean_refuses_a_negative_weight():
    with pytest.raises(ValueError):
        weighted_mean([(-1, 100.0), (2, 90.0)])


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 10, 0.0), (3, 10, 0.3), (10, 10, 1.0), (0, 0, None)],
)
def test_share(part, whole, expected):
    assert share(part, whole) == expected


@pytest.mark.parametrize(("part", "whole"), [(11, 10), (-1, 10)])
def test_share_refuses_a_part_that_does_not_fit(part, whole):
    with pytest.raises(ValueError):
        share(part, whole)


@pytest.mark.parametrize(
    ("capacity", "unit", "days", "expected"),
    [
        (1000, "t/d", 310, 310_000),
        (1000, "t/d", 300, 300_000),
        (620_000, "t/a", 310, 620_000),
        (None, "t/a", 310, None),
        (1000, None, 310, None),
        (1000, "m^3/a", 310, None),  # not a mass: cannot weigh clinker
    ],
)
def test_annual_tonnes(capacity, unit, days, expected):
    assert annual_tonnes(capacity, unit, days) == expected


def test_months_back_crosses_the_year():
    assert [month_key(m) for m in months_back(date(2026, 2, 28), 4)] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(1 / 3, 1, "33.3"), (0.0, 1, "0.0"), (1.0, 0, "100"), (None, 1, "–")],
)
def test_percent(value, digits, expected):
    assert percent(value, digits) == expected


def test_number():
    assert (number(104.04), number(1_860_000.0, 0), number(None)) == ("104.0", "1860000", "–")


# --- properties -------------------------------------------------------------------------------

weights = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e7))
values = st.floats(min_value=1, max_value=1000, allow_nan=False)
pairs = st.lists(st.tuples(weights, values), min_size=1, max_size=30)


@given(pairs)
def test_weighted_mean_lies_between_the_weighted_values(data):
    mean = weighted_mean(data)
    counted = [v for w, v in data if w > 0]
    if not counted:
        assert mean is None
    else:
        assert min(counted) <= mean <= max(counted)


@given(pairs, st.floats(min_value=0.1, max_value=1000))
def test_weighted_mean_ignores_the_scale_of_the_weights(data, factor):
    mean = weighted_mean(data)
    scaled = weighted_mean([(w * factor, v) for w, v in data])
    if mean is None:
        assert scaled is None
    else:
        assert scaled == pytest.approx(mean, rel=1e-9)


plants = st.lists(
    st.builds(
        PlantFigure,
        plant_id=st.integers(1, 10_000),
        name=st.just("p"),
        manufacturer=st.just("m"),
        division_code=st.just("520100"),
        capacity=st.one_of(st.none(), st.floats(min_value=1, max_value=1e7)),
        value=st.one_of(st.none(), st.floats(min_value=60, max_value=250)),
    ),
    max_size=20,
)


@given(plants, st.floats(min_value=60, max_value=250))
def test_tally_shares_lie_in_zero_to_one_and_nest(items, benchmark):
    result = tally("", items, benchmark)
    for value in (result.share, result.share_of_reported, result.reported_share):
        assert value is None or 0 <= value <= 1
    assert result.at_benchmark <= result.reported <= result.registered
    if result.share is not None and result.share_of_reported is not None:
        # Counting non-reporting capacity as not at benchmark can only lower the share.
        assert result.share <= result.share_of_reported + 1e-12


@given(plants)
def test_a_lower_benchmark_never_raises_the_share(items):
    strict = tally("", items, 90.0)
    lenient = tally("", items, 110.0)
    assert strict.at_benchmark <= lenient.at_benchmark
