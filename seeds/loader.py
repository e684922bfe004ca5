"""Idempotent loaders behind `flask seed`: categories always, demo data on request."""

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from accounts.models import Organisation, Role, User
from accounts.passwords import hash_password
from accounts.services import OrganisationData, create_organisation, normalize_email
from catalog.categories import category_spec
from catalog.models import (
    Category,
    CategoryIndicator,
    Plant,
    PlantEnergyFigure,
    Product,
    ProductIndicatorValue,
    ProductStatus,
)
from catalog.plant_confirmation import confirm_plant
from catalog.rules import ProductInput, check_product
from catalog.search import queue_for_index
from certification.criteria.store import load_shipped_criteria
from greenbm.db import get_engine, session_scope
from greenbm.models_base import utcnow
from seeds.categories import load_categories, read_seed, upsert
from seeds.certification_demo import load_demo_certificates
from seeds.external_demo import load_external_demo
from seeds.procurement_demo import load_demo_procurement
from seeds.report_demo import load_demo_reports

DEMO_PASSWORD = "demo1234"


def _organisation(item: dict, *, session: Session) -> Organisation:
    org = session.exec(
        select(Organisation).where(Organisation.credit_code == item["credit_code"])
    ).first()
    if org is not None:
        return org
    fields = {k: item.get(k) for k in OrganisationData.__dataclass_fields__ if k in item}
    return create_organisation(session=session, actor=None, organisation=OrganisationData(**fields))


def _user(org: Organisation, item: dict, password_hash: str, *, session: Session) -> None:
    email = normalize_email(item["email"])
    if session.exec(select(User.id).where(User.email == email)).first():
        return
    session.add(
        User(
            email=email,
            display_name=item.get("display_name", ""),
            password_hash=password_hash,
            organisation_id=org.id,
            role=item["role"],
        )
    )


def _plant(org: Organisation, item: dict, *, session: Session) -> Plant:
    plant = upsert(
        Plant,
        {"manufacturer_id": org.id, "name": item["name_zh"]},
        {
            "address": item.get("address", ""),
            "division_code": item["division_code"],
            "capacity": item.get("capacity"),
            "capacity_unit": item.get("capacity_unit"),
            "capacity_kind": item.get("capacity_kind", "product"),
        },
        session=session,
    )
    for figure in item.get("energy", []):
        upsert(
            PlantEnergyFigure,
            {"plant_id": plant.id, "year": figure["year"], "metric": figure["metric"]},
            {"value": figure["value"], "unit": figure["unit"]},
            session=session,
        )
    return plant


def _product(org: Organisation, plants: dict, item: dict, categories, *, session: Session) -> bool:
    category = categories[item["category"]]
    exists = session.exec(
        select(Product.id).where(
            Product.manufacturer_id == org.id,
            Product.name_zh == item["name_zh"],
            Product.model_spec == item.get("model_spec", ""),
        )
    ).first()
    if exists:
        return False
    epd = item.get("epd", {})
    data = ProductInput(
        plant_id=plants[item["plant"]].id,
        name_zh=item["name_zh"],
        name_en=item.get("name_en", ""),
        series=item.get("series", ""),
        model_spec=item.get("model_spec", ""),
        description=item.get("description", ""),
        declared_unit=item["declared_unit"],
        variant=item.get("variant"),
        gwp_a1a3=float(item["gwp_a1a3"]),
        gwp_provenance=item["gwp_provenance"],
        epd_programme_operator=epd.get("programme_operator", ""),
        epd_registration_number=epd.get("registration_number", ""),
        epd_verifier=epd.get("verifier", ""),
        epd_issue_date=epd.get("issue_date"),
        epd_valid_until=epd.get("valid_until"),
        indicator_values={k: float(v) for k, v in item.get("indicators", {}).items()},
    )
    spec = category_spec(session=session, category=category)
    errors = check_product(spec, data, today=date.today(), complete=True)
    if errors:
        raise click.ClickException(f"Demo product {item['name_zh']} is invalid: {errors}")
    published = item.get("status", "published") == ProductStatus.PUBLISHED
    values = dict(vars(data))
    indicator_values = values.pop("indicator_values")
    values["gwp_indicator"] = category.gwp_indicator
    product = Product(
        manufacturer_id=org.id,
        category_id=category.id,
        status=ProductStatus.PUBLISHED if published else ProductStatus.DRAFT,
        published_at=utcnow() if published else None,
        **values,
    )
    session.add(product)
    session.flush()
    queue_for_index(product.id, session=session)
    indicators = {
        i.code: i
        for i in session.exec(
            select(CategoryIndicator).where(CategoryIndicator.category_id == category.id)
        ).all()
    }
    for code, value in indicator_values.items():
        ind = indicators[code]
        session.add(
            ProductIndicatorValue(
                product_id=product.id, indicator_id=ind.id, value=value, unit=ind.unit
            )
        )
    return True


