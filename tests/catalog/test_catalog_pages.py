"""The public catalogue pages: search with facets, product pages, public EPDs, comparison."""

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event
from sqlmodel import select

from accounts.models import Organisation
from catalog.evidence import store_evidence
from catalog.models import Category, Product, ProductStatus
from catalog.search import close_search_indexes, rebuild_index
from catalog.signals import product_assessment_requested
from tests import factories
from tests.catalog.catalogue_data import ITEMS, Catalogue, make_catalogue

PUBLISHED = [item for item in ITEMS if item.published]
VALID = {"cem640", "cem700", "c30a", "c30b", "c40", "board", "binder"}


class Page(HTMLParser):
    """What the tests read from a page: texts by data-testid, listed products, facets, links."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html
        self.texts: dict[str, str] = {}
        self.products: list[int] = []
        self.row_classes: dict[int, str] = {}
        self.facets: dict[str, int] = {}
        self.links: dict[str, str] = {}
        self._open: list[tuple[str, str, list[str]]] = []  # (tag, key, text parts)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-product" in attrs:
            pid = int(attrs["data-product"])
            self.products.append(pid)
            self.row_classes[pid] = attrs.get("class", "")
        key = attrs.get("data-testid") or (
            "facet:" + attrs["data-facet-value"] if "data-facet-value" in attrs else None
        )
        if tag == "a" and key is None:
            key = "link:" + attrs.get("href", "")
        if key and tag not in ("input", "br", "link", "meta"):
            self._open.append((tag, key, []))
            if tag == "a":
                self.links.setdefault(key, attrs.get("href", ""))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                _tag, key, parts = self._open.pop(i)
                text = " ".join("".join(parts).split())
                if key.startswith("facet:"):
                    self.facets[key[6:]] = int(text.split()[-1])
                elif key.startswith("link:"):
                    self.links[text] = key[5:]
                else:
                    self.texts.setdefault(key, text)
                break

    def handle_data(self, data):
        for _tag, _key, parts in self._open:
            parts.append(data)

    def svg(self) -> ET.Element:
        """Return the page's chart, parsed as XML."""
        match = re.search(r"<svg class=\"gwp-chart\".*?</svg>", self.html, re.S)
        return ET.fromstring(match.group(0))


