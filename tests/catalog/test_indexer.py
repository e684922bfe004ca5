"""Indexer: the outbox applied in order and idempotently, atomic rebuilds, CLI, batched reads."""

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func
from sqlmodel import select

from accounts.models import Organisation
from catalog.cli import catalog_cli
from catalog.models import SearchOutbox
from catalog.search import indexer, storage
from catalog.search.fallback import database_search
from catalog.search.searcher import SearchIndex
from catalog.search.storage import IndexUnavailable
from catalog.services import (
    product_input,
    publish_product,
    set_certification_summary,
    update_product,
    withdraw_product,
)
from greenbm.models_base import utcnow
from tests import factories
from tests.catalog.test_search import keys, make_catalogue


@pytest.fixture
def catalogue(session):
    """Return the test catalogue's products by key."""
    return make_catalogue(session)


@pytest.fixture
def index_dir(app) -> Path:
    """Return the app's index directory."""
    return Path(app.config["SEARCH_INDEX_DIR"])


@pytest.fixture
def index(session, catalogue, index_dir):
    """Return a search index over the catalogue, freshly rebuilt."""
    indexer.rebuild_index(index_dir, session=session)
    with SearchIndex(index_dir) as search_index:
        yield search_index


def owner(session, product):
    """Return a user of the product's manufacturer."""
    return factories.make_user(session, session.get(Organisation, product.manufacturer_id))


def max_outbox_id(session) -> int:
    """Return the newest outbox id."""
    return session.exec(select(func.max(SearchOutbox.id))).one() or 0


def outbox_rows(session) -> int:
    """Return the number of outbox rows."""
    return session.exec(select(func.count()).select_from(SearchOutbox)).one()


def test_rebuild_records_the_newest_outbox_row(index, session, index_dir):
    assert storage.last_applied(index_dir) == max_outbox_id(session)
    assert indexer.apply_outbox(index_dir, session=session) == 0


def test_an_edited_product_is_found_by_its_new_name_after_apply(
    index, session, catalogue, index_dir
):
    product = catalogue["bamboo"]
    data = product_input(product, session=session)
    data.name_zh = "重组竹地板"
    update_product(session=session, actor=owner(session, product), product_id=product.id, data=data)
    session.commit()
    assert keys(index.search("竹集成材"), catalogue) == {"bamboo"}  # not applied yet
    assert indexer.apply_outbox(index_dir, session=session) == 1
    assert keys(index.search("竹集成材"), catalogue) == set()
    assert keys(index.search("重组竹地板"), catalogue) == {"bamboo"}
    assert storage.last_applied(index_dir) == max_outbox_id(session)
    # The index now has two segments; its facets still agree with the database.
    everything = index.search("", include_uncertified=True)
    assert (
        everything.facets == database_search("", include_uncertified=True, session=session).facets
    )


def test_a_suspended_certificate_leaves_the_default_results_at_once(
    index, session, catalogue, index_dir
):
    product = catalogue["lowe"]
    set_certification_summary(
        product.id,
        number=product.cert_number,
        stars=product.cert_stars,
        status="suspended",
        valid_until=product.cert_valid_until,
        session=session,
    )
    session.commit()
    indexer.apply_outbox(index_dir, session=session)
    assert keys(index.search("low-E glass"), catalogue) == set()
    suspended = index.search("low-E glass", filters={"status": ["suspended"]})
    assert keys(suspended, catalogue) == {"lowe"}
    assert index.search("glass", include_uncertified=True).facets["status"] == {"suspended": 2}


def test_withdrawn_and_newly_published_products(index, session, catalogue, index_dir):
    aac, draft = catalogue["aac"], catalogue["draft"]
    # A product is withdrawn only once its certificate is no longer valid (publish rule).
    set_certification_summary(
        aac.id, number=aac.cert_number, stars=None, status="revoked", valid_until=None,
        session=session,
    )  # fmt: skip
    withdraw_product(session=session, actor=owner(session, aac), product_id=aac.id)
    publish_product(session=session, actor=owner(session, draft), product_id=draft.id)
    session.commit()
    indexer.apply_outbox(index_dir, session=session)
    found = index.search("磷石膏 砌块", include_uncertified=True)
    assert keys(found, catalogue) == {"draft"}


def test_apply_is_idempotent_and_batched(index, session, catalogue, index_dir):
    for product in catalogue.values():
        set_certification_summary(
            product.id,
            number="GZGBM-2026-X-1",
            stars=3,
            status="valid",
            valid_until=date.today() + timedelta(days=365),
            session=session,
        )
    session.commit()
    assert indexer.apply_outbox(index_dir, batch=3, session=session) == len(catalogue)
    once = index.search("", sort="gwp", per_page=50)
    # Forget having applied anything: applying everything again gives the same index.
    generation = index_dir / (index_dir / "CURRENT").read_text()
    (generation / storage.STATE_FILE).write_text("0")
    assert indexer.apply_outbox(index_dir, session=session) == outbox_rows(session)
    again = index.search("", sort="gwp", per_page=50)
    assert (again.ids, again.facets) == (once.ids, once.facets)
    assert once.total == 10  # every product: a valid certificate publishes the draft too


