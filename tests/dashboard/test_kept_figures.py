"""The kept (cached) figures equal the live computation after every kind of write, and a
rolled-back write leaves nothing behind."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlmodel import select

from accounts.models import Organisation, OrganisationKind
from catalog.models import Product, ProductStatus
from catalog.overview import catalogue_overview, published_counts
from catalog.provincial_figures import enter_figure
from catalog.reports.models import PlantReport, ReportStatus
from catalog.services import publish_product, withdraw_product
from certification.certificates.lifecycle import change_status, expire_certificates
from certification.external.importing import import_rows, read_external_file
from certification.models import Certificate
from dashboard import views
from greenbm.db import get_session
from greenbm.figures import figure_store, figures_version
from procurement.models import ListLine
from tests import factories
from tests.certification.external_helpers import csv_file, make_other_body, row
from tests.dashboard.data import TODAY

# Every page that shows kept figures, in both languages where the figures are translated.
PAGES = (
    ("/", "en"),
    ("/", "zh-CN"),
    ("/catalog/categories", "en"),
    ("/api/v1/categories", "en"),
    ("/dashboard", "en"),
    ("/dashboard", "zh-CN"),
    ("/dashboard?year=2024", "en"),
    ("/dashboard/gwp.csv", "en"),
    ("/dashboard/certified-category.csv", "en"),
)
# The sign-out and language forms carry a CSRF token stamped with the second it was made.
_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*')


@pytest.fixture
def day(monkeypatch):
    """The dashboard's today, movable by the test (the live status follows it)."""
    current = {"today": TODAY}
    monkeypatch.setattr(views, "today", lambda: current["today"])
    return current


def pages(client, admin_client) -> dict:
    """Return every page showing kept figures, as the anonymous visitor and the administrator."""
    shown = {}
    for who, browser in (("anonymous", client), ("admin", admin_client)):
        for path, language in PAGES:
            response = browser.get(path, headers={"Accept-Language": language})
            assert response.status_code == 200, path
            shown[(who, path, language)] = _TOKEN.sub(r"\1", response.get_data(as_text=True))
    return shown


def assert_kept_equals_live(app, client, admin_client) -> dict:
    """Check that the pages from the kept figures equal the pages computed afresh."""
    kept = pages(client, admin_client)
    with app.app_context():
        figure_store().clear()
    live = pages(client, admin_client)
    for key, page in live.items():
        assert kept[key] == page, key
    return live


@pytest.fixture
def admin_client(app, session, login):
    """A second browser, signed in as an administrator (who sees more of the dashboard)."""
    user = factories.make_user(
        session, factories.make_organisation(session, kind=OrganisationKind.ADMINISTRATOR)
    )
    session.commit()
    browser = login(user, target=app.test_client())
    browser.get("/")  # shows (and so drops) the signed-in message
    return browser


def _body_reviewer(session):
    body = session.exec(select(Organisation).where(Organisation.cert_number_prefix == "T")).one()
    return factories.make_user(session, body)


def _certificate(session, number: str) -> Certificate:
    return session.exec(select(Certificate).where(Certificate.number == number)).one()


def _suspend(session, app):
    reviewer = _body_reviewer(session)
    change_status(
        session=session,
        actor=reviewer,
        certificate_id=_certificate(session, "T-001").id,
        action="suspend",
        reason="surveillance missed",
    )


def _revoke(session, app):
    reviewer = _body_reviewer(session)
    change_status(
        session=session,
        actor=reviewer,
        certificate_id=_certificate(session, "T-003").id,
        action="revoke",
        reason="false data",
    )


def _issue(session, app):
    body, reviewer = factories.make_body(session, prefix="NEW")
    factories.issue_test_certificate(session, body=body, reviewer=reviewer, issued_on=TODAY)


def _publish(session, app):
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker)
    publish_product(session=session, actor=maker, product_id=product.id)


def _edit(session, app):
    product = session.exec(select(Product).where(Product.name_en == "cement 600")).one()
    product.gwp_a1a3 = 1.0


def _expire_job(session, app):
    expire_certificates(session=session, today=TODAY + timedelta(days=1))


