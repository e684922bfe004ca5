"""Criteria files: the shipped numbers, the strict parser's errors and the JSON round trip."""

import copy
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import EvidenceKind
from certification.criteria.model import EVIDENCE_KINDS, Criteria, CriteriaError, criteria_to_dict
from certification.criteria.parsing import (
    SHIPPED_CRITERIA_DIR,
    criteria_from_dict,
    load_criteria_dir,
    parse_criteria,
)

CATEGORIES_TOML = SHIPPED_CRITERIA_DIR.parent / "categories.toml"

# Every graded indicator shipped, written out by hand from domain.md: (direction, one, two, three)
# per variant ("default" when the thresholds do not depend on the variant).
EXPECTED: dict[str, dict[str, tuple[str, dict[str, tuple[float, float, float]]]]] = {
    "cement": {
        "clinker_energy": ("at_most", {"default": (117, 107, 100)}),
        "cement_energy": ("at_most", {"default": (94, 87, 80)}),
        "solid_waste_content": ("at_least", {"default": (10, 20, 30)}),
        "gwp": ("at_most", {"default": (735, 662, 588)}),
        "strength_margin": ("at_least", {"default": (1, 2, 3)}),
    },
    "concrete": {
        "gwp": (
            "at_most",
            {"le_c30": (295, 266, 236), "c35_c45": (340, 306, 272), "ge_c50": (385, 347, 308)},
        ),
        "scm_recycled_content": ("at_least", {"default": (20, 30, 40)}),
        "strength_margin": ("at_least", {"default": (1, 2, 3)}),
    },
    "flat-glass": {
        "weight_case_energy": ("at_most", {"default": (12, 10, 8)}),
        "cullet_content": ("at_least", {"default": (15, 20, 30)}),
        "gwp": ("at_most", {"default": (1130, 1017, 904)}),
    },
    "ceramic-tile": {
        "tile_energy": (
            "at_most",
            {"e_le_0_5": (6.5, 4.9, 4.0), "e_0_5_10": (4.6, 3.7, 3.4), "e_gt_10": (4.5, 3.5, 3.2)},
        ),
        "body_waste_content": ("at_least", {"default": (5, 10, 20)}),
        "gwp": ("at_most", {"default": (14, 12.6, 11.2)}),
        "thickness": ("at_most", {"default": (10, 8, 6)}),
    },
    "sanitary-ceramic": {
        "sanitary_energy": ("at_most", {"default": (630, 500, 350)}),
        "waste_content": ("at_least", {"default": (5, 10, 15)}),
        "flush_volume": ("at_most", {"default": (6.0, 5.0, 4.0)}),
    },
    "lime": {
        "lime_energy": ("at_most", {"default": (140, 125, 110)}),
        "gwp": ("at_most", {"default": (1190, 1071, 952)}),
        "kiln_co2_captured": ("at_least", {"default": (0, 5, 10)}),
    },
    "fired-brick": {
        "solid_waste_content": ("at_least", {"default": (30, 50, 70)}),
        "gwp": ("at_most", {"default": (292, 263, 234)}),
    },
    "aac-block": {
        "solid_waste_content": ("at_least", {"default": (30, 50, 70)}),
        "gwp": ("at_most", {"default": (250, 225, 200)}),
        "dry_density": ("at_most", {"default": (625, 525, 425)}),
    },
    "gypsum": {
        "byproduct_gypsum_content": ("at_least", {"default": (50, 80, 95)}),
        "gwp": ("at_most", {"default": (4.0, 3.5, 3.0)}),
    },
    "wood-bamboo": {
        "formaldehyde_emission": ("at_most", {"default": (0.124, 0.050, 0.025)}),
        "certified_forest_share": ("at_least", {"default": (50, 70, 90)}),
        "gwp": ("at_most", {"default": (300, 250, 200)}),
    },
}

