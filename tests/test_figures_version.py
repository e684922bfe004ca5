"""The figures' change counter: bumped once by each committed transaction that writes a row the
figures may read, however it writes; never by a rollback, a read or an excluded table."""

import re

import pytest
from sqlalchemy import insert, text, update
from sqlmodel import Session, select

from accounts.models import Organisation
from catalog.models import Category
from greenbm.audit import AuditEntry
from greenbm.figures import NOT_FIGURES, FiguresVersion, figure_store, figures_version
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


def test_a_bulk_insert_bumps(app, session):
    start = version(app)
    category = session.exec(select(Category)).first()
    session.execute(
        insert(AuditEntry),
        [{"action": "x", "object_type": "y", "object_id": 1, "label": "", "detail": "{}"}],
    )
    session.commit()
    assert version(app) == start  # the audit trail is excluded
    session.execute(update(Category).where(Category.id == category.id).values(position=1))
    session.rollback()
    assert version(app) == start
    session.execute(
        update(Category).where(Category.id == category.id).values(position=category.position)
    )
    session.commit()
    assert version(app) == start + 1


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
