"""Tests of unit parsing, compatibility, conversion and display."""

import tomllib

import pytest

from catalog.units import (
    conversion_factor,
    dimension_name,
    format_unit,
    parse_unit,
    to_openepd_unit,
    units_compatible,
)
from greenbm.paths import SEEDS_DIR

CATEGORIES = SEEDS_DIR / "categories.toml"


def _seed_units() -> list[str]:
    data = tomllib.loads(CATEGORIES.read_text(encoding="utf-8"))
    found = set()
    for category in data["category"]:
        found.add(category["declared_unit"])
        found.update(category.get("alternative_units", []))
        found.update(indicator["unit"] for indicator in category.get("indicator", []))
    return sorted(found)


@pytest.mark.parametrize("text", _seed_units())
def test_every_unit_of_the_seed_categories_parses(text):
    parse_unit(text)


@pytest.mark.parametrize(
    "text",
    ["t", "m^3", "m3", "m³", "m^2", "m2", "kgce/weight_case", "piece", "item", "kgCO2e", "tCO2e"],
)
def test_parse_unit_accepts(text):
    parse_unit(text)


@pytest.mark.parametrize("text", ["", "   ", "furlong-ish", "kg/", "((", "1000 kg", "kg CO2"])
def test_parse_unit_rejects_with_value_error(text):
    with pytest.raises(ValueError, match="unit"):
        parse_unit(text)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("t", "kg", True),
        ("t", "weight_case", True),
        ("m^3", "m3", True),
        ("m^3", "L", True),
        ("m^2", "m2", True),
        ("t", "m^3", False),
        ("m^2", "m^3", False),
        ("kgCO2e", "kg", False),
        ("kgCO2e", "tCO2e", True),
        ("kg CO2-eq", "kgCO2e", True),
        ("piece", "%", False),
        ("kgce/t", "kgce/weight_case", True),
        ("kgce/t", "kgce/m^2", False),
    ],
)
def test_units_compatible(a, b, expected):
    assert units_compatible(a, b) is expected


def test_units_compatible_rejects_unknown_units():
    with pytest.raises(ValueError):
        units_compatible("t", "widgets")


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("t", "kg", 1000.0),
        ("kg", "t", 0.001),
        ("weight_case", "kg", 50.0),
        ("kgce/weight_case", "kgce/t", 20.0),
        ("kgce", "MJ", 29.3076),
        ("tce", "kgce", 1000.0),
        ("tCO2e", "kgCO2e", 1000.0),
        ("gCO2e", "kgCO2e", 0.001),
        ("m3", "m^3", 1.0),
        ("L", "m^3", 0.001),
        ("mm", "m", 0.001),
        ("%", "dimensionless", 0.01),
    ],
)
def test_conversion_factor(source, target, factor):
    assert conversion_factor(source, target) == pytest.approx(factor)


@pytest.mark.parametrize(("source", "target"), [("kgCO2e", "kg"), ("m^3", "t"), ("piece", "m^2")])
def test_conversion_factor_refuses_unlike_units(source, target):
    with pytest.raises(ValueError, match="Cannot convert"):
        conversion_factor(source, target)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("m^3", "m³"),
        ("m^2", "m²"),
        ("m3", "m³"),
        ("t", "t"),
        ("kgce/weight_case", "kgce/weight case"),
        ("kgce/m^2", "kgce/m²"),
        ("%", "%"),
        ("kg/m^3", "kg/m³"),
        ("mg/m^3", "mg/m³"),
        ("L", "L"),
        ("MPa", "MPa"),
        ("kgCO2e", "kgCO2e"),
        ("m**2 * K/W", "m²·K/W"),
    ],
)
def test_format_unit(text, shown):
    assert format_unit(text) == shown


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("t", "mass"),
        ("m^3", "volume"),
        ("m2", "area"),
        ("piece", "count"),
        ("kgCO2e", "CO2 equivalent"),
    ],
)
def test_dimension_name(text, kind):
    assert dimension_name(text) == kind


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("t", (1.0, "t")),
        ("m^3", (1.0, "m3")),
        ("m^2", (1.0, "m2")),
        ("piece", (1.0, "item")),
        ("weight_case", (50.0, "kg")),
    ],
)
def test_to_openepd_unit(text, amount):
    assert to_openepd_unit(text) == amount
    assert units_compatible(amount[1], text)
