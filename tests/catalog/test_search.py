"""Search: Chinese, English and mixed queries, facets, filters, sorts, highlights, hostile input."""

import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.models import Category, GwpProvenance, Product, ProductStatus
from catalog.rules import ProductInput
from catalog.search import rebuild_index
from catalog.search.fallback import database_search
from catalog.search.query import parse_query
from catalog.search.searcher import SearchIndex
from catalog.search.storage import IndexUnavailable
from catalog.services import create_product, publish_product, set_certification_summary
from tests import factories

TODAY = date.today()

# Valid indicator values per category (inside the plausible ranges of categories.toml).
INDICATORS = {
    "cement": factories.CEMENT_VALUES,
    "concrete": {"scm_recycled_content": 30.0, "strength_margin": 2.0},
    "flat-glass": {"weight_case_energy": 10.0, "cullet_content": 22.0},
    "aac-block": {"solid_waste_content": 72.0, "dry_density": 560.0},
    "gypsum": {"byproduct_gypsum_content": 96.0},
    "wood-bamboo": {"formaldehyde_emission": 0.02, "certified_forest_share": 92.0},
}
UNITS = {"cement": "t", "concrete": "m^3", "flat-glass": "t", "aac-block": "m^3",
         "gypsum": "m^2", "wood-bamboo": "m^3"}  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One product of the test catalogue."""

    key: str
    category: str
    division: str
    name_zh: str
    name_en: str
    model: str
    gwp: float
    cert: tuple[str, int, str, date] | None  # number, stars, status, valid until
    description: str = ""
    variant: str | None = None
    published: bool = True


LATER = TODAY + timedelta(days=900)
ITEMS = [
    Item("po425", "cement", "520100", "P·O 42.5 普通硅酸盐水泥",
         "P.O 42.5 ordinary Portland cement", "P·O 42.5", 655.0,
         ("GZGBM-2026-CEM-000012", 2, "valid", LATER), "以磷石膏替代天然石膏作缓凝剂。"),
    Item("pc325", "cement", "520400", "P·C 32.5R 复合硅酸盐水泥",
         "P.C 32.5R composite Portland cement", "P·C 32.5R", 700.0,
         ("GZGBM-2026-CEM-000013", 1, "valid", LATER)),
    Item("revoked", "cement", "520400", "矿渣硅酸盐水泥", "Portland slag cement", "P·S·A 32.5",
         690.0, ("GZGBM-2024-CEM-000002", 1, "revoked", LATER)),
    Item("aac", "aac-block", "522700", "磷石膏蒸压加气混凝土砌块", "phosphogypsum AAC block",
         "B06 A5.0", 180.0, ("GZGBM-2026-AAC-000001", 3, "valid", LATER),
         "以磷石膏、粉煤灰为主要原料，固废掺量超过 70%。"),
    Item("lowe", "flat-glass", "520300", "Low-E 镀膜玻璃", "low-E coated glass", "6+12A+6",
         1000.0, ("GZGBM-2025-GLS-000003", 2, "valid", LATER),
         "离线磁控溅射镀膜，用于门窗和幕墙。"),
    Item("float", "flat-glass", "520300", "超白浮法玻璃", "ultra-clear float glass", "6mm",
         1050.0, ("GZGBM-2025-GLS-000004", 1, "suspended", LATER)),
    Item("bamboo", "wood-bamboo", "520300", "竹集成材", "laminated bamboo lumber", "ENF 20mm",
         150.0, ("GZGBM-2026-WBB-000007", 3, "valid", LATER),
         "选用赤水毛竹，甲醛释放量达到 ENF 级。"),
    Item("board", "gypsum", "522700", "磷石膏纸面石膏板", "phosphogypsum plasterboard", "9.5mm",
         3.2, None),
    Item("c30", "concrete", "520100", "C30 预拌混凝土", "C30 ready-mix concrete", "C30", 280.0,
         ("GZGBM-2021-CON-000009", 2, "valid", TODAY - timedelta(days=1)), variant="le_c30"),
    Item("draft", "aac-block", "522700", "磷石膏砌块样品", "draft phosphogypsum block", "B06",
         190.0, None, published=False),
]  # fmt: skip


def make_catalogue(session: Session) -> dict[str, Product]:
    """Create the test catalogue through the services; return the products by key."""
    users = {}
    for division in sorted({item.division for item in ITEMS}):
        org = factories.make_organisation(
            session,
            division_code=division,
            name_zh=f"贵州测试建材有限公司{division}",
            name_en=f"Guizhou Test Materials {division}",
        )
        user = factories.make_user(session, org)
        users[division] = (user, factories.make_plant(session, user, division_code=division))
    products = {}
    for item in ITEMS:
        user, plant = users[item.division]
        category = factories.category(session, item.category)
        data = ProductInput(
            plant_id=plant.id,
            name_zh=item.name_zh,
            name_en=item.name_en,
            model_spec=item.model,
            description=item.description,
            declared_unit=UNITS[item.category],
            variant=item.variant,
            gwp_a1a3=item.gwp,
            gwp_provenance=GwpProvenance.SELF_DECLARED,
            indicator_values=dict(INDICATORS[item.category]),
        )
        product = create_product(session=session, actor=user, category_id=category.id, data=data)
        if item.published:
            publish_product(session=session, actor=user, product_id=product.id)
        if item.cert:
            number, stars, status, until = item.cert
            set_certification_summary(
                product.id,
                number=number,
                stars=stars,
                status=status,
                valid_until=until,
                session=session,
            )
        products[item.key] = product
    session.commit()
    return products


@pytest.fixture
def catalogue(session) -> dict[str, Product]:
    """Return the test catalogue's products by key."""
    return make_catalogue(session)