# Indicators whose thresholds are official, with the standard their `standard` must name.
OFFICIAL = {
    ("cement", "clinker_energy"): "GB 16780-2021",
    ("cement", "cement_energy"): "GB 16780-2021",
    ("ceramic-tile", "tile_energy"): "GB 21252-2023",
    ("sanitary-ceramic", "sanitary_energy"): "GB 21252-2023",
    ("flat-glass", "weight_case_energy"): "NDRC 2021",
    ("wood-bamboo", "formaldehyde_emission"): "GB/T 39600-2021",
}
SHARED_PREREQUISITES = {
    "type_test_report",
    "emissions_compliant",
    "no_eliminated_process",
    "quality_management",
    "gwp_declared",
}
# Categories with an official energy limit, and the indicators that carry it.
ENERGY_LIMITS = {
    "cement": ("clinker_energy", "cement_energy"),
    "ceramic-tile": ("tile_energy",),
    "sanitary-ceramic": ("sanitary_energy",),
    "flat-glass": ("weight_case_energy",),
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Criteria]:
    return load_criteria_dir(SHIPPED_CRITERIA_DIR)


@pytest.fixture(scope="module")
def categories() -> dict[str, dict]:
    with CATEGORIES_TOML.open("rb") as fh:
        # The categories with criteria here (the others are certificate-only).
        return {c["code"]: c for c in tomllib.load(fh)["category"] if c.get("own_criteria", True)}


def test_all_ten_files_parse(shipped, categories):
    assert len(list(SHIPPED_CRITERIA_DIR.glob("*.toml"))) == 10
    assert set(shipped) == set(categories) == set(EXPECTED)
    assert {c.version for c in shipped.values()} == {"2026.1"}


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_thresholds_are_exactly_the_documented_numbers(shipped, category):
    criteria = shipped[category]
    actual = {
        ind.code: (ind.direction, {k: tuple(v) for k, v in ind.thresholds.items()})
        for ind in criteria.indicators
    }
    assert actual == EXPECTED[category]


@pytest.mark.parametrize(("category", "code"), sorted(OFFICIAL))
def test_official_indicators_name_their_standard(shipped, category, code):
    ind = shipped[category].indicator(code)
    assert ind.source == "official"
    assert OFFICIAL[(category, code)] in ind.standard


def test_only_the_listed_indicators_are_official(shipped):
    official = {
        (c.category, ind.code)
        for c in shipped.values()
        for ind in c.indicators
        if ind.source == "official"
    }
    assert official == set(OFFICIAL)


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_files_agree_with_categories_toml(shipped, categories, category):
    criteria, spec = shipped[category], categories[category]
    declared = {i["code"]: i for i in spec.get("indicator", [])}
    graded = {ind.code: ind for ind in criteria.indicators if ind.code != "gwp"}
    assert set(graded) == set(declared)
    for code, ind in graded.items():
        assert (ind.group, ind.unit) == (declared[code]["group"], declared[code]["unit"])
    assert criteria.variant_attribute == spec.get("variant_attribute")
    assert set(criteria.variants) == {v["code"] for v in spec.get("variant", [])}
    if "gwp_reference" in spec:
        gwp = criteria.indicator("gwp")
        assert gwp.unit == f"kgCO2e/{spec['declared_unit']}"
        by_variant = [v for v in spec.get("variant", []) if "gwp_reference" in v]
        references = {v["code"]: v["gwp_reference"] for v in by_variant} or {
            "default": spec["gwp_reference"]
        }
        assert {k: v[0] for k, v in gwp.thresholds.items()} == references
    else:
        assert "gwp" not in {ind.code for ind in criteria.indicators}


def test_gypsum_gwp_applies_to_board_only(shipped):
    gwp = shipped["gypsum"].indicator("gwp")
    assert gwp.declared_units == ("m^2",)
    assert gwp.applies_to("m^2") and not gwp.applies_to("t")


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_shared_prerequisites_in_every_category(shipped, category):
    prerequisites = {p.code: p for p in shipped[category].prerequisites}
    expected = SHARED_PREREQUISITES | (
        {"energy_within_limit"} if category in ENERGY_LIMITS else set()
    )
    assert set(prerequisites) == expected
    report = prerequisites["type_test_report"]
    assert (report.check, report.evidence_kind, report.max_age_months) == (
        "evidence",
        "type_test_report",
        12,
    )
    assert prerequisites["gwp_declared"].check == "data"
    if category in ENERGY_LIMITS:
        assert prerequisites["energy_within_limit"].limit_indicators == ENERGY_LIMITS[category]


def test_evidence_kinds_exist_in_the_catalogue():
    assert set(EVIDENCE_KINDS) <= set(EvidenceKind.__members__.values())


