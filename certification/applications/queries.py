"""Read-only queries of the workflow pages: the manufacturer's list, the review queue, evidence."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.models import Category, EvidenceFile, Product
from certification.models import Application, ApplicationState
from greenbm.errors import NotFound
from greenbm.forms_util import Page, paginate
from greenbm.models_base import utcnow


def manufacturer_applications(actor: User, page: int, per_page: int, *, session: Session) -> Page:
    """Return a page of (application, product, body) of the actor's company, latest change first."""
    where = Application.manufacturer_id == actor.organisation_id
    query = (
        select(Application, Product, Organisation)
        .join(Product, Product.id == Application.product_id)
        .join(Organisation, Organisation.id == Application.body_id)
        .where(where)
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    count = select(func.count()).select_from(Application).where(where)
    return paginate(query, count, page, per_page, session=session)


def queued_applications(
    actor: User,
    *,
    session: Session,
    states: tuple[str, ...],
    category: str | None,
    age: int | None,
    page: int,
    per_page: int,
) -> Page:
    """Return a page of (application, product, category, manufacturer) for the actor's body.

    Oldest submission first; `age` keeps those submitted at least that many days ago.
    """
    body_id = actor.organisation_id
    where = [
        Application.body_id == body_id,
        Application.manufacturer_id != body_id,  # never one's own organisation's product
        Application.state.in_(states),
    ]
    if category:
        where.append(Category.code == category)
    if age is not None:
        where.append(Application.submitted_at <= utcnow() - timedelta(days=age))
    query = (
        select(Application, Product, Category, Organisation)
        .join(Product, Product.id == Application.product_id)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Application.manufacturer_id)
        .where(*where)
        .order_by(Application.submitted_at, Application.id)
    )
    count = (
        select(func.count())
        .select_from(Application)
        .join(Product, Product.id == Application.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(*where)
    )
    return paginate(query, count, page, per_page, session=session)


def reviewable_evidence(actor: User, evidence_id: int, *, session: Session) -> EvidenceFile:
    """Return an evidence file of a product the actor's body has a submitted application for.

    Raise NotFound otherwise: a draft is not sent to the body yet.
    """
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        raise NotFound()
    body_id = actor.organisation_id
    found = session.exec(
        select(Application.id)
        .where(
            Application.product_id == evidence.product_id,
            Application.body_id == body_id,
            Application.manufacturer_id != body_id,
            Application.state != ApplicationState.DRAFT,
        )
        .limit(1)
    ).first()
    if found is None:
        raise NotFound()
    return evidence