@pytest.fixture
def index_dir(app) -> Path:
    """Return the app's index directory."""
    return Path(app.config["SEARCH_INDEX_DIR"])


@pytest.fixture
def index(session, catalogue, index_dir) -> SearchIndex:
    """Return a search index over the catalogue, freshly rebuilt."""
    rebuild_index(index_dir, session=session)
    search_index = SearchIndex(index_dir)
    yield search_index
    search_index.close()


def keys(result, catalogue) -> set[str]:
    """Return the catalogue keys of the result's products."""
    by_id = {p.id: key for key, p in catalogue.items()}
    return {by_id[i] for i in result.ids}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("磷石膏 砌块", {"aac"}),
        ("磷石膏砌块", {"aac"}),
        ("磷石膏", {"po425", "aac"}),  # the board is uncertified, the draft unpublished
        ("P.O 42.5 水泥", {"po425"}),
        ("P·O 42.5", {"po425"}),
        ("p.o 42.5", {"po425"}),
        ('"P.O 42.5"', {"po425"}),
        ("PO 42.5", {"po425"}),
        ("42.5", {"po425"}),
        ("low-E glass", {"lowe"}),
        ("Low-E", {"lowe"}),
        ("low e", {"lowe"}),
        ("镀膜玻璃", {"lowe"}),
        ("玻璃", {"lowe"}),
        ("ENF 竹", {"bamboo"}),
        ("竹", {"bamboo"}),
        ("bamboo", {"bamboo"}),
        ("B06", {"aac"}),
        ("加气混凝土", {"aac"}),
        ("水泥", {"po425", "pc325"}),
        ("Portland cement", {"po425", "pc325"}),
        ("cements", {"po425", "pc325"}),
        ("GZGBM-2026-CEM-000012", {"po425"}),
        ("gzgbm-2026-cem-000012", {"po425"}),
        ("贵阳", {"po425"}),
        ("Zunyi glass", {"lowe"}),
        ("门窗 glass", {"lowe"}),
        ("水泥 glass", set()),
        ("nothing-like-this", set()),
    ],
)
def test_queries_find_the_right_products(index, catalogue, query, expected):
    assert keys(index.search(query), catalogue) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("磷石膏", {"po425", "aac", "board"}),
        ("glass", {"lowe", "float"}),
        ("C30", {"c30"}),
        ("cement", {"po425", "pc325", "revoked"}),
    ],
)
def test_include_uncertified_adds_lapsed_and_uncertified_products(
    index, catalogue, query, expected
):
    assert keys(index.search(query, include_uncertified=True), catalogue) == expected


def test_an_empty_query_lists_every_valid_product_newest_first(index, session, catalogue):
    result = index.search("")
    assert keys(result, catalogue) == {"po425", "pc325", "aac", "lowe", "bamboo"}
    published = {p.id: p.published_at for p in session.exec(select(Product)).all()}
    stamps = [published[i] for i in result.ids]
    assert stamps == sorted(stamps, reverse=True)


