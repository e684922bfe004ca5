"""The targets file: shipped values, overrides, refusals."""

import pytest

from dashboard.targets import load_targets


def test_the_shipped_file_holds_the_plan_targets():
    targets = load_targets()
    assert targets.benchmark_share_target == 0.30
    assert targets.reduction_target == 0.03
    assert targets.operating_days == 310


def test_overrides_replace_the_file_values():
    assert load_targets({"operating_days": 330}).operating_days == 330


def test_no_base_year_figure_is_a_setting_any_more():
    # The base year comes from the reports or an administrator's cited entry (test_figures).
    with pytest.raises(ValueError, match="unknown keys"):
        load_targets({"base_value": 110.0, "base_year": 2021})


@pytest.mark.parametrize(
    "overrides",
    [
        {"benchmark_share_target": 1.5},
        {"reduction_target": -0.1},
        {"operating_days": 400},
        {"base_valu": 100},
    ],
)
def test_bad_values_are_refused(overrides):
    with pytest.raises(ValueError, match="Dashboard targets"):
        load_targets(overrides)