def load_demo(echo=click.echo, *, session: Session) -> dict[str, int]:
    """Create the demo organisations, users, plants and products that are not there yet."""
    organisations = read_seed("demo.toml")["organisation"]
    categories = {c.code: c for c in session.exec(select(Category)).all()}
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: the demo password is shared
    counts = {"organisations": 0, "products_created": 0}
    plant_ids: list[int] = []
    demo_plants: list[tuple[dict, Plant, set[str]]] = []
    with click.progressbar(organisations, label="Demo organisations") as bar:
        for item in bar:
            org = _organisation(item, session=session)
            counts["organisations"] += 1
            for user in item.get("user", []):
                _user(org, user, password_hash, session=session)
            plants = {p["key"]: _plant(org, p, session=session) for p in item.get("plant", [])}
            plant_ids += [plant.id for plant in plants.values()]
            for p in item.get("plant", []):
                made = {
                    x["category"] for x in item.get("product", []) if x.get("plant") == p["key"]
                }
                demo_plants.append((p, plants[p["key"]], made))
            for product in item.get("product", []):
                counts["products_created"] += _product(
                    org, plants, product, categories, session=session
                )
            session.flush()
    _confirm_plants(plant_ids, session=session)
    counts["reports"] = load_demo_reports(demo_plants, session=session)
    return counts


def _confirm_plants(plant_ids: list[int], *, session: Session) -> None:
    # As the demo administrator would in the console: the dashboard counts confirmed plants only.
    admin = session.exec(
        select(User).where(User.role == Role.ADMINISTRATOR).order_by(User.id)
    ).first()
    for plant_id in plant_ids:
        confirm_plant(session=session, actor=admin, plant_id=plant_id)


@click.command("seed")
@click.option("--demo/--no-demo", default=True, help="Also load the demo organisations.")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load categories (and demo data); running it again changes nothing."""
    with session_scope(get_engine()) as session:
        n = load_categories(session=session)
        click.echo(f"Categories: {n}.")
        click.echo(f"Criteria files: {load_shipped_criteria(session=session)}.")
        if demo:
            counts = load_demo(session=session)
            click.echo(
                f"Demo data: {counts['organisations']} organisations, "
                f"{counts['products_created']} new products."
            )
            certified = load_demo_certificates(
                current_app.config["EVIDENCE_DIR"], today=date.today(), session=session
            )
            click.echo(
                f"Demo certification: {certified['certificates']} new certificates, "
                f"{certified['waiting']} applications waiting, {certified['rejected']} rejected."
            )
            external = load_external_demo(today=date.today(), session=session)
            click.echo(
                f"Demo certificates of other bodies: {external['created']} new, "
                f"{external['refused']} refused."
            )
            procured = load_demo_procurement(today=date.today(), session=session)
            click.echo(
                f"Demo procurement: {procured['projects']} new projects, "
                f"{procured['lines']} new list lines."
            )
