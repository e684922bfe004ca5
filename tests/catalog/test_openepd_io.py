"""Tests of openEPD import (with the checks openepd leaves out) and export."""

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openepd.model.epd import Epd

from catalog.openepd.reading import ImportedProduct, import_openepd
from catalog.openepd.writing import ExportProduct, export_openepd

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 6, 1)  # every valid sample EPD is in date on this day


def _import(raw: bytes, **options: Any) -> tuple[ImportedProduct | None, list[str]]:
    return import_openepd(raw, today=options.pop("today", TODAY), **options)


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def _cement(change: Callable[[dict[str, Any]], None]) -> bytes:
    doc = _load("epd_valid_cement.json")
    change(doc)
    return _bytes(doc)


def _gwp(doc: dict[str, Any]) -> dict[str, Any]:
    """Return the GWP A1-A3 the importer reads: EF 3.1 (EN 15804+A2) is preferred to AR5."""
    return doc["impacts"]["EF 3.1"]["gwp"]["A1A2A3"]


PRODUCT = ExportProduct(
    id=42,
    name_en="Qianzhong P·O 42.5 ordinary Portland cement",
    name_zh="黔中牌 P·O 42.5 普通硅酸盐水泥",
    description="Ordinary Portland cement made in Qingzhen, Guiyang.",
    model_spec="P·O 42.5",
    manufacturer_name="贵州黔中水泥有限公司",
    manufacturer_name_en="Guizhou Qianzhong Cement Co., Ltd.",
    manufacturer_credit_code="91520181MA6DK3XQ7J",
    plant_name="Qingzhen plant",
    plant_address="Zhanjie Town, Qingzhen, Guiyang, Guizhou",
    declared_unit="t",
    gwp_a1a3=680.0,
    gwp_provenance="verified_epd",
    epd_programme_operator="Guizhou Building Materials EPD Programme",
    epd_registration_number="GZBM-EPD-2024-0137",
    epd_issue_date=date(2024, 3, 15),
    epd_valid_until=date(2029, 3, 14),
    category_code="cement",
    epd_verifier="黔东第三方核查中心（虚构）",
    gwp_indicator="gwp",
    gwp_lcia_method="IPCC AR6",
)


def _round_trip(product: ExportProduct) -> tuple[ImportedProduct | None, list[str]]:
    text = json.dumps(export_openepd(product))
    Epd.model_validate(json.loads(text))
    return _import(
        text.encode(),
        category_units=[product.declared_unit],
        gwp_indicator=product.gwp_indicator,
        today=product.epd_issue_date or TODAY,
    )


# --- valid files ---------------------------------------------------------------------------


def test_valid_cement_file_imports():
    product, problems = _import((DATA / "epd_valid_cement.json").read_bytes(), category_units=["t"])
    assert problems == []
    assert product == ImportedProduct(
        name_en="Qianzhong P·O 42.5 ordinary Portland cement",
        name_zh="黔中牌 P·O 42.5 普通硅酸盐水泥",
        description=_load("epd_valid_cement.json")["product_description"],
        model_spec="P·O 42.5",
        declared_unit="t",
        gwp_a1a3=684.2,
        epd_programme_operator="Guizhou Building Materials EPD Programme (fictional)",
        epd_registration_number="GZBM-EPD-2024-0137",
        epd_issue_date=date(2024, 3, 15),
        epd_valid_until=date(2029, 3, 14),
        epd_verifier="Wang Li (fictional)",
        gwp_provenance="verified_epd",
        gwp_indicator="gwp",
        gwp_lcia_method="EF 3.1",
    )


@pytest.mark.parametrize(
    ("name", "category_units", "unit", "gwp"),
    [
        ("epd_valid_cement.json", ["t"], "t", 684.2),  # EF 3.1 preferred to IPCC AR5
        ("epd_valid_concrete.json", ["m^3"], "m^3", 310.2),  # declared in tCO2e
        ("epd_valid_tile.json", ["m^2"], "m^2", 12.5),  # declared per 10 m2
        ("epd_valid_tile.json", ["t", "m^2"], "m^2", 12.5),  # the compatible unit is chosen
    ],
)
def test_valid_files_import(name, category_units, unit, gwp):
    product, problems = _import((DATA / name).read_bytes(), category_units=category_units)
    assert problems == []
    assert product.declared_unit == unit
    assert product.gwp_a1a3 == pytest.approx(gwp)


