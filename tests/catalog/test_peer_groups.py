"""The kept peer groups answer what the live queries over the products answer, after any write."""

import threading
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, insert, text, update
from sqlmodel import Session, select

from catalog.alternatives import lower_carbon_alternatives
from catalog.category_statistics import gwp_values
from catalog.certificate_status import live_status_is_sql
from catalog.finder import ProductRow, row_select
from catalog.models import Category, GwpProvenance, PeerGroup, Product, ProductStatus
from catalog.peer_groups import rebuild_peer_groups
from catalog.product_page import carbon_standing, product_peers, reference_factor
from catalog.services import (
    product_input,
    publish_product,
    set_certification_summary,
    update_product,
    withdraw_product,
)
from catalog.stats import standing
from tests import factories

TODAY = date.today()
LATER = TODAY + timedelta(days=400)
YESTERDAY = TODAY - timedelta(days=1)


def live_values(session, category: Category, variant, unit, today=None) -> list[float]:
    """Return a group's GWP as the pages read it before groups were kept: a live query."""
    query = select(Product.gwp_a1a3).where(
        Product.category_id == category.id,
        Product.status == ProductStatus.PUBLISHED,
        Product.declared_unit == unit,
    )
    if category.variant_attribute:
        query = query.where(Product.variant == variant)
    if today:
        valid = live_status_is_sql(Product.cert_status, Product.cert_valid_until, "valid", today)
        query = query.where(valid)
    return sorted(float(v) for v in session.exec(query).all())


def live_alternatives(session, row: ProductRow, today: date) -> list[int]:
    """Return the lower-carbon alternatives' ids as the live query found them."""
    product = row.product
    query = (
        row_select()
        .where(
            Product.category_id == product.category_id,
            Product.declared_unit == product.declared_unit,
            Product.gwp_a1a3 < product.gwp_a1a3,
            Product.id != product.id,
            live_status_is_sql(Product.cert_status, Product.cert_valid_until, "valid", today),
        )
        .order_by(Product.gwp_a1a3, Product.id)
        .limit(5)
    )
    if row.category.variant_attribute:
        query = query.where(Product.variant == product.variant)
    return [found[0].id for found in session.exec(query).all()]


def assert_kept_equals_live(session, today: date = TODAY) -> None:
    """Check every group's kept values, standings and alternatives against the live queries."""
    categories = {c.id: c for c in session.exec(select(Category)).all()}
    groups = set(session.exec(select(Product.category_id, Product.variant, Product.declared_unit)))
    for category_id, variant, unit in groups:
        category = categories[category_id]
        for include_all in (True, False):
            kept = gwp_values(category, variant, unit, include_all, session=session, today=today)
            live = live_values(session, category, variant, unit, None if include_all else today)
            assert kept == live, (category.code, variant, unit, include_all)
    for found in session.exec(row_select()).all():
        row = ProductRow(*found)
        peers = product_peers(row, session=session)
        live = live_values(session, row.category, row.product.variant, row.product.declared_unit)
        expected = standing(live, row.product.gwp_a1a3, reference_factor(row)[0])
        assert carbon_standing(row, peers).standing == expected
        alternatives = lower_carbon_alternatives(row.product, peers, session=session, today=today)
        assert [r.product.id for r in alternatives] == live_alternatives(session, row, today)


@pytest.fixture
def maker(session):
    """Return a manufacturer's user and plant."""
    user = factories.make_manufacturer_user(session)
    return user, factories.make_plant(session, user)


def certify(session, product: Product, status: str, valid_until: date | None) -> None:
    """Record a certificate summary for the product, as certification does."""
    set_certification_summary(
        product.id,
        session=session,
        number=f"GZGBM-2026-TST-{product.id:06d}",
        stars=1,
        status=status,
        valid_until=valid_until,
    )


def edit(session, user, product: Product, **changes) -> None:
    """Change the product's declared data through the service."""
    data = product_input(product, session=session)
    update_product(
        session=session,
        actor=user,
        product_id=product.id,
        data=replace(data, **changes),
    )


