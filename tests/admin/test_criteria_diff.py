"""The pure comparison of two criteria versions."""

from admin.criteria_diff import diff_criteria
from certification.criteria.parsing import parse_criteria
from tests.admin.criteria_files import lime_2026_2, shipped_text


def test_the_reverse_change_adds_what_was_removed():
    old, new = parse_criteria(lime_2026_2()), parse_criteria(shipped_text("lime"))
    diff = diff_criteria(old, new)
    assert [i.code for i in diff.indicators_added] == ["kiln_co2_captured"]
    assert [p.code for p in diff.prerequisites_removed] == ["carbon_plan"]
    assert diff.indicators_removed == [] and diff.prerequisites_added == []
    energy = next(c for c in diff.thresholds if c.indicator.code == "lime_energy")
    assert energy.levels == [
        (1, 135.0, 140.0, True),
        (2, 120.0, 125.0, True),
        (3, 105.0, 110.0, True),
    ]


def test_variants_and_other_fields_are_compared():
    text = shipped_text("ceramic-tile")
    old = parse_criteria(text)
    changed = parse_criteria(
        text.replace('version = "2026.1"', 'version = "2026.2"')
        .replace("weight = 3", "weight = 4", 1)
        .replace('title_en = "', 'title_en = "Revised: ', 1)
        .replace("e_gt_10 = [4.5, 3.5, 3.2]", "e_gt_10 = [4.5, 3.4, 3.2]")
    )
    diff = diff_criteria(old, changed)
    [change] = diff.thresholds
    assert change.variant == "e_gt_10"
    assert change.levels == [(1, 4.5, 4.5, False), (2, 3.5, 3.4, True), (3, 3.2, 3.2, False)]
    names = {(c.where, c.name) for c in diff.fields}
    assert ("criteria", "title_en") in names
    assert any(where.startswith("indicator ") and name == "weight" for where, name in names)
    assert not diff.empty


def test_identical_criteria_differ_in_nothing_and_a_first_version_adds_everything():
    lime = parse_criteria(shipped_text("lime"))
    assert diff_criteria(lime, lime).empty
    first = diff_criteria(None, lime)
    assert [i.code for i in first.indicators_added] == [i.code for i in lime.indicators]
    assert len(first.prerequisites_added) == len(lime.prerequisites)