# -- malformed criteria -------------------------------------------------------------------------

MINIMAL = {
    "category": "ceramic-tile",
    "version": "2026.1",
    "variant_attribute": "water_absorption",
    "title_zh": "陶瓷砖",
    "title_en": "Ceramic tile",
    "basis": "test",
    "prerequisite": [
        {
            "code": "report",
            "name_zh": "报告",
            "name_en": "Report",
            "check": "evidence",
            "evidence_kind": "type_test_report",
            "max_age_months": 12,
        },
        {
            "code": "energy",
            "name_zh": "能耗",
            "name_en": "Energy",
            "check": "data",
            "limit_indicators": ["tile_energy"],
        },
    ],  # fmt: skip
    "indicator": [
        {
            "code": "body_waste_content",
            "group": "resource",
            "name_zh": "废料",
            "name_en": "Waste",
            "unit": "%",
            "direction": "at_least",
            "weight": 2,
            "source": "project",
            "thresholds": {"default": [5, 10, 20]},
        },
        {
            "code": "tile_energy",
            "group": "energy",
            "name_zh": "能耗",
            "name_en": "Energy",
            "unit": "kgce/m^2",
            "direction": "at_most",
            "weight": 3,
            "source": "official",
            "standard": "GB 21252-2023",
            "thresholds": {"e_le_0_5": [6.5, 4.9, 4.0], "e_gt_10": [4.5, 3.5, 3.2]},
        },
        {
            "code": "gwp",
            "group": "environment",
            "name_zh": "碳",
            "name_en": "GWP",
            "unit": "kgCO2e/m^2",
            "direction": "at_most",
            "weight": 3,
            "source": "project",
            "declared_units": ["m^2"],
            "thresholds": {"e_le_0_5": [14, 12.6, 11.2], "e_gt_10": [14, 12.6, 11.2]},
        },
    ],  # fmt: skip
}


def _set(path: tuple, value):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


def _delete(path: tuple):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return change


def _append_copy(section: str, index: int):
    return lambda data: data[section].append(copy.deepcopy(data[section][index]))


