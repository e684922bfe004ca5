"""The search page's state from its URL: lenient parsing, and links that keep every filter."""

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import urlencode

from flask import g, url_for
from werkzeug.datastructures import MultiDict

from accounts.divisions import DIVISIONS
from catalog.comparison import MAX_COMPARED, parse_id_list
from catalog.search import SORTS, STATUSES, Query

FACETS = ("category", "stars", "division", "status")
STARS = ("3", "2", "1")
MAX_QUERY = 200
# The characters werkzeug's url_for leaves unescaped in a query string (its _urlencode).
_QUERY_SAFE = "!$'()*,/:;?@"


def _index_path() -> str:
    # A search page links to itself some fifty times (facets, sorts, pages, comparison): the
    # path is built once per request and the query strings encoded as url_for encodes them.
    path = g.get("catalog_index_path")
    if path is None:
        path = g.catalog_index_path = url_for("catalog.index")
    return path


def parse_number(raw: str | None) -> float | None:
    """Return a finite number from the text, or None for anything else."""
    try:
        value = float((raw or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _page(raw: str | None) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100_000 else 1


@dataclass(frozen=True)
class SearchState:
    """Everything the search page's URL says, already corrected."""

    q: str = ""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gwp_min: float | None = None
    gwp_max: float | None = None
    sort: str = "relevance"
    page: int = 1
    include_uncertified: bool = False
    compare: tuple[int, ...] = ()

    @property
    def single_category(self) -> str | None:
        """Return the category code when exactly one category is chosen (GWP range applies)."""
        chosen = self.facets.get("category", ())
        return chosen[0] if len(chosen) == 1 else None

    def selected(self, facet: str, value: str) -> bool:
        """Return whether the facet value is chosen."""
        return value in self.facets.get(facet, ())

    def query(self, per_page: int) -> Query:
        """Return the search to run."""
        filters = {name: list(values) for name, values in self.facets.items() if values}
        if self.gwp_min is not None:
            filters["gwp_min"] = [repr(self.gwp_min)]
        if self.gwp_max is not None:
            filters["gwp_max"] = [repr(self.gwp_max)]
        return Query(
            text=self.q,
            filters=filters,
            sort=self.sort,
            page=self.page,
            per_page=per_page,
            include_uncertified=self.include_uncertified,
        )

    def params(self) -> dict:
        """Return the URL parameters that reproduce this state."""
        params: dict = {name: list(values) for name, values in self.facets.items() if values}
        if self.q:
            params["q"] = self.q
        if self.gwp_min is not None:
            params["gwp_min"] = f"{self.gwp_min:g}"
        if self.gwp_max is not None:
            params["gwp_max"] = f"{self.gwp_max:g}"
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page > 1:
            params["page"] = self.page
        if self.include_uncertified:
            params["uncertified"] = "1"
        if self.compare:
            params["compare"] = _compare_value(self.compare)
        return params

    def url(self, **changes) -> str:
        """Return the search page's URL for this state with some fields changed."""
        return _with_query(_pairs(replace(self, **changes).params()))

    def toggle_url(self, facet: str, value: str) -> str:
        """Return the URL that adds or removes a facet value, back on the first page."""
        chosen = self.facets.get(facet, ())
        values = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        facets = {**self.facets, facet: values}
        changes: dict = {"facets": facets, "page": 1}
        if facet == "category" and len(values) != 1:
            changes.update(gwp_min=None, gwp_max=None)  # a GWP range belongs to one category
        if facet == "status" and values and set(values) != {"valid"}:
            changes["include_uncertified"] = True
        return self.url(**changes)

    def switch_url(self) -> str:
        """Return the URL that turns the "include uncertified and lapsed" switch over."""
        facets = {**self.facets, "status": ()}  # off again: back to valid certificates only
        return self.url(include_uncertified=not self.include_uncertified, facets=facets, page=1)

    def compare_url(self, product_id: int) -> str:
        """Return the URL that adds a product to, or removes it from, the comparison."""
        ids = tuple(i for i in self.compare if i != product_id)
        if product_id not in self.compare:
            ids = (*ids, product_id)
        # Every result row has this link: only the comparison differs from row to row, and it
        # is the last parameter, so the rest of the query string is encoded once per page.
        tail = urlencode([("compare", _compare_value(ids))], safe=_QUERY_SAFE) if ids else ""
        query = "&".join(part for part in (self._query_but_compare, tail) if part)
        return _index_path() + ("?" + query if query else "")

    @cached_property
    def _query_but_compare(self) -> str:
        pairs = [pair for pair in _pairs(self.params()) if pair[0] != "compare"]
        return urlencode(pairs, safe=_QUERY_SAFE)


def _compare_value(ids: tuple[int, ...]) -> str:
    return ",".join(map(str, ids))


def _pairs(params: dict) -> list[tuple[str, object]]:
    return [
        (name, value)
        for name, values in params.items()
        for value in (values if isinstance(values, list) else [values])
    ]


def _with_query(pairs: list[tuple[str, object]]) -> str:
    return _index_path() + ("?" + urlencode(pairs, safe=_QUERY_SAFE) if pairs else "")


def parse_state(args: MultiDict, categories: set[str]) -> SearchState:
    """Return the page state from the query string; unknown values are dropped, never fatal."""
    allowed = {
        "category": categories,
        "stars": set(STARS),
        "division": set(DIVISIONS),
        "status": set(STATUSES),
    }
    facets = {
        name: tuple(dict.fromkeys(v for v in args.getlist(name) if v in allowed[name]))
        for name in FACETS
    }
    facets = {name: values for name, values in facets.items() if values}
    low = high = None
    if len(facets.get("category", ())) == 1:
        low, high = parse_number(args.get("gwp_min")), parse_number(args.get("gwp_max"))
        if low is not None and high is not None and low > high:
            low, high = high, low
    sort = args.get("sort", "relevance")
    statuses = set(facets.get("status", ()))
    compare, _bad = parse_id_list(args.get("compare"))
    return SearchState(
        q=" ".join((args.get("q") or "").split())[:MAX_QUERY],
        facets=facets,
        gwp_min=low,
        gwp_max=high,
        sort=sort if sort in SORTS else "relevance",
        page=_page(args.get("page")),
        include_uncertified=args.get("uncertified") == "1" or bool(statuses - {"valid"}),
        compare=tuple(compare[:MAX_COMPARED]),
    )
