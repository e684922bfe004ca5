"""Pure rules for a product's declared data: table-driven cases and properties."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import GwpProvenance
from catalog.rules import (
    PROVENANCE_RANK,
    CategorySpec,
    IndicatorSpec,
    ProductInput,
    check_product,
    epd_provenance,
    weaker_provenance,
)

TODAY = date(2026, 11, 24)
CEMENT = CategorySpec(
    code="cement",
    units=("t",),
    variants=(),
    gwp_min=100.0,
    gwp_max=1500.0,
    indicators=(
        IndicatorSpec("clinker_energy", "kgce/t", 60.0, 250.0),
        IndicatorSpec("solid_waste_content", "%", 0.0, 100.0),
    ),
)
TILE = replace(CEMENT, code="ceramic-tile", units=("m^2",), variants=("e_le_0_5", "e_gt_10"))
GOOD = ProductInput(
    plant_id=1,
    name_zh="水泥",
    declared_unit="t",
    gwp_a1a3=650.0,
    gwp_provenance="verified_epd",
    epd_programme_operator="EPD 平台",
    epd_registration_number="EPD-1",
    epd_verifier="黔东核查中心",
    epd_issue_date=date(2025, 1, 1),
    epd_valid_until=date(2029, 12, 31),
    indicator_values={"clinker_energy": 104.0, "solid_waste_content": 20.0},
)


def test_good_product_has_no_problems():
    assert check_product(CEMENT, GOOD, today=TODAY, complete=True) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name_zh": " "}, "name_zh", "name is required"),
        ({"declared_unit": "m^3"}, "declared_unit", "Use one of the category's units: t"),
        ({"gwp_a1a3": None}, "gwp_a1a3", "required"),
        ({"gwp_a1a3": 0.0}, "gwp_a1a3", "greater than 0"),
        ({"gwp_a1a3": -5.0}, "gwp_a1a3", "greater than 0"),
        ({"gwp_a1a3": 0.65}, "gwp_a1a3", "outside the plausible range 100–1500"),
        ({"gwp_a1a3": 650000.0}, "gwp_a1a3", "check the unit"),
        ({"gwp_provenance": "guess"}, "gwp_provenance", "Choose where"),
        ({"epd_issue_date": date(2026, 12, 1)}, "epd_issue_date", "future"),
        ({"epd_valid_until": date(2024, 1, 1)}, "epd_valid_until", "after its issue date"),
        ({"epd_valid_until": date(2025, 1, 1)}, "epd_valid_until", "after its issue date"),
        ({"epd_registration_number": ""}, "epd_registration_number", "verified EPD"),
        ({"epd_programme_operator": ""}, "epd_programme_operator", "verified EPD"),
        ({"variant": "e_le_0_5"}, "variant", "no classes"),
        (
            {"indicator_values": {"clinker_energy": 104.0, "solid_waste_content": 100.5}},
            "ind_solid_waste_content",
            "100.5 % is outside the plausible range 0–100 %",
        ),
        (
            {"indicator_values": {"clinker_energy": 104.0, "solid_waste_content": -1.0}},
            "ind_solid_waste_content",
            "outside the plausible range",
        ),
        (
            {"indicator_values": {"clinker_energy": 1040.0, "solid_waste_content": 20.0}},
            "ind_clinker_energy",
            "1040 kgce/t is outside",
        ),
        (
            {"indicator_values": {"clinker_energy": 104.0}},
            "ind_solid_waste_content",
            "required before publishing",
        ),
        (
            {"indicator_values": {**GOOD.indicator_values, "made_up": 1.0}},
            "ind_made_up",
            "not an indicator",
        ),
    ],
)
def test_each_problem_is_reported_on_its_field(changes, field, message):
    errors = check_product(CEMENT, replace(GOOD, **changes), today=TODAY, complete=True)
    assert list(errors) == [field]
    assert any(message in m for m in errors[field]), errors


def test_missing_indicators_are_allowed_in_a_draft():
    draft = replace(GOOD, indicator_values={})
    assert check_product(CEMENT, draft, today=TODAY, complete=False) == {}
    assert set(check_product(CEMENT, draft, today=TODAY, complete=True)) == {
        "ind_clinker_energy",
        "ind_solid_waste_content",
    }


@pytest.mark.parametrize(("variant", "ok"), [(None, False), ("e_gt_10", True), ("xx", False)])
def test_variant_must_be_one_of_the_category(variant, ok):
    product = replace(GOOD, declared_unit="m^2", variant=variant)
    assert ("variant" not in check_product(TILE, product, today=TODAY, complete=True)) is ok


def test_self_declared_gwp_needs_no_epd():
    product = replace(
        GOOD,
        gwp_provenance="self_declared",
        epd_programme_operator="",
        epd_registration_number="",
        epd_issue_date=None,
        epd_valid_until=None,
    )
    assert check_product(CEMENT, product, today=TODAY, complete=True) == {}


def test_several_problems_are_all_reported():
    bad = replace(GOOD, name_zh="", gwp_a1a3=0.0, epd_valid_until=date(2020, 1, 1))
    assert set(check_product(CEMENT, bad, today=TODAY, complete=True)) == {
        "name_zh",
        "gwp_a1a3",
        "epd_valid_until",
    }


@given(
    gwp=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    energy=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e4, max_value=1e4),
)
def test_values_are_accepted_exactly_within_their_ranges(gwp, energy):
    product = replace(
        GOOD, gwp_a1a3=gwp, indicator_values={**GOOD.indicator_values, "clinker_energy": energy}
    )
    errors = check_product(CEMENT, product, today=TODAY, complete=True)
    assert ("gwp_a1a3" in errors) == (not 100.0 <= gwp <= 1500.0)
    assert ("ind_clinker_energy" in errors) == (not 60.0 <= energy <= 250.0)


@given(
    issue=st.dates(min_value=date(2000, 1, 1), max_value=TODAY),
    days=st.integers(min_value=-4000, max_value=4000),
)
def test_epd_dates_must_run_forwards(issue, days):
    until = issue + timedelta(days=days)
    product = replace(GOOD, epd_issue_date=issue, epd_valid_until=until)
    errors = check_product(CEMENT, product, today=TODAY, complete=True)
    assert ("epd_valid_until" in errors) == (until <= issue)


# --- provenance of an EPD ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verifier", "registration", "provenance"),
    [
        ("黔东核查中心", "EPD-1", GwpProvenance.VERIFIED_EPD),
        ("黔东核查中心", "", GwpProvenance.VERIFIED_EPD_UNREGISTERED),
        ("黔东核查中心", "   ", GwpProvenance.VERIFIED_EPD_UNREGISTERED),
        ("", "EPD-1", GwpProvenance.SELF_DECLARED),
        (" ", "", GwpProvenance.SELF_DECLARED),
    ],
)
def test_epd_provenance_follows_verifier_and_registration(verifier, registration, provenance):
    assert epd_provenance(verifier=verifier, registration_number=registration) == provenance


@pytest.mark.parametrize(
    ("provenance", "missing"),
    [
        ("verified_epd", {"epd_verifier", "epd_registration_number"}),
        ("verified_epd_unregistered", {"epd_verifier"}),
        ("verified_lca", {"epd_verifier"}),
        ("self_declared", set()),
        ("default_factor", set()),
    ],
)
def test_what_each_provenance_must_state(provenance, missing):
    data = replace(GOOD, gwp_provenance=provenance, epd_verifier="", epd_registration_number="")
    errors = check_product(CEMENT, data, today=TODAY, complete=True)
    assert set(errors) == missing


@given(st.sampled_from(list(GwpProvenance)), st.sampled_from(list(GwpProvenance)))
def test_a_claim_never_raises_the_provenance(shown, claimed):
    result = weaker_provenance(shown, claimed)
    assert result in (shown, claimed)
    assert PROVENANCE_RANK.index(result) >= PROVENANCE_RANK.index(shown)
    assert PROVENANCE_RANK.index(result) >= PROVENANCE_RANK.index(claimed)
