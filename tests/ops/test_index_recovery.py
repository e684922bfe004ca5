"""The search index survives its writer dying: a rebuild killed half-way, a restored database."""

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from catalog.search import bulk, indexer, storage
from catalog.search.searcher import SearchIndex
from greenbm.db import make_engine
from tests.catalog.test_search import keys, make_catalogue
from tests.ops.helpers import wait_for


def stalling_rebuild(database_url: str, index_dir: str, marker: Path) -> None:
    """Rebuild the index in a forked child whose document stream stalls after one document,
    so that it is certainly killed in the middle of writing the new generation."""
    real = bulk.write_rows

    def stalling(path, rows, **kwargs):
        def stream():
            for n, row in enumerate(rows):
                if n == 1:
                    marker.write_text(str(path))
                    time.sleep(60)
                yield row

        return real(path, stream(), **kwargs)

    bulk.write_rows = stalling
    engine = make_engine(database_url)  # never the parent's pooled connections
    with Session(engine) as session:
        indexer.rebuild_index(index_dir, session=session)


@pytest.fixture
def catalogue(session):
    """Return the test catalogue's products by key."""
    return make_catalogue(session)


def test_a_rebuild_killed_half_way_leaves_the_old_index_serving(app, session, catalogue, tmp_path):
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    indexer.rebuild_index(index_dir, session=session)
    before = (index_dir / "CURRENT").read_text()
    marker = tmp_path / "building"
    child = multiprocessing.get_context("fork").Process(
        target=stalling_rebuild, args=(app.config["DATABASE_URL"], str(index_dir), marker)
    )
    child.start()
    try:
        wait_for(lambda: marker.exists() or not child.is_alive())
        assert child.is_alive(), f"the rebuild ended by itself ({child.exitcode})"
        building = Path(marker.read_text())
        assert building.name.endswith(".building") and building.is_dir()
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=10)
        assert child.exitcode == -signal.SIGKILL
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        child.close()

    # Readers never saw the half-built generation.
    assert (index_dir / "CURRENT").read_text() == before
    with SearchIndex(index_dir) as index:
        assert keys(index.search("竹"), catalogue) == {"bamboo"}
    assert building.is_dir()  # the orphan is still there…
    result = app.test_cli_runner().invoke(args=["catalog", "follow", "--once"])
    assert result.exit_code == 0, result.output
    assert not building.exists()  # …until the next writer removes it
    assert (index_dir / "CURRENT").read_text() == before  # following needs no rebuild
    result = app.test_cli_runner().invoke(args=["catalog", "reindex"])
    assert result.exit_code == 0 and "Indexed 9 products" in result.output
    generations = sorted(p.name for p in index_dir.iterdir() if p.is_dir())
    assert len(generations) == 2 and before in generations


def test_an_index_ahead_of_a_restored_database_is_rebuilt(app, session, catalogue):
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    indexer.rebuild_index(index_dir, session=session)
    generation = (index_dir / "CURRENT").read_text()
    # As after restoring an older backup: the index has applied outbox rows the database lacks.
    storage.set_last_applied(index_dir / generation, storage.last_applied(index_dir) + 100)
    result = app.test_cli_runner().invoke(args=["catalog", "follow", "--once"])
    assert result.exit_code == 0, result.output
    assert "rebuilding" in result.output
    assert (index_dir / "CURRENT").read_text() != generation
    with SearchIndex(index_dir) as index:
        assert index.doc_count() == 9
