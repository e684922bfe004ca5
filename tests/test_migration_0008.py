"""Migration 0008 publishes the drafts that hold a valid certificate (README, "Publish rule")."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from catalog.models import Product, SearchOutbox
from greenbm import create_app
from greenbm.migrate import upgrade
from tests.conftest import _base_config

CASES = {  # product name: (certificate status, days until its end, published afterwards?)
    "valid": ("valid", 400, True),
    "lapsed": ("valid", -1, False),  # past its date: expired by the live-status rule
    "revoked": ("revoked", 400, False),
    "uncertified": (None, None, False),
}


def _filler(column: sa.Column):
    """Return a value for a required column the test does not care about."""
    kind = column.type.python_type
    return {
        str: "x",
        int: 0,
        float: 1.0,
        bool: False,
        datetime: datetime.now(UTC),
        date: date.today(),
    }.get(kind, "x")


def _insert(conn, table: sa.Table, **values) -> int:
    """Insert a row as the schema of 0007 has it, filling the other required columns."""
    for column in table.columns:
        needed = not column.nullable and column.server_default is None
        if column.name not in values and needed and not column.primary_key:
            values[column.name] = _filler(column)
    return conn.execute(table.insert().values(**values)).inserted_primary_key[0]


def test_0008_publishes_drafts_with_a_valid_certificate(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app(_base_config(url, tmp_path / "instance"))
    engine = app.extensions["db_engine"]
    upgrade(app, "5c0e9f7a2d31")  # 0007: rows are written as that schema has them
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    with engine.begin() as conn:
        category = _insert(conn, tables.tables["category"], code="cement")
        maker = _insert(conn, tables.tables["organisation"], kind="manufacturer")
        plant = _insert(conn, tables.tables["plant"], manufacturer_id=maker)
        for name, (status, days, _public) in CASES.items():
            _insert(
                conn,
                tables.tables["product"],
                name_en=name,
                status="draft",
                published_at=None,
                manufacturer_id=maker,
                plant_id=plant,
                category_id=category,
                cert_status=status,
                cert_valid_until=date.today() + timedelta(days=days) if days else None,
            )
        before = conn.execute(
            sa.select(sa.func.count()).select_from(tables.tables["searchoutbox"])
        ).scalar()
    upgrade(app)
    with Session(engine) as session:
        for name, (_status, _days, public) in CASES.items():
            product = session.exec(select(Product).where(Product.name_en == name)).one()
            assert (product.status == "published") is public, name
            assert (product.published_at is not None) is public, name
        assert len(session.exec(select(SearchOutbox)).all()) == before + 1  # reindex the one
    engine.dispose()
