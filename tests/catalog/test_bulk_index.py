"""The parallel rebuild: the same index as Whoosh's own writer makes, and a clean failure."""

import multiprocessing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.cli import catalog_cli
from catalog.search import bulk, bulk_postings, indexer, storage
from catalog.search.documents import document_from_row, document_rows, documents
from catalog.search.searcher import SearchIndex
from tests.catalog.test_search import make_catalogue

QUERIES = [
    ("", {}),
    ("磷石膏 砌块", {}),
    ("磷石膏砌块", {}),
    ("水泥", {}),
    ("P.O 42.5 水泥", {}),
    ("P·O 42.5", {}),
    ("low-E glass", {}),
    ("glasses", {}),
    ("ENF 竹", {}),
    ('"竹集成材"', {}),
    ("gypsum board", {"include_uncertified": True}),
    ("贵州测试建材", {"sort": "gwp"}),
    ("Guizhou", {"sort": "-stars", "include_uncertified": True}),
    ("cement", {"sort": "newest", "filters": {"stars": ["3"]}}),
]


@pytest.fixture
def catalogue(session):
    """Return the test catalogue's products by key."""
    return make_catalogue(session)


def index_contents(index_dir: Path) -> dict:
    """Return everything an index holds: stored fields, columns and every term's postings."""
    ix = storage.open_generation(storage.current_generation(index_dir))
    with ix.reader() as reader:
        postings = {}
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[fieldname, term] = found
        records = reader.column_reader("record")
        return {
            "segments": len(reader.leaf_readers()),
            "stored": list(reader.all_stored_fields()),
            "records": [records[docnum] for docnum in range(reader.doc_count_all())],
            "postings": postings,
        }


def search_results(index_dir: Path) -> list:
    """Return the ids, totals and facets of the queries, in rank order."""
    with SearchIndex(index_dir) as index:
        return [
            (found.ids, found.total, found.facets)
            for found in (index.search(q, per_page=50, **options) for q, options in QUERIES)
        ]


def whoosh_built(index_dir: Path, session) -> None:
    """Build an index with Whoosh's own writer, as the follower writes documents."""
    generation = index_dir / f"{storage.PREFIX}reference"
    storage.create_index(generation)
    storage.update_documents(generation, list(documents(session=session)), [])
    storage.set_last_applied(generation, 0)
    storage.publish_generation(index_dir, generation, generation.name)


@pytest.mark.parametrize(("workers", "chunk_rows"), [(1, 2000), (1, 2), (2, 3), (3, 1)])
def test_the_rebuild_makes_the_index_whooshs_writer_makes(
    session, catalogue, tmp_path, monkeypatch, workers, chunk_rows
):
    monkeypatch.setattr(bulk, "CHUNK_ROWS", chunk_rows)  # several chunks: merged terms
    reference, built = tmp_path / "reference", tmp_path / "built"
    whoosh_built(reference, session)
    assert indexer.rebuild_index(built, workers=workers, session=session) == 9
    expected = index_contents(reference)
    assert expected["segments"] == 1 and len(expected["stored"]) == 9
    assert any(term == "磷石膏".encode() for _, term in expected["postings"])
    assert index_contents(built) == expected
    assert search_results(built) == search_results(reference)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_long_posting_lists_are_written_byte_for_byte_as_whooshs_writer_writes_them(
    session, catalogue, tmp_path, monkeypatch, workers
):
    # 40 copies of the catalogue: terms with 360 postings span several 128-posting blocks,
    # across chunks of 50 rows.
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 50)
    rows = list(document_rows(session=session))
    many = [(copy * 1000 + row[0], *row[1:]) for copy in range(40) for row in rows]
    reference, built = tmp_path / "reference", tmp_path / "built"
    storage.create_index(reference)
    # Whoosh's own writer, posting by posting, as the follower writes documents.
    storage.update_documents(reference, [document_from_row(row) for row in many], [])
    storage.create_index(built)
    assert bulk.write_rows(built, many, workers=workers) == len(many)
    expected = storage.segment_tables(reference)
    assert sorted(expected) == ["_stored.col", "pst", "record.col", "trm"]
    assert len(expected["pst"]) > 100_000  # postings in blocks, not only inlined
    assert storage.segment_tables(built) == expected


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=500), max_size=60),
    parts=st.integers(min_value=1, max_value=9),
)
def test_term_ranges_keep_every_term_once_in_order(sizes, parts):
    terms = [(f"t{n:03}".encode(), [(0, 0, size)]) for n, size in enumerate(sizes)]
    ranges = bulk_postings._split(terms, parts)
    assert [term for part in ranges for term in part] == terms
    assert len(ranges) <= max(parts, 1) and all(ranges[1:])


def failing_document(row):
    """Stand in for document_from_row, failing on the bamboo product's row."""
    if "竹" in row[1]:
        raise ValueError("a row the analysis cannot take")
    return real_document_from_row(row)


real_document_from_row = bulk.document_from_row


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_chunk_fails_the_rebuild_and_the_current_index_stays(
    session, catalogue, tmp_path, monkeypatch, workers
):
    index_dir = tmp_path / "index"
    indexer.rebuild_index(index_dir, session=session)
    before = (index_dir / storage.POINTER).read_text()
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 2)
    monkeypatch.setattr(bulk, "document_from_row", failing_document)  # forked workers too
    with pytest.raises(ValueError, match="cannot take"):
        indexer.rebuild_index(index_dir, workers=workers, session=session)
    assert (index_dir / storage.POINTER).read_text() == before
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == [before]  # no half index
    assert multiprocessing.active_children() == []  # the workers are gone
    with SearchIndex(index_dir) as index:
        assert index.doc_count() == 9
    monkeypatch.setattr(bulk, "document_from_row", real_document_from_row)
    assert indexer.rebuild_index(index_dir, workers=workers, session=session) == 9


def test_reindex_command_takes_a_number_of_workers(app, session, catalogue):
    result = app.test_cli_runner().invoke(catalog_cli, ["reindex", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "Indexed 9 products" in result.output
    result = app.test_cli_runner().invoke(catalog_cli, ["reindex", "--workers", "0"])
    assert result.exit_code == 2
