"""The load bench's requests: the public catalogue's mix, single pages, and the ceiling's page.

Every request is valid: product ids, certificate numbers and credit codes come from the
targets.json that bench/load/prepare.py wrote from the database, and the search queries are
the search bench's (bench/search/queries.toml). `write_requests` writes them as the lines
bench/load/requests.lua sends in random order (method, path, Accept-Language, JSON body);
`request_type` names a request from its method and URL (the access log's per-type figures).
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

HERE = Path(__file__).resolve().parent
with open(HERE.parent / "search" / "queries.toml", "rb") as handle:
    QUERIES = tomllib.load(handle)["query"]
PLAIN = [q for q in QUERIES if set(q) == {"q"} and q["q"]]
FILTERED = [q for q in QUERIES if set(q) != {"q"}]
STATUS_WEIGHTS = {"valid": 80, "expired": 10, "suspended": 7, "revoked": 3}
ELIGIBILITY_BATCH = 20  # a procurement system checks a list's suppliers in one POST
LINES = 20_000  # requests written per file; wrk picks among them at random
ZH, EN = "zh-CN,zh;q=0.9", "en"

Request = tuple[str, str, str | None]  # method, path with query, JSON body


def _with_facets(rng: random.Random, targets: dict) -> dict:
    """Return a text query with the facet filters a user clicks on the results page."""
    query = dict(rng.choice(PLAIN))
    filters = {}
    if rng.random() < 0.6:
        filters["category"] = [rng.choice(targets["categories"])]
    if rng.random() < 0.4:
        filters["stars"] = rng.choice([["3"], ["2", "3"]])
    if rng.random() < 0.2:
        filters["status"] = ["valid", "expired"]
        query["include_uncertified"] = True
    if rng.random() < 0.3:
        # GWP ranks only within one category (one declared unit): the API refuses it otherwise.
        sorts = ["gwp", "-stars", "newest"] if filters.get("category") else ["-stars", "newest"]
        query["sort"] = rng.choice(sorts)
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
    # The API refuses sort=gwp without exactly one category (the page falls back to relevance).
    if query.get("sort") and (query["sort"] != "gwp" or len(filters.get("category", [])) == 1):
        params.append(("sort", query["sort"]))
    return params


def _number(rng: random.Random, targets: dict) -> str:
    certificates = targets["certificates"]
    statuses = [s for s in STATUS_WEIGHTS if certificates.get(s)]
    status = rng.choices(statuses, weights=[STATUS_WEIGHTS[s] for s in statuses])[0]
    return rng.choice(certificates[status])


def _search(rng, targets) -> Request:
    return "GET", "/catalog?" + urlencode(catalog_params(rng.choice(PLAIN))), None


def _search_filtered(rng, targets) -> Request:
    query = rng.choice(FILTERED) if rng.random() < 0.4 else _with_facets(rng, targets)
    return "GET", "/catalog?" + urlencode(catalog_params(query)), None


def _product_page(rng, targets) -> Request:
    return "GET", f"/catalog/products/{rng.choice(targets['products'])}", None


def _verify(rng, targets) -> Request:
    return "GET", f"/verify/{quote(_number(rng, targets))}", None


def _certificate_api(rng, targets) -> Request:
    return "GET", f"/api/v1/certificates/{quote(_number(rng, targets))}", None


def _eligibility(rng, targets) -> Request:
    supplier, category, stars = rng.choice(targets["eligibility"])
    params = urlencode({"supplier": supplier, "category": category, "min_stars": stars})
    return "GET", f"/api/v1/eligibility?{params}", None


def _eligibility_many(rng, targets) -> Request:
    rows = rng.sample(targets["eligibility"], k=ELIGIBILITY_BATCH)
    body = [{"supplier": s, "category": c, "min_stars": n} for s, c, n in rows]
    return "POST", "/api/v1/eligibility", json.dumps(body, ensure_ascii=False)


def _products_api(rng, targets) -> Request:
    query = rng.choice(QUERIES) if rng.random() < 0.7 else _with_facets(rng, targets)
    return "GET", "/api/v1/products?" + urlencode(api_params(query)), None


def _product_api(rng, targets) -> Request:
    return "GET", f"/api/v1/products/{rng.choice(targets['products'])}", None


def _fixed(path: str) -> Callable[..., Request]:
    return lambda rng, targets: ("GET", path, None)


def _ceiling(rng, targets) -> Request:
    return "GET", f"/products/{rng.choice(targets['products'])}", None


# The mix: weight, request type, maker. Search is how buyers and contractors enter the
# catalogue (40 %), about one product page for every two searches (25 %), certificate checks
# by page and API (15 %), eligibility checks by tender platforms (15 %), integrations (5 %).
MIX = [
    (25, "/catalog?q=", _search),
    (15, "/catalog?q=&<facets>", _search_filtered),
    (25, "/catalog/products/<id>", _product_page),
    (10, "/verify/<number>", _verify),
    (5, "/api/v1/certificates/<number>", _certificate_api),
    (12, "/api/v1/eligibility?supplier=", _eligibility),
    (3, f"POST /api/v1/eligibility ({ELIGIBILITY_BATCH} queries)", _eligibility_many),
    (3, "/api/v1/products?q=", _products_api),
    (2, "/api/v1/products/<id>", _product_api),
]
# Single pages (bench/load/run.py --pages): the mix's types and the pages outside it.
PAGES = {name: maker for _, name, maker in MIX} | {
    "/": _fixed("/"),
    "/catalog": _fixed("/catalog"),
    "/dashboard": _fixed("/dashboard"),
}
CEILING = "ceiling: /products/<id>"


def write_requests(path: Path, targets: dict, what: str, seed: int = 17) -> None:
    """Write LINES requests of `what` (mix, a PAGES name, or CEILING) for requests.lua."""
    rng = random.Random(seed)
    if what == "mix":
        makers = rng.choices([m for *_, m in MIX], weights=[w for w, *_ in MIX], k=LINES)
    else:
        makers = [_ceiling if what == CEILING else PAGES[what]] * LINES
    with path.open("w", encoding="utf-8") as handle:
        for maker in makers:
            method, target, body = maker(rng, targets)
            # 70 % of the visitors read Chinese.
            language = ZH if rng.random() < 0.7 else EN
            handle.write(f"{method}\t{target}\t{language}\t{body or ''}\n")


_PRODUCT = re.compile(r"^/(catalog|api/v1)/products/\d+$")


def request_type(method: str, url: str) -> str:
    """Return the type of a request (a MIX or PAGES name) from its method and URL."""
    parts = urlsplit(url)
    path, params = parts.path, {name for name, _ in parse_qsl(parts.query)}
    if method == "POST":
        return f"POST {path}" + (f" ({ELIGIBILITY_BATCH} queries)" if "eligibility" in path else "")
    if _PRODUCT.match(path):
        return f"{path.rsplit('/', 1)[0]}/<id>"
    if path.startswith("/products/"):
        return CEILING
    if path == "/catalog" and params:
        return "/catalog?q=" if params == {"q"} else "/catalog?q=&<facets>"
    for prefix, name in (
        ("/verify/", "/verify/<number>"),
        ("/api/v1/certificates/", "/api/v1/certificates/<number>"),
        ("/api/v1/eligibility", "/api/v1/eligibility?supplier="),
        ("/api/v1/products", "/api/v1/products?q="),
    ):
        if path.startswith(prefix):
            return name
    return path
