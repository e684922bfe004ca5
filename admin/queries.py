"""Read side of the console: sizes, pages of organisations and users, categories and criteria."""

import json
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Organisation, User
from admin.criteria_diff import CriteriaDiff, diff_criteria
from catalog.categories import list_categories
from catalog.models import Category, Product
from catalog.plant_confirmation import count_plants_awaiting_confirmation
from certification.criteria.model import Criteria
from certification.criteria.parsing import criteria_from_dict
from certification.criteria.store import active_versions
from certification.models import Application, Certificate, CriteriaVersion
from greenbm.audit import AuditEntry
from greenbm.errors import NotFound
from greenbm.forms_util import Page, paginate

# What the console's home page counts, under the names its template reads.
COUNTED = {
    "organisations": Organisation,
    "users": User,
    "categories": Category,
    "criteria_versions": CriteriaVersion,
    "audit_entries": AuditEntry,
}


def console_counts(*, session: Session) -> dict[str, int]:
    """Return the sizes of the console's sections and how many plants await confirmation."""
    counts = {
        name: session.exec(select(func.count()).select_from(model)).one()
        for name, model in COUNTED.items()
    }
    counts["plants_awaiting"] = count_plants_awaiting_confirmation(session=session)
    return counts


def organisation_page(*, session: Session, page: int, per_page: int) -> Page:
    """Return one page of organisations, newest first."""
    query = select(Organisation).order_by(Organisation.id.desc())
    count = select(func.count()).select_from(Organisation)
    return paginate(query, count, page, per_page, session=session)


def organisation_by_id(*, session: Session, organisation_id: int) -> Organisation:
    """Return an organisation, or raise NotFound."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


def users_of_organisations(
    *, session: Session, organisation_ids: list[int]
) -> dict[int, list[User]]:
    """Return each organisation's users in the order they were created (every id is a key)."""
    users = session.exec(
        select(User).where(User.organisation_id.in_(organisation_ids)).order_by(User.id)
    ).all()
    return {oid: [u for u in users if u.organisation_id == oid] for oid in organisation_ids}


def organisation_names(*, session: Session) -> list[tuple[int, str]]:
    """Return (id, Chinese name) of every organisation, by name: the choices of a form."""
    query = select(Organisation.id, Organisation.name_zh).order_by(
        Organisation.name_zh,
        Organisation.id,  # the id orders namesakes the same way each time
    )
    return [(oid, name) for oid, name in session.exec(query).all()]


@dataclass
class UserFilters:
    """What the user list looks for; None means any."""

    email: str | None = None  # a part of the e-mail address, in any case
    organisation_id: int | None = None
    role: str | None = None
    disabled: bool | None = None


def user_page(*, session: Session, filters: UserFilters, page: int, per_page: int) -> Page:
    """Return one page of (user, organisation) matching the filters, newest user first."""
    conditions = []
    if filters.email:
        conditions.append(User.email.contains(filters.email.strip().lower(), autoescape=True))
    if filters.organisation_id is not None:
        conditions.append(User.organisation_id == filters.organisation_id)
    if filters.role:
        conditions.append(User.role == filters.role)
    if filters.disabled is not None:
        conditions.append(User.disabled.is_(filters.disabled))
    query = (
        select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(*conditions)
        .order_by(User.id.desc())
    )
    count = select(func.count()).select_from(User).where(*conditions)
    return paginate(query, count, page, per_page, session=session)


def user_by_id(*, session: Session, user_id: int) -> User:
    """Return a user, or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def category_by_code(*, session: Session, code: str) -> Category:
    """Return the category with this code, or raise NotFound."""
    category = session.exec(select(Category).where(Category.code == code)).first()
    if category is None:
        raise NotFound()
    return category


class CategoryUsage(NamedTuple):
    """A category with its number of products and the criteria version in force (if any)."""

    category: Category
    products: int
    in_force: CriteriaVersion | None


def categories_with_usage(*, session: Session) -> list[CategoryUsage]:
    """Return every category in display order with its products and criteria in force."""
    counts = dict(
        session.exec(select(Product.category_id, func.count()).group_by(Product.category_id)).all()
    )
    in_force = active_versions(session=session)
    return [
        CategoryUsage(c, counts.get(c.id, 0), in_force.get(c.id))
        for c in list_categories(session=session)
    ]


def product_counts_by_unit(*, session: Session, category_id: int) -> list[tuple[str, int]]:
    """Return (declared unit, number of products) of a category's products, by unit."""
    rows = session.exec(
        select(Product.declared_unit, func.count())
        .where(Product.category_id == category_id)
        .group_by(Product.declared_unit)
        .order_by(Product.declared_unit)
    )
    return [(unit, n) for unit, n in rows.all()]


class VersionUsage(NamedTuple):
    """A criteria version with the number of applications and certificates made under it."""

    version: CriteriaVersion
    applications: int
    certificates: int


def criteria_versions_with_usage(*, session: Session, category_id: int) -> list[VersionUsage]:
    """Return a category's criteria versions, newest first, with their applications/certificates."""
    rows = session.exec(
        select(CriteriaVersion)
        .where(CriteriaVersion.category_id == category_id)
        .order_by(CriteriaVersion.id.desc())
    ).all()
    ids = [r.id for r in rows]
    apps, certs = (
        dict(
            session.exec(
                select(model.criteria_version_id, func.count())
                .where(model.criteria_version_id.in_(ids))
                .group_by(model.criteria_version_id)
            ).all()
        )
        for model in (Application, Certificate)
    )
    return [VersionUsage(r, apps.get(r.id, 0), certs.get(r.id, 0)) for r in rows]


def criteria_version(*, session: Session, category_id: int, version_id: int) -> CriteriaVersion:
    """Return a criteria version of the category, or raise NotFound (also for another's)."""
    row = session.get(CriteriaVersion, version_id)
    if row is None or row.category_id != category_id:
        raise NotFound()
    return row


@dataclass
class VersionReview:
    """A stored version against the one in force: what the activation page shows."""

    row: CriteriaVersion
    criteria: Criteria
    in_force: CriteriaVersion | None
    diff: CriteriaDiff | None  # None when the version is the one in force


def criteria_version_review(
    *, session: Session, category_id: int, version_id: int
) -> VersionReview:
    """Return a version of the category with its differences from the version in force."""
    row = criteria_version(session=session, category_id=category_id, version_id=version_id)
    in_force = active_versions(session=session).get(category_id)
    new = criteria_from_dict(json.loads(row.content))
    if in_force is not None and in_force.id == row.id:
        return VersionReview(row, new, in_force, None)
    old = criteria_from_dict(json.loads(in_force.content)) if in_force else None
    return VersionReview(row, new, in_force, diff_criteria(old, new))
