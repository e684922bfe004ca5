"""GWP statistics within a category: percentiles, percentile rank, histogram, standing."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.charts import chart_scale, gwp_chart
from catalog.stats import Bin, histogram, percentile, percentile_rank, standing

CEMENT = [700.0, 600.0, 720.0, 655.0, 640.0]  # unsorted on purpose


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1.0], 0, 1.0),
        ([1.0], 50, 1.0),
        ([1.0], 100, 1.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 100, 5.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 20, 1.8),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 80, 4.2),
        ([10.0, 20.0], 25, 12.5),
        ([280.0, 290.0], 20, 282.0),
        ([280.0, 290.0], 80, 288.0),
        (CEMENT, 20, 632.0),  # 600 + 0.8 × (640 − 600)
        (CEMENT, 80, 704.0),  # 700 + 0.2 × (720 − 700)
        ([5.0, 5.0, 5.0], 37, 5.0),
    ],
)
def test_percentile(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("values", "value", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 2.5, 50.0),
        ([1.0, 2.0, 3.0, 4.0], 1.0, 12.5),  # nothing below, itself counts half
        ([1.0, 2.0, 3.0, 4.0], 4.0, 87.5),
        ([1.0, 2.0, 3.0, 4.0], 0.0, 0.0),
        ([1.0, 2.0, 3.0, 4.0], 5.0, 100.0),
        ([5.0, 5.0, 5.0], 5.0, 50.0),
        ([7.0], 7.0, 50.0),
        (CEMENT, 700.0, 70.0),  # (3 below + ½) / 5
        (CEMENT, 600.0, 10.0),
    ],
)
def test_percentile_rank(values, value, expected):
    assert percentile_rank(values, value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("values", "bins", "kwargs", "expected"),
    [
        ([0.0, 1.0, 2.0, 3.0, 4.0], 2, {}, [Bin(0, 2, 2), Bin(2, 4, 3)]),  # last bin closed
        ([0.0, 4.0], 4, {}, [Bin(0, 1, 1), Bin(1, 2, 0), Bin(2, 3, 0), Bin(3, 4, 1)]),
        ([7.0], 1, {}, [Bin(6.5, 7.5, 1)]),  # one value: a bin of width 1 around it
        ([1.0, 5.0, 9.0], 2, {"low": 0.0, "high": 6.0}, [Bin(0, 3, 1), Bin(3, 6, 1)]),
    ],
)
def test_histogram(values, bins, kwargs, expected):
    assert histogram(values, bins, **kwargs) == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: percentile([], 50), "no values"),
        (lambda: percentile([1.0], 101), "outside"),
        (lambda: percentile([1.0], -1), "outside"),
        (lambda: percentile_rank([], 1.0), "no values"),
        (lambda: histogram([1.0], 0), "at least one bin"),
        (lambda: histogram([1.0], 2, low=3.0, high=2.0), "below"),
    ],
)
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_standing_of_the_hand_computed_cement():
    result = standing(CEMENT, 700.0, 735.0)
    assert (result.count, result.rank, result.minimum, result.maximum) == (5, 70.0, 600.0, 720.0)
    assert (result.target, result.conservative, result.reference) == pytest.approx(
        (632.0, 704.0, 735.0)
    )


# --- properties -----------------------------------------------------------------------------

gwps = st.lists(
    st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=60,
)
percents = st.floats(min_value=0, max_value=100)


@given(gwps, percents)
def test_percentile_agrees_with_numpy(values, p):
    assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)), rel=1e-9)


@given(gwps, percents, percents)
def test_percentile_is_monotone_and_within_the_values(values, p, q):
    low, high = sorted((p, q))
    assert min(values) <= percentile(values, low) <= percentile(values, high) <= max(values)


@given(gwps, st.data())
def test_lowering_a_gwp_never_raises_its_rank(values, data):
    value = data.draw(st.sampled_from(values))
    lower = data.draw(st.floats(min_value=0, max_value=value))
    assert 0 <= percentile_rank(values, lower) <= percentile_rank(values, value) <= 100


@given(gwps, st.integers(min_value=1, max_value=20))
def test_histogram_counts_every_value_once(values, bins):
    found = histogram(values, bins)
    assert len(found) == bins
    assert sum(b.count for b in found) == len(values)
    assert all(math.isclose(a.high, b.low) for a, b in zip(found, found[1:], strict=False))


@given(gwps, st.data())
def test_the_target_never_exceeds_the_conservative_estimate(values, data):
    value = data.draw(st.sampled_from(values))
    result = standing(values, value)
    assert result.minimum <= result.target <= result.conservative <= result.maximum


@given(gwps, st.data(), st.one_of(st.none(), st.floats(min_value=0.01, max_value=1e6)))
def test_the_chart_keeps_every_marker_inside_it(values, data, reference):
    result = standing(values, data.draw(st.sampled_from(values)), reference)
    scale = chart_scale(result)
    for point in (result.minimum, result.maximum, result.value, reference or result.value):
        assert 0 <= scale.x(point) <= 560
    svg = gwp_chart(result, values, title="t", description="<d>", unit="kgCO2e/t")
    assert "&lt;d&gt;" in svg and "<d>" not in svg


@given(gwps, st.integers(min_value=1, max_value=20), st.data())
def test_histogram_by_bisection_counts_as_a_loop_over_the_values(values, bins, data):
    low = data.draw(st.one_of(st.none(), st.sampled_from(values)))
    high = None if low is None else max(v for v in values if v >= low)
    found = histogram(values, bins, low=low, high=high)
    low, high = (min(values), max(values)) if low is None else (low, high)
    if low == high:
        low, high = low - 0.5, high + 0.5
    width = (high - low) / bins
    counts = [0] * bins
    for v in values:  # the definition: each value in range falls in bin ⌊(v − low) / width⌋
        if low <= v <= high:
            counts[min(int((v - low) / width), bins - 1)] += 1
    assert [b.count for b in found] == counts


@given(gwps, st.data())
def test_rank_by_bisection_counts_as_a_loop_over_the_values(values, data):
    value = data.draw(st.one_of(st.sampled_from(values), st.floats(0.01, 1e6)))
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    assert percentile_rank(values, value) == 100.0 * (below + 0.5 * equal) / len(values)
    assert standing(values, value).rank == percentile_rank(values, value)
