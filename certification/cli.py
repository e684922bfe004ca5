"""`flask certification …` commands: assess values, expire certificates, load criteria, snapshot."""

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlmodel import Session, select

from catalog.models import Category
from certification.certificates.document_cli import documents_command
from certification.certificates.lifecycle import expire_certificates
from certification.certificates.open_data import snapshot_folder, write_snapshot
from certification.criteria.model import Criteria, CriteriaError
from certification.criteria.parsing import parse_criteria
from certification.criteria.rules import AssessmentError, assess, assessment_to_dict
from certification.criteria.store import active_criteria, store_criteria
from certification.external.importing import (
    audit_import,
    error_report_csv,
    import_rows,
    read_external_file,
)
from greenbm.db import get_engine, session_scope
from greenbm.errors import NotFound
from greenbm.table_files import FileProblem

certification_cli = click.Group("certification", help="Certification criteria and certificates.")

certification_cli.add_command(documents_command)

ASSESS_KEYS = {"variant", "values", "prerequisites"}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read it: {exc.strerror}") from None


def read_assessment_input(path: Path) -> dict[str, Any]:
    """Read and check the shape of an assessment input file; errors name the field."""
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{path}: expected a JSON object with {sorted(ASSESS_KEYS)}")
    for key in data:
        if key not in ASSESS_KEYS:
            raise click.ClickException(
                f"{key}: unknown key (expected {', '.join(sorted(ASSESS_KEYS))})"
            )
    if "values" not in data:
        raise click.ClickException("values: required, an object {indicator code: number}")
    for key in ("values", "prerequisites"):
        if not isinstance(data.get(key, {}), dict):
            raise click.ClickException(f"{key}: expected an object, got {data[key]!r}")
    variant = data.get("variant")
    if variant is not None and not isinstance(variant, str):
        raise click.ClickException(f"variant: expected a string or null, got {variant!r}")
    return data


def _active_criteria(code: str, *, session: Session) -> Criteria:
    category = session.exec(select(Category).where(Category.code == code)).first()
    if category is None:
        known = ", ".join(session.exec(select(Category.code).order_by(Category.position)).all())
        raise click.ClickException(f"--category: unknown category {code!r} (known: {known})")
    try:
        return active_criteria(category.id, session=session)[1]
    except NotFound:
        raise click.ClickException(f"--category: {code} has no active criteria") from None


@certification_cli.command("assess")
@click.option("--category", "category_code", required=True, help="Category code, e.g. cement.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def assess_command(category_code: str, file: Path) -> None:
    """Assess the values in FILE against the category's active criteria and print JSON.

    FILE holds {"variant": ..., "values": {code: number}, "prerequisites": {code: true/false}}.
    """
    data = read_assessment_input(file)
    with session_scope(get_engine()) as session:
        criteria = _active_criteria(category_code, session=session)
    try:
        assessment = assess(
            criteria,
            variant=data.get("variant"),
            values=data["values"],
            prerequisites=data.get("prerequisites", {}),
        )
    except AssessmentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(assessment_to_dict(assessment), ensure_ascii=False, indent=2))


def _parse_day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}") from None


@certification_cli.command("expire")
@click.option("--today", callback=_parse_day, help="Take this date as today (YYYY-MM-DD).")
@with_appcontext
def expire_command(today: date | None) -> None:
    """Expire every certificate past its validity; running it again changes nothing."""
    with session_scope(get_engine()) as session:
        expired = expire_certificates(today=today, session=session)
        for certificate in expired:
            click.echo(f"expired {certificate.number} (valid until {certificate.valid_until})")
    click.echo(f"{len(expired)} certificate(s) expired.")


@certification_cli.command("load-criteria")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--activate", is_flag=True, help="Make it the version new assessments use.")
@with_appcontext
def load_criteria_command(file: Path, activate: bool) -> None:
    """Store the criteria in FILE (TOML) as a new version of its category."""
    try:
        criteria = parse_criteria(_read_text(file))
    except CriteriaError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    with session_scope(get_engine()) as session:
        try:
            row = store_criteria(criteria, activate=activate, session=session)
        except CriteriaError as exc:
            raise click.ClickException(f"{file}: {exc}") from None
        state = "active" if row.active else "stored, not active"
    click.echo(f"{criteria.category} {criteria.version}: {state}.")


@certification_cli.command("import-external")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the refused rows as CSV (default: FILE.errors.csv when any).",
)
@with_appcontext
def import_external(file: Path, report: Path | None) -> None:
    """Import other bodies' certificates from a CSV or XLSX file (idempotent upsert)."""
    try:
        rows = read_external_file(file.read_bytes(), file.name)
    except FileProblem as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    with session_scope(get_engine()) as session:
        with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
            result = import_rows(
                rows, session=session, actor=None, filename=file.name, progress=bar.update
            )
        audit_import(result, session=session, actor=None, filename=file.name)
    click.echo(
        f"{result.rows} rows: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.refused} refused."
    )
    if result.errors:
        path = report or file.with_name(file.name + ".errors.csv")
        path.write_bytes(error_report_csv(result))
        click.echo(f"Refused rows: {path}")


@certification_cli.command("snapshot")
@with_appcontext
def snapshot_command() -> None:
    """Write today's open-data snapshot of every certificate (CSV and JSON) into the instance."""
    with session_scope(get_engine()) as session:
        written = write_snapshot(snapshot_folder(), session=session)
    for path in written:
        click.echo(f"wrote {path}")
