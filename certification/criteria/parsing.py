"""Criteria files: the strict parser of the TOML layout and the shipped folder."""

import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from certification.criteria.model import (
    CHECKS,
    DEFAULT_VARIANT,
    DIRECTIONS,
    EVIDENCE_KINDS,
    GROUPS,
    SOURCES,
    Criteria,
    CriteriaError,
    IndicatorCriterion,
    PrerequisiteCriterion,
    Thresholds,
)
from greenbm.paths import SEEDS_DIR
from greenbm.untrusted import Unreadable, load_untrusted

SHIPPED_CRITERIA_DIR = SEEDS_DIR / "criteria"

_CATEGORY_CODE = re.compile(r"^[a-z][a-z0-9-]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


# -- validation helpers: each takes the path of the value it checks ---------------------------


def _fail(path: str, message: str) -> CriteriaError:
    return CriteriaError(f"{path}: {message}")


def _table(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(path, "expected a table")
    return value


def _keys(data: Mapping[str, Any], path: str, required: set[str], optional: set[str]) -> None:
    for key in data:
        if key not in required | optional:
            raise _fail(f"{path}.{key}" if path else key, "unknown key")
    for key in sorted(required):
        if data.get(key) is None:
            raise _fail(f"{path}.{key}" if path else key, "required")


def _text(value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "expected a non-empty string")
    if pattern is not None and not pattern.match(value):
        raise _fail(path, f"{value!r} must match {pattern.pattern}")
    return value


def _choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise _fail(path, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(path, "expected a finite number")
    return float(value)


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list | tuple) or not value:
        raise _fail(path, "expected a non-empty list")
    return list(value)


def _unique_texts(value: Any, path: str, pattern: re.Pattern[str] | None = None) -> tuple:
    items = tuple(_text(v, f"{path}[{i}]", pattern) for i, v in enumerate(_list(value, path)))
    if len(set(items)) != len(items):
        raise _fail(path, "duplicate entries")
    return items


# -- parsing ----------------------------------------------------------------------------------


def _prerequisite(data: Any, path: str, indicator_codes: set[str]) -> PrerequisiteCriterion:
    data = _table(data, path)
    optional = {"evidence_kind", "max_age_months", "limit_indicators"}
    _keys(data, path, {"code", "name_zh", "name_en", "check"}, optional)
    check = _choice(data["check"], f"{path}.check", CHECKS)
    for key in ("evidence_kind", "max_age_months"):
        if check != "evidence" and data.get(key) is not None:
            raise _fail(f"{path}.{key}", 'only allowed with check = "evidence"')
    if check != "data" and data.get("limit_indicators") is not None:
        raise _fail(f"{path}.limit_indicators", 'only allowed with check = "data"')
    kind = None
    if check == "evidence":
        if data.get("evidence_kind") is None:
            raise _fail(f"{path}.evidence_kind", 'required with check = "evidence"')
        kind = _choice(data["evidence_kind"], f"{path}.evidence_kind", EVIDENCE_KINDS)
    age = data.get("max_age_months")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age <= 0):
        raise _fail(f"{path}.max_age_months", "expected a positive whole number of months")
    limits: tuple[str, ...] = ()
    if data.get("limit_indicators") is not None:
        limits = _unique_texts(data["limit_indicators"], f"{path}.limit_indicators")
        for i, code in enumerate(limits):
            if code not in indicator_codes:
                raise _fail(f"{path}.limit_indicators[{i}]", f"no indicator {code!r}")
    return PrerequisiteCriterion(
        code=_text(data["code"], f"{path}.code", _CODE),
        name_zh=_text(data["name_zh"], f"{path}.name_zh"),
        name_en=_text(data["name_en"], f"{path}.name_en"),
        check=check,
        evidence_kind=kind,
        max_age_months=age,
        limit_indicators=limits,
    )


def _thresholds(value: Any, path: str, direction: str) -> dict[str, Thresholds]:
    table = _table(value, path)
    if not table:
        raise _fail(path, "expected at least one entry")
    result: dict[str, Thresholds] = {}
    for key, triple in table.items():
        where = f"{path}.{key}"
        if not isinstance(key, str) or not _CODE.match(key):
            raise _fail(where, f"variant codes must match {_CODE.pattern}")
        if not isinstance(triple, list | tuple) or len(triple) != 3:
            raise _fail(where, "expected three numbers [one star, two stars, three stars]")
        one, two, three = (_number(v, f"{where}[{i}]") for i, v in enumerate(triple))
        if direction == "at_most" and not one >= two >= three:
            raise _fail(where, "at_most thresholds must not increase (one ≥ two ≥ three)")
        if direction == "at_least" and not one <= two <= three:
            raise _fail(where, "at_least thresholds must not decrease (one ≤ two ≤ three)")
        result[key] = (one, two, three)
    if DEFAULT_VARIANT in result and len(result) > 1:
        raise _fail(path, f"{DEFAULT_VARIANT!r} cannot be mixed with variant keys")
    return result


def _indicator(data: Any, path: str) -> IndicatorCriterion:
    data = _table(data, path)
    required = {"code", "group", "name_zh", "name_en", "unit", "direction", "weight", "source"}
    _keys(data, path, required | {"thresholds"}, {"standard", "declared_units"})
    direction = _choice(data["direction"], f"{path}.direction", DIRECTIONS)
    source = _choice(data["source"], f"{path}.source", SOURCES)
    standard = data.get("standard")
    if source == "official" and standard is None:
        raise _fail(f"{path}.standard", 'required with source = "official"')
    weight = _number(data["weight"], f"{path}.weight")
    if weight <= 0:
        raise _fail(f"{path}.weight", "expected a number greater than 0")
    units: tuple[str, ...] = ()
    if data.get("declared_units") is not None:
        units = _unique_texts(data["declared_units"], f"{path}.declared_units")
    return IndicatorCriterion(
        code=_text(data["code"], f"{path}.code", _CODE),
        group=_choice(data["group"], f"{path}.group", GROUPS),
        name_zh=_text(data["name_zh"], f"{path}.name_zh"),
        name_en=_text(data["name_en"], f"{path}.name_en"),
        unit=_text(data["unit"], f"{path}.unit"),
        direction=direction,
        weight=weight,
        source=source,
        thresholds=_thresholds(data["thresholds"], f"{path}.thresholds", direction),
        standard=None if standard is None else _text(standard, f"{path}.standard"),
        declared_units=units,
    )


def _variants(indicators: tuple[IndicatorCriterion, ...], attribute: str | None) -> tuple:
    """Return the variant codes the indicators agree on, refusing any inconsistency."""
    variants: tuple[str, ...] = ()
    first = -1
    for i, ind in enumerate(indicators):
        if not ind.by_variant:
            continue
        path = f"indicator[{i}].thresholds"
        if attribute is None:
            raise _fail(path, f"only {DEFAULT_VARIANT!r} is allowed without a variant_attribute")
        keys = tuple(ind.thresholds)
        if first < 0:
            variants, first = keys, i
        elif set(keys) != set(variants):
            raise _fail(
                path,
                f"variants {', '.join(keys)} differ from {', '.join(variants)} "
                f"of indicator[{first}]",
            )
    if attribute is not None and not variants:
        raise _fail("variant_attribute", "no indicator has thresholds by variant")
    return variants


def _duplicates(codes: list[str], section: str) -> None:
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code in seen:
            raise _fail(
                f"{section}[{i}].code", f"duplicate {code!r} (also {section}[{seen[code]}])"
            )
        seen[code] = i


def criteria_from_dict(data: Mapping[str, Any]) -> Criteria:
    """Build criteria from their dict form (the TOML layout), validating every field."""
    data = _table(data, "criteria")
    required = {"category", "version", "title_zh", "title_en", "basis"}
    _keys(data, "", required | {"prerequisite", "indicator"}, {"variant_attribute"})
    raw_indicators = _list(data["indicator"], "indicator")
    indicators = tuple(_indicator(d, f"indicator[{i}]") for i, d in enumerate(raw_indicators))
    _duplicates([ind.code for ind in indicators], "indicator")
    codes = {ind.code for ind in indicators}
    raw_prerequisites = _list(data["prerequisite"], "prerequisite")
    prerequisites = tuple(
        _prerequisite(d, f"prerequisite[{i}]", codes) for i, d in enumerate(raw_prerequisites)
    )
    _duplicates([p.code for p in prerequisites], "prerequisite")
    attribute = data.get("variant_attribute")
    if attribute is not None:
        attribute = _text(attribute, "variant_attribute", _CODE)
    version = data["version"]
    if not isinstance(version, str):
        raise _fail("version", 'expected a string such as "2026.1"')
    return Criteria(
        category=_text(data["category"], "category", _CATEGORY_CODE),
        version=_text(version, "version"),
        title_zh=_text(data["title_zh"], "title_zh"),
        title_en=_text(data["title_en"], "title_en"),
        basis=_text(data["basis"], "basis"),
        prerequisites=prerequisites,
        indicators=indicators,
        variant_attribute=attribute,
        variants=_variants(indicators, attribute),
    )


def parse_criteria(text: str) -> Criteria:
    """Parse and validate one criteria file written in TOML (Unreadable: too deep, too long)."""
    try:
        data = load_untrusted(tomllib.loads, text)
    except tomllib.TOMLDecodeError as exc:
        raise CriteriaError(f"TOML syntax: {exc}") from None
    return criteria_from_dict(data)


def load_criteria_dir(path: str | Path) -> dict[str, Criteria]:
    """Load every `<category>.toml` in a folder, keyed by category code."""
    result: dict[str, Criteria] = {}
    for file in sorted(Path(path).glob("*.toml")):
        try:
            criteria = parse_criteria(file.read_text(encoding="utf-8"))
        except (CriteriaError, Unreadable) as exc:
            raise CriteriaError(f"{file.name}: {exc}") from None
        if criteria.category != file.stem:
            raise CriteriaError(
                f"{file.name}: category: {criteria.category!r} does not match the file name"
            )
        result[criteria.category] = criteria
    return result
