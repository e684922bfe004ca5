"""Finding suppliers for the eligibility pages: by exact name, by part of a name, as suggestions."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from catalog.certificate_status import live_status_is_sql
from certification.models import Certificate
from eligibility.services import Supplier, supplier_of
from greenbm.forms_util import Page

_MANUFACTURER = Organisation.kind == OrganisationKind.MANUFACTURER


def suppliers_named(*, session: Session, name: str) -> list[Supplier]:
    """Return the manufacturers (at most two) whose Chinese or English name is exactly `name`."""
    name = name.strip()
    rows = session.exec(
        select(Organisation)
        .where(
            _MANUFACTURER,
            or_(Organisation.name_zh == name, func.lower(Organisation.name_en) == name.lower()),
        )
        .order_by(Organisation.id)
        .limit(2)
    )
    return [supplier_of(org) for org in rows]


def supplier_suggestions(*, session: Session, limit: int = 2_000) -> list[Supplier]:
    """Return the manufacturers that hold any certificate, by name, for a suggestion list."""
    holds = exists().where(Certificate.holder_id == Organisation.id)
    rows = session.exec(
        select(Organisation).where(_MANUFACTURER, holds).order_by(Organisation.name_zh).limit(limit)
    )
    return [supplier_of(org) for org in rows]


def find_suppliers(*, session: Session, text: str, page: int, per_page: int) -> Page:
    """Return a page of the manufacturers whose name contains `text` or whose code starts so."""
    text = text.strip()
    match = or_(
        Organisation.name_zh.contains(text, autoescape=True),
        func.lower(Organisation.name_en).contains(text.lower(), autoescape=True),
        Organisation.credit_code.startswith(text.upper(), autoescape=True),
    )
    count = select(func.count()).select_from(Organisation).where(_MANUFACTURER, match)
    total = session.exec(count).one()
    rows = session.exec(
        select(Organisation)
        .where(_MANUFACTURER, match)
        .order_by(Organisation.name_zh, Organisation.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return Page([supplier_of(org) for org in rows], page, per_page, total)


def valid_certificate_counts(
    *, session: Session, supplier_ids: Sequence[int], today: date | None = None
) -> dict[int, int]:
    """Return how many certificates valid today each supplier holds (one statement)."""
    today = today or date.today()
    rows = session.exec(
        select(Certificate.holder_id, func.count())
        .where(
            Certificate.holder_id.in_(list(supplier_ids)),
            live_status_is_sql(Certificate.status, Certificate.valid_until, "valid", today),
        )
        .group_by(Certificate.holder_id)
    )
    return dict(rows.all())
