"""The Alembic migrations build exactly the schema the models describe."""

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import greenbm.models  # noqa: F401
from greenbm import create_app
from greenbm.migrate import upgrade
from tests.conftest import _base_config


def test_models_and_migrations_agree(app):
    engine = app.extensions["db_engine"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_0007_marks_the_plants_already_there_as_confirmed_by_the_migration(tmp_path):
    # A fresh SQLite file: the shared test database is already at head.
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app(_base_config(url, tmp_path / "instance"))
    engine = app.extensions["db_engine"]
    upgrade(app, "b173a71d4755")  # 0006
    now = datetime.now(UTC)
    with engine.begin() as conn:
        org_id = conn.execute(
            text(
                "INSERT INTO organisation (kind, name_zh, credit_code, division_code, address,"
                " contact_name, contact_phone, contact_email, created_at) VALUES ('manufacturer',"
                " '老厂', '91520100MA0000001X', '520100', '', '', '', '', :now) RETURNING id"
            ),
            {"now": now},
        ).scalar_one()
        plant_id = conn.execute(
            text(
                "INSERT INTO plant (manufacturer_id, name, address, division_code, capacity,"
                " capacity_unit, capacity_kind, created_at, updated_at) VALUES (:org, '老窑',"
                " '', '520100', 2000, 't/d', 'clinker', :now, :now) RETURNING id"
            ),
            {"org": org_id, "now": now},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO plantenergyfigure (plant_id, year, metric, value, unit)"
                " VALUES (:plant, 2025, 'clinker_energy', 99, 'kgce/t')"
            ),
            {"plant": plant_id},
        )
    upgrade(app)
    with engine.connect() as conn:
        for table in ("plant", "plantenergyfigure"):
            at, by = conn.execute(text(f"SELECT confirmed_at, confirmed_by_id FROM {table}")).one()
            assert at is not None and by is None, table
    engine.dispose()
