"""The GWP chart's axis ticks and marker labels: round numbers, and labels that never overlap."""

import re

from hypothesis import given
from hypothesis import strategies as st

from catalog.chart_axes import place_labels, range_ticks, text_width
from catalog.charts import gwp_chart
from catalog.stats import standing

LABELS = {
    "target": "20th percentile",
    "conservative": "80th percentile",
    "reference": "Reference factor",
    "product": "This product",
}
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, st.floats(min_value=1e-3, max_value=1e6))
def test_ticks_are_round_and_inside_the_range(low, span):
    high = low + span
    ticks = range_ticks(low, high)
    assert 2 <= len(ticks) <= 11
    assert all(low - 1e-6 * span <= t <= high + 1e-6 * span for t in ticks)
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    step = min(steps)
    assert all(abs(s - step) <= 1e-6 * step for s in steps)
    mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
    assert round(mantissa, 6) in {1.0, 2.0, 5.0}


def test_ticks_of_a_cement_category():
    assert range_ticks(440, 780) == [450, 500, 550, 600, 650, 700, 750]


labels = st.lists(
    st.tuples(st.floats(min_value=-50, max_value=620), st.floats(min_value=1, max_value=200)),
    max_size=8,
)


def _overlap(a, b, gap):
    return a.left < b.left + b.width + gap and b.left < a.left + a.width + gap


@given(labels)
def test_no_two_labels_in_a_lane_overlap_and_all_stay_inside(items):
    placed = place_labels(items, left=0, right=560, gap=6)
    assert len(placed) == len(items)
    boxes = [(p.lane, p.left, p.left + width) for p, (_x, width) in zip(placed, items, strict=True)]
    for n, (lane, start, end) in enumerate(boxes):
        assert start >= 0 and (end <= 560 or start == 0)
        for other_lane, other_start, other_end in boxes[n + 1 :]:
            if lane == other_lane:
                assert end + 6 <= other_start or other_end + 6 <= start


def test_labels_far_apart_share_the_first_lane_and_close_ones_do_not():
    far = place_labels([(100, 60), (400, 60)], left=0, right=560)
    assert [p.lane for p in far] == [0, 0]
    close = place_labels([(400, 90), (404, 90)], left=0, right=560)
    assert [p.lane for p in close] == [0, 1]


def _drawn_labels(svg: str) -> list[tuple[float, float, float]]:
    found = re.findall(
        r'<text class="label-\w+" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]+)</text>', svg
    )
    return [(float(x), float(y), text_width(t, 11)) for x, y, t in found]


def test_the_reference_on_the_80th_percentile_gets_a_label_of_its_own():
    values = [500.0, 550.0, 600.0, 640.0, 700.0, 735.0, 735.0, 740.0, 760.0, 780.0]
    result = standing(values, 600.0, reference=736.0)
    assert abs(result.conservative - 736.0) < 10  # the two lines are a few pixels apart
    svg = str(gwp_chart(result, values, title="t", description="d", unit="kg", labels=LABELS))
    drawn = _drawn_labels(svg)
    assert len(drawn) == 4
    for n, (x, y, w) in enumerate(drawn):
        for x2, y2, w2 in drawn[n + 1 :]:
            assert y != y2 or x + w + 6 <= x2 or x2 + w2 + 6 <= x
    ticks = re.findall(r'<line class="tick"', svg)
    assert len(ticks) >= 3
