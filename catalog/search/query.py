"""What a search asks and answers: the query's terms, filters, sorts, and the result."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from catalog.search.analysis import normalize, tokens
from catalog.search.schema import STATUS_CODES

FACETS = ("category", "stars", "division", "status")
FILTER_KEYS = frozenset({*FACETS, "gwp_min", "gwp_max"})
SORTS = ("relevance", "gwp", "-stars", "newest")
# The certificate statuses the index knows, valid first and never certified last.
_SHOWN_ORDER = ["valid", "expired", "suspended", "revoked", "none"]
STATUSES = tuple(sorted(STATUS_CODES, key=_SHOWN_ORDER.index))


@dataclass(frozen=True)
class Query:
    """What to search for: words, facet filters, sort and page."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    include_uncertified: bool = False


@dataclass
class SearchResult:
    """Product ids of one page in rank order, the total, facet counts and highlights."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]
    highlights: dict[int, str] = field(default_factory=dict)


# Query parsing: never raises; anything odd degrades to plain terms.

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_OPERATOR_CHARS = re.compile(r"[()\[\]{}*?:~^!\\<>=|&]")
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


@dataclass(frozen=True)
class ParsedQuery:
    """The required terms and phrases of a query, and its raw words for a LIKE search."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Return whether nothing searchable is left (the query then lists everything)."""
        return not self.terms


def _clean(text: str) -> str:
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text[:2000])
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)[:MAX_QUERY_CHARS]


def parse_query(text: str | None) -> ParsedQuery:
    """Split a user's query into required terms and quoted phrases; never raise."""
    pieces = _clean(text or "").split('"')
    # Even pieces are outside quotes; an unbalanced last quote leaves its text as plain words.
    quoted = [(i % 2 == 1 and i < len(pieces) - 1, piece) for i, piece in enumerate(pieces)]
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    words: list[str] = []
    for is_phrase, piece in quoted:
        piece = _OPERATOR_CHARS.sub(" ", piece)
        if is_phrase:
            found = [t for t, *_ in tokens(normalize(piece), query=True)]
            if len(found) > 1:
                phrases.append(tuple(found[:MAX_TERMS]))
            terms.extend(found)
            if piece.strip():
                words.append(" ".join(piece.split()))
            continue
        for word in piece.split():
            if word in _OPERATOR_WORDS:
                continue
            found = [t for t, *_ in tokens(normalize(word), query=True)]
            terms.extend(found)
            if found:
                words.append(word)
    unique = tuple(dict.fromkeys(terms))[:MAX_TERMS]
    return ParsedQuery(unique, tuple(phrases), tuple(words[:MAX_TERMS]))


def check_arguments(filters: dict | None, sort: str) -> dict[str, list[str]]:
    """Return the filters as lists of strings; raise ValueError for an unknown key or sort.

    An unknown key or sort is a caller's bug; odd values are the user's and match nothing.
    """
    filters = dict(filters or {})
    unknown = set(filters) - FILTER_KEYS
    if unknown:
        raise ValueError(f"unknown filters {sorted(unknown)}")
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    return {
        key: [str(v) for v in ([values] if isinstance(values, str | int | float) else values)]
        for key, values in filters.items()
        if values is not None
    }


def gwp_bounds(filters: dict[str, list[str]]) -> tuple[float | None, float | None]:
    """Return the GWP range of the filters; a bound that is not a number is ignored."""
    return _number(filters.get("gwp_min")), _number(filters.get("gwp_max"))


def _number(values: list[str] | None) -> float | None:
    try:
        value = float(values[0]) if values else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None
