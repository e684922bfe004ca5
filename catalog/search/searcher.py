"""The index reader: follows the current generation and answers queries from numpy arrays."""

from __future__ import annotations

import gc
import logging
import threading
import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from catalog.search.analysis import IS_CJK, init_search
from catalog.search.facets import facet_counts, filter_masks
from catalog.search.highlight import highlight
from catalog.search.query import ParsedQuery, SearchResult, check_arguments, parse_query
from catalog.search.scoring import Segment, View, intersect, top
from catalog.search.storage import IndexUnavailable, current_generation, open_generation

logger = logging.getLogger(__name__)


class SearchIndex:
    """A read-only view of the index directory that follows the latest committed state.

    Safe to share between threads: queries run one at a time under a lock (Whoosh's file
    readers are not thread-safe); each takes a few milliseconds.
    """

    def __init__(self, index_dir: str | Path) -> None:
        init_search()
        self._dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._ix = None
        self._searcher = None
        self._view: View | None = None
        self._segments: dict[str, Segment] = {}
        with self._lock:
            self._refresh()

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._drop()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _drop(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._generation = self._ix = self._searcher = self._view = None
        self._segments = {}

    def _refresh(self) -> View:
        try:
            generation = current_generation(self._dir)
            current = generation == self._generation and self._searcher.up_to_date()
        except (IndexUnavailable, OSError) as exc:
            self._drop()
            raise IndexUnavailable(str(exc)) from exc
        if not current:
            self._open(generation)
        if self._view.today != date.today():
            self._view = View(self._searcher, self._segments, date.today())
        return self._view

    def _open(self, generation: Path) -> None:
        # Whoosh leaves a file open when it meets a corrupt table of contents. It is closed
        # when the exception is freed, inside this block, where its ResourceWarning is no news.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                if generation != self._generation:
                    self._drop()
                    self._ix = open_generation(generation)
                    self._generation = generation
                # Not Searcher.refresh(): whoosh-reloaded 2.7.5 reuses segment readers by
                # segment id there, so it misses new deletions and revives merged segments.
                previous, self._searcher = self._searcher, self._ix.searcher()
                if previous is not None:
                    previous.close()
                self._view = View(self._searcher, self._segments, date.today())
                error = None
            except Exception as exc:  # a corrupt index fails in many ways, none ours to fix
                error = f"{type(exc).__name__}: {exc}"
            if error:
                gc.collect()  # in case the leaked file sits in a reference cycle
        if error:
            self._drop()
            logger.warning("search index %s unavailable: %s", generation, error)
            raise IndexUnavailable(error)
        # Forget the segments merged away.
        live = {s.segment_id() for s in self._searcher.reader().segments()}
        self._segments = {key: value for key, value in self._segments.items() if key in live}

    def state(self) -> tuple[str, int]:
        """Return what names the index's content now: its generation and Whoosh's own."""
        with self._lock:
            self._refresh()
            return self._generation.name, self._searcher.reader().generation()

    def doc_count(self) -> int:
        """Return the number of products in the index."""
        with self._lock:
            return self._refresh().n_live

    def search(
        self,
        query: str,
        *,
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        include_uncertified: bool = False,
    ) -> SearchResult:
        """Return one page of matching product ids with facet counts and highlights."""
        filters = check_arguments(filters, sort)
        parsed = parse_query(query)
        with self._lock:
            view = self._refresh()
            try:
                if parsed.empty:
                    return _browse(view, parsed, filters, sort, page, per_page, include_uncertified)
                return _run(view, parsed, filters, sort, page, per_page, include_uncertified)
            except OSError as exc:  # files removed under an open searcher
                self._drop()
                raise IndexUnavailable(str(exc)) from exc


def _run(
    view: View,
    parsed: ParsedQuery,
    filters: dict[str, list[str]],
    sort: str,
    page: int,
    per_page: int,
    include_uncertified: bool,
) -> SearchResult:
    if parsed.empty:
        docs, score = np.flatnonzero(view.live), None
    else:
        docs, score = intersect([view.postings(t) for t in parsed.terms])
        for words in parsed.phrases:
            if not all(view.has_term(w) for w in words):
                continue  # a word the index never saw whole cannot be checked as a phrase
            keep = np.isin(docs, view.phrase_docs(words), assume_unique=True)
            docs, score = docs[keep], score[keep]
    masks = filter_masks(view, docs, filters, include_uncertified)
    facets = facet_counts(view, docs, masks)
    keep = np.ones(len(docs), dtype=bool)
    for mask in masks.values():
        keep &= mask
    docs = docs[keep]
    page, per_page = max(page, 1), max(per_page, 1)
    start, stop = (page - 1) * per_page, page * per_page
    if start >= len(docs):
        chosen = docs[:0]
    elif sort == "relevance" and score is not None:
        newest = view.rank("newest")[docs]
        chosen = docs[top(-score[keep], newest, stop)[start:]]
    else:
        rank = view.rank("newest" if sort == "relevance" else sort)[docs]
        chosen = docs[top(rank, rank, stop)[start:]]
    ids = [int(i) for i in view.pid[chosen]]
    highlights = {}
    if not parsed.empty:
        marked = _hit_terms(view, parsed)
        for docnum, pid in zip(chosen, ids, strict=True):
            snippet = highlight(view.searcher.stored_fields(int(docnum))["shown"], marked)
            if snippet:
                highlights[pid] = snippet
    return SearchResult(ids, len(docs), facets, highlights)


BROWSE_KEPT = 64  # pages of the catalogue without a query kept per state of the index


def _browse(
    view: View,
    parsed: ParsedQuery,
    filters: dict[str, list[str]],
    sort: str,
    page: int,
    per_page: int,
    include_uncertified: bool,
) -> SearchResult:
    # Without a query a page is a function of the index state alone, and it counts the whole
    # catalogue: it is kept on the view, which a refresh (any change) or a new day replaces.
    key = (tuple(sorted((k, tuple(v)) for k, v in filters.items())), sort, page, per_page)
    key += (include_uncertified,)
    found = view.browsed.get(key)
    if found is None:
        found = _run(view, parsed, filters, sort, page, per_page, include_uncertified)
        if len(view.browsed) >= BROWSE_KEPT:
            view.browsed.pop(next(iter(view.browsed)))
        view.browsed[key] = found
    return replace(found, ids=list(found.ids))


def _hit_terms(view: View, parsed: ParsedQuery) -> frozenset[str]:
    terms = set(parsed.terms)
    for term in parsed.terms:
        if len(term) == 1 and IS_CJK.match(term):
            terms.update(view.words_containing(term))
    return frozenset(terms)
