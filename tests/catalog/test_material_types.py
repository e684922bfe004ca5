"""Every material type a project buys: the category data file, its sources, certificate-only."""

import tomllib

import pytest
from sqlmodel import select

from catalog.categories import find_category
from catalog.models import Category, ProcurementClass
from catalog.units import parse_unit
from certification.criteria.parsing import SHIPPED_CRITERIA_DIR
from greenbm.paths import SEEDS_DIR

DATA = tomllib.loads((SEEDS_DIR / "categories.toml").read_text(encoding="utf-8"))
CATEGORIES = DATA["category"]
IDS = [c["code"] for c in CATEGORIES]


def test_the_data_file_names_each_source_it_cites():
    for key, source in DATA["source"].items():
        assert source["short"].strip() and source["title"].strip(), key
        assert source["seen_at"].strip(), key


@pytest.mark.parametrize("item", CATEGORIES, ids=IDS)
def test_every_category_has_a_source_and_a_procurement_class_with_its_source(item):
    assert item["source"]["ref"] in DATA["source"]
    assert item["source"]["item"].strip()
    assert item["procurement_class"] in {c.value for c in ProcurementClass}
    assert item["procurement_class_source"].strip()
    assert item["name_zh"].strip() and item["name_en"].strip()
    parse_unit(item["declared_unit"])
    low, high = item["gwp_plausible"]
    assert 0 < low < high


@pytest.mark.parametrize("item", CATEGORIES, ids=IDS)
def test_own_criteria_exactly_where_a_criteria_file_exists(item):
    has_file = (SHIPPED_CRITERIA_DIR / f"{item['code']}.toml").exists()
    assert item.get("own_criteria", True) == has_file


@pytest.mark.parametrize("item", [c for c in CATEGORIES if c.get("own_criteria", True)], ids=str)
def test_the_gwp_a_category_reads_is_the_one_its_criteria_grade(item):
    criteria = tomllib.loads(
        (SHIPPED_CRITERIA_DIR / f"{item['code']}.toml").read_text(encoding="utf-8")
    )
    gwp = [i for i in criteria["indicator"] if i["code"] == "gwp"]
    fossil = any("fossil" in i["name_en"].lower() for i in gwp)
    assert item.get("gwp_indicator", "gwp") == ("gwp-fossil" if fossil else "gwp")


def test_certificate_only_types_carry_no_invented_official_figure():
    for item in CATEGORIES:
        if not item.get("own_criteria", True):
            assert "gwp_reference" not in item and "indicator" not in item, item["code"]


# The kinds of product the issue names, each with at least one type of the catalogue.
KINDS = {
    "structure": {"concrete", "precast-component", "steel-component", "ready-mix-mortar"},
    "envelope": {"fired-brick", "aac-block", "curtain-wall", "energy-saving-glass"},
    "finishes": {"ceramic-tile", "gypsum", "ceiling-system", "inorganic-board", "stone"},
    "waterproofing and sealing": {"waterproof-membrane", "waterproof-coating", "sealant"},
    "pipes": {"plastic-pipe", "valve"},
    "doors and windows": {"window-door", "steel-entrance-door"},
    "insulation": {"insulation-system"},
    "paints": {"wall-paint", "reflective-coating"},
    "equipment": {"air-source-heat-pump", "fresh-air-system", "led-lighting"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_a_project_buys_is_there(kind):
    assert KINDS[kind] <= set(IDS)


def test_loaded_categories_match_the_file(session):
    rows = {c.code: c for c in session.exec(select(Category)).all()}
    assert set(rows) == set(IDS)
    for item in CATEGORIES:
        row = rows[item["code"]]
        assert row.source.endswith(item["source"]["item"])
        assert row.certificate_only == (not item.get("own_criteria", True))
        assert row.gwp_indicator == item.get("gwp_indicator", "gwp")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("wall-paint", "wall-paint"),
        ("  Wall-Paint ", "wall-paint"),
        ("墙面涂料", "wall-paint"),
        ("wall paints", "wall-paint"),
        ("WALL PAINTS", "wall-paint"),
        ("水泥", "cement"),
        ("涂料", None),
        ("", None),
        ("   ", None),
    ],
)
def test_find_category_by_code_or_name(session, text, code):
    found = find_category(text, session=session)
    assert (found.code if found else None) == code