def _import_external(session, app):
    body = make_other_body(session)
    data = csv_file([row(body, "HN-2026-0900", factories.credit_code("430100"))])
    import_rows(read_external_file(data, "f.csv"), session=session, actor=None, filename="f.csv")


def _report_decided(session, app):
    report = session.exec(select(PlantReport).order_by(PlantReport.id)).first()
    report.status = ReportStatus.SUPERSEDED  # as a newer version's confirmation does


def _figure_entered(session, app):
    admin = factories.make_user(
        session, factories.make_organisation(session, kind=OrganisationKind.ADMINISTRATOR)
    )
    enter_figure(
        session=session, actor=admin, kind="clinker_base", year=2021, value=110.0, source="book"
    )


def _list_line_removed(session, app):
    session.delete(session.exec(select(ListLine).order_by(ListLine.id)).first())


def _bulk_update(session, app):
    session.execute(update(Product).values(gwp_a1a3=Product.gwp_a1a3 * 2))


def _raw_sql(session, app):
    session.execute(text("UPDATE certificate SET stars = 3"))


def _connection_delete(session, app):
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(text("DELETE FROM certificateevent"))


WRITES = {
    "certificate suspended": _suspend,
    "certificate revoked": _revoke,
    "certificate issued": _issue,
    "product published": _publish,
    "product edited": _edit,
    "certificates expired by the job": _expire_job,
    "external certificates imported": _import_external,
    "plant report decided": _report_decided,
    "provincial figure entered": _figure_entered,
    "procurement line removed": _list_line_removed,
    "bulk Core update": _bulk_update,
    "raw SQL": _raw_sql,
    "a connection of its own": _connection_delete,
}


@pytest.mark.parametrize("write", list(WRITES))
def test_kept_pages_equal_live_pages_after_each_kind_of_write(
    app, client, admin_client, session, world, day, write
):
    before = assert_kept_equals_live(app, client, admin_client)  # now kept
    WRITES[write](session, app)
    session.commit()
    after = assert_kept_equals_live(app, client, admin_client)
    assert after != before  # the write shows somewhere: the pages were not served stale


def test_kept_pages_follow_a_product_registered_published_edited_withdrawn(
    app, client, admin_client, session, world, day
):
    assert_kept_equals_live(app, client, admin_client)
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker)
    session.commit()
    assert_kept_equals_live(app, client, admin_client)
    publish_product(session=session, actor=maker, product_id=product.id)
    session.commit()
    assert_kept_equals_live(app, client, admin_client)
    product.gwp_a1a3 = 430.0
    session.commit()
    assert_kept_equals_live(app, client, admin_client)
    withdraw_product(session=session, actor=maker, product_id=product.id)
    session.commit()
    assert_kept_equals_live(app, client, admin_client)


def test_a_certificate_expires_by_date_without_any_write(app, client, admin_client, world, day):
    before = assert_kept_equals_live(app, client, admin_client)
    day["today"] = TODAY + timedelta(days=1)  # T-009 is valid until TODAY
    after = assert_kept_equals_live(app, client, admin_client)
    assert (
        after[("admin", "/dashboard/certified-category.csv", "en")]
        != before[("admin", "/dashboard/certified-category.csv", "en")]
    )


def home(client) -> str:
    """Return the home page without its CSRF token, which is stamped with the second."""
    return _TOKEN.sub(r"\1", client.get("/").get_data(as_text=True))


def test_a_rolled_back_write_changes_nothing_and_is_never_kept(app, client, world):
    first = home(client)
    with app.app_context():
        db = get_session()
        version = figures_version(session=db)
        db.execute(update(Product).values(status=ProductStatus.DRAFT))
        # Figures read beside the transaction's own writes are right for it, but not kept.
        assert catalogue_overview(session=db) == [
            (c, 0) for c, _n in catalogue_overview(session=db)
        ]
        assert published_counts(session=db) == {}
        db.rollback()
        assert figures_version(session=db) == version
        db.close()
    assert home(client) == first
    with app.app_context():
        figure_store().clear()
    assert home(client) == first
