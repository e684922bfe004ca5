"""Units of measure: parsing, compatibility, conversion and display, all through pint."""

import functools
import re

import pint
from flask_babel import gettext as _

# "kg CO2-eq", "t CO2e" (as EPDs print them) -> "kgCO2e", "tCO2e".
_CO2E = re.compile(r"\b(k?g|t)\s*CO2\s*-?\s*(?:eq|e)\b\.?")
# "m3", "m²" (openEPD and hand-typed styles) -> "m**3"; "kgCO2e" is left alone.
_TRAILING_POWER = re.compile(r"(?<=[A-Za-z])([23])\b")
_SUPERSCRIPTS = {"²": "**2", "³": "**3"}


def _normalise(text: str) -> str:
    for char, power in _SUPERSCRIPTS.items():
        text = text.replace(char, power)
    return _TRAILING_POWER.sub(r"**\1", _CO2E.sub(r"\1CO2e", text))


ureg = pint.UnitRegistry(preprocessors=[_normalise])
ureg.define("kgce = 29.3076 * megajoule = _ = kilogram_coal_equivalent")
ureg.define("tce = 1000 * kgce = _ = tonne_coal_equivalent")
ureg.define("weight_case = 50 * kilogram")
ureg.define("piece = [piece] = pcs = item")
ureg.define("kgCO2e = [co2e] = _ = kgCO2eq = kg_CO2e")
ureg.define("tCO2e = 1000 * kgCO2e = _ = tCO2eq = t_CO2e")
ureg.define("gCO2e = 0.001 * kgCO2e = _ = gCO2eq = g_CO2e")


def parse_unit(text: str) -> pint.Unit:
    """Return the pint unit for text such as "t", "m^3", "m3" or "kgce/t"; ValueError if unknown."""
    if not text or not text.strip():
        raise ValueError("A unit is required, got an empty string.")
    try:
        return ureg.parse_units(text.strip())
    except Exception as exc:  # pint raises several unrelated exception types for bad input
        raise ValueError(f"Unknown unit {text!r}.") from exc


def units_compatible(a: str, b: str) -> bool:
    """Return whether both units measure the same kind of quantity; ValueError if one is unknown."""
    return parse_unit(a).dimensionality == parse_unit(b).dimensionality


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Return how many to_unit make one from_unit ("t", "kg" -> 1000.0); ValueError if unlike."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(ureg.Quantity(1, source).to(target).magnitude)
    except pint.DimensionalityError as exc:
        raise ValueError(f"Cannot convert {from_unit!r} to {to_unit!r}.") from exc


def dimension_name(text: str) -> str:
    """Return the kind of quantity a unit measures, for messages ("m^3" -> "volume")."""
    dimensionality = str(parse_unit(text).dimensionality)
    names = {
        "[mass]": _("mass"),
        "[length] ** 3": _("volume"),
        "[length] ** 2": _("area"),
        "[length]": _("length"),
        "[mass] * [length] ** 2 / [time] ** 2": _("energy"),
        "[piece]": _("count"),
        "[co2e]": _("CO2 equivalent"),
        "dimensionless": _("ratio"),
    }
    return names.get(dimensionality, dimensionality)


@functools.lru_cache(maxsize=1024)
def format_unit(text: str) -> str:
    """Return a unit for display: "m^3" -> "m³", "kgce/weight_case" -> "kgce/weight case"."""
    shown = re.sub(r"\s*\*\*\s*|\^", "^", _normalise(text.strip()))
    shown = shown.replace("^2", "²").replace("^3", "³")
    return re.sub(r"\s*\*\s*", "·", shown).replace("_", " ")


def to_openepd_unit(text: str) -> tuple[float, str]:
    """Return one unit as openEPD qty and unit: "m^3" -> (1, "m3"), "weight_case" -> (50, "kg")."""
    unit = parse_unit(text)
    if unit == ureg.weight_case:
        return conversion_factor(text, "kg"), "kg"
    if unit == ureg.piece:
        return 1.0, "item"
    return 1.0, f"{unit:~C}".replace("**", "")