def _database_facets(session: Session, ids: set[int], include: dict) -> dict:
    """Count facets the slow way: load every published product and filter in Python."""
    rows = session.exec(
        select(Product, Category.code, Organisation.division_code)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .where(Product.status == ProductStatus.PUBLISHED)
    ).all()

    def status(p: Product) -> str:
        if p.cert_status == "valid" and p.cert_valid_until < TODAY:
            return "expired"
        return p.cert_status or "none"

    values = {
        p.id: {
            "category": code,
            "stars": str(p.cert_stars or ""),
            "division": division,
            "status": status(p),
        }  # fmt: skip
        for p, code, division in rows
        if p.id in ids
    }
    facets = {}
    for facet in ("category", "stars", "division", "status"):
        counted = Counter(
            v[facet]
            for v in values.values()
            if all(v[other] in wanted for other, wanted in include.items() if other != facet)
        )
        facets[facet] = {key: n for key, n in counted.items() if key}
    return facets


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("", {"status": ["valid", "suspended", "revoked", "expired", "none"]}),
        ("", {"category": ["cement"]}),
        ("", {"category": ["cement", "flat-glass"], "stars": ["1"]}),
        ("磷石膏", {"division": ["522700"], "status": ["valid", "none"]}),
        ("glass", {"status": ["suspended"]}),
    ],
)
def test_facet_counts_equal_what_the_database_says(index, session, catalogue, query, filters):
    everything = index.search(query, include_uncertified=True, per_page=100)
    include = dict(filters)
    include.setdefault("status", ["valid"])
    result = index.search(query, filters=filters)
    assert result.facets == _database_facets(session, set(everything.ids), include)
    assert result.facets == database_search(query, filters=filters, session=session).facets


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": ["cement"]}, {"po425", "pc325"}),
        ({"stars": ["3"]}, {"aac", "bamboo"}),
        ({"stars": ["2", "3"], "division": ["520300"]}, {"lowe", "bamboo"}),
        ({"division": ["522700"]}, {"aac"}),
        ({"status": ["suspended"]}, {"float"}),
        ({"status": ["expired"]}, {"c30"}),  # past its date, before the nightly job ran
        ({"status": ["none"]}, {"board"}),
        ({"gwp_min": ["200"], "gwp_max": ["700"]}, {"po425", "pc325"}),
        ({"gwp_max": ["not a number"]}, {"po425", "pc325", "aac", "lowe", "bamboo"}),
        ({"category": ["no-such-category"]}, set()),
    ],
)
def test_filters(index, session, catalogue, filters, expected):
    result = index.search("", filters=filters)
    assert keys(result, catalogue) == expected
    assert result.total == len(expected)
    fallback = database_search("", filters=filters, session=session)
    assert keys(fallback, catalogue) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("gwp", ["bamboo", "aac", "po425", "pc325", "lowe"]),
        ("-stars", ["bamboo", "aac", "po425", "lowe", "pc325"]),
    ],
)
def test_sorts(index, session, catalogue, sort, expected):
    by_id = {p.id: key for key, p in catalogue.items()}
    assert [by_id[i] for i in index.search("", sort=sort).ids] == expected
    assert [by_id[i] for i in database_search("", sort=sort, session=session).ids] == expected


def test_relevance_puts_name_hits_first(index, catalogue):
    # po425 mentions 磷石膏 only in its description; the block and the board in their names.
    result = index.search("磷石膏", include_uncertified=True)
    assert keys(result, catalogue) == {"po425", "aac", "board"}
    assert result.ids[-1] == catalogue["po425"].id


def test_pages(index, catalogue):
    first = index.search("", sort="gwp", per_page=2)
    second = index.search("", sort="gwp", per_page=2, page=2)
    third = index.search("", sort="gwp", per_page=2, page=3)
    beyond = index.search("", sort="gwp", per_page=2, page=9)
    assert first.total == second.total == 5
    assert len(first.ids + second.ids + third.ids) == 5
    assert set(first.ids + second.ids + third.ids) == set(index.search("", per_page=50).ids)
    assert beyond.ids == [] and beyond.total == 5


