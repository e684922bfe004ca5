"""This process's index readers, one per index directory, and the search that falls back to SQL."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlmodel import Session

from catalog.search.fallback import database_search
from catalog.search.query import Query, SearchResult
from catalog.search.searcher import SearchIndex
from catalog.search.storage import IndexUnavailable

logger = logging.getLogger(__name__)

_EXTENSION = "search_indexes"
_lock = threading.Lock()


def search_index() -> SearchIndex | None:
    """Return this process's reader of the configured index directory, or None if unusable."""
    app = current_app._get_current_object()
    directory = str(app.config["SEARCH_INDEX_DIR"])
    with _lock:
        cache: dict[str, SearchIndex] = app.extensions.setdefault(_EXTENSION, {})
        index = cache.get(directory)
        if index is None:
            try:
                index = cache[directory] = SearchIndex(directory)
            except IndexUnavailable as exc:
                logger.warning("search index %s unavailable: %s", directory, exc)
                return None
    return index


def close_search_indexes(app: Flask) -> None:
    """Close the index readers the app has opened (tests call this on teardown)."""
    with _lock:
        for index in app.extensions.pop(_EXTENSION, {}).values():
            index.close()


def index_state() -> tuple[str, int] | None:
    """Return the state of the index searches read now, or None if it is unavailable."""
    index = search_index()
    if index is None:
        return None
    try:
        return index.state()
    except IndexUnavailable:
        return None


def search(query: Query, *, session: Session) -> tuple[SearchResult, bool]:
    """Return the search result from the index, else from SQL; and whether SQL answered."""
    arguments = {
        "filters": query.filters,
        "sort": query.sort,
        "page": query.page,
        "per_page": query.per_page,
        "include_uncertified": query.include_uncertified,
    }
    index = search_index()
    if index is not None:
        try:
            return index.search(query.text, **arguments), False
        except IndexUnavailable as exc:
            logger.warning("search index failed, using SQL: %s", exc)
    return database_search(query.text, **arguments, session=session), True
