"""The catalogue without a query is kept per state of the index: it follows every change."""

from catalog.search import close_search_indexes, follow_round, rebuild_index
from catalog.search.query import Query
from catalog.search.readers import search, search_index
from catalog.services import withdraw_product
from tests.catalog.catalogue_data import ITEMS, make_catalogue


def _browse(app, session):
    with app.app_context():
        return search(Query(text="", include_uncertified=True, per_page=50), session=session)[0]


def test_a_kept_page_without_query_equals_a_fresh_one_and_follows_the_index(app, session):
    catalogue = make_catalogue(session)
    index_dir = app.config["SEARCH_INDEX_DIR"]
    rebuild_index(index_dir, session=session)
    try:
        first = _browse(app, session)
        again = _browse(app, session)
        assert again == first and again.ids is not first.ids  # kept, handed out as a copy
        item = next(i for i in ITEMS if i.published and i.cert is None)
        assert catalogue.id(item.key) in first.ids
        user, _plant = catalogue.users[item.division]
        withdraw_product(session=session, actor=user, product_id=catalogue.id(item.key))
        session.commit()
        follow_round(app.extensions["db_engine"], index_dir, echo=lambda _text: None)
        after = _browse(app, session)
        assert after.total == first.total - 1 and catalogue.id(item.key) not in after.ids
        with app.app_context():
            fresh = search_index().search("", include_uncertified=True, per_page=50)
        assert fresh == after
    finally:
        close_search_indexes(app)
