"""`flask backup` and `flask restore`: every record and file comes back in a fresh instance."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from catalog.search.searcher import SearchIndex
from catalog.services import publish_product
from ops.archive import BackupError, file_areas
from ops.backup import libpq_command, run_tool
from tests import factories


@pytest.fixture
def fresh_database_url(app, dialect, tmp_path):
    """Return the URL of an empty database beside the test database (dropped afterwards)."""
    url = make_url(app.config["DATABASE_URL"])
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'greenbm.sqlite3'}"
        return
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def world(app, session, client):
    """Fill the instance: a published, certified product with evidence, and a certificate PDF."""
    world = factories.make_certification_world(session, app.config["EVIDENCE_DIR"])
    publish_product(session=session, actor=world.maker, product_id=world.product.id)
    certificate = factories.issue_test_certificate(
        session, body=world.body, reviewer=world.reviewer, maker=world.maker
    )
    session.commit()
    assert client.get(f"/certificates/{certificate.number}.pdf").status_code == 200
    return world


def counter(app) -> int:
    """Return the figures' change counter."""
    with app.extensions["db_engine"].connect() as connection:
        return connection.execute(text("SELECT value FROM figuresversion")).scalar_one()


def database_rows(engine) -> dict[str, list]:
    """Return every row of every table, sorted, by table name; not the figures' counter.

    A restore moves the counter on, on purpose: the restored database must not count again
    through values a running app may have kept figures under (greenbm/figures.py).
    """
    with engine.connect() as connection:
        tables = sorted(set(inspect(connection).get_table_names()) - {"figuresversion"})
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                key=repr,
            )
            for table in tables
        }


def stored_files(config) -> dict[str, str]:
    """Return the sha256 of every stored file (not lock files), by area and path."""
    return {
        f"{area.name}/{path.relative_to(area.path)}": hashlib.sha256(path.read_bytes()).hexdigest()
        for area in file_areas(config)
        if area.path.is_dir()
        for path in area.path.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


def test_a_backup_restores_every_record_and_file_into_a_fresh_instance(
    app, world, make_app, fresh_database_url, tmp_path
):
    archive = tmp_path / "backups" / "greenbm.tar"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and "keep it private" in result.output
    assert archive.stat().st_mode & 0o777 == 0o600
    before_rows = database_rows(app.extensions["db_engine"])
    before_files = stored_files(app.config)
    areas = {name.split("/")[0] for name in before_files}
    assert {"evidence", "signing"} <= areas
    # Three evidence files, and the certificate's PDF stored with them.
    documents = [n for n in before_files if n.startswith("evidence/certificates/")]
    assert len(documents) == 1
    assert len([n for n in before_files if n.startswith("evidence/")]) == 4

    fresh = make_app("fresh", DATABASE_URL=fresh_database_url)
    result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 products." in result.output  # the certified one is public too
    assert database_rows(fresh.extensions["db_engine"]) == before_rows
    assert counter(fresh) > counter(app)
    assert stored_files(fresh.config) == before_files
    assert not list(Path(fresh.config["INSTANCE_DIR"]).glob(".*.restore-*"))
    with SearchIndex(fresh.config["SEARCH_INDEX_DIR"]) as index:
        assert index.doc_count() == 2
    # The restored instance serves what it restored: sign-in, the evidence, the certificate.
    client = fresh.test_client()
    client.post("/login", data={"email": world.maker.email, "password": factories.PASSWORD})
    evidence = world.evidence[0]
    with client.get(f"/manufacturer/evidence/{evidence.id}") as page:
        assert page.status_code == 200 and page.data.startswith(b"%PDF-")


def test_restore_refuses_a_database_that_holds_data(app, world, tmp_path):
    archive = tmp_path / "greenbm.tar"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    before = database_rows(app.extensions["db_engine"])
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "already holds data" in result.output and "--force" in result.output
    assert database_rows(app.extensions["db_engine"]) == before
    result = runner.invoke(args=["restore", "--force", "--no-reindex", str(archive)])
    assert result.exit_code == 0, result.output
    assert database_rows(app.extensions["db_engine"]) == before


def test_a_damaged_archive_is_refused_before_anything_changes(
    app, world, make_app, fresh_database_url, tmp_path
):
    archive = tmp_path / "greenbm.tar"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/evidence/"):
                data = data.replace(b"%PDF-", b"%PDF?", 1)
            target.addfile(member, io.BytesIO(data))
    fresh = make_app("fresh", DATABASE_URL=fresh_database_url)
    result = fresh.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code == 1
    assert "is damaged: its checksum does not match" in result.output
    assert database_rows(fresh.extensions["db_engine"]) == {}
    assert stored_files(fresh.config) == {}


def test_backup_never_overwrites_and_lists_missing_evidence(app, world, tmp_path):
    runner = app.test_cli_runner()
    evidence_dir = Path(app.config["EVIDENCE_DIR"])
    lost = world.evidence[1].stored_name
    (evidence_dir / lost).unlink()
    [document] = (evidence_dir / "certificates").glob("*.pdf")  # the certificate's PDF
    document.unlink()
    (evidence_dir / "half-written.pdf.part").write_bytes(b"%PDF-")
    archive = tmp_path / "greenbm.tar"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert lost in result.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["missing"] == sorted([lost, f"certificates/{document.name}"])
    assert manifest["tables"]["evidencefile"] == 3 and manifest["tables"]["product"] == 2
    assert not any(name.endswith(".part") for name in names)
    again = runner.invoke(args=["backup", str(archive)])
    assert again.exit_code == 1 and "exists already" in again.output


def test_the_password_goes_to_pg_dump_by_environment_not_argv():
    argv, env = libpq_command(
        "postgresql+psycopg://greenbm:s3cr%40t@db.internal:5433/greenbm?sslmode=require", "pg_dump"
    )
    assert argv == [
        "pg_dump",
        "--dbname",
        "postgresql://greenbm@db.internal:5433/greenbm?sslmode=require",
    ]
    assert env["PGPASSWORD"] == "s3cr@t"


def test_a_missing_postgresql_tool_is_named():
    with pytest.raises(BackupError, match="pg_dump-absent is not installed.*postgresql-client"):
        run_tool(["pg_dump-absent", "--version"], {})
