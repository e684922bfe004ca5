"""Assessing a product's data against its criteria: completeness, evidence and the star level."""

from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlmodel import Session, select

from catalog.evidence import product_evidence
from catalog.models import Category, Product
from catalog.services import indicator_values
from certification.criteria import Criteria
from certification.criteria_store import active_criteria, criteria_of_version
from certification.models import Application, PrerequisiteJudgement, ReviewedValue
from certification.rules import Assessment, assess
from greenbm.i18n import localized


def application_criteria(session: Session, application: Application) -> Criteria:
    """Return the criteria the application is assessed by: its version, else the active one."""
    if application.criteria_version_id:
        return criteria_of_version(session, application.criteria_version_id)
    product = session.get(Product, application.product_id)
    return active_criteria(session, product.category_id)[1]


def declared_values(session: Session, product: Product) -> dict[str, float]:
    """Return the product's declared indicator values, GWP included under the code `gwp`."""
    values = {
        code: row.value
        for code, row in indicator_values(session=session, product_id=product.id).items()
    }
    values["gwp"] = product.gwp_a1a3
    return values


def _evidence_status(session: Session, product: Product, criteria: Criteria, today: date):
    """Return {prerequisite code: (present, reason)} for prerequisites that need evidence."""
    files = product_evidence(session=session, product_id=product.id)
    status = {}
    for prereq in criteria.prerequisites:
        if prereq.check != "evidence":
            continue
        matching = [f for f in files if f.kind == prereq.evidence_kind]
        if prereq.max_age_months:
            oldest = today - relativedelta(months=prereq.max_age_months)
            recent = [f for f in matching if f.test_date and f.test_date >= oldest]
            if matching and not recent:
                status[prereq.code] = (
                    False,
                    _(
                        "%(kind)s is older than %(n)d months.",
                        kind=localized(prereq),
                        n=prereq.max_age_months,
                    ),
                )
                continue
            matching = recent
        status[prereq.code] = (
            (True, "") if matching else (False, _("Missing: %(name)s", name=localized(prereq)))
        )
    return status


def missing_for_application(
    session: Session, product: Product, *, today: date | None = None
) -> list[str]:
    """List what the product still lacks before an application can be submitted."""
    today = today or date.today()
    category = session.get(Category, product.category_id)
    _row, criteria = active_criteria(session, category.id)
    missing = []
    values = declared_values(session, product)
    for ind in criteria.indicators:
        if ind.applies_to(product.declared_unit) and values.get(ind.code) is None:
            missing.append(_("A value for %(name)s.", name=localized(ind)))
    if not product.gwp_a1a3 or not product.gwp_provenance:
        missing.append(_("The GWP A1–A3 with its provenance."))
    if category.variant_attribute and not product.variant:
        missing.append(
            _("The product's class (%(name)s).", name=localized(category, "variant_name"))
        )
    for ok, reason in _evidence_status(session, product, criteria, today).values():
        if not ok:
            missing.append(reason)
    return missing


def _assess_product(
    session: Session,
    product: Product,
    criteria: Criteria,
    *,
    confirmed: dict[str, float],
    judged: dict[str, bool],
    preview: bool,
    today: date,
) -> Assessment:
    values = declared_values(session, product) | confirmed
    evidence = _evidence_status(session, product, criteria, today)
    prerequisites: dict[str, bool | None] = {}
    for prereq in criteria.prerequisites:
        if prereq.code in judged:
            prerequisites[prereq.code] = judged[prereq.code]
        elif prereq.check == "evidence":
            prerequisites[prereq.code] = evidence[prereq.code][0]
        elif prereq.check == "data":
            prerequisites[prereq.code] = (
                None
                if prereq.limit_indicators
                else bool(product.gwp_a1a3 and product.gwp_provenance)
            )
        else:
            prerequisites[prereq.code] = True if preview else None
    codes = {ind.code for ind in criteria.indicators}
    return assess(
        criteria,
        variant=product.variant,
        values={code: value for code, value in values.items() if code in codes},
        prerequisites=prerequisites,
        declared_unit=product.declared_unit,
    )


def assess_application(
    session: Session, application: Application, *, today: date | None = None, preview: bool = False
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
    return _assess_product(
        session,
        session.get(Product, application.product_id),
        application_criteria(session, application),
        confirmed=confirmed,
        judged=judged,
        preview=preview,
        today=today or date.today(),
    )


def preview_assessment(
    session: Session, product: Product, *, today: date | None = None
) -> Assessment:
    """Assess the product's declared data by its category's active criteria, before applying.

    Prerequisites the reviewer judges count as met (see `assess_application`).
    """
    return _assess_product(
        session,
        product,
        active_criteria(session, product.category_id)[1],
        confirmed={},
        judged={},
        preview=True,
        today=today or date.today(),
    )
