"""The targets file: shipped values, overrides, refusals."""

import pytest

from dashboard.targets import load_targets


def test_the_shipped_file_holds_the_plan_targets():
    targets = load_targets()
    assert targets.benchmark_share_target == 0.30
    assert targets.reduction_target == 0.03
    assert targets.operating_days == 310
    assert targets.target_value == pytest.approx(targets.base_value * 0.97)


def test_overrides_replace_the_file_values():
    targets = load_targets({"base_value": 110.0, "base_year": 2021})
    assert (targets.base_value, targets.base_year) == (110.0, 2021)
    assert targets.reduction(104.5) == pytest.approx(0.05)


@pytest.mark.parametrize(
    "overrides",
    [
        {"benchmark_share_target": 1.5},
        {"reduction_target": -0.1},
        {"base_value": 0},
        {"operating_days": 400},
        {"base_valu": 100},
    ],
)
def test_bad_values_are_refused(overrides):
    with pytest.raises(ValueError, match="Dashboard targets"):
        load_targets(overrides)
