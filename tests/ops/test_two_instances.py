"""Two instances on one database, each with its own index following the outbox."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from accounts.models import Organisation
from catalog.models import Product, ProductStatus, SearchOutbox
from catalog.search import follow
from catalog.search.storage import last_applied
from catalog.services import product_input, update_product
from tests import factories
from tests.catalog.test_search import make_catalogue
from tests.ops.helpers import wait_for

DEADLINE = 10.0  # seconds: "searchable through the other instance within a few seconds"


class Follower:
    """An instance's `flask catalog follow` loop, run in a thread that can stop and restart."""

    def __init__(self, app) -> None:
        self.app = app
        self.lines: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start following (every 0.1 s)."""
        self._stop.clear()
        self.lines.clear()
        engine, index_dir = self.app.extensions["db_engine"], self.app.config["SEARCH_INDEX_DIR"]
        self._thread = threading.Thread(
            target=follow,
            args=(engine, index_dir),
            kwargs={"interval": 0.1, "stop": self._stop, "echo": self.lines.append},
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current round."""
        self._stop.set()
        self._thread.join(timeout=30)
        assert not self._thread.is_alive()


def rename(session, product, name_en: str) -> None:
    """Change a product's English name through the service, as a request of instance A does."""
    maker = factories.make_user(session, session.get(Organisation, product.manufacturer_id))
    data = product_input(product, session=session)
    data.name_en = name_en
    update_product(session=session, actor=maker, product_id=product.id, data=data)
    session.commit()


def finder(app):
    """Return a function telling whether the app's search page lists a product for a query."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def finds(query: str, product) -> bool:
        page = client.get("/catalog", query_string={"q": query}).get_data(as_text=True)
        assert 'data-testid="reduced-mode"' not in page  # the index answered, not the SQL
        return f"/catalog/products/{product.id}" in page

    return finds


@pytest.fixture
def instances(app, make_app, session):
    """Return instances A and B (own index directories) with their followers running."""
    make_catalogue(session)
    other = make_app("b")
    assert other.config["SEARCH_INDEX_DIR"] != app.config["SEARCH_INDEX_DIR"]
    followers = [Follower(app), Follower(other)]
    for follower in followers:
        follower.start()
    # A follower that finds no index builds one, then follows.
    for instance in (app, other):
        wait_for(lambda i=instance: (Path(i.config["SEARCH_INDEX_DIR"]) / "CURRENT").exists())
    yield app, other, followers
    for follower in followers:
        if follower._thread.is_alive():
            follower.stop()


def test_a_change_through_one_instance_is_searchable_through_the_other(instances, session):
    a, b, (follow_a, follow_b) = instances
    # Products the default search lists: published, with a valid certificate.
    listed = select(Product).where(Product.status == ProductStatus.PUBLISHED)
    products = {
        p.name_en: p
        for p in session.exec(listed.where(Product.cert_status == "valid").order_by(Product.id))
    }
    product = next(p for name, p in products.items() if "Portland" in name)
    finds_on_b, finds_on_a = finder(b), finder(a)
    assert not finds_on_b("zirconate", product)

    rename(session, product, "Zirconate Portland cement")
    wait_for(lambda: finds_on_b("zirconate", product), timeout=DEADLINE)
    wait_for(lambda: finds_on_a("zirconate", product))

    # B's follower stops (a restart, a deploy); A goes on changing products meanwhile.
    follow_b.stop()
    index_b = b.config["SEARCH_INDEX_DIR"]
    generation, applied_before = (
        (Path(index_b) / "CURRENT").read_text(),
        last_applied(index_b),
    )
    others = [p for p in products.values() if p.id != product.id][:2]
    rename(session, others[0], "Vanadate board one")
    rename(session, others[1], "Vanadate board two")
    newest = session.exec(select(func.max(SearchOutbox.id))).one()
    wait_for(lambda: finds_on_a("vanadate", others[1]))
    assert not finds_on_b("vanadate", others[0])  # B's index is behind while it is stopped

    follow_b.start()
    wait_for(
        lambda: finds_on_b("vanadate", others[0]) and finds_on_b("vanadate", others[1]),
        timeout=DEADLINE,
    )
    # Caught up from where it stopped: the same generation, only the new outbox rows applied.
    assert (Path(index_b) / "CURRENT").read_text() == generation
    assert last_applied(index_b) == newest
    assert follow_b.lines == [f"Applied {newest - applied_before} outbox rows (up to {newest})."]
    assert not any("rebuilding" in line for line in follow_b.lines)
