"""Assessing an application: its criteria version, the reviewer's values and judgements."""

from datetime import date

from sqlmodel import Session, select

from catalog.models import Product
from certification.criteria.assessment import assess_product
from certification.criteria.model import Criteria
from certification.criteria.rules import Assessment
from certification.criteria.store import active_criteria, criteria_of_version
from certification.models import Application, PrerequisiteJudgement, ReviewedValue


def application_criteria(application: Application, *, session: Session) -> Criteria:
    """Return the criteria the application is assessed by: its version, else the active one."""
    if application.criteria_version_id:
        return criteria_of_version(application.criteria_version_id, session=session)
    product = session.get(Product, application.product_id)
    return active_criteria(product.category_id, session=session)[1]


def assess_application(
    application: Application, *, session: Session, today: date | None = None, preview: bool = False
) -> Assessment:
    """Assess the application: declared values as corrected by the reviewer, judged prerequisites.

    In a preview (for the manufacturer, before review) prerequisites the reviewer judges count
    as met, so that the preview shows what the data alone would give.
    """
    confirmed = {
        row.indicator_code: row.confirmed_value
        for row in session.exec(
            select(ReviewedValue).where(ReviewedValue.application_id == application.id)
        ).all()
    }
    judged = {
        row.code: row.passed
        for row in session.exec(
            select(PrerequisiteJudgement).where(
                PrerequisiteJudgement.application_id == application.id
            )
        ).all()
    }
    return assess_product(
        session.get(Product, application.product_id),
        application_criteria(application, session=session),
        confirmed=confirmed,
        judged=judged,
        preview=preview,
        today=today or date.today(),
        session=session,
    )
