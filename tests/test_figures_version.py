"""The figures' change counter: bumped once by each committed transaction that writes a row the
figures may read, however it writes; never by a rollback, a read or an excluded table."""

import re
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text, update
from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.reports.models import ProvincialFigure
from greenbm.audit import AuditEntry
from greenbm.figures import (
    NOT_FIGURES,
    FigureStore,
    FiguresVersion,
    figure_store,
    figures_version,
)
from greenbm.migrate import upgrade
from tests import factories
from tests.statements import counting_statements


def version(app) -> int:
    """Return the committed counter."""
    with Session(app.extensions["db_engine"]) as db:
        return figures_version(session=db)


@pytest.fixture
def maker(session) -> Organisation:
    """A manufacturer, committed."""
    organisation = factories.make_organisation(session)
    session.commit()
    return organisation


def test_a_committed_orm_write_bumps_once(app, session, maker):
    start = version(app)
    maker.address = "贵阳市一号"
    session.flush()
    maker.address = "贵阳市二号"
    session.flush()
    session.add(factories.make_organisation(session))
    session.commit()
    assert version(app) == start + 1


def test_writes_of_every_other_kind_bump(app, session, maker):
    start = version(app)
    session.execute(update(Organisation).values(address="x"))
    session.commit()
    session.execute(text("UPDATE organisation SET address = 'y'"))
    session.commit()
    session.connection().exec_driver_sql("UPDATE organisation SET address = 'z'")
    session.commit()
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(text("UPDATE organisation SET address = 'w' WHERE id = :id"), {"id": maker.id})
    assert version(app) == start + 4


def test_a_bulk_insert_bumps_and_an_excluded_one_does_not(app, session):
    start = version(app)
    session.execute(
        insert(AuditEntry),
        [{"action": "x", "object_type": "y", "object_id": n, "label": "", "detail": "{}"}
         for n in range(3)],
    )  # fmt: skip
    session.commit()
    assert version(app) == start  # the audit trail is excluded
    figures = [
        {"kind": "clinker_base", "year": year, "value": 100.0, "unit": "kgce/t", "source": "s",
         "entered_at": datetime.now(UTC)}
        for year in (2020, 2021, 2022)
    ]  # fmt: skip
    session.execute(insert(ProvincialFigure), figures)
    session.rollback()
    assert version(app) == start
    session.execute(insert(ProvincialFigure), figures)
    session.commit()
    assert version(app) == start + 1


def test_migrations_bump_to_the_clock_so_a_restored_database_never_counts_again(app):
    before = version(app)
    upgrade(app)  # at head already: nothing to do, but the bump is done
    assert version(app) >= max(before + 1, time.time_ns() // 1000 - 60_000_000)


def test_the_store_forgets_the_figures_of_older_counters():
    store = FigureStore(size=3)
    store.put(("a", 1), "a1")
    store.put(("b", 1), "b1")
    store.put(("a", 2), "a2")
    assert store.get(("b", 1)) is None and store.get(("a", 2)) == "a2"
    store.put(("b", 1), "late")  # a reader on an older counter: kept, harmlessly
    for n in range(3):
        store.put((n, 2), n)
    assert store.get(("a", 2)) is None  # the least recently used went first
    assert store.get((2, 2)) == 2


def test_a_rollback_a_read_or_an_excluded_table_bumps_nothing(app, session, maker):
    start = version(app)
    maker.address = "rolled back"
    session.flush()
    session.rollback()
    session.exec(select(Organisation)).all()
    session.execute(text("SELECT count(*) FROM product"))
    session.commit()
    user = factories.make_user(session, maker)  # a user and an audit entry: both excluded
    session.commit()
    user.display_name = "renamed"
    session.commit()
    assert version(app) == start


def test_a_rolled_back_savepoint_still_counts_as_a_write(app, session, maker):
    # Harmless: one more recomputation, never a stale figure.
    start = version(app)
    with session.begin_nested():
        maker.address = "inner"
    session.commit()
    assert version(app) == start + 1


@pytest.mark.parametrize("path", ["/", "/catalog/categories", "/api/v1/categories", "/dashboard"])
def test_no_kept_figure_reads_an_excluded_table(app, client, path):
    with app.app_context():
        figure_store().clear()
    with counting_statements(app) as statements:
        assert client.get(path).status_code == 200
    read = {
        name.lower()
        for statement in statements
        for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)', statement, re.IGNORECASE)
    }
    assert read and not (read & (NOT_FIGURES - {FiguresVersion.__tablename__}))


def test_the_counter_is_read_once_per_transaction_and_again_in_the_next(app, session, maker):
    # A page and its parts (peer groups, the kept page itself) share one read of the counter.
    start = version(app)
    with counting_statements(app) as statements:
        assert figures_version(session=session) == start
        assert figures_version(session=session) == start
    assert len(statements) == 1
    session.commit()
    with Session(app.extensions["db_engine"]) as other:  # another writer commits meanwhile
        other.get(Organisation, maker.id).address = "moved"
        other.commit()
    with counting_statements(app) as statements:
        assert figures_version(session=session) == start + 1
    assert len(statements) == 1