def test_highlights_mark_hits_and_escape_the_rest(index, session, catalogue, index_dir):
    result = index.search("磷石膏 砌块")
    assert result.highlights[catalogue["aac"].id] == (
        "<mark>磷石膏</mark>蒸压加气混凝土<mark>砌块</mark>"
    )
    product = catalogue["lowe"]
    product.name_zh = "Low-E <script>alert(1)</script> 镀膜玻璃 & 框"
    session.add(product)
    session.commit()
    rebuild_index(index_dir, session=session)
    snippet = index.search("镀膜玻璃").highlights[product.id]
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert "<mark>镀膜玻璃</mark>" in snippet


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        'P.O "42.5',
        "AND OR NOT",
        "水泥 AND",
        "( ) * ? : ~ ^",
        "glass~2 ce*ent ?lass title:水泥 ^3",
        "((((((((((",
        "\x00\x01\x1e\x7f 水泥 \u200b\ufeff",
        "水泥" * 500,
        "a " * 2000,
        '""',
        '"" "" "',
        "-",
        "%_%",
        "\\",
        "' OR 1=1 --",
        "😀 🧱",
        "ｐ．ｏ　４２．５",  # full-width forms fold to P.O 42.5
    ],
)
def test_hostile_queries_never_raise(index, session, query):
    result = index.search(query, include_uncertified=True)
    assert result.total >= 0
    fallback = database_search(query, include_uncertified=True, session=session)
    assert fallback.total >= 0


def test_full_width_query_folds(index, catalogue):
    assert keys(index.search("ｐ．ｏ　４２．５"), catalogue) == {"po425"}


def test_parse_query_degrades_to_terms():
    assert parse_query('"P.O 42.5" 水泥 AND ( low-E').terms == ("p.o", "42.5", "水泥", "low-e")
    assert parse_query('"P.O 42.5" 水泥').phrases == (("p.o", "42.5"),)
    assert parse_query('"unbalanced 水泥').phrases == ()
    assert parse_query("").empty and parse_query("***").empty
    assert len(parse_query("x" * 10_000 + " y").terms) <= 1


@pytest.mark.parametrize(
    "query", ["水泥", "glass", "磷石膏", "C30", "GZGBM-2026-CEM-000012", "ENF", "", "砌块"]
)
@pytest.mark.parametrize("include", [False, True])
def test_database_search_gives_the_index_ids(index, session, catalogue, query, include):
    found = index.search(query, sort="gwp", include_uncertified=include)
    fallback = database_search(query, sort="gwp", include_uncertified=include, session=session)
    assert fallback.ids == found.ids
    assert fallback.total == found.total


def test_single_filter_values_need_no_list(index, session, catalogue):
    filters = {"category": "cement", "gwp_min": 680, "stars": 1}
    assert keys(index.search("", filters=filters), catalogue) == {"pc325"}
    assert keys(database_search("", filters=filters, session=session), catalogue) == {"pc325"}


def test_unknown_filter_or_sort_is_a_programming_error(index, session):
    with pytest.raises(ValueError):
        index.search("水泥", filters={"colour": ["red"]})
    with pytest.raises(ValueError):
        database_search("水泥", sort="cheapest", session=session)


def test_missing_index_is_unavailable(tmp_path):
    with pytest.raises(IndexUnavailable):
        SearchIndex(tmp_path / "nowhere")


def test_index_path_that_is_a_file_is_unavailable(tmp_path):
    path = tmp_path / "index"
    path.write_text("not a directory")
    with pytest.raises(IndexUnavailable):
        SearchIndex(path)


def test_corrupt_index_is_unavailable(index, index_dir):
    generation = index_dir / (index_dir / "CURRENT").read_text()
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"\x80\x04garbage")
    with pytest.raises(IndexUnavailable):
        SearchIndex(index_dir)


def test_pointer_to_a_missing_generation_is_unavailable(index, index_dir):
    (index_dir / "CURRENT").write_text("gen-gone")
    with pytest.raises(IndexUnavailable):
        index.search("水泥")


def test_an_open_index_reports_deletion_and_recovers_after_rebuild(
    index, session, catalogue, index_dir
):
    assert keys(index.search("竹"), catalogue) == {"bamboo"}
    shutil.rmtree(index_dir)
    with pytest.raises(IndexUnavailable):
        index.search("竹")
    rebuild_index(index_dir, session=session)
    assert keys(index.search("竹"), catalogue) == {"bamboo"}
