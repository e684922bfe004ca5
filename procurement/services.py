"""Use cases of procurement lists: projects and their lists (the lines: `line_services`)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from accounts.models import Role, User
from greenbm.errors import Duplicate, Invalid, NotAllowed, NotFound
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow
from procurement.models import ListLine, ProcurementList, Project, ProjectType

MAX_QUANTITY = Decimal("1e15")  # Numeric(18, 3)
MAX_MONEY = Decimal("1e14")  # Numeric(16, 2)


def require_officer(actor: User | None) -> int:
    """Return the officer's agency id, or raise NotAllowed unless a procurement officer."""
    if actor is None or actor.role != Role.PROCUREMENT_OFFICER or actor.disabled:
        raise NotAllowed()
    return actor.organisation_id


def to_decimal(value) -> Decimal | None:
    """Return the value as a finite Decimal, or None."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def to_money(value) -> Decimal | None:
    """Return the amount rounded to fen, or None unless 0 ≤ amount < 10¹⁴."""
    number = to_decimal(value)
    if number is None or not 0 <= number < MAX_MONEY:
        return None
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- projects ---------------------------------------------------------------------------------


@dataclass
class ProjectInput:
    """What an officer enters about a project."""

    name: str
    code: str
    project_type: str
    division_code: str
    owner_unit: str = ""
    budget: Decimal | None = None


def _check_project(data: ProjectInput) -> ProjectInput:
    errors: dict[str, list[str]] = {}
    name, code, owner = data.name.strip(), data.code.strip(), data.owner_unit.strip()
    if not name or len(name) > 200:
        errors["name"] = [_("Enter the project's name (at most 200 characters).")]
    if not code or len(code) > 60:
        errors["code"] = [_("Enter the project code (at most 60 characters).")]
    if data.project_type not in set(ProjectType):
        errors["project_type"] = [_("Choose a project type.")]
    if data.division_code not in DIVISIONS:
        errors["division_code"] = [_("Choose a division of Guizhou.")]
    if len(owner) > 200:
        errors["owner_unit"] = [_("At most 200 characters.")]
    budget = None
    if data.budget is not None:
        budget = to_money(data.budget)
        if budget is None:
            errors["budget"] = [_("Enter an amount from 0 to 10¹⁴ yuan.")]
    if errors:
        raise Invalid(errors)
    return ProjectInput(name, code, data.project_type, data.division_code, owner, budget)


def _save_project(project: Project, *, session: Session) -> Project:
    try:
        with session.begin_nested():
            session.add(project)
            session.flush()
    except IntegrityError:
        raise Duplicate(
            {"code": [_("Your agency already has a project with this code.")]}
        ) from None
    return project


def create_project(*, session: Session, actor: User, data: ProjectInput) -> Project:
    """Create a project of the officer's agency; its code is unique within the agency."""
    agency_id = require_officer(actor)
    data = _check_project(data)
    return _save_project(Project(agency_id=agency_id, **vars(data)), session=session)


def update_project(
    *, session: Session, actor: User, project_id: int, data: ProjectInput
) -> Project:
    """Change a project of the officer's agency."""
    project = get_project(session=session, actor=actor, project_id=project_id)
    for key, value in vars(_check_project(data)).items():
        setattr(project, key, value)
    project.updated_at = utcnow()
    return _save_project(project, session=session)


def get_project(*, session: Session, actor: User, project_id: int) -> Project:
    """Return a project of the officer's agency, or raise NotFound."""
    agency_id = require_officer(actor)
    project = session.get(Project, project_id)
    if project is None or project.agency_id != agency_id:
        raise NotFound()
    return project


def list_projects(*, session: Session, actor: User, page: int, per_page: int) -> Page:
    """Return a page of the agency's projects with their number of lists, latest change first."""
    agency_id = require_officer(actor)
    lists = (
        select(func.count())
        .select_from(ProcurementList)
        .where(ProcurementList.project_id == Project.id)
        .scalar_subquery()
    )
    query = (
        select(Project, lists)
        .where(Project.agency_id == agency_id)
        .order_by(Project.updated_at.desc(), Project.id.desc())
    )
    count = select(func.count()).select_from(Project).where(Project.agency_id == agency_id)
    return paginate(query, count, page, per_page, session=session)


# --- lists ------------------------------------------------------------------------------------


def _check_list_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid({"name": [_("Enter the list's name (at most 200 characters).")]})
    return name


def create_list(*, session: Session, actor: User, project_id: int, name: str) -> ProcurementList:
    """Create a procurement list in a project of the officer's agency."""
    project = get_project(session=session, actor=actor, project_id=project_id)
    item = ProcurementList(project_id=project.id, name=_check_list_name(name))
    session.add(item)
    session.flush()
    return item


def project_lists(
    *, session: Session, actor: User, project_id: int
) -> list[tuple[ProcurementList, int]]:
    """Return the project's lists with their number of lines, oldest first."""
    project = get_project(session=session, actor=actor, project_id=project_id)
    lines = (
        select(func.count())
        .select_from(ListLine)
        .where(ListLine.list_id == ProcurementList.id)
        .scalar_subquery()
    )
    return list(
        session.exec(
            select(ProcurementList, lines)
            .where(ProcurementList.project_id == project.id)
            .order_by(ProcurementList.created_at, ProcurementList.id)
        ).all()
    )


def get_list(*, session: Session, actor: User, list_id: int) -> tuple[ProcurementList, Project]:
    """Return a list of the officer's agency and its project, or raise NotFound."""
    agency_id = require_officer(actor)
    row = session.exec(
        select(ProcurementList, Project)
        .join(Project, Project.id == ProcurementList.project_id)
        .where(ProcurementList.id == list_id, Project.agency_id == agency_id)
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def agency_lists(*, session: Session, actor: User) -> list[tuple[ProcurementList, Project]]:
    """Return every list of the agency with its project, for choosing where to add a product."""
    agency_id = require_officer(actor)
    return list(
        session.exec(
            select(ProcurementList, Project)
            .join(Project, Project.id == ProcurementList.project_id)
            .where(Project.agency_id == agency_id)
            .order_by(Project.updated_at.desc(), Project.id.desc(), ProcurementList.id)
        ).all()
    )
