"""What each main public page costs in SQL statements must not grow with the catalogue.

The same pages are requested on a small and on a ten times larger catalogue (products,
certificates, plant reports and procurement lines all grow), each first once (for kept figures
that is the computation) and then again (a view as most visitors get it). A page fails if its
statement count differs between the two sizes (a query in a loop) or passes its budget. The
pages that add up the whole catalogue must, once computed, read none of its large tables again.
The product page is measured by its own test (catalog/product_page.py). Search pages kept for
anonymous readers (greenbm/kept_pages.py) would answer the repeated view from memory: they are
off here, so that the budgets hold for the page as it is built.
"""

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from accounts.models import OrganisationKind
from catalog.search import close_search_indexes, rebuild_index
from certification.models import CriteriaVersion
from tests.dashboard import data
from tests.factories import make_organisation
from tests.statements import counting_statements

pytestmark = pytest.mark.config(KEPT_PAGES=0)

SMALL, LARGE = 6, 60
CODES = ("cement", "concrete", "gypsum")
# Statements a repeated view may run, by page (what the page reads, in a word).
BUDGETS = {
    "/": 2,  # the change counter, the categories
    "/catalog": 2,  # the categories, the page's rows (the index answers the rest)
    "/catalog?q=cement": 2,
    "/catalog/categories": 2,
    "/catalog/categories/cement": 7,
    "/dashboard": 1,  # the change counter
    "/criteria": 2,
    "/verify/T-0001": 2,
    "/api/v1/products": 2,
    "/api/v1/products/{id}": 9,
    "/api/v1/categories": 3,
    "/api/v1/eligibility?supplier={code}&category=cement": 3,
}
# The pages of kept figures: once computed, a view reads no table that grows with the data.
KEPT = ("/", "/catalog/categories", "/api/v1/categories", "/dashboard")
LARGE_TABLES = {
    "product",
    "certificate",
    "certificateevent",
    "plantreport",
    "plantreportproduct",
    "plantreportwaste",
    "listline",
    "plant",
}


def build_catalogue(session, size: int, start: int) -> dict:
    """Add `size` certified products with their plants' reports and a procurement list."""
    maker = make_organisation(session)
    body = make_organisation(
        session, kind=OrganisationKind.CERTIFICATION_BODY, cert_number_prefix=f"T{start}"
    )
    world = data.Bodies(body, session.exec(select(CriteriaVersion.id)).first())
    far = date(2030, 1, 1)
    for n in range(max(1, size // 3)):
        data.plant(session, maker, f"Kiln {n}", "520100", 1000, "t/d", figures={2025: 100.0 + n})
    site = data.plant(session, maker, "Site", "520400", None, None, kind="product")
    products = []
    for n in range(start, start + size):
        code = CODES[n % len(CODES)]
        variant = "le_c30" if code == "concrete" else None
        item = data.product(session, maker, site, code, 100.0 + n, variant=variant)
        item.cert_status, item.cert_valid_until = "valid", far
        item.cert_number, item.cert_stars = f"T-{n + 1:04d}", 1 + n % 3
        data.certificate(
            session,
            world,
            item,
            f"T-{n + 1:04d}",
            stars=1 + n % 3,
            issued_on=date(2026, 1, 1) + timedelta(days=n),
            valid_until=far,
            events=(("suspended", data.shanghai(2026, 2, 1, 10, 0)),) if n % 5 == 4 else (),
        )
        products.append(item)
    agency = make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    data.procurement_list(session, agency, "520100", [(p, "1", "10") for p in products[::3]])
    session.commit()
    # The dearest in carbon: it has lower-carbon alternatives at both sizes, so the API
    # product answer runs the same statements (a product without any runs one fewer).
    return {"id": products[-1].id, "code": maker.credit_code}


def page_costs(app, client, session, size: int, start: int) -> dict:
    """Return, per page: statements of the first view, of a repeated view, tables it read."""
    values = build_catalogue(session, size, start)
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    costs = {}
    for page in BUDGETS:
        url = page.format(**values)
        with counting_statements(app) as first:
            assert client.get(url).status_code == 200, url
        with counting_statements(app) as again:
            assert client.get(url).status_code == 200, url
        tables = {
            name.lower()
            for statement in again
            for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)', statement, re.IGNORECASE)
        }
        costs[page] = (len(first), len(again), tables)
    close_search_indexes(app)
    return costs


@pytest.fixture
def small(app, client, session):
    """The costs on a small catalogue."""
    return page_costs(app, client, session, SMALL, 0)


def test_no_main_page_costs_more_statements_on_a_larger_catalogue(small, app, client, session):
    large = page_costs(app, client, session, LARGE - SMALL, SMALL)  # added to the small one
    problems = []
    for page, budget in BUDGETS.items():
        (first_small, again_small, _), (first_large, again_large, tables) = small[page], large[page]
        if (first_small, again_small) != (first_large, again_large):
            problems.append(
                f"{page}: {first_small}/{again_small} statements at {SMALL} products, "
                f"{first_large}/{again_large} at {LARGE}"
            )
        if again_large > budget:
            problems.append(f"{page}: {again_large} statements, budget {budget}")
        if page in KEPT and tables & LARGE_TABLES:
            problems.append(f"{page}: a repeated view reads {sorted(tables & LARGE_TABLES)}")
    assert not problems, "\n".join(problems)