MALFORMED = [
    (_set(("colour",), "green"), "colour: unknown key"),
    (_delete(("version",)), "version: required"),
    (_set(("version",), 2026.1), "version: expected a string"),
    (_set(("category",), "Cement!"), "category: 'Cement!' must match"),
    (_set(("title_en",), "  "), "title_en: expected a non-empty string"),
    (_set(("indicator",), []), "indicator: expected a non-empty list"),
    (_set(("prerequisite",), {"code": "x"}), "prerequisite: expected a non-empty list"),
    (_set(("prerequisite", 0, "check"), "oracle"), "prerequisite[0].check: expected one of"),
    (_delete(("prerequisite", 0, "evidence_kind")), "prerequisite[0].evidence_kind: required"),
    (_set(("prerequisite", 0, "evidence_kind"), "selfie"), "prerequisite[0].evidence_kind:"),
    (_set(("prerequisite", 0, "max_age_months"), 0), "prerequisite[0].max_age_months:"),
    (_set(("prerequisite", 0, "max_age_months"), 1.5), "prerequisite[0].max_age_months:"),
    (_set(("prerequisite", 1, "evidence_kind"), "epd"), "prerequisite[1].evidence_kind: only"),
    (_set(("prerequisite", 0, "limit_indicators"), ["gwp"]), "prerequisite[0].limit_indicators:"),
    (
        _set(("prerequisite", 1, "limit_indicators"), ["nope"]),
        "prerequisite[1].limit_indicators[0]: no indicator 'nope'",
    ),
    (_set(("prerequisite", 1, "code"), "report"), "prerequisite[1].code: duplicate 'report'"),
    (_set(("prerequisite", 1, "name_zh"), None), "prerequisite[1].name_zh: required"),
    (_set(("indicator", 0, "colour"), "x"), "indicator[0].colour: unknown key"),
    (_delete(("indicator", 0, "thresholds")), "indicator[0].thresholds: required"),
    (_set(("indicator", 0, "group"), "beauty"), "indicator[0].group: expected one of"),
    (_set(("indicator", 0, "direction"), "up"), "indicator[0].direction: expected one of"),
    (_set(("indicator", 0, "weight"), 0), "indicator[0].weight: expected a number greater"),
    (_set(("indicator", 0, "weight"), "2"), "indicator[0].weight: expected a finite number"),
    (_set(("indicator", 0, "weight"), True), "indicator[0].weight: expected a finite number"),
    (_set(("indicator", 0, "source"), "rumour"), "indicator[0].source: expected one of"),
    (_delete(("indicator", 1, "standard")), "indicator[1].standard: required"),
    (_set(("indicator", 0, "code"), "Bad Code"), "indicator[0].code: 'Bad Code' must match"),
    (_set(("indicator", 2, "code"), "tile_energy"), "indicator[2].code: duplicate 'tile_energy'"),
    (_append_copy("indicator", 0), "indicator[3].code: duplicate 'body_waste_content'"),
    (_set(("indicator", 2, "declared_units"), []), "indicator[2].declared_units: expected"),
    (_set(("indicator", 2, "declared_units"), ["t", "t"]), "indicator[2].declared_units: dup"),
    (_set(("indicator", 0, "thresholds"), {}), "indicator[0].thresholds: expected at least"),
    (_set(("indicator", 0, "thresholds"), [5, 10, 20]), "indicator[0].thresholds: expected a tab"),
    (
        _set(("indicator", 1, "thresholds", "e_le_0_5"), [6.5, 4.9]),
        "indicator[1].thresholds.e_le_0_5: expected three numbers",
    ),
    (
        _set(("indicator", 1, "thresholds", "e_le_0_5"), [6.5, "4.9", 4.0]),
        "indicator[1].thresholds.e_le_0_5[1]: expected a finite number",
    ),
    (
        _set(("indicator", 1, "thresholds", "e_le_0_5"), [6.5, float("nan"), 4.0]),
        "indicator[1].thresholds.e_le_0_5[1]: expected a finite number",
    ),
    (
        _set(("indicator", 1, "thresholds", "e_le_0_5"), [4.0, 4.9, 6.5]),
        "indicator[1].thresholds.e_le_0_5: at_most thresholds must not increase",
    ),
    (
        _set(("indicator", 0, "thresholds", "default"), [20, 10, 5]),
        "indicator[0].thresholds.default: at_least thresholds must not decrease",
    ),
    (
        _set(("indicator", 1, "thresholds", "E-high"), [1, 1, 1]),
        "indicator[1].thresholds.E-high: variant codes must match",
    ),
    (
        _set(("indicator", 1, "thresholds", "default"), [6.5, 4.9, 4.0]),
        "indicator[1].thresholds: 'default' cannot be mixed",
    ),
    (
        _delete(("indicator", 2, "thresholds", "e_gt_10")),
        "indicator[2].thresholds: variants e_le_0_5 differ from e_le_0_5, e_gt_10 of indicator[1]",
    ),
    (
        _set(("indicator", 2, "thresholds", "e_0_5_10"), [14, 12.6, 11.2]),
        "indicator[2].thresholds: variants e_le_0_5, e_gt_10, e_0_5_10 differ",
    ),
    (_delete(("variant_attribute",)), "indicator[1].thresholds: only 'default' is allowed"),
    (
        lambda d: d["indicator"].__delitem__(slice(1, 3)) or d["prerequisite"].pop(),
        "variant_attribute: no indicator has thresholds by variant",
    ),
]


def test_minimal_criteria_are_valid():
    criteria = criteria_from_dict(MINIMAL)
    assert criteria.variants == ("e_le_0_5", "e_gt_10")
    assert criteria.indicator("tile_energy").thresholds_for("e_gt_10") == (4.5, 3.5, 3.2)


@pytest.mark.parametrize(("change", "message"), MALFORMED)
def test_malformed_criteria_name_the_field(change, message):
    data = copy.deepcopy(MINIMAL)
    change(data)
    with pytest.raises(CriteriaError) as excinfo:
        criteria_from_dict(data)
    assert str(excinfo.value).startswith(message), str(excinfo.value)


