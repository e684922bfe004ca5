"""Confirmation of plants and their energy figures before they count in provincial figures."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_
from sqlmodel import Session, select

from accounts.models import Organisation, Role, User
from catalog.models import Plant, PlantEnergyFigure
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import NotAllowed, NotFound
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow

# What a manufacturer may not change without a new confirmation: what the figures add up.
CONFIRMED_PLANT_FIELDS = ("capacity", "capacity_unit", "capacity_kind", "division_code")
CONFIRMING_ROLES = (Role.REVIEWER, Role.ADMINISTRATOR)

Confirmable = Plant | PlantEnergyFigure


def confirmed(model: type[Plant] | type[PlantEnergyFigure]) -> ColumnElement[bool]:
    """Return the SQL condition "confirmed" of plants or energy figures (every reader uses it)."""
    return model.confirmed_at.is_not(None)


def is_confirmed(row: Confirmable) -> bool:
    """Return whether a plant or an energy figure is confirmed (the twin of `confirmed`)."""
    return row.confirmed_at is not None


def unconfirm(row: Confirmable) -> None:
    """Clear a confirmation: the manufacturer changed what was confirmed."""
    row.confirmed_at = None
    row.confirmed_by_id = None


def _awaiting() -> ColumnElement[bool]:
    unconfirmed_figure = exists().where(
        PlantEnergyFigure.plant_id == Plant.id, ~confirmed(PlantEnergyFigure)
    )
    return or_(~confirmed(Plant), unconfirmed_figure)


def _awaiting_count():
    return select(func.count()).select_from(Plant).where(_awaiting())


def count_plants_awaiting_confirmation(*, session: Session) -> int:
    """Return how many plants have an unconfirmed capacity or energy figure."""
    return session.exec(_awaiting_count()).one()


@dataclass(frozen=True)
class AwaitingPlant:
    """A plant waiting for confirmation, its manufacturer and its unconfirmed figures."""

    plant: Plant
    manufacturer: str
    figures: list[PlantEnergyFigure]


def plants_awaiting_confirmation(*, session: Session, page: int, per_page: int) -> Page:
    """Return a page of plants whose capacity or some figure is unconfirmed, oldest first."""
    query = (
        select(Plant, Organisation.name_zh)
        .join(Organisation, Organisation.id == Plant.manufacturer_id)
        .where(_awaiting())
        .order_by(Plant.updated_at, Plant.id)
    )
    found = paginate(query, _awaiting_count(), page, per_page, session=session)
    figures: dict[int, list[PlantEnergyFigure]] = {}
    for figure in session.exec(
        select(PlantEnergyFigure)
        .where(PlantEnergyFigure.plant_id.in_([p.id for p, _name in found.items]))
        .where(~confirmed(PlantEnergyFigure))
        .order_by(PlantEnergyFigure.year.desc(), PlantEnergyFigure.metric)
    ).all():
        figures.setdefault(figure.plant_id, []).append(figure)
    found.items = [AwaitingPlant(p, name, figures.get(p.id, [])) for p, name in found.items]
    return found


def confirm_plant(*, session: Session, actor: User, plant_id: int) -> bool:
    """Confirm a plant's capacity and energy figures as they stand; False if nothing was new."""
    if actor is None or actor.role not in CONFIRMING_ROLES or actor.disabled:
        raise NotAllowed()
    plant = session.get(Plant, plant_id)
    if plant is None:
        raise NotFound()
    figures = session.exec(
        select(PlantEnergyFigure).where(
            PlantEnergyFigure.plant_id == plant.id, ~confirmed(PlantEnergyFigure)
        )
    ).all()
    rows: list[Confirmable] = [*([] if is_confirmed(plant) else [plant]), *figures]
    if not rows:
        return False
    now = utcnow()
    for row in rows:
        row.confirmed_at = now
        row.confirmed_by_id = actor.id
    detail: dict[str, Any] = {field: getattr(plant, field) for field in CONFIRMED_PLANT_FIELDS}
    detail["figures"] = [
        {"year": f.year, "metric": f.metric, "value": f.value, "unit": f.unit} for f in figures
    ]
    record_audit(
        session=session,
        actor=actor,
        action=AuditAction.PLANT_CONFIRMED,
        object_type="plant",
        object_id=plant.id,
        label=plant.name,
        detail=detail,
        subject_organisation_id=plant.manufacturer_id,
    )
    session.flush()
    return True
