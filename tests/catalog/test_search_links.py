"""The search page's links: the same URLs url_for makes, with the path built once per request."""

from dataclasses import replace

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import catalog.search_page
from catalog.search_page import SearchState

STATES = [
    SearchState(),
    SearchState(q="水泥 P·O 42.5"),
    SearchState(q="low-E glass & 'quotes' / 100% + more", sort="gwp", page=3),
    SearchState(
        q="砌块",
        facets={"category": ("aac-block",), "stars": ("3", "2"), "status": ("valid", "expired")},
        gwp_min=0.5,
        gwp_max=1e-7,
        include_uncertified=True,
        compare=(7, 12, 3),
    ),
    SearchState(facets={"division": ("520100", "520300")}, sort="-stars"),
]


def _url_for(state: SearchState) -> str:
    return url_for("catalog.index", **state.params())


@pytest.mark.parametrize("state", STATES)
def test_links_are_the_urls_url_for_makes(app, state):
    with app.test_request_context("/catalog"):
        for changes in ({}, {"page": 1}, {"page": 2, "sort": "newest"}, {"compare": ()}):
            assert state.url(**changes) == _url_for(replace(state, **changes))
        stars = (*state.facets.get("stars", ()), "1")
        toggled = replace(state, facets={**state.facets, "stars": stars}, page=1)
        assert state.toggle_url("stars", "1") == _url_for(toggled)
        assert state.compare_url(99) == _url_for(replace(state, compare=(*state.compare, 99)))
        for chosen in state.compare:  # a second click takes the product out again
            left = tuple(i for i in state.compare if i != chosen)
            assert state.compare_url(chosen) == _url_for(replace(state, compare=left))


_words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_states = st.builds(
    SearchState,
    q=_words,
    facets=st.dictionaries(
        st.sampled_from(["category", "stars", "division", "status"]),
        st.lists(_words, max_size=3, unique=True).map(tuple),
        max_size=3,
    ),
    gwp_min=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    sort=st.sampled_from(["relevance", "gwp", "-stars", "newest"]),
    page=st.integers(1, 99),
    include_uncertified=st.booleans(),
    compare=st.lists(st.integers(1, 10**6), max_size=4, unique=True).map(tuple),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=_states, product_id=st.integers(1, 10**6))
def test_comparison_links_are_the_urls_url_for_makes(app, state, product_id):
    # compare_url encodes the rest of the query once per page: any state, any row.
    with app.test_request_context("/catalog"):
        ids = tuple(i for i in state.compare if i != product_id)
        if product_id not in state.compare:
            ids = (*ids, product_id)
        assert state.compare_url(product_id) == _url_for(replace(state, compare=ids))
        if state.compare:
            chosen = state.compare[0]
            left = tuple(i for i in state.compare if i != chosen)
            assert state.compare_url(chosen) == _url_for(replace(state, compare=left))


def test_a_search_page_builds_its_own_path_once(client, monkeypatch):
    calls = []
    original = catalog.search_page.url_for

    def counting(endpoint, **values):
        calls.append(endpoint)
        return original(endpoint, **values)

    monkeypatch.setattr(catalog.search_page, "url_for", counting)
    page = client.get("/catalog?q=cement&stars=3&sort=newest&compare=1,2")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Sorts, the switch, the comparison's links and the facets all link back to the page.
    assert text.count('href="/catalog?') >= 5
    assert calls == ["catalog.index"]