def test_every_kind_of_write_keeps_the_groups_equal_to_the_live_queries(session, maker):
    user, plant = maker

    def step(write) -> None:
        write()
        session.commit()
        assert_kept_equals_live(session)

    products = [
        factories.make_product(session, user, plant, gwp_a1a3=600.0 + 20 * n) for n in range(4)
    ]
    session.commit()
    assert_kept_equals_live(session)  # drafts only: no group holds anything
    for product in products:
        step(lambda p=product: publish_product(session=session, actor=user, product_id=p.id))
    first, second, third, fourth = products
    step(lambda: certify(session, first, "valid", LATER))
    step(lambda: certify(session, second, "valid", LATER))
    step(lambda: edit(session, user, third, gwp_a1a3=590.0))  # GWP changes

    def change_unit() -> None:  # cement allows one unit: the hooks see any write, not a service's
        fourth.declared_unit, fourth.gwp_a1a3 = "kg", 0.7

    step(change_unit)
    step(lambda: certify(session, second, "suspended", LATER))
    step(lambda: certify(session, first, "valid", YESTERDAY))  # only the end date changes
    step(lambda: certify(session, first, "revoked", LATER))
    step(lambda: certify(session, second, "valid", YESTERDAY))  # expired by date, not recorded
    step(lambda: withdraw_product(session=session, actor=user, product_id=third.id))
    # The certificate that lapsed yesterday counts as expired today, valid the day before.
    assert_kept_equals_live(session, today=YESTERDAY)
    concrete = factories.category(session, "concrete")

    def move_to_concrete() -> None:
        fourth.category_id, fourth.variant, fourth.declared_unit = concrete.id, "le_c30", "m^3"

    step(move_to_concrete)  # category changes (no service does it: the hooks see any write)

    def change_variant() -> None:
        fourth.variant = "c35_c45"

    step(change_variant)
    step(lambda: session.delete(second))


def test_bulk_statements_through_a_session_keep_the_groups(session, maker):
    user, plant = maker
    cement = factories.category(session, "cement")
    rows = [
        {
            "manufacturer_id": user.organisation_id,
            "plant_id": plant.id,
            "category_id": cement.id,
            "name_zh": f"水泥 {n}",
            "declared_unit": "t",
            "gwp_a1a3": 500.0 + n,
            "gwp_provenance": GwpProvenance.SELF_DECLARED,
            "status": ProductStatus.PUBLISHED,
            "cert_status": "valid" if n % 2 else None,
            "cert_valid_until": LATER if n % 2 else None,
        }
        for n in range(30)
    ]
    session.execute(insert(Product), rows)
    session.commit()
    assert_kept_equals_live(session)
    session.execute(update(Product).where(Product.gwp_a1a3 < 510).values(gwp_a1a3=900.0))
    session.commit()
    assert_kept_equals_live(session)
    session.execute(delete(Product).where(Product.gwp_a1a3 > 520))
    session.commit()
    assert_kept_equals_live(session)


def test_a_read_in_the_writing_transaction_sees_its_own_writes(session, maker):
    user, plant = maker
    product = factories.make_product(session, user, plant)
    publish_product(session=session, actor=user, product_id=product.id)
    assert_kept_equals_live(session)  # not committed yet
    product.gwp_a1a3 = 1.0  # not even flushed
    assert_kept_equals_live(session)
    session.rollback()
    assert_kept_equals_live(session)


def test_a_product_changed_once_a_commit_expired_it_leaves_its_old_group(app, session, maker):
    user, plant = maker
    product = factories.make_product(session, user, plant)
    publish_product(session=session, actor=user, product_id=product.id)
    session.commit()
    with Session(app.extensions["db_engine"]) as other:  # expires everything on commit
        again = other.get(Product, product.id)
        other.commit()
        again.declared_unit = "kg"  # the old unit was never loaded after the commit
        other.commit()
    session.expire_all()
    assert_kept_equals_live(session)


def test_rebuild_recomputes_groups_changed_behind_the_sessions_back(app, session, maker):
    user, plant = maker
    product = factories.make_product(session, user, plant)
    publish_product(session=session, actor=user, product_id=product.id)
    session.commit()
    with app.extensions["db_engine"].begin() as conn:  # no session: no hook sees it
        conn.execute(update(PeerGroup).values(count=0, gwp=b"", product_id=b""))
        conn.execute(update(PeerGroup).values(cert_status=b"", cert_valid_until=b""))
    session.expire_all()
    assert rebuild_peer_groups(session=session) == 1
    session.commit()
    assert_kept_equals_live(session)


# --- any sequence of writes -------------------------------------------------------------------

GROUPS = [("cement", None, "t"), ("cement", None, "kg"), ("concrete", "le_c30", "m^3")]
GROUPS += [("concrete", "c35_c45", "m^3")]
CERTIFICATES = [None, ("valid", LATER), ("valid", YESTERDAY), ("suspended", LATER)]
CERTIFICATES += [("revoked", LATER), ("expired", YESTERDAY), ("valid", None)]

writes = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(range(len(GROUPS))), st.integers(1, 9)),
    st.tuples(st.just("gwp"), st.integers(0, 20), st.integers(1, 9)),
    st.tuples(st.just("group"), st.integers(0, 20), st.sampled_from(range(len(GROUPS)))),
    st.tuples(st.just("status"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("cert"), st.integers(0, 20), st.sampled_from(range(len(CERTIFICATES)))),
    st.tuples(st.just("until"), st.integers(0, 20), st.sampled_from([None, YESTERDAY, LATER])),
    st.tuples(st.just("delete"), st.integers(0, 20), st.just(0)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(writes, min_size=1, max_size=4), min_size=1, max_size=5))
