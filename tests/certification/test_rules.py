"""Scoring rules: official boundaries per category, the star rule, next-star advice, properties."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certification.criteria.model import Criteria
from certification.criteria.parsing import SHIPPED_CRITERIA_DIR, load_criteria_dir
from certification.criteria.rules import (
    AssessmentError,
    assess,
    assessment_to_dict,
    indicator_level,
    indicator_score,
)
from tests.certification.test_criteria import EXPECTED

CRITERIA: dict[str, Criteria] = load_criteria_dir(SHIPPED_CRITERIA_DIR)

# (category, indicator, variant, value, level): the official numbers and their neighbours.
OFFICIAL_CASES = [
    ("cement", "clinker_energy", None, 99.9, 3),
    ("cement", "clinker_energy", None, 100, 3),
    ("cement", "clinker_energy", None, 100.1, 2),
    ("cement", "clinker_energy", None, 107, 2),
    ("cement", "clinker_energy", None, 107.1, 1),
    ("cement", "clinker_energy", None, 117, 1),
    ("cement", "clinker_energy", None, 117.1, 0),
    ("cement", "cement_energy", None, 80, 3),
    ("cement", "cement_energy", None, 80.1, 2),
    ("cement", "cement_energy", None, 87, 2),
    ("cement", "cement_energy", None, 87.1, 1),
    ("cement", "cement_energy", None, 94, 1),
    ("cement", "cement_energy", None, 94.1, 0),
    ("ceramic-tile", "tile_energy", "e_le_0_5", 4.0, 3),
    ("ceramic-tile", "tile_energy", "e_le_0_5", 4.01, 2),
    ("ceramic-tile", "tile_energy", "e_le_0_5", 4.9, 2),
    ("ceramic-tile", "tile_energy", "e_le_0_5", 4.91, 1),
    ("ceramic-tile", "tile_energy", "e_le_0_5", 6.5, 1),
    ("ceramic-tile", "tile_energy", "e_le_0_5", 6.51, 0),
    ("ceramic-tile", "tile_energy", "e_0_5_10", 3.4, 3),
    ("ceramic-tile", "tile_energy", "e_0_5_10", 3.41, 2),
    ("ceramic-tile", "tile_energy", "e_0_5_10", 3.7, 2),
    ("ceramic-tile", "tile_energy", "e_0_5_10", 3.71, 1),
    ("ceramic-tile", "tile_energy", "e_0_5_10", 4.6, 1),
    ("ceramic-tile", "tile_energy", "e_0_5_10", 4.61, 0),
    ("ceramic-tile", "tile_energy", "e_gt_10", 3.2, 3),
    ("ceramic-tile", "tile_energy", "e_gt_10", 3.21, 2),
    ("ceramic-tile", "tile_energy", "e_gt_10", 3.5, 2),
    ("ceramic-tile", "tile_energy", "e_gt_10", 3.51, 1),
    ("ceramic-tile", "tile_energy", "e_gt_10", 4.5, 1),
    ("ceramic-tile", "tile_energy", "e_gt_10", 4.51, 0),
    ("sanitary-ceramic", "sanitary_energy", None, 350, 3),
    ("sanitary-ceramic", "sanitary_energy", None, 350.1, 2),
    ("sanitary-ceramic", "sanitary_energy", None, 500, 2),
    ("sanitary-ceramic", "sanitary_energy", None, 500.1, 1),
    ("sanitary-ceramic", "sanitary_energy", None, 630, 1),
    ("sanitary-ceramic", "sanitary_energy", None, 630.1, 0),
    ("flat-glass", "weight_case_energy", None, 8, 3),
    ("flat-glass", "weight_case_energy", None, 8.01, 2),
    ("flat-glass", "weight_case_energy", None, 10, 2),
    ("flat-glass", "weight_case_energy", None, 10.01, 1),
    ("flat-glass", "weight_case_energy", None, 12, 1),
    ("flat-glass", "weight_case_energy", None, 12.01, 0),
    ("wood-bamboo", "formaldehyde_emission", None, 0.025, 3),
    ("wood-bamboo", "formaldehyde_emission", None, 0.026, 2),
    ("wood-bamboo", "formaldehyde_emission", None, 0.05, 2),
    ("wood-bamboo", "formaldehyde_emission", None, 0.051, 1),
    ("wood-bamboo", "formaldehyde_emission", None, 0.124, 1),
    ("wood-bamboo", "formaldehyde_emission", None, 0.125, 0),
    ("cement", "gwp", None, 588, 3),
    ("cement", "gwp", None, 662, 2),
    ("cement", "gwp", None, 735, 1),
    ("cement", "gwp", None, 735.1, 0),
    ("concrete", "gwp", "le_c30", 295, 1),
    ("concrete", "gwp", "ge_c50", 385, 1),
    ("concrete", "gwp", "ge_c50", 385.1, 0),
    ("flat-glass", "gwp", None, 1130, 1),
    ("lime", "gwp", None, 1190, 1),
    ("fired-brick", "gwp", None, 292, 1),
]


@pytest.mark.parametrize(("category", "code", "variant", "value", "level"), OFFICIAL_CASES)
def test_official_boundaries(category, code, variant, value, level):
    criterion = CRITERIA[category].indicator(code)
    assert indicator_level(criterion, value, variant) == level


def _boundary_cases() -> list:
    """List every shipped threshold, for every variant, with a step just worse than it."""
    cases = []
    for category, indicators in EXPECTED.items():
        for code, (direction, by_variant) in indicators.items():
            worse = 1 if direction == "at_most" else -1
            for variant, thresholds in by_variant.items():
                v = None if variant == "default" else variant
                for star, threshold in enumerate(thresholds, start=1):
                    step = max(abs(threshold) * 1e-6, 1e-9)
                    cases.append(
                        pytest.param(
                            category, code, v, threshold, star, worse * step,
                            id=f"{category}-{code}-{variant}-{star}",
                        )
                    )  # fmt: skip
    return cases


@pytest.mark.parametrize(
    ("category", "code", "variant", "threshold", "star", "step"), _boundary_cases()
)
def test_every_threshold_is_met_exactly_at_it(category, code, variant, threshold, star, step):
    criterion = CRITERIA[category].indicator(code)
    assert indicator_level(criterion, threshold, variant) >= star
    assert indicator_level(criterion, threshold + step, variant) < star
    assert indicator_level(criterion, threshold - step, variant) >= star


# -- assessments ----------------------------------------------------------------------------------


def _all_prerequisites(criteria: Criteria, value: bool = True) -> dict[str, bool]:
    return {p.code: value for p in criteria.prerequisites}


def _values_at(criteria: Criteria, variant: str | None, stars: dict[str, int]) -> dict:
    """Return values exactly at the threshold of the given star per indicator (3 by default)."""
    return {
        ind.code: ind.thresholds_for(variant)[stars.get(ind.code, 3) - 1]
        for ind in criteria.indicators
    }


CEMENT = CRITERIA["cement"]


def test_stars_are_the_lowest_level_not_a_total():
    values = _values_at(CEMENT, None, {"strength_margin": 1})
    result = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    assert [r.level for r in result.indicators] == [3, 3, 3, 3, 1]
    assert result.stars == 1
    assert result.score > 80


def test_all_three_star_values_give_three_stars_and_full_score():
    values = _values_at(CEMENT, None, {})
    result = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    assert (result.stars, result.score, result.next_star) == (3, 100.0, None)


def test_two_star_values_score_two_thirds():
    values = _values_at(CEMENT, None, dict.fromkeys(EXPECTED["cement"], 2))
    result = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    assert (result.stars, result.score) == (2, 66.7)


@pytest.mark.parametrize("code", sorted(p.code for p in CEMENT.prerequisites))
def test_a_failed_prerequisite_means_zero_stars(code):
    prerequisites = _all_prerequisites(CEMENT) | {code: False}
    result = assess(
        CEMENT, variant=None, values=_values_at(CEMENT, None, {}), prerequisites=prerequisites
    )
    assert result.stars == 0
    failed = [p for p in result.prerequisites if not p.passed]
    assert [(p.code, p.reason) for p in failed] == [(code, "judged not met")]
    assert result.next_star.target == 1
    assert result.next_star.indicators == ()
    assert [p.code for p in result.next_star.prerequisites] == [code]


def test_an_unjudged_prerequisite_fails_as_not_judged():
    prerequisites = _all_prerequisites(CEMENT)
    del prerequisites["no_eliminated_process"]
    result = assess(
        CEMENT, variant=None, values=_values_at(CEMENT, None, {}), prerequisites=prerequisites
    )
    assert result.stars == 0
    failed = {p.code: p.reason for p in result.prerequisites if not p.passed}
    assert failed == {"no_eliminated_process": "not judged"}


def test_energy_limit_is_decided_from_the_data():
    values = _values_at(CEMENT, None, {}) | {"clinker_energy": 117.5}
    result = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    limit = next(p for p in result.prerequisites if p.code == "energy_within_limit")
    assert not limit.passed
    assert "clinker_energy: 117.5 kgce/t misses the limit 117 kgce/t" in limit.reason
    assert result.stars == 0

    prerequisites = _all_prerequisites(CEMENT)
    del prerequisites["energy_within_limit"]
    ok = assess(
        CEMENT, variant=None, values=_values_at(CEMENT, None, {}), prerequisites=prerequisites
    )
    assert next(p for p in ok.prerequisites if p.code == "energy_within_limit").passed
    assert ok.stars == 3


def test_a_missing_value_is_level_zero_and_shows_in_next_star():
    values = _values_at(CEMENT, None, {})
    del values["solid_waste_content"]
    result = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    missing = next(r for r in result.indicators if r.code == "solid_waste_content")
    assert (missing.level, missing.reason, missing.value) == (0, "no value", None)
    assert result.stars == 0
    shortfall = result.next_star.indicators
    assert [(s.code, s.value, s.needed, s.gap) for s in shortfall] == [
        ("solid_waste_content", None, 10.0, None)
    ]


def test_next_star_lists_each_indicator_holding_the_product_back_with_its_gap():
    values = _values_at(CEMENT, None, {"clinker_energy": 1, "solid_waste_content": 2})
    values |= {"clinker_energy": 107.1, "solid_waste_content": 27.5}
    result = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    assert result.stars == 1
    data = assessment_to_dict(result)["next_star"]
    assert data == {
        "target": 2,
        "indicators": [
            {
                "code": "clinker_energy",
                "value": 107.1,
                "needed": 107.0,
                "gap": 0.1,
                "unit": "kgce/t",
            }
        ],
        "prerequisites": [],
    }
    values["clinker_energy"] = 104.0
    nearer = assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    assert nearer.stars == 2
    assert [(s.code, s.needed, s.gap, s.unit) for s in nearer.next_star.indicators] == [
        ("clinker_energy", 100.0, 4.0, "kgce/t"),
        ("solid_waste_content", 30.0, 2.5, "%"),
    ]


@pytest.mark.parametrize(("variant", "level"), [("e_le_0_5", 2), ("e_0_5_10", 1), ("e_gt_10", 1)])
def test_tile_variants_pick_their_thresholds(variant, level):
    tile = CRITERIA["ceramic-tile"]
    values = _values_at(tile, variant, {}) | {"tile_energy": 4.5}
    result = assess(tile, variant=variant, values=values, prerequisites=_all_prerequisites(tile))
    assert result.stars == level
    energy = next(r for r in assessment_to_dict(result)["indicators"] if r["code"] == "tile_energy")
    assert energy["thresholds"] == list(EXPECTED["ceramic-tile"]["tile_energy"][1][variant])


@pytest.mark.parametrize(("variant", "level"), [("le_c30", 0), ("c35_c45", 2), ("ge_c50", 3)])
def test_concrete_strength_classes_pick_their_gwp_limits(variant, level):
    concrete = CRITERIA["concrete"]
    assert indicator_level(concrete.indicator("gwp"), 300, variant) == level


@pytest.mark.parametrize("variant", [None, "", "e_le_1", "default"])
def test_a_missing_or_unknown_variant_is_refused(variant):
    tile = CRITERIA["ceramic-tile"]
    with pytest.raises(AssessmentError, match=r"^variant: water_absorption must be one of"):
        assess(tile, variant=variant, values={}, prerequisites={})


def test_a_variant_for_a_category_without_variants_is_refused():
    with pytest.raises(AssessmentError, match=r"^variant: the cement criteria have no variants"):
        assess(CEMENT, variant="le_c30", values={}, prerequisites={})
    assert assess(CEMENT, variant="default", values={}, prerequisites={}).variant is None


def test_indicator_level_refuses_an_unknown_variant():
    with pytest.raises(ValueError, match=r"^variant:"):
        indicator_level(CRITERIA["ceramic-tile"].indicator("tile_energy"), 4.0, "e_huge")


@pytest.mark.parametrize(
    ("values", "prerequisites", "message"),
    [
        ({"clinker_enrgy": 100}, {}, r"^values\.clinker_enrgy: not an indicator"),
        ({"clinker_energy": math.nan}, {}, r"^values\.clinker_energy: expected a finite number"),
        ({"clinker_energy": "100"}, {}, r"^values\.clinker_energy: expected a finite number"),
        ({"clinker_energy": True}, {}, r"^values\.clinker_energy: expected a finite number"),
        ({}, {"iso9001": True}, r"^prerequisites\.iso9001: not a prerequisite"),
        ({}, {"gwp_declared": "yes"}, r"^prerequisites\.gwp_declared: expected true or false"),
    ],
)
def test_bad_input_names_the_field(values, prerequisites, message):
    with pytest.raises(AssessmentError, match=message):
        assess(CEMENT, variant=None, values=values, prerequisites=prerequisites)


def test_gypsum_binder_per_tonne_skips_the_board_gwp():
    gypsum = CRITERIA["gypsum"]
    values = {"byproduct_gypsum_content": 95, "gwp": 120.0}
    binder = assess(
        gypsum,
        variant=None,
        values=values,
        prerequisites=_all_prerequisites(gypsum),
        declared_unit="t",
    )
    gwp = next(r for r in binder.indicators if r.code == "gwp")
    assert (gwp.applicable, gwp.level) == (False, None)
    assert (binder.stars, binder.score) == (3, 100.0)
    board = assess(
        gypsum,
        variant=None,
        values=values,
        prerequisites=_all_prerequisites(gypsum),
        declared_unit="m^2",
    )
    assert board.stars == 0
    assert [s.code for s in board.next_star.indicators] == ["gwp"]


def test_assessment_dict_is_json_safe_and_complete():
    values = _values_at(CEMENT, None, {"gwp": 2})
    result = assessment_to_dict(
        assess(CEMENT, variant=None, values=values, prerequisites=_all_prerequisites(CEMENT))
    )
    assert json.loads(json.dumps(result)) == result
    assert {"stars", "score", "prerequisites", "indicators", "next_star"} <= set(result)
    assert set(result["prerequisites"][0]) == {"code", "passed", "reason"}
    assert {"code", "group", "value", "unit", "level", "thresholds"} <= set(result["indicators"][0])
    assert result["version"] == "2026.1"


def test_indicator_score_is_continuous_at_thresholds():
    criterion = CEMENT.indicator("clinker_energy")
    assert indicator_score(criterion, 107, None) == pytest.approx(2 / 3)
    assert indicator_score(criterion, 107.0000001, None) == pytest.approx(2 / 3)
    assert indicator_score(criterion, 103.5, None) == pytest.approx((2 + 0.5) / 3)
    assert indicator_score(criterion, None, None) == 0.0
    assert indicator_score(criterion, 1000, None) == 0.0


# -- properties ---------------------------------------------------------------------------------


@st.composite
def _cases(draw):
    """Draw a shipped category, a variant, values around its thresholds and judgements."""
    criteria = CRITERIA[draw(st.sampled_from(sorted(CRITERIA)))]
    variant = draw(st.sampled_from(criteria.variants)) if criteria.variants else None
    values = {}
    for ind in criteria.indicators:
        low, high = sorted(ind.thresholds_for(variant)[::2])
        span = max(high - low, 1.0)
        value = draw(
            st.none()
            | st.sampled_from(ind.thresholds_for(variant))
            | st.floats(low - 2 * span, high + 2 * span, allow_nan=False)
        )
        if value is not None:
            values[ind.code] = value
    prerequisites = {
        p.code: draw(st.sampled_from([True, True, False, None])) for p in criteria.prerequisites
    }
    unit = draw(st.sampled_from([None, "t", "m^2", "m^3"]))
    return criteria, variant, values, prerequisites, unit


@given(_cases(), st.data())
def test_improving_any_value_never_lowers_stars_or_score(case, data):
    criteria, variant, values, prerequisites, unit = case
    ind = criteria.indicators[data.draw(st.integers(0, len(criteria.indicators) - 1))]
    improvement = data.draw(st.floats(0, 1e4, allow_nan=False))
    before = assess(
        criteria, variant=variant, values=values, prerequisites=prerequisites, declared_unit=unit
    )
    improved = dict(values)
    if ind.code in values:
        sign = -1 if ind.direction == "at_most" else 1
        improved[ind.code] = values[ind.code] + sign * improvement
    else:  # supplying a missing value is an improvement too
        improved[ind.code] = data.draw(st.floats(-1e4, 1e4, allow_nan=False))
    after = assess(
        criteria, variant=variant, values=improved, prerequisites=prerequisites, declared_unit=unit
    )
    assert after.stars >= before.stars
    assert after.score >= before.score


@given(_cases())
def test_score_stays_within_0_and_100_and_stars_follow_the_rule(case):
    criteria, variant, values, prerequisites, unit = case
    result = assess(
        criteria, variant=variant, values=values, prerequisites=prerequisites, declared_unit=unit
    )
    assert 0 <= result.score <= 100
    levels = [r.level for r in result.indicators if r.applicable]
    passed = all(p.passed for p in result.prerequisites)
    assert result.stars == (min(levels) if passed else 0)
    assert (result.next_star is None) == (result.stars == 3)
    if result.next_star is not None:
        for shortfall in result.next_star.indicators:
            assert shortfall.gap is None or shortfall.gap > 0