def get(client, url: str, status: int = 200) -> Page:
    """Fetch a page, check its status and parse it."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return Page(response.get_data(as_text=True))


@pytest.fixture(autouse=True)
def _close_indexes(app):
    yield
    close_search_indexes(app)


@pytest.fixture
def catalogue(session) -> Catalogue:
    return make_catalogue(session)


@pytest.fixture
def index(app, session, catalogue) -> Catalogue:
    """Return the catalogue with its search index built."""
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    return catalogue


def keys(catalogue: Catalogue, ids: list[int]) -> list[str]:
    by_id = {p.id: key for key, p in catalogue.products.items()}
    return [by_id[i] for i in ids]


# --- search ---------------------------------------------------------------------------------


def test_default_lists_only_valid_certificates(client, index):
    page = get(client, "/catalog")
    assert set(keys(index, page.products)) == VALID
    assert "reduced-mode" not in page.texts
    assert page.texts["total"].startswith("7 products")
    # Hidden: the uncertified 600, the expired 655 and the suspended 720.
    assert page.texts["hidden-count"] == "+3"
    assert page.texts["uncertified-switch"].startswith("Include uncertified and lapsed")


def test_switch_includes_uncertified_and_lapsed_products_clearly_marked(client, index):
    page = get(client, "/catalog?uncertified=1")
    assert set(keys(index, page.products)) == {item.key for item in PUBLISHED}
    expected = {"cem600": "Not certified", "cem655": "Certificate expired",
                "cem720": "Certificate suspended", "cem640": "Valid certificate"}  # fmt: skip
    html = page.html
    for key, label in expected.items():
        pid = index.id(key)
        assert ("not-valid" in page.row_classes[pid]) == (key != "cem640")
        row = html[html.index(f'data-product="{pid}"') :].split("</tr>")[0]
        assert label in row
    # The status facet is offered once the switch is on.
    assert page.facets["status:none"] == 1 and page.facets["status:expired"] == 1


def test_facet_counts_equal_what_the_database_says(client, index, session):
    page = get(client, "/catalog?uncertified=1")
    published = (
        select(Category.code, Organisation.division_code, Product.cert_stars)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .where(Product.status == ProductStatus.PUBLISHED)
    )
    expected: Counter[str] = Counter()
    for category, division, stars in session.exec(published).all():
        expected.update([f"category:{category}", f"division:{division}"])
        if stars:
            expected[f"stars:{stars}"] += 1
    shown = {k: v for k, v in page.facets.items() if not k.startswith("status:")}
    assert shown == dict(expected)
    assert page.facets["status:valid"] == 7 and page.facets["status:suspended"] == 1


def test_facets_count_over_the_other_filters(client, index):
    page = get(client, "/catalog?category=cement")
    assert set(keys(index, page.products)) == {"cem640", "cem700"}
    # The category facet ignores its own filter; the others follow it.
    assert page.facets["category:concrete"] == 3
    assert page.facets["division:520400"] == 1 and page.facets["division:520100"] == 1
    assert "division:522700" not in page.facets


def test_two_facets_and_pagination_keep_every_filter(app, client, index):
    app.config["PAGE_SIZE"] = 2
    url = "/catalog?category=cement&uncertified=1&sort=gwp"
    first = get(client, url)
    assert keys(index, first.products) == ["cem600", "cem640"]
    next_url = first.links["Next →"]
    params = parse_qs(urlsplit(next_url).query)
    assert params == {"category": ["cement"], "uncertified": ["1"], "sort": ["gwp"], "page": ["2"]}
    second = get(client, next_url)
    assert keys(index, second.products) == ["cem655", "cem700"]
    assert "Page 2 of 3" in second.html

    narrowed = get(client, "/catalog?category=cement&division=520400&uncertified=1&sort=gwp")
    assert keys(index, narrowed.products) == ["cem600", "cem700"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-stars", ["board", "binder", "c30a", "cem640", "c30b", "c40", "cem700"]),
    ],
)
def test_sorts(client, index, sort, expected):
    assert keys(index, get(client, f"/catalog?sort={sort}").products) == expected


@pytest.mark.parametrize("query", ["", "&category=gypsum", "&category=cement&category=lime"])
def test_gwp_sort_needs_one_category_with_one_unit(client, index, query):
    # Per t, per m² and per m³ cannot be ranked against each other: no GWP order, and why.
    page = get(client, f"/catalog?sort=gwp{query}")
    default = get(client, f"/catalog?sort=relevance{query}")
    assert keys(index, page.products) == keys(index, default.products)
    assert "by GWP" in page.texts["gwp-sort-note"]
    assert 'data-testid="gwp-sort-off"' in page.html


def test_gwp_sort_within_one_category_says_its_unit(client, index):
    page = get(client, "/catalog?sort=gwp&category=cement&uncertified=1")
    assert "Sorted by GWP per t" in page.texts["gwp-sort-note"]


def test_chinese_query_finds_and_highlights(client, index):
    page = get(client, "/catalog?q=磷石膏")
    assert set(keys(index, page.products)) == {"cem640", "board", "binder"}
    assert "<mark>磷石膏</mark>" in page.html


def test_gwp_range_applies_within_one_category_only(client, index):
    page = get(client, "/catalog?category=cement&gwp_min=630&gwp_max=690&uncertified=1")
    assert set(keys(index, page.products)) == {"cem640", "cem655"}
    assert 'data-testid="gwp-range"' in page.html
    # Reversed bounds are swapped, not refused.
    swapped = get(client, "/catalog?category=cement&gwp_min=690&gwp_max=630&uncertified=1")
    assert set(keys(index, swapped.products)) == {"cem640", "cem655"}
    # With two categories the range is ignored (and not offered).
    two = get(client, "/catalog?category=cement&category=concrete&gwp_max=300")
    assert set(keys(index, two.products)) == {"cem640", "cem700", "c30a", "c30b", "c40"}
    assert 'data-testid="gwp-range"' not in two.html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=0",
        "page=99999",
        "gwp_min=abc&category=cement",
        "gwp_max=inf&category=cement",
        "gwp_max=nan&category=cement",
        "sort=bogus",
        "category=marble",
        "stars=9",
        "division=999999",
        "status=weird",
        'q="unbalanced',
        "q=((( OR ]]",
        "q=" + "长" * 500,
        "compare=x,y,-3",
        "uncertified=yes",
    ],
)
def test_bad_parameters_are_ignored_or_corrected(client, index, query):
    page = get(client, f"/catalog?{query}")
    assert "Catalogue of green building materials" in page.html


def test_a_page_past_the_end_shows_the_last_page(app, client, index):
    app.config["PAGE_SIZE"] = 5
    page = get(client, "/catalog?page=40")
    assert len(page.products) == 2 and "Page 2 of 2" in page.html


def _statements(app, client, url: str) -> int:
    engine = app.extensions["db_engine"]
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        get(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_rows_are_loaded_with_one_select_however_many(app, client, index):
    one = _statements(app, client, "/catalog?q=磷石膏纸面石膏板")
    ten = _statements(app, client, "/catalog?uncertified=1")
    assert one == ten


def test_index_missing_falls_back_to_the_database(app, client, catalogue, tmp_path):
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "no-index-here")
    page = get(client, "/catalog")
    assert "reduced mode" in page.texts["reduced-mode"]
    assert "flask catalog reindex" in page.texts["reduced-mode"]
    assert set(keys(catalogue, page.products)) == VALID
    found = get(client, "/catalog?q=磷石膏&uncertified=1")
    assert set(keys(catalogue, found.products)) == {"cem640", "board", "binder"}


def test_unreadable_index_falls_back_to_the_database(app, client, index):
    (Path(app.config["SEARCH_INDEX_DIR"]) / "CURRENT").write_text("gen-gone")
    page = get(client, "/catalog?category=cement")
    assert "reduced-mode" in page.texts
    assert set(keys(index, page.products)) == {"cem640", "cem700"}


def test_chinese_page_shows_chinese_names(app, index):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = get(client, "/catalog?category=gypsum")
    assert "磷石膏纸面石膏板" in page.html and "phosphogypsum plasterboard" not in page.html


# --- comparison selection on the search page -----------------------------------------------


def test_add_to_comparison_is_carried_in_the_url(client, index):
    a, b = index.id("cem640"), index.id("cem700")
    page = get(client, f"/catalog?category=cement&compare={a}")
    assert page.texts["compare-bar"].startswith("1 product chosen")
    add = page.html[page.html.index(f'data-product="{b}"') :].split("</tr>")[0]
    href = re.search(r'href="([^"]+)">Add to comparison', add).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(href).query)["compare"] == [f"{a},{b}"]
    after = get(client, href)
    compare_link = after.links["Compare"]
    assert parse_qs(urlsplit(compare_link).query)["ids"] == [f"{a},{b}"]
    # The product links carry the selection, so the product page can add to it.
    product = get(client, f"/catalog/products/{index.id('c30a')}?compare={a},{b}")
    link = product.links["add-to-comparison"]
    assert parse_qs(urlsplit(link).query)["ids"] == [f"{a},{b},{index.id('c30a')}"]


# --- product page ---------------------------------------------------------------------------


def test_product_page_places_the_gwp_in_its_category(client, catalogue):
    pid = catalogue.id("cem700")
    page = get(client, f"/catalog/products/{pid}")
    assert page.texts["percentile"] == "70"
    assert page.texts["p20"] == "632"
    assert page.texts["p80"] == "704"
    assert page.texts["reference"] == "735"
    assert "GB/T 51366-2019 Annex D" in page.texts["reference-source"]
    assert "5 published products" in page.texts["carbon"]
    # The chart draws the markers in the order of their values.
    svg = page.svg()
    xs = {}
    for line in svg.iter("{http://www.w3.org/2000/svg}line"):
        name = (line.get("class") or "").removeprefix("mark-")
        if name:
            xs[name] = float(line.get("x1"))
    assert xs["target"] < xs["product"] < xs["conservative"] < xs["reference"]
    assert "632" in svg.find("{http://www.w3.org/2000/svg}desc").text


def test_concrete_is_compared_within_its_strength_class(client, catalogue):
    page = get(client, f"/catalog/products/{catalogue.id('c30b')}")
    assert page.texts["percentile"] == "75"
    assert (page.texts["p20"], page.texts["p80"]) == ("282", "288")
    assert page.texts["reference"] == "295"
    alone = get(client, f"/catalog/products/{catalogue.id('c40')}")
    assert alone.texts["percentile"] == "50"
    assert alone.texts["reference"] == "340"
    assert "indicative only" in alone.texts["carbon"]


def test_a_product_in_another_unit_has_no_reference(client, catalogue):
    page = get(client, f"/catalog/products/{catalogue.id('binder')}")
    assert page.texts["reference"] == "none for this unit"
    assert "1 published product of this category declared per t" in page.texts["carbon"]


def test_lower_carbon_alternatives_hold_a_valid_certificate(client, catalogue):
    page = get(client, f"/catalog/products/{catalogue.id('cem700')}")
    table = page.texts["alternatives"]
    # Only 640 holds a valid certificate; 600 (uncertified) and 655 (expired) are not advised.
    assert "P.O 42.5 ordinary" in table
    assert "P.O 42.5R low-carbon" not in table and "P.C 32.5R" not in table
    assert "sample cement" not in table  # the draft at 500
    lowest = get(client, f"/catalog/products/{catalogue.id('cem600')}")
    assert "alternatives" not in lowest.texts


def test_indicator_levels_come_from_the_certification_listener(client, catalogue):
    page = get(client, f"/catalog/products/{catalogue.id('cem700')}")
    table = page.html[page.html.index('data-testid="indicators"') :].split("</table>")[0]
    rows = dict(re.findall(r'data-indicator="(\w+)">(.*?)</tr>', table, re.S))
    assert "1 star" in rows["gwp"] and "735 / 662 / 588" in rows["gwp"]
    assert "2 stars" in rows["clinker_energy"] and "117 / 107 / 100" in rows["clinker_energy"]
    assert "1 star" in rows["solid_waste_content"]
    assert "version 2026.1" in page.texts["assessment-note"]


def test_without_a_listener_values_are_shown_without_levels(client, catalogue):
    with product_assessment_requested.muted():
        page = get(client, f"/catalog/products/{catalogue.id('cem700')}")
    assert "Level reached" not in page.html and "assessment-note" not in page.texts
    assert "104 kgce/t" in page.texts["indicators"]


def test_certificate_links_to_its_verification(client, catalogue):
    product = catalogue.products["cem700"]
    page = get(client, f"/catalog/products/{product.id}")
    assert f'href="/verify/{product.cert_number}"' in page.html
    assert "Valid certificate" in page.texts["certificate"]
    lapsed = get(client, f"/catalog/products/{catalogue.id('cem655')}")
    assert "Certificate expired" in lapsed.texts["certificate"]


def test_drafts_and_unknown_products_are_404(client, catalogue):
    get(client, f"/catalog/products/{catalogue.id('cemdraft')}", 404)
    get(client, "/catalog/products/999999", 404)


# --- public EPDs ----------------------------------------------------------------------------


@pytest.fixture
def evidence(app, session, catalogue):
    """Attach an EPD and a type-test report to cem700, and an EPD to the draft."""
    user, _plant = catalogue.users["520400"]
    draft_user, _ = catalogue.users["520100"]

    def attach(actor, key: str, kind: str):
        return store_evidence(
            session=session,
            actor=actor,
            product_id=catalogue.id(key),
            kind=kind,
            stream=io.BytesIO(factories.blank_pdf()),
            filename=f"{key}-{kind}.pdf",
            evidence_dir=app.config["EVIDENCE_DIR"],
            test_date=factories.date.today() if kind == "type_test_report" else None,
        )

    files = {
        "epd": attach(user, "cem700", "epd"),
        "report": attach(user, "cem700", "type_test_report"),
        "other_epd": attach(user, "cem600", "epd"),
        "draft_epd": attach(draft_user, "cemdraft", "epd"),
    }
    session.commit()
    return files


def test_the_epd_is_listed_and_served(client, catalogue, evidence):
    pid = catalogue.id("cem700")
    page = get(client, f"/catalog/products/{pid}")
    assert "cem700-epd.pdf" in page.texts["epds"]
    assert "type_test_report" not in page.html
    with client.get(f"/catalog/products/{pid}/epd/{evidence['epd'].id}") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert "cem700-epd.pdf" in response.headers["Content-Disposition"]


def test_the_epd_route_refuses_other_kinds_and_other_products(client, catalogue, evidence):
    pid = catalogue.id("cem700")
    refused = [
        f"/catalog/products/{pid}/epd/{evidence['report'].id}",  # not an EPD
        f"/catalog/products/{pid}/epd/{evidence['other_epd'].id}",  # another product's
        f"/catalog/products/{catalogue.id('cemdraft')}/epd/{evidence['draft_epd'].id}",  # draft
        f"/catalog/products/{pid}/epd/999999",
    ]
    for url in refused:
        assert client.get(url).status_code == 404, url


# --- comparison -----------------------------------------------------------------------------


def _compare_rows(page: Page) -> dict[str, tuple[bool, str]]:
    table = page.html[page.html.index('data-testid="comparison"') :].split("</table>")[0]
    rows = re.findall(r'<tr class="([^"]*)" data-row="([^"]+)">(.*?)</tr>', table, re.S)
    return {name: ("differs" in cls, re.sub(r"<[^>]+>|\s+", " ", body)) for cls, name, body in rows}


def test_compare_two_products_highlights_differences(client, catalogue):
    a, b = catalogue.id("cem640"), catalogue.id("cem700")
    page = get(client, f"/catalog/compare?ids={a},{b}")
    rows = _compare_rows(page)
    assert rows["category"][0] is False  # both cement
    assert rows["declared_unit"][0] is False
    assert rows["gwp"][0] is True and "640" in rows["gwp"][1] and "700" in rows["gwp"][1]
    assert rows["certificate"][0] is True  # 2 stars against 1
    assert rows["indicator-clinker_energy"][0] is False  # the same declared values
    assert "units-differ" not in page.texts and "compare-problems" not in page.texts


def test_compare_flags_gwp_in_units_that_cannot_be_compared(client, catalogue):
    ids = [catalogue.id("board"), catalogue.id("binder"), catalogue.id("cem700")]
    page = get(client, f"/catalog/compare?ids={','.join(map(str, ids))}")
    assert "cannot be compared" in page.texts["units-differ"]
    rows = _compare_rows(page)
    assert rows["gwp"][0] is True
    assert rows["gwp"][1].count("not comparable") == 2  # the per-t binder and cement


def test_compare_more_than_four_or_unknown_ids_says_so(client, catalogue):
    ids = [catalogue.id(k) for k in ("cem600", "cem640", "cem655", "cem700", "cem720")]
    page = get(client, f"/catalog/compare?ids={','.join(map(str, ids))}")
    assert "At most 4 products" in page.texts["compare-problems"]
    assert page.html.count('<th scope="col"><a href="/catalog/products/') == 4

    draft = catalogue.id("cemdraft")
    page = get(client, f"/catalog/compare?ids={ids[0]},{draft},999999,abc")
    problems = page.texts["compare-problems"]
    assert f"{draft}, 999999" in problems and "abc" in problems
    assert page.html.count('<th scope="col"><a href="/catalog/products/') == 1

    empty = get(client, "/catalog/compare")
    assert "Nothing to compare yet" in empty.texts["compare-empty"]
