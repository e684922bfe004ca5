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


def test_0010_keeps_certificates_and_their_history_on_sqlite(tmp_path):
    # Making two certificate columns nullable copies the table on SQLite, while its events
    # refer to it: the rows and the references must come through unchanged.
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app(_base_config(url, tmp_path / "instance"))
    engine = app.extensions["db_engine"]
    # From 0006, so that 0007's update opens a transaction before 0010 runs in the same run.
    upgrade(app, "b173a71d4755")
    now = datetime.now(UTC)
    rows = [
        "INSERT INTO organisation (id, kind, name_zh, credit_code, division_code, address,"
        " contact_name, contact_phone, contact_email, created_at) VALUES (1, 'manufacturer',"
        " '厂', '91520100MA0000001X', '520100', '', '', '', '', :now)",
        "INSERT INTO category (id, code, name_zh, name_en, declared_unit, alternative_units,"
        " procurement_class, gwp_reference_source, gwp_min, gwp_max, position) VALUES"
        " (1, 'c', '类', 'C', 't', '', 'mandatory', '', 1, 2, 0)",
        "INSERT INTO plant (id, manufacturer_id, name, address, division_code, capacity_kind,"
        " created_at, updated_at) VALUES (1, 1, '厂', '', '520100', 'product', :now, :now)",
        "INSERT INTO product (id, manufacturer_id, plant_id, category_id, name_zh, name_en,"
        " series, model_spec, description, declared_unit, gwp_a1a3, gwp_provenance,"
        " epd_programme_operator, epd_registration_number, status, created_at, updated_at)"
        " VALUES (1, 1, 1, 1, '品', '', '', '', '', 't', 1.5, 'self_declared', '', '',"
        " 'published', :now, :now)",
        "INSERT INTO criteriaversion (id, category_id, version, content, sha256, active,"
        " created_at) VALUES (1, 1, '1', '{}', 'x', 1, :now)",
        "INSERT INTO application (id, kind, product_id, manufacturer_id, body_id, state,"
        " change_description, decision_reason, created_at, updated_at, lock_version) VALUES"
        " (1, 'initial', 1, 1, 1, 'approved', '', '', :now, :now, 1)",
        "INSERT INTO certificate (id, number, product_id, holder_id, body_id, category_id,"
        " criteria_version_id, application_id, stars, status, issued_on, valid_until, snapshot,"
        " created_at, updated_at) VALUES (1, 'N-1', 1, 1, 1, 1, 1, 1, 2, 'valid', '2026-01-01',"
        " '2030-12-31', '{}', :now, :now)",
        "INSERT INTO certificateevent (id, certificate_id, at, to_status, reason) VALUES"
        " (1, 1, :now, 'valid', 'Issued')",
    ]
    with engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement), {"now": now})
    upgrade(app, "head")
    with engine.connect() as conn:
        certificate = conn.execute(
            text("SELECT number, source, application_id FROM certificate")
        ).one()
        assert tuple(certificate) == ("N-1", "issued", 1)
        assert conn.execute(text("SELECT certificate_id FROM certificateevent")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
