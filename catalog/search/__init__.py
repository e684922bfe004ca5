"""Product search on Whoosh, jieba and numpy: the only package that imports whoosh.

The rest of the app uses only the names below. Inside: `analysis` (jieba, tokens), `schema`
(the document, its record, Whoosh's field storage), `storage` (the index directory), `query`
(parsing, filters, sorts), `scoring` and `facets` (numpy postings, BM25, facet counts),
`searcher` (the index reader), `highlight`, `documents` (rows from the database), `indexer`
(the outbox follower), `fallback` (SQL when the index is unusable) and `readers` (the app's
readers, and the search that picks the index or SQL).
"""

from catalog.search.analysis import init_search
from catalog.search.documents import count_indexable
from catalog.search.indexer import follow, follow_round, queue_for_index, rebuild_index
from catalog.search.query import FACETS, SORTS, STATUSES, Query, SearchResult
from catalog.search.readers import close_search_indexes, index_state, search

__all__ = [
    "FACETS",
    "SORTS",
    "STATUSES",
    "Query",
    "SearchResult",
    "close_search_indexes",
    "count_indexable",
    "follow",
    "follow_round",
    "index_state",
    "init_search",
    "queue_for_index",
    "rebuild_index",
    "search",
]
