"""Locust users for the load bench: the public catalogue's realistic mix of requests.

Every request is valid: product ids, certificate numbers and credit codes come from the
targets.json that bench/load/prepare.py wrote from the database (LOAD_TARGETS), and the search
queries are the search bench's (bench/search/queries.toml). Any answer but 200, or a body
without what the page or API must return, is a failure. Users have no think time by default
(LOAD_WAIT seconds between requests, 0): N users keep N requests in flight.
"""

from __future__ import annotations

import json
import os
import random
import tomllib
from pathlib import Path
from urllib.parse import quote, urlencode

from locust import FastHttpUser, constant, task

HERE = Path(__file__).resolve().parent
TARGETS_FILE = Path(os.environ.get("LOAD_TARGETS", "/tmp/greenbm-load/targets.json"))
TARGETS = json.loads(TARGETS_FILE.read_text())
with open(HERE.parent / "search" / "queries.toml", "rb") as handle:
    QUERIES = tomllib.load(handle)["query"]
PLAIN = [q for q in QUERIES if set(q) == {"q"} and q["q"]]
FILTERED = [q for q in QUERIES if set(q) != {"q"}]
STATUS_WEIGHTS = {"valid": 80, "expired": 10, "suspended": 7, "revoked": 3}
ELIGIBILITY_BATCH = 20  # a procurement system checks a list's suppliers in one POST


def _with_facets(rng: random.Random) -> dict:
    """Return a text query with the facet filters a user clicks on the results page."""
    query = dict(rng.choice(PLAIN))
    filters = {}
    if rng.random() < 0.6:
        filters["category"] = [rng.choice(TARGETS["categories"])]
    if rng.random() < 0.4:
        filters["stars"] = rng.choice([["3"], ["2", "3"]])
    if rng.random() < 0.2:
        filters["status"] = ["valid", "expired"]
        query["include_uncertified"] = True
    if rng.random() < 0.3:
        query["sort"] = rng.choice(["gwp", "-stars", "newest"])
    return {**query, "filters": filters}


def catalog_params(query: dict) -> list[tuple[str, str]]:
    """Return the /catalog query string of a bench query (the page's own parameter names)."""
    params = [("q", query["q"])]
    for name, values in (query.get("filters") or {}).items():
        params += [(name, value) for value in values]
    if query.get("include_uncertified"):
        params.append(("uncertified", "1"))
    if query.get("sort"):
        params.append(("sort", query["sort"]))
    return params


def api_params(query: dict) -> list[tuple[str, str]]:
    """Return the /api/v1/products query string of a bench query (the API's parameters)."""
    filters = query.get("filters") or {}
    params = [("q", query["q"])]
    params += [("category", c) for c in filters.get("category", [])]
    params += [("division", d) for d in filters.get("division", [])]
    if filters.get("stars"):
        params.append(("min_stars", min(filters["stars"])))
    if filters.get("gwp_max"):
        params.append(("gwp_max", filters["gwp_max"][0]))
    if query.get("include_uncertified") or filters.get("status"):
        params.append(("status", "any"))
    if query.get("sort"):
        params.append(("sort", query["sort"]))
    return params


