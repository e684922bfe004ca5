"""Use cases for a manufacturer's plants and their yearly energy figures."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from accounts.models import User
from catalog.energy import ENERGY_METRICS
from catalog.models import CapacityKind, Plant, PlantEnergyFigure
from catalog.plant_confirmation import CONFIRMED_PLANT_FIELDS, unconfirm
from catalog.services import own_plant, require_manufacturer
from greenbm.errors import Invalid
from greenbm.models_base import utcnow

CAPACITY_UNITS = ("t/d", "t/a", "m^3/a", "m^2/a", "piece/a")


@dataclass
class PlantInput:
    """A plant's data as entered."""

    name: str
    division_code: str
    address: str = ""
    capacity: float | None = None
    capacity_unit: str | None = None
    capacity_kind: str = CapacityKind.PRODUCT


def _check(data: PlantInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("The plant name is required.")]
    if data.division_code not in DIVISIONS:
        errors["division_code"] = [_("Choose one of Guizhou's nine divisions.")]
    if data.capacity is not None:
        if data.capacity <= 0:
            errors["capacity"] = [_("The capacity must be greater than 0.")]
        if data.capacity_unit not in CAPACITY_UNITS:
            errors["capacity_unit"] = [_("Choose the unit of the capacity.")]
    if data.capacity_kind not in CapacityKind.__members__.values():
        errors["capacity_kind"] = [_("Choose what the capacity measures.")]
    if errors:
        raise Invalid(errors)


def _number(value: float) -> str:
    # Not "g": 10,000,000 MWh must not read "1e+07".
    return f"{value:,.10g}"


def list_own_plants(*, session: Session, actor: User) -> list[Plant]:
    """Return the actor's plants by name."""
    org_id = require_manufacturer(actor)
    query = select(Plant).where(Plant.manufacturer_id == org_id).order_by(Plant.name)
    return list(session.exec(query).all())


def create_plant(*, session: Session, actor: User, data: PlantInput) -> Plant:
    """Register a production site of the actor's company."""
    org_id = require_manufacturer(actor)
    _check(data)
    plant = Plant(manufacturer_id=org_id, **vars(data))
    plant.name = plant.name.strip()
    session.add(plant)
    session.flush()
    return plant


def update_plant(*, session: Session, actor: User, plant_id: int, data: PlantInput) -> Plant:
    """Change a plant's data; a changed capacity, kind or division needs a new confirmation."""
    plant = own_plant(session=session, actor=actor, plant_id=plant_id)
    _check(data)
    if any(getattr(plant, name) != getattr(data, name) for name in CONFIRMED_PLANT_FIELDS):
        unconfirm(plant)
    for name, value in vars(data).items():
        setattr(plant, name, value)
    plant.name = plant.name.strip()
    plant.updated_at = utcnow()
    session.flush()
    return plant


def energy_figures(*, session: Session, plant_id: int) -> list[PlantEnergyFigure]:
    """Return a plant's energy figures, latest year first."""
    query = select(PlantEnergyFigure).where(PlantEnergyFigure.plant_id == plant_id)
    return list(
        session.exec(query.order_by(PlantEnergyFigure.year.desc(), PlantEnergyFigure.metric)).all()
    )


def record_energy_figure(
    *, session: Session, actor: User, plant_id: int, year: int, metric: str, value: float
) -> PlantEnergyFigure:
    """Record (or correct) a plant's energy figure for a year; it counts once confirmed."""
    plant = own_plant(session=session, actor=actor, plant_id=plant_id)
    errors: dict[str, list[str]] = {}
    spec = ENERGY_METRICS.get(metric)
    if spec is None:
        errors["metric"] = [_("Choose a kind of figure.")]
    elif not spec.minimum <= value <= spec.maximum:
        errors["value"] = [
            _(
                "%(value)s %(unit)s is outside the plausible range %(min)s–%(max)s.",
                value=_number(value),
                unit=spec.unit,
                min=_number(spec.minimum),
                max=_number(spec.maximum),
            )
        ]
    if not 2000 <= year <= date.today().year:
        errors["year"] = [_("Enter a year between 2000 and this year.")]
    if errors:
        raise Invalid(errors)
    figure = session.exec(
        select(PlantEnergyFigure).where(
            PlantEnergyFigure.plant_id == plant.id,
            PlantEnergyFigure.year == year,
            PlantEnergyFigure.metric == metric,
        )
    ).first()
    if figure is None:
        figure = PlantEnergyFigure(
            plant_id=plant.id, year=year, metric=metric, value=value, unit=spec.unit
        )
        session.add(figure)
    elif figure.value != value:
        figure.value = value
        unconfirm(figure)
    session.flush()
    return figure