def test_any_writes_keep_the_groups_equal_to_the_live_queries(session, maker, transactions):
    user, plant = maker
    session.execute(delete(Product))
    session.commit()
    categories = {code: factories.category(session, code) for code in ("cement", "concrete")}

    def place(product: Product, group: int) -> None:
        code, product.variant, product.declared_unit = GROUPS[group]
        product.category_id = categories[code].id

    for writes_of_one_transaction in transactions:
        products = session.exec(select(Product).order_by(Product.id)).all()
        for kind, which, value in writes_of_one_transaction:
            if kind == "add":
                product = Product(
                    manufacturer_id=user.organisation_id,
                    plant_id=plant.id,
                    name_zh="产品",
                    gwp_a1a3=float(value),
                    gwp_provenance=GwpProvenance.SELF_DECLARED,
                    status=ProductStatus.PUBLISHED,
                )
                place(product, which)
                session.add(product)
                continue
            if not products:
                continue
            product = products[which % len(products)]
            if kind == "gwp":
                product.gwp_a1a3 = float(value)
            elif kind == "group":
                place(product, value)
            elif kind == "status":
                product.status = ProductStatus.PUBLISHED if value else ProductStatus.DRAFT
            elif kind == "cert":
                certificate = CERTIFICATES[value]
                product.cert_status, product.cert_valid_until = certificate or (None, None)
            elif kind == "until":
                product.cert_valid_until = value
            elif kind == "delete" and product in session and product not in session.deleted:
                session.delete(product)
        session.commit()
        assert_kept_equals_live(session)


def test_two_transactions_writing_one_group_at_once_both_count(app, session, maker):
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time: no two transactions interleave")
    user, plant = maker
    first, second = (factories.make_product(session, user, plant) for _ in range(2))
    for product in (first, second):
        publish_product(session=session, actor=user, product_id=product.id)
    session.commit()
    read, go = threading.Event(), threading.Event()

    def pause_after_reading_the_peers(_conn, _cursor, statement, *_args):
        # The first writer stops between reading its group's products and writing the group:
        # the moment a second writer, unless made to wait, would read them without its change.
        if threading.current_thread() is a and statement.startswith(
            "SELECT product.id, product.gwp_a1a3"
        ):
            read.set()
            go.wait(30)

    def write(product_id: int, gwp: float) -> None:
        with Session(engine) as writer:
            writer.get(Product, product_id).gwp_a1a3 = gwp
            writer.commit()

    a = threading.Thread(target=write, args=(first.id, 400.0))
    event.listen(engine, "after_cursor_execute", pause_after_reading_the_peers)
    a.start()
    assert read.wait(30)
    b = threading.Thread(target=write, args=(second.id, 900.0))
    b.start()
    # The second writer must wait for the first one's lock on the group (or, without, finish).
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 30
    with engine.connect() as watcher:
        while (
            b.is_alive() and not watcher.execute(waiting).scalar() and time.monotonic() < deadline
        ):
            time.sleep(0.01)
    go.set()
    a.join(30)
    b.join(30)
    event.remove(engine, "after_cursor_execute", pause_after_reading_the_peers)
    session.expire_all()
    assert [first.gwp_a1a3, second.gwp_a1a3] == [400.0, 900.0]  # both writers committed
    assert_kept_equals_live(session)


def test_the_group_a_process_keeps_follows_every_committed_change(app, client, session, maker):
    """The product page keeps its unpacked group per process; each commit shows at once."""
    user, plant = maker
    dear, cheap, cheaper = (
        factories.make_product(session, user, plant, gwp_a1a3=gwp) for gwp in (900.0, 700.0, 650.0)
    )
    session.commit()
    for product in (dear, cheap, cheaper):
        publish_product(session=session, actor=user, product_id=product.id)
    certify(session, dear, "valid", LATER)
    session.commit()

    def recommended() -> set[int]:
        page = client.get(f"/catalog/products/{dear.id}").get_data(as_text=True)
        return {p.id for p in (cheap, cheaper) if f'/catalog/products/{p.id}"' in page}

    assert recommended() == set()
    assert recommended() == set()  # kept now
    certify(session, cheap, "valid", LATER)
    session.commit()
    assert recommended() == {cheap.id}
    certify(session, cheaper, "valid", LATER)
    session.commit()
    assert recommended() == {cheap.id, cheaper.id}
    certify(session, cheap, "suspended", LATER)
    session.commit()
    assert recommended() == {cheaper.id}
    edit(session, user, cheaper, gwp_a1a3=950.0)  # no longer lower than the product
    session.commit()
    assert recommended() == set()