class CatalogueUser(FastHttpUser):
    """A visitor or client system of the public catalogue, verification pages and API."""

    wait_time = constant(float(os.environ.get("LOAD_WAIT", "0")))

    def on_start(self) -> None:
        """Pick the user's language: most visitors read Chinese."""
        self.rng = random.Random()
        language = "zh-CN,zh;q=0.9" if self.rng.random() < 0.7 else "en"
        self.headers = {"Accept-Language": language}

    def _html(self, url: str, name: str, marker: str) -> None:
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif marker not in (r.text or ""):
                r.failure(f"no {marker!r} in the page")

    def _json(self, method: str, url: str, name: str, check, **kwargs) -> None:
        with self.client.request(
            method, url, name=name, headers=self.headers, catch_response=True, **kwargs
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
                return
            try:
                ok = check(json.loads(r.text))
            except (ValueError, KeyError, TypeError) as exc:
                ok = False
                r.failure(f"bad JSON: {exc}")
                return
            if not ok:
                r.failure(f"unexpected body: {r.text[:200]}")

    def _number(self) -> str:
        certificates = TARGETS["certificates"]
        statuses = [s for s in STATUS_WEIGHTS if certificates.get(s)]
        status = self.rng.choices(statuses, weights=[STATUS_WEIGHTS[s] for s in statuses])[0]
        return self.rng.choice(certificates[status])

    # Catalogue search page: 40 % ------------------------------------------------------------

    @task(25)
    def search(self) -> None:
        """Search the catalogue with a text query (Chinese, English, models, numbers)."""
        query = self.rng.choice(PLAIN)
        self._html("/catalog?" + urlencode(catalog_params(query)), "/catalog?q=", "<main")

    @task(15)
    def search_filtered(self) -> None:
        """Search with facet filters and sorts (the bench's own, or facets clicked on a query)."""
        query = self.rng.choice(FILTERED) if self.rng.random() < 0.4 else _with_facets(self.rng)
        url = "/catalog?" + urlencode(catalog_params(query))
        self._html(url, "/catalog?q=&<facets>", "<main")

    # Product page: 25 % ---------------------------------------------------------------------

    @task(25)
    def product_page(self) -> None:
        """Open a product's page (as from a search result or a shared link)."""
        product_id = self.rng.choice(TARGETS["products"])
        self._html(f"/catalog/products/{product_id}", "/catalog/products/<id>", "<main")

    # Certificate verification: 15 % ----------------------------------------------------------

    @task(10)
    def verify(self) -> None:
        """Verify a certificate by its number on the public page (a buyer or site inspector)."""
        number = self._number()
        self._html(f"/verify/{quote(number)}", "/verify/<number>", number)

    @task(5)
    def certificate_api(self) -> None:
        """Verify a certificate through the API (a client system)."""
        number = self._number()
        self._json(
            "GET",
            f"/api/v1/certificates/{quote(number)}",
            "/api/v1/certificates/<number>",
            lambda body: body["number"] == number,
        )

    # Eligibility API: 15 % -------------------------------------------------------------------

    @task(12)
    def eligibility(self) -> None:
        """Ask whether one supplier is eligible in a category."""
        supplier, category, stars = self.rng.choice(TARGETS["eligibility"])
        params = urlencode({"supplier": supplier, "category": category, "min_stars": stars})
        self._json(
            "GET",
            f"/api/v1/eligibility?{params}",
            "/api/v1/eligibility?supplier=",
            lambda body: body["supplier"]["uscc"] == supplier and "eligible" in body,
        )

    @task(3)
    def eligibility_many(self) -> None:
        """Check a procurement list's suppliers in one request."""
        rows = self.rng.sample(TARGETS["eligibility"], k=ELIGIBILITY_BATCH)
        body = [{"supplier": s, "category": c, "min_stars": n} for s, c, n in rows]
        self._json(
            "POST",
            "/api/v1/eligibility",
            f"POST /api/v1/eligibility ({ELIGIBILITY_BATCH} queries)",
            lambda answers: len(answers) == len(body) and all("eligible" in a for a in answers),
            json=body,
        )

    # Products API: 5 % -----------------------------------------------------------------------

    @task(3)
    def products_api(self) -> None:
        """Search products through the API."""
        query = self.rng.choice(QUERIES) if self.rng.random() < 0.7 else _with_facets(self.rng)
        self._json(
            "GET",
            "/api/v1/products?" + urlencode(api_params(query)),
            "/api/v1/products?q=",
            lambda body: "items" in body and "facets" in body,
        )

    @task(2)
    def product_api(self) -> None:
        """Fetch one product through the API."""
        product_id = self.rng.choice(TARGETS["products"])
        self._json(
            "GET",
            f"/api/v1/products/{product_id}",
            "/api/v1/products/<id>",
            lambda body: body["id"] == product_id,
        )
