"""Search and product pages kept for anonymous readers: built once, never out of date."""

import re
from datetime import date, timedelta

import pytest

import greenbm.kept_pages
from accounts.models import OrganisationKind
from catalog.search import close_search_indexes, follow_round, rebuild_index
from catalog.services import set_certification_summary, withdraw_product
from greenbm.figures import NOT_FIGURES
from tests.catalog.catalogue_data import LATER, make_catalogue
from tests.conftest import csrf_token
from tests.factories import make_organisation, make_user
from tests.statements import counting_statements

SEARCH = "/catalog?q=cement&uncertified=1"


@pytest.fixture
def catalogue(app, session):
    catalogue = make_catalogue(session)
    rebuild_index(app.config["SEARCH_INDEX_DIR"], session=session)
    yield catalogue
    close_search_indexes(app)


def _get(app, client, url):
    """Return the page's text and the SQL statements its request ran."""
    with counting_statements(app) as statements:
        page = client.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True), statements


def _built(statements):
    """Return whether the request built its page (a kept page reads only the change counter)."""
    return any("FROM figuresversion" not in statement for statement in statements)


def _follow(app):
    follow_round(app.extensions["db_engine"], app.config["SEARCH_INDEX_DIR"], echo=lambda _: None)


PAGES = [SEARCH, "/catalog/products/{id}", "/catalog/products/{id}?compare=1"]


@pytest.mark.parametrize("url", PAGES)
def test_a_second_anonymous_reader_gets_the_same_page_without_building_it(
    app, client, catalogue, url
):
    url = url.format(id=catalogue.id("cem640"))
    first, built = _get(app, client, url)
    reader = app.test_client()
    reader.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    again, kept = _get(app, reader, url)
    assert _built(built) and len(kept) == 1 and not _built(kept)
    # Each reader's own CSRF token aside, the very same page.
    token = re.compile(r'name="csrf_token" value="[^"]+"')
    assert token.sub("", again) == token.sub("", first)


def test_a_kept_page_follows_every_committed_change(app, client, session, catalogue):
    product_id = catalogue.id("cem640")
    url = f"/catalog/products/{product_id}"
    page, _ = _get(app, client, url)
    assert "Valid certificate" in page
    set_certification_summary(
        product_id, number="GZGBM-2026-TST-000002", stars=2, status="suspended",
        valid_until=LATER, session=session,
    )  # fmt: skip
    session.commit()
    page, built = _get(app, client, url)
    assert "Certificate suspended" in page and "Valid certificate" not in page
    assert _built(built)


def test_a_kept_search_follows_the_index(app, client, session, catalogue):
    key = "cem600"
    page, _ = _get(app, client, SEARCH)
    assert f'data-product="{catalogue.id(key)}"' in page
    user, _plant = catalogue.users["520400"]
    withdraw_product(session=session, actor=user, product_id=catalogue.id(key))
    session.commit()
    _follow(app)
    page, built = _get(app, client, SEARCH)
    assert f'data-product="{catalogue.id(key)}"' not in page
    assert _built(built)


def test_each_language_and_day_has_its_own_page(app, client, catalogue, monkeypatch):
    english, _ = _get(app, client, SEARCH)
    chinese_client = app.test_client()
    chinese_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese, built = _get(app, chinese_client, SEARCH)
    assert "Catalogue" in english and "产品目录" in chinese and _built(built)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(greenbm.kept_pages, "date", Tomorrow)
    _page, built = _get(app, client, SEARCH)
    assert _built(built)  # a certificate may end tonight: tomorrow's page is built again


def test_signed_in_readers_and_waiting_messages_get_their_own_page(
    app, client, session, catalogue, login
):
    agency = make_organisation(session, kind=OrganisationKind.PROCUREMENT_AGENCY)
    officer = make_user(session, agency)
    session.commit()
    signed_in = login(officer, target=app.test_client())
    signed_in.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    _get(app, client, SEARCH)  # kept for anonymous readers
    page, built = _get(app, signed_in, SEARCH)
    assert _built(built) and 'data-testid="add-to-list"' in page
    # ...and what the officer saw is not kept for anyone else.
    anonymous, kept = _get(app, client, SEARCH)
    assert not _built(kept) and "add-to-list" not in anonymous and officer.email not in anonymous

    with client.session_transaction() as cookie:
        cookie["_flashes"] = [("info", "Saved for you only")]
    page, built = _get(app, client, SEARCH)
    assert "Saved for you only" in page and _built(built)
    anonymous, _ = _get(app, client, SEARCH)
    assert "Saved for you only" not in anonymous


@pytest.mark.config(KEPT_PAGES=0)
def test_no_page_is_kept_when_the_setting_is_zero(app, client, catalogue):
    _get(app, client, SEARCH)
    _page, built = _get(app, client, SEARCH)
    assert _built(built)


def test_a_search_answered_in_sql_is_not_kept(app, client, catalogue):
    close_search_indexes(app)
    app.config["SEARCH_INDEX_DIR"] = str(app.config["SEARCH_INDEX_DIR"]) + "-missing"
    _page, first = _get(app, client, SEARCH)
    _page, again = _get(app, client, SEARCH)
    assert len(again) == len(first) > 1
    assert not any("figuresversion" in statement for statement in again)


@pytest.mark.csrf
def test_each_reader_of_a_kept_page_gets_a_token_of_their_own_that_works(app, client, catalogue):
    first = app.test_client()
    second = app.test_client()
    tokens = [csrf_token(reader, SEARCH) for reader in (first, second)]
    assert all(tokens) and tokens[0] != tokens[1]
    # The second reader's page was kept: its token is still theirs, and the form posts.
    answer = second.post("/lang/zh_CN", data={"csrf_token": tokens[1], "next": SEARCH})
    assert answer.status_code == 302
    refused = second.post("/lang/zh_CN", data={"csrf_token": tokens[0], "next": SEARCH})
    assert refused.status_code == 400


@pytest.mark.parametrize("url", [SEARCH, "/catalog/products/{id}"])
def test_no_kept_page_reads_a_table_whose_writes_leave_the_counter_alone(
    app, client, catalogue, url
):
    # A write to such a table (users, audit, outbox…) bumps nothing: a kept page must not show it.
    _page, built = _get(app, client, url.format(id=catalogue.id("cem640")))
    read = {
        name.lower()
        for statement in built
        for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)', statement, re.IGNORECASE)
    }
    assert "product" in read and not (read & (NOT_FIGURES - {"figuresversion"}))


@pytest.mark.config(KEPT_PAGES=2)
def test_product_pages_read_once_do_not_push_out_a_kept_search(app, client, catalogue):
    _get(app, client, SEARCH)
    for key in ("cem600", "cem640", "cem700"):
        _get(app, client, f"/catalog/products/{catalogue.id(key)}")
    _page, again = _get(app, client, SEARCH)
    assert not _built(again)
    _page, first = _get(app, client, f"/catalog/products/{catalogue.id('cem600')}")
    assert _built(first)  # the oldest of three product pages went, two at most are kept