def test_foreign_file_without_our_extension_has_no_chinese_name():
    product, _ = _import((DATA / "epd_valid_concrete.json").read_bytes(), category_units=["m^3"])
    assert product.name_zh is None
    assert product.model_spec == ""
    # "+08:00" dates keep their local calendar day
    assert product.epd_issue_date == date(2023, 11, 1)


# --- one problem at a time -----------------------------------------------------------------


def _delete(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        for key in path[:-1]:
            doc = doc[key]
        del doc[path[-1]]

    return change


def _set(value: Any, *path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        for key in path[:-1]:
            doc = doc[key]
        doc[path[-1]] = value

    return change


PROBLEMS = [
    (
        "bad json",
        b'{"product_name": ',
        "not valid JSON at line 1, column 18: a value was expected here",
    ),
    ("json array", b"[]", "must hold one JSON object, found an array"),
    ("json string", b'"openEPD"', "found a string"),
    ("not utf-8", b"\xff\xfe\xfa", "not UTF-8"),
    ("deep nesting", b"[" * 100_000, "nested too deeply"),
    (
        "pydantic: negative quantity",
        _cement(_set(-1, "declared_unit", "qty")),
        "Field declared_unit.qty must be at least 0.0, found -1.",
    ),
    (
        "pydantic: bad date",
        _cement(_set("next spring", "date_of_issue")),
        "Field date_of_issue must be a date such as 2024-03-15, found 'next spring'.",
    ),
    (
        "pydantic: bad GWP number",
        _cement(lambda d: _gwp(d).update(mean="lots")),
        "Field impacts.EF 3.1.gwp.A1A2A3.mean must be a number, found 'lots'.",
    ),
    (
        "pydantic: name too long",
        _cement(_set("x" * 201, "product_name")),
        "Field product_name is longer than 200 characters.",
    ),
    ("no issue date", _cement(_delete("date_of_issue")), "issue date (date_of_issue) is missing"),
    ("no expiry date", _cement(_delete("valid_until")), "expiry date (valid_until) is missing"),
    (
        "reversed dates",
        _cement(_set("2019-03-14T00:00:00Z", "valid_until")),
        "expiry date 2019-03-14 is not after the issue date 2024-03-15",
    ),
    (
        "same-day dates",
        _cement(_set("2024-03-15", "valid_until")),
        "expiry date 2024-03-15 is not after the issue date 2024-03-15",
    ),
    (
        "no declared unit",
        _cement(_delete("declared_unit")),
        "declared unit (declared_unit) is missing",
    ),
    (
        "m3 EPD for a t category",
        _cement(_set({"qty": 1, "unit": "m3"}, "declared_unit")),
        "Declared unit 1 m³ (volume) does not match the category unit t (mass).",
    ),
    (
        "unknown declared unit",
        _cement(_set({"qty": 1, "unit": "widget"}, "declared_unit")),
        "declared unit 1 widget is not a known unit",
    ),
    (
        "zero declared quantity",
        _cement(_set({"qty": 0, "unit": "t"}, "declared_unit")),
        "quantity above zero and a unit",
    ),
    ("no impacts", _cement(_delete("impacts")), "No GWP for modules A1-A3"),
    (
        "impacts without GWP A1-A3",
        _cement(_set({"EF 3.1": {"gwp": {"A4": {"mean": 3.0, "unit": "kgCO2e"}}}}, "impacts")),
        "No GWP for modules A1-A3",
    ),
    ("zero GWP", _cement(lambda d: _gwp(d).update(mean=0)), "GWP A1-A3 must be greater than zero"),
    (
        "negative GWP",
        _cement(lambda d: _gwp(d).update(mean=-12.5)),
        "must be greater than zero, found -12.5 kgCO2e",
    ),
    (
        "GWP in kg, not CO2e",
        _cement(lambda d: _gwp(d).update(unit="kg")),
        "GWP unit kg is not kgCO2e or convertible to it",
    ),
    ("GWP without unit", _cement(lambda d: _gwp(d).pop("unit")), "GWP unit (none)"),
    ("no name", _cement(_delete("product_name")), "product name (product_name) is missing"),
    ("blank name", _cement(_set("   ", "product_name")), "product name (product_name) is missing"),
]


@pytest.mark.parametrize(
    ("raw", "fragment"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS]
)
def test_each_problem_is_reported_once(raw, fragment):
    product, problems = _import(raw, category_units=["t"])
    assert product is None
    assert len(problems) == 1, problems
    assert fragment in problems[0]


def test_several_problems_are_all_listed():
    raw = (DATA / "epd_several_problems.json").read_bytes()
    product, problems = _import(raw, category_units=["t"])
    assert product is None
    assert problems == [
        "The product name (product_name) is missing.",
        "The expiry date 2020-01-09 is not after the issue date 2025-01-10.",
        "Declared unit 1 m³ (volume) does not match the category unit t (mass).",
        "No GWP for modules A1-A3 (impacts.<method>.gwp.A1A2A3) was found.",
    ]


def test_openepd_errors_and_our_checks_are_listed_together():
    def change(doc: dict[str, Any]) -> None:
        doc["date_of_issue"] = "soon"
        doc["product_service_life_years"] = 500
        del doc["valid_until"]
        doc["declared_unit"] = {"qty": 1, "unit": "m2"}
        _gwp(doc)["mean"] = -1

    product, problems = _import(_cement(change), category_units=["t"])
    assert product is None
    assert len(problems) == 5, problems
    assert problems[0].startswith("Field date_of_issue must be a date")
    assert problems[1].startswith("Field product_service_life_years must be at most")
    assert "valid_until" in problems[2]
    assert "m² (area)" in problems[3]
    assert "greater than zero" in problems[4]


def test_unit_mismatch_names_every_category_unit():
    raw = (DATA / "epd_valid_concrete.json").read_bytes()
    _, problems = _import(raw, category_units=["m^2", "t"])
    assert problems == [
        "Declared unit 1 m³ (volume) matches none of the category units m² (area), t (mass)."
    ]


# --- GWP per one category unit ---------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "category_unit", "gwp", "gwp_unit", "expected"),
    [
        ({"qty": 1, "unit": "t"}, "t", 680.0, "kgCO2e", 680.0),
        ({"qty": 1000, "unit": "kg"}, "t", 680.0, "kgCO2e", 680.0),
        ({"qty": 1, "unit": "kg"}, "t", 0.68, "kgCO2e", 680.0),
        ({"qty": 10, "unit": "m2"}, "m^2", 125.0, "kgCO2e", 12.5),
        ({"qty": 1, "unit": "m3"}, "m^3", 0.3102, "tCO2e", 310.2),
        ({"qty": 1, "unit": "t"}, "t", 680.0, "kg CO2-eq", 680.0),
        ({"qty": 50, "unit": "kg"}, "weight_case", 56.5, "kgCO2e", 56.5),
        ({"qty": 1, "unit": "item"}, "piece", 3.2, "kgCO2e", 3.2),
    ],
)
def test_gwp_is_converted_to_one_category_unit(declared, category_unit, gwp, gwp_unit, expected):
    def change(doc: dict[str, Any]) -> None:
        doc["declared_unit"] = declared
        _gwp(doc).update(mean=gwp, unit=gwp_unit)
        del doc["impacts"]["IPCC AR5"]

    product, problems = _import(_cement(change), category_units=[category_unit])
    assert problems == []
    assert product.declared_unit == category_unit
    assert product.gwp_a1a3 == pytest.approx(expected)


def _impacts(*methods: str, key: str = "gwp") -> dict[str, Any]:
    """Impacts with a GWP under each method, 600 + 10 x its position (to tell them apart)."""
    return {
        m: {key: {"A1A2A3": {"mean": 600.0 + 10 * i, "unit": "kgCO2e"}}}
        for i, m in enumerate(methods)
    }


@pytest.mark.parametrize(
    ("methods", "chosen"),
    [
        (("TRACI 2.1", "IPCC AR5"), "IPCC AR5"),
        (("TRACI 2.1", "EF 3.1", "IPCC AR6"), "EF 3.1"),
        (("IPCC AR5", "IPCC AR6"), "IPCC AR6"),
        (("IPCC AR5", "EF 3.0"), "EF 3.0"),
        (("TRACI 2.1", "CML 2016"), "CML 2016"),
        (("TRACI 2.1", "Unknown LCIA"), "Unknown LCIA"),
        (("CML 2001", "ReCiPe 2016"), "CML 2001"),  # equal rank: the document's order
        (("TRACI 2.1",), "TRACI 2.1"),
        (("EN 15804+A2", "EF 3.1"), "EN 15804+A2"),
    ],
)
def test_gwp_method_follows_the_stated_preference(methods, chosen):
    product, problems = _import(_cement(_set(_impacts(*methods), "impacts")), category_units=["t"])
    assert problems == []
    assert product.gwp_a1a3 == 600.0 + 10 * methods.index(chosen)
    assert product.gwp_lcia_method == ("" if chosen == "Unknown LCIA" else chosen)


def test_a_method_without_the_graded_gwp_is_skipped():
    impacts = {
        "EF 3.1": {"ap": {"A1A2A3": {"mean": 0.9, "unit": "molHe"}}},
        "TRACI 2.1": {"gwp": {"A1A2A3": {"mean": 700.0, "unit": "kgCO2e"}}},
    }
    product, problems = _import(_cement(_set(impacts, "impacts")), category_units=["t"])
    assert problems == []
    assert (product.gwp_a1a3, product.gwp_lcia_method) == (700.0, "TRACI 2.1")


def test_fossil_gwp_is_read_where_the_category_grades_it():
    impacts = {
        "EF 3.1": {
            "gwp": {"A1A2A3": {"mean": -120.0, "unit": "kgCO2e"}},  # biogenic carbon stored
            "gwp-fossil": {"A1A2A3": {"mean": 210.0, "unit": "kgCO2e"}},
        }
    }
    raw = _cement(_set(impacts, "impacts"))
    product, problems = _import(raw, category_units=["t"], gwp_indicator="gwp-fossil")
    assert problems == []
    assert (product.gwp_a1a3, product.gwp_indicator) == (210.0, "gwp-fossil")
    # Where the category grades total GWP, the same document's total is read (and refused).
    _, problems = _import(raw, category_units=["t"])
    assert problems == ["GWP A1-A3 must be greater than zero, found -120 kgCO2e."]


def test_fossil_gwp_is_never_replaced_by_the_total():
    product, problems = _import(
        _cement(lambda d: None), category_units=["t"], gwp_indicator="gwp-fossil"
    )
    assert product is None
    assert problems == [
        "This category grades fossil GWP, and no fossil GWP for modules A1-A3 "
        "(impacts.<method>.gwp-fossil.A1A2A3) was found."
    ]


# --- provenance and validity -------------------------------------------------------------

CEMENT_VERIFIER = "Wang Li (fictional)"


@pytest.mark.parametrize(
    ("verifier", "registration", "provenance"),
    [
        ({"third_party_verifier_name": CEMENT_VERIFIER}, "GZBM-1", "verified_epd"),
        ({"third_party_verifier": {"name": "黔东核查中心"}}, "GZBM-1", "verified_epd"),
        ({"third_party_verifier_email": "v@example.org"}, "GZBM-1", "verified_epd"),
        (
            {"third_party_verification_url": "https://example.org/v/1"},
            None,
            "verified_epd_unregistered",
        ),
        ({"third_party_verifier_name": CEMENT_VERIFIER}, None, "verified_epd_unregistered"),
        ({"third_party_verifier_name": CEMENT_VERIFIER}, "  ", "verified_epd_unregistered"),
        ({}, "GZBM-1", "self_declared"),
        ({}, None, "self_declared"),
        ({"third_party_verifier_name": "   "}, "GZBM-1", "self_declared"),
    ],
)
def test_provenance_follows_what_the_document_says(verifier, registration, provenance):
    def change(doc: dict[str, Any]) -> None:
        del doc["third_party_verifier_name"]
        doc.update(verifier)
        if registration is None:
            del doc["program_operator_doc_id"]
        else:
            doc["program_operator_doc_id"] = registration

    product, problems = _import(_cement(change), category_units=["t"])
    assert problems == []  # never refused for a missing registration
    assert product.gwp_provenance == provenance


@pytest.mark.parametrize(
    ("claimed", "read"),
    [
        ("verified_epd", "self_declared"),  # a claim above what the document shows is ignored
        ("verified_lca", "self_declared"),
        ("default_factor", "default_factor"),  # a lower claim is kept
        ("no such thing", "self_declared"),
    ],
)
def test_our_extension_can_lower_the_provenance_never_raise_it(claimed, read):
    def change(doc: dict[str, Any]) -> None:
        del doc["third_party_verifier_name"]
        doc["ext"]["greenbm"]["gwp_provenance"] = claimed

    product, problems = _import(_cement(change), category_units=["t"])
    assert problems == []
    assert product.gwp_provenance == read


@pytest.mark.parametrize(
    ("today", "refused"),
    [
        (date(2029, 3, 14), False),  # the last valid day
        (date(2029, 3, 15), True),
        (date(2035, 1, 1), True),
    ],
)
def test_an_expired_epd_is_refused_with_its_date(today, refused):
    product, problems = _import(_cement(lambda d: None), category_units=["t"], today=today)
    if refused:
        assert product is None
        assert problems == [
            "The EPD expired on 2029-03-14 (valid_until): an expired EPD cannot supply new "
            "data. Ask the programme for the current EPD."
        ]
    else:
        assert problems == []


def test_refusals_carry_no_parser_text():
    def change(doc: dict[str, Any]) -> None:
        doc["date_of_issue"] = "soon"
        doc["declared_unit"]["qty"] = "many"
        doc["product_name"] = ["a", "list"]
        doc["third_party_verification_url"] = "not a url"

    _, problems = _import(_cement(change), category_units=["t"])
    assert len(problems) == 4, problems
    for problem in problems:
        assert "Input should" not in problem and "pydantic" not in problem
        assert problem.startswith("Field ")


# --- export and round trip -------------------------------------------------------------


def test_export_is_valid_openepd_json():
    doc = export_openepd(PRODUCT)
    epd = Epd.model_validate(json.loads(json.dumps(doc)))
    assert doc["date_of_issue"] == "2024-03-15T00:00:00Z"
    assert epd.product_name == PRODUCT.name_en
    assert epd.manufacturer.alt_names == ["贵州黔中水泥有限公司"]
    assert epd.manufacturer.alt_ids == {"CN-USCC": "91520181MA6DK3XQ7J"}
    assert epd.plants[0].location.address == PRODUCT.plant_address
    assert epd.product_classes == {"greenbm": "cement"}
    assert epd.alt_ids == {"greenbm": "42"}
    assert epd.ext["greenbm"]["gwp_provenance"] == "verified_epd"


@pytest.mark.parametrize("unit", ["t", "m^3", "m^2", "weight_case", "piece"])
def test_round_trip_keeps_the_product(unit):
    product = replace(PRODUCT, declared_unit=unit)
    imported, problems = _round_trip(product)
    assert problems == []
    assert imported == ImportedProduct(
        name_en=product.name_en,
        name_zh=product.name_zh,
        description=product.description,
        model_spec=product.model_spec,
        declared_unit=unit,
        gwp_a1a3=pytest.approx(product.gwp_a1a3),
        epd_programme_operator=product.epd_programme_operator,
        epd_registration_number=product.epd_registration_number,
        epd_issue_date=product.epd_issue_date,
        epd_valid_until=product.epd_valid_until,
        epd_verifier=product.epd_verifier,
        gwp_provenance=product.gwp_provenance,
        gwp_indicator=product.gwp_indicator,
        gwp_lcia_method=product.gwp_lcia_method,
    )


@pytest.mark.parametrize(
    ("provenance", "verifier", "registration", "dates"),
    [
        ("verified_epd", "黔东核查中心", "GZ-1", True),
        ("verified_epd_unregistered", "黔东核查中心", None, True),
        ("verified_lca", "黔东核查中心", None, False),
        ("self_declared", "", None, False),
        ("self_declared", "", None, True),
        ("default_factor", "", None, False),
    ],
)
@pytest.mark.parametrize(("indicator", "method"), [("gwp", ""), ("gwp-fossil", "EF 3.1")])
def test_round_trip_keeps_provenance_indicator_and_method(
    provenance, verifier, registration, dates, indicator, method
):
    product = replace(
        PRODUCT,
        gwp_provenance=provenance,
        epd_verifier=verifier,
        epd_programme_operator="平台" if registration else None,
        epd_registration_number=registration,
        epd_issue_date=PRODUCT.epd_issue_date if dates else None,
        epd_valid_until=PRODUCT.epd_valid_until if dates else None,
        gwp_indicator=indicator,
        gwp_lcia_method=method,
    )
    imported, problems = _round_trip(product)
    assert problems == []
    assert (
        imported.gwp_provenance,
        imported.epd_verifier,
        imported.epd_registration_number,
        imported.epd_issue_date,
        imported.gwp_indicator,
        imported.gwp_lcia_method,
    ) == (provenance, verifier, registration or "", product.epd_issue_date, indicator, method)


def test_round_trip_prefers_the_exported_unit_among_alternatives():
    text = json.dumps(export_openepd(replace(PRODUCT, declared_unit="weight_case", gwp_a1a3=56.5)))
    imported, _ = _import(text.encode(), category_units=["t", "weight_case"])
    assert imported.declared_unit == "weight_case"
    assert imported.gwp_a1a3 == pytest.approx(56.5)


def test_self_declared_product_exports_without_epd_fields():
    product = replace(
        PRODUCT,
        gwp_provenance="self_declared",
        epd_programme_operator=None,
        epd_registration_number=None,
        epd_issue_date=None,
        epd_valid_until=None,
        epd_verifier="",
    )
    doc = export_openepd(product)
    Epd.model_validate(json.loads(json.dumps(doc)))
    assert not {"date_of_issue", "valid_until", "program_operator"} & doc.keys()
    # Self-declared data needs no dates; a verified EPD does.
    imported, problems = _import(_bytes(doc), category_units=["t"])
    assert problems == [] and imported.gwp_provenance == "self_declared"
    doc["third_party_verifier"] = {"name": "黔东核查中心"}
    del doc["ext"]["greenbm"]["gwp_provenance"]  # else its lower claim would stand
    _, problems = _import(_bytes(doc), category_units=["t"])
    assert problems == [
        "The issue date (date_of_issue) is missing.",
        "The expiry date (valid_until) is missing.",
    ]


def test_export_without_english_name_uses_the_chinese_one():
    doc = export_openepd(replace(PRODUCT, name_en="", manufacturer_name_en=None))
    assert doc["product_name"] == PRODUCT.name_zh
    assert doc["manufacturer"] == {
        "name": PRODUCT.manufacturer_name,
        "alt_ids": {"CN-USCC": "91520181MA6DK3XQ7J"},
    }


def test_export_clips_a_long_description_to_the_openepd_limit():
    doc = export_openepd(replace(PRODUCT, description="水泥" * 1500))
    epd = Epd.model_validate(doc)
    assert len(epd.product_description) == 2000


def test_export_does_not_change_the_input():
    before = copy.deepcopy(PRODUCT)
    export_openepd(PRODUCT)
    assert before == PRODUCT


@settings(max_examples=200, deadline=None, database=None)
@given(
    gwp=st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False),
    issued=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    days=st.integers(min_value=1, max_value=3653),
    unit=st.sampled_from(["t", "m^3", "m^2", "weight_case", "piece"]),
)
def test_round_trip_property(gwp, issued, days, unit):
    product = replace(
        PRODUCT,
        declared_unit=unit,
        gwp_a1a3=gwp,
        epd_issue_date=issued,
        epd_valid_until=issued + timedelta(days=days),
    )
    imported, problems = _round_trip(product)
    assert problems == []
    assert imported.gwp_a1a3 == pytest.approx(gwp, rel=1e-12)
    assert imported.declared_unit == unit
    assert (imported.epd_issue_date, imported.epd_valid_until) == (
        product.epd_issue_date,
        product.epd_valid_until,
    )
