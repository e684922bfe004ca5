"""The public product page costs a fixed, small number of SQL statements and rows read."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from catalog.models import GwpProvenance, Product, ProductStatus
from catalog.services import publish_product, set_certification_summary
from tests import factories
from tests.statements import counting_rows, counting_statements

LATER = date.today() + timedelta(days=900)
# The page as it is built (KEPT_PAGES=0 below: a kept page reads only the change counter).
# Its statements: the change counter (the process keeps, under it, the peer group of the
# product's category, variant and unit, the category's active criteria, its indicators' names
# and the rows of the lower-carbon alternatives); the product's row with its plant; its
# indicator values; the public EPD files. The first view after a change reads again the kept
# peer group, criteria, indicators and alternatives.
BUDGET = 4
AFTER_A_CHANGE = 4
# Rows the ORM reads: the product, its four indicator values, no EPD file (after a change also
# the peer group, the criteria, four indicators and five alternatives). The counter's one row
# is read through Core (greenbm/figures.py), which counting_rows does not see.
ROWS_BUDGET = 1 + 4 + 0
ROWS_AFTER_A_CHANGE = 1 + 1 + 4 + 5


def add_peers(session, maker, plant, category, count: int, start: int) -> None:
    """Add `count` published cement products per t, every other one validly certified."""
    for n in range(start, start + count):
        certified = n % 2 == 0
        session.add(
            Product(
                manufacturer_id=maker.organisation_id,
                plant_id=plant.id,
                category_id=category.id,
                name_zh=f"同类水泥 {n}",
                model_spec=f"P·O {n}",
                declared_unit="t",
                gwp_a1a3=500.0 + n,
                gwp_provenance=GwpProvenance.SELF_DECLARED,
                status=ProductStatus.PUBLISHED,
                cert_number=f"GZGBM-2026-PEER-{n:06d}" if certified else None,
                cert_stars=1 if certified else None,
                cert_status="valid" if certified else None,
                cert_valid_until=LATER if certified else None,
            )
        )
    session.commit()


@pytest.fixture
def world(session):
    """Return a published, certified cement product among 20 peers, and a way to add more."""
    maker = factories.make_manufacturer_user(session)
    plant = factories.make_plant(session, maker)
    cement = factories.category(session, "cement")
    add_peers(session, maker, plant, cement, 20, 0)
    product = factories.make_product(session, maker, plant, gwp_a1a3=800.0)
    publish_product(session=session, actor=maker, product_id=product.id)
    set_certification_summary(
        product.id,
        session=session,
        number="GZGBM-2026-TST-000001",
        stars=1,
        status="valid",
        valid_until=LATER,
    )
    session.commit()
    return product.id, lambda count: add_peers(session, maker, plant, cement, count, 1000)


def measure(app, client, product_id: int) -> tuple[list[str], list[int], str]:
    """Return the statements and rows the product page reads, and the page."""
    with counting_statements(app) as statements, counting_rows() as rows:
        response = client.get(f"/catalog/products/{product_id}")
    assert response.status_code == 200
    return statements, rows, response.get_data(as_text=True)


@pytest.mark.config(KEPT_PAGES=0)
def test_the_product_page_costs_the_same_with_ten_times_the_peers(app, client, world):
    product_id, grow = world
    client.get(f"/catalog/products/{product_id}")  # first request: the app's own start-up
    few, few_rows, small = measure(app, client, product_id)
    grow(200)
    first, first_rows, _ = measure(app, client, product_id)  # the group changed: read again
    many, many_rows, large = measure(app, client, product_id)

    assert "21 products compared" in small and "221 products compared" in large
    assert len(many) == len(few) <= BUDGET, "\n".join(many)
    assert sum(many_rows) == sum(few_rows) <= ROWS_BUDGET, many_rows
    assert len(first) == BUDGET + AFTER_A_CHANGE, "\n".join(first)
    assert sum(first_rows) == ROWS_BUDGET + ROWS_AFTER_A_CHANGE, first_rows
    assert any("FROM peergroup" in statement for statement in first)
    assert not any("FROM peergroup" in statement for statement in many)


def alternatives_read(statements: list[str]) -> list[str]:
    """Return the statements that read the alternatives' rows (products by a list of ids)."""
    return [s for s in statements if "FROM product" in s and "product.id IN" in s]


@pytest.mark.config(KEPT_PAGES=0)
def test_products_of_one_group_share_one_read_of_their_alternatives(app, client, session, world):
    product_id, _grow = world
    # A peer above the five lowest certified ones: the same five are its alternatives.
    peer = session.exec(select(Product).where(Product.name_zh == "同类水泥 19")).one()
    first, _rows, page = measure(app, client, product_id)
    second, _rows, peer_page = measure(app, client, peer.id)

    assert len(alternatives_read(first)) == 1, "\n".join(first)
    assert alternatives_read(second) == [] and len(second) == BUDGET, "\n".join(second)
    for n in (0, 2, 4, 6, 8):
        assert f"同类水泥 {n}</a>" in page and f"同类水泥 {n}</a>" in peer_page


@pytest.mark.config(KEPT_PAGES=0)
def test_a_changed_alternative_shows_at_once(app, client, session, world):
    product_id, _grow = world
    lowest = session.exec(select(Product).where(Product.name_zh == "同类水泥 0")).one()
    _statements, _rows, before = measure(app, client, product_id)
    lowest.name_zh = "改名后的低碳水泥"
    session.add(lowest)
    session.commit()
    _statements, _rows, renamed = measure(app, client, product_id)
    set_certification_summary(
        lowest.id,
        session=session,
        number=lowest.cert_number,
        stars=1,
        status="suspended",
        valid_until=LATER,
    )
    session.commit()
    _statements, _rows, suspended = measure(app, client, product_id)

    assert "同类水泥 0</a>" in before
    assert "改名后的低碳水泥</a>" in renamed and "同类水泥 0</a>" not in renamed
    assert "改名后的低碳水泥" not in suspended and "同类水泥 10</a>" in suspended
