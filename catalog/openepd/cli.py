"""`flask catalog import-openepd`: many openEPD files into draft products, one result a file."""

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import Session, select

from accounts.models import Organisation, Role, User
from catalog.categories import find_category
from catalog.models import Plant
from catalog.openepd import EXT_KEY
from catalog.openepd.services import import_product
from greenbm.db import get_engine, session_scope
from greenbm.errors import Invalid, NotAllowed, NotFound

MAX_FILE_BYTES = 5 * 1024 * 1024  # the same limit as the upload page


def _manufacturer_user(credit_code: str, *, session: Session) -> User:
    org = session.exec(
        select(Organisation).where(Organisation.credit_code == credit_code.strip().upper())
    ).first()
    if org is None:
        raise click.UsageError(f"No organisation has the credit code {credit_code}.")
    user = session.exec(
        select(User)
        .where(User.organisation_id == org.id, User.role == Role.MANUFACTURER, ~User.disabled)
        .order_by(User.id)
    ).first()
    if user is None:
        raise click.UsageError(f"{org.name_zh} has no active manufacturer account to import as.")
    return user


def _plant(user: User, wanted: str | None, *, session: Session) -> Plant:
    plants = session.exec(
        select(Plant).where(Plant.manufacturer_id == user.organisation_id).order_by(Plant.id)
    ).all()
    chosen = [p for p in plants if wanted in (None, p.name, str(p.id))]
    if len(chosen) != 1:
        names = ", ".join(f"{p.id} {p.name}" for p in plants) or "none"
        raise click.UsageError(f"Choose the plant with --plant (the company's plants: {names}).")
    return chosen[0]


def _category_code(raw: bytes, given: str | None) -> str | None:
    """Return --category, else the class our own exports name (product_classes.greenbm)."""
    if given:
        return given
    try:
        classes = json.loads(raw).get("product_classes") or {}
    except (ValueError, AttributeError):
        return None  # the import itself reports the unreadable file
    code = classes.get(EXT_KEY) if isinstance(classes, dict) else None
    return code if isinstance(code, str) else None


def _import_one(path: Path, user: User, plant: Plant, options: dict, *, session: Session):
    """Import one file inside its own savepoint; return (product id, []) or (None, problems)."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return None, ["An openEPD file is at most 5 MB."]
    raw = path.read_bytes()
    code = _category_code(raw, options["category"])
    category = find_category(code, session=session) if code else None
    if category is None:
        return None, ["Give the category with --category: the file does not name one we know."]
    savepoint = session.begin_nested()
    try:
        product = import_product(
            session=session,
            actor=user,
            category_id=category.id,
            plant_id=plant.id,
            raw=raw,
            variant=options["variant"],
        )
    except Invalid as exc:
        savepoint.rollback()
        return None, [m for messages in exc.errors.values() for m in messages]
    except (NotAllowed, NotFound):
        savepoint.rollback()
        return None, ["The plant or category cannot be used by this manufacturer."]
    savepoint.commit()
    return product.id, []


@click.command("import-openepd")
@click.option("--manufacturer", "credit_code", required=True, help="Credit code of the company.")
@click.option("--category", help="Category code or name (default: the class the file names).")
@click.option("--plant", help="Plant id or name (default: the company's only plant).")
@click.option("--variant", help="Variant code, for categories that have variants.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_openepd_command(credit_code, category, plant, variant, files) -> None:
    """Import openEPD files as draft products of a manufacturer; one result line per file.

    Each file is imported on its own: a refused file writes nothing and the others go on.
    Exits with status 1 when any file was refused.
    """
    options = {"category": category, "variant": variant}
    refused = 0
    with session_scope(get_engine()) as session:
        user = _manufacturer_user(credit_code, session=session)
        chosen_plant = _plant(user, plant, session=session)
        for number, name in enumerate(files, start=1):
            path = Path(name)
            product_id, problems = _import_one(path, user, chosen_plant, options, session=session)
            prefix = f"[{number}/{len(files)}] {path.name}:"
            if product_id is not None:
                click.echo(f"{prefix} imported as draft product {product_id}.")
                continue
            refused += 1
            click.echo(f"{prefix} refused.")
            for problem in problems:
                click.echo(f"    - {problem}")
    click.echo(f"{len(files) - refused} imported, {refused} refused.")
    if refused:
        raise SystemExit(1)