VALID_TOML = """
category = "lime"
version = "2026.1"
title_zh = "石灰"
title_en = "Lime"
basis = "test"

[[prerequisite]]
code = "no_eliminated_process"
name_zh = "无淘汰工艺"
name_en = "No eliminated process"
check = "reviewer"

[[indicator]]
code = "lime_energy"
group = "energy"
name_zh = "能耗"
name_en = "Energy"
unit = "kgce/t"
direction = "at_most"
weight = 3
source = "project"
thresholds = { default = [140, 125, 110] }
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('basis = "test"', "basis = ", "TOML syntax:"),
        ('version = "2026.1"', "version = 2026.1", "version: expected a string"),
        ("{ default = [140, 125, 110] }", "[140, 125, 110]", "indicator[0].thresholds: expected"),
        ("[140, 125, 110]", "[110, 125, 140]", "indicator[0].thresholds.default: at_most"),
        ("[140, 125, 110]", "[140, 125]", "indicator[0].thresholds.default: expected three"),
        ('check = "reviewer"', 'check = "reviewer"\nmax_age_months = 12', "prerequisite[0].max"),
        ("[[indicator]]", "[[indicators]]", "indicators: unknown key"),
    ],
)
def test_malformed_toml_text_names_the_field(old, new, message):
    assert parse_criteria(VALID_TOML).category == "lime"
    with pytest.raises(CriteriaError) as excinfo:
        parse_criteria(VALID_TOML.replace(old, new))
    assert str(excinfo.value).startswith(message), str(excinfo.value)


def test_error_is_a_value_error():
    assert issubclass(CriteriaError, ValueError)


def test_load_dir_names_the_file(tmp_path: Path):
    (tmp_path / "cement.toml").write_text(
        (SHIPPED_CRITERIA_DIR / "cement.toml")
        .read_text(encoding="utf-8")
        .replace("weight = 1", "weight = -1"),
        encoding="utf-8",
    )
    with pytest.raises(CriteriaError, match=r"^cement\.toml: indicator\[4\]\.weight:"):
        load_criteria_dir(tmp_path)


def test_load_dir_requires_the_file_name_to_match(tmp_path: Path):
    text = (SHIPPED_CRITERIA_DIR / "lime.toml").read_text(encoding="utf-8")
    (tmp_path / "quicklime.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"^quicklime\.toml: category: 'lime' does not match"):
        load_criteria_dir(tmp_path)


# -- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_shipped_criteria_round_trip_through_json(shipped, category):
    criteria = shipped[category]
    stored = json.dumps(criteria_to_dict(criteria), ensure_ascii=False)
    assert criteria_from_dict(json.loads(stored)) == criteria


def test_round_trip_keeps_the_toml_layout(shipped):
    with (SHIPPED_CRITERIA_DIR / "gypsum.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    assert criteria_to_dict(shipped["gypsum"]) == json.loads(json.dumps(raw))


_finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def _criteria_dicts(draw) -> dict:
    variants = draw(st.sampled_from([None, ("a", "b"), ("low", "mid", "high")]))
    indicators = []
    for i in range(draw(st.integers(1, 4))):
        direction = draw(st.sampled_from(["at_most", "at_least"]))
        keys = variants if variants and draw(st.booleans()) else ("default",)
        thresholds = {}
        for key in keys:
            triple = sorted(draw(st.lists(_finite, min_size=3, max_size=3)))
            thresholds[key] = triple[::-1] if direction == "at_most" else triple
        indicators.append(
            {"code": f"ind_{i}", "group": draw(st.sampled_from(["resource", "energy"])),
             "name_zh": "指标", "name_en": "Indicator", "unit": "%", "direction": direction,
             "weight": draw(st.floats(0.1, 10)), "source": "project",
             "thresholds": thresholds}
        )  # fmt: skip
    if variants and all("default" in ind["thresholds"] for ind in indicators):
        indicators[0]["thresholds"] = {k: indicators[0]["thresholds"]["default"] for k in variants}
    data = {
        "category": "test-cat",
        "version": draw(st.text("0123456789.", min_size=1, max_size=8)),
        "title_zh": "测试",
        "title_en": "Test",
        "basis": "test",
        "prerequisite": [{"code": "p", "name_zh": "甲", "name_en": "P", "check": "reviewer"}],
        "indicator": indicators,
    }
    if variants:
        data["variant_attribute"] = "klass"
    return data


@given(_criteria_dicts())
def test_any_valid_criteria_round_trip(data):
    criteria = criteria_from_dict(data)
    assert criteria_from_dict(json.loads(json.dumps(criteria_to_dict(criteria)))) == criteria