def test_a_second_instance_catches_up(index, session, catalogue, index_dir, tmp_path):
    other_dir = tmp_path / "second-instance"
    indexer.rebuild_index(other_dir, session=session)
    product = catalogue["po425"]
    data = product_input(product, session=session)
    data.name_en = "P.O 42.5 low-carbon Portland cement"
    update_product(session=session, actor=owner(session, product), product_id=product.id, data=data)
    session.commit()
    indexer.apply_outbox(index_dir, session=session)
    indexer.apply_outbox(other_dir, session=session)
    with SearchIndex(other_dir) as other:
        assert keys(other.search("low-carbon"), catalogue) == {"po425"}
    assert storage.last_applied(other_dir) == storage.last_applied(index_dir)


def test_rebuild_after_the_directory_is_deleted(index, session, catalogue, index_dir):
    shutil.rmtree(index_dir)
    with pytest.raises(IndexUnavailable):
        indexer.apply_outbox(index_dir, session=session)
    assert indexer.rebuild_index(index_dir, session=session) == 9
    assert keys(index.search("ENF 竹"), catalogue) == {"bamboo"}


def test_a_crash_mid_rebuild_leaves_the_old_index_in_use(
    index, session, catalogue, index_dir, monkeypatch
):
    before = (index_dir / "CURRENT").read_text()
    real = indexer.document_rows

    def failing(product_ids=None, *, session):
        stream = real(product_ids, session=session)
        try:
            for n, row in enumerate(stream):
                if n == 3:
                    raise RuntimeError("power cut")
                yield row
        finally:
            stream.close()

    monkeypatch.setattr(indexer, "document_rows", failing)
    with pytest.raises(RuntimeError):
        indexer.rebuild_index(index_dir, session=session)
    assert (index_dir / "CURRENT").read_text() == before
    with SearchIndex(index_dir) as fresh:
        assert keys(fresh.search("竹"), catalogue) == {"bamboo"}
    monkeypatch.setattr(indexer, "document_rows", real)
    indexer.rebuild_index(index_dir, session=session)
    generations = sorted(p.name for p in index_dir.iterdir() if p.is_dir())
    assert len(generations) == 2  # the new one and the one before; the broken one is gone
    assert before in generations


def test_readers_switch_to_a_rebuilt_index(index, session, catalogue, index_dir):
    product = catalogue["float"]
    product.name_en = (
        "extra-clear float glass"  # changed without the outbox: only a rebuild sees it
    )
    session.add(product)
    session.commit()
    assert keys(index.search("extra-clear", include_uncertified=True), catalogue) == set()
    indexer.rebuild_index(index_dir, session=session)
    assert keys(index.search("extra-clear", include_uncertified=True), catalogue) == {"float"}


def test_outbox_reads_one_query_per_batch(index, session, catalogue, index_dir, app):
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    def selects_for(products) -> int:
        for product in products:
            set_certification_summary(
                product.id, number=None, stars=None, status=None, valid_until=None, session=session
            )
        session.commit()
        statements.clear()
        event.listen(app.extensions["db_engine"], "before_cursor_execute", count)
        try:
            indexer.apply_outbox(index_dir, session=session)
        finally:
            event.remove(app.extensions["db_engine"], "before_cursor_execute", count)
        return len(statements)

    products = list(catalogue.values())
    few, many = selects_for(products[:2]), selects_for(products)
    assert few == many <= 3


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([(11, 1, "old"), (12, 1, "old")], 12),
        ([(11, 1, "old"), (13, 1, "old")], 13),  # an old gap: a rolled-back transaction
        ([(11, 1, "old"), (13, 1, "new"), (14, 1, "new")], 11),  # a young gap may still fill
        ([(12, 1, "new")], 10),
        ([(11, 1, "new"), (12, 1, "new")], 12),
    ],
)
def test_contiguous_end_waits_for_young_gaps(rows, expected):
    now = datetime.now(UTC)
    at = {"old": now - timedelta(minutes=5), "new": now - timedelta(seconds=1)}
    rows = [(outbox_id, pid, at[age]) for outbox_id, pid, age in rows]
    assert indexer._contiguous_end(10, rows, now) == expected


def test_reindex_command(app, session, catalogue, index_dir):
    result = app.test_cli_runner().invoke(catalog_cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 9 products" in result.output
    with SearchIndex(index_dir) as search_index:
        assert search_index.doc_count() == 9


def test_follow_once_builds_a_missing_index_then_applies_the_outbox(
    app, session, catalogue, index_dir
):
    runner = app.test_cli_runner()
    result = runner.invoke(catalog_cli, ["follow", "--once"])
    assert result.exit_code == 0, result.output
    assert "rebuilding" in result.output
    product = catalogue["board"]
    set_certification_summary(
        product.id,
        number="GZGBM-2026-GYP-000001",
        stars=2,
        status="valid",
        valid_until=utcnow().date() + timedelta(days=400),
        session=session,
    )
    session.commit()
    result = runner.invoke(catalog_cli, ["follow", "--once", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "Applied 1 outbox rows" in result.output
    with SearchIndex(Path(index_dir)) as search_index:
        assert keys(search_index.search("纸面石膏板"), catalogue) == {"board"}
