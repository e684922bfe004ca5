"""Assessing a product's data against its criteria: completeness, evidence and the star level."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlmodel import Session

from catalog.evidence import product_evidence
from catalog.models import Category, Product
from catalog.services import indicator_values
from certification.criteria.model import Criteria
from certification.criteria.rules import (
    EVIDENCE_MISSING,
    EVIDENCE_TOO_OLD,
    Assessment,
    assess,
)
from certification.criteria.store import active_criteria
from greenbm.i18n import localized


def declared_values(product: Product, *, session: Session) -> dict[str, float]:
    """Return the product's declared indicator values, GWP included under the code `gwp`."""
    values = {
        code: row.value
        for code, row in indicator_values(session=session, product_id=product.id).items()
    }
    values["gwp"] = product.gwp_a1a3
    return values


@dataclass(frozen=True)
class EvidenceCheck:
    """Whether a prerequisite's document is there and recent enough: a fact, not a judgement."""

    ok: bool
    fault: str | None  # EVIDENCE_MISSING or EVIDENCE_TOO_OLD when not ok
    message: str


def evidence_checks(
    product: Product, criteria: Criteria, today: date, *, session: Session
) -> dict[str, EvidenceCheck]:
    """Return {prerequisite code: check} for the prerequisites that need a document."""
    files = product_evidence(session=session, product_id=product.id)
    checks = {}
    for prereq in criteria.prerequisites:
        if prereq.check != "evidence":
            continue
        matching = [f for f in files if f.kind == prereq.evidence_kind]
        if prereq.max_age_months:
            oldest = today - relativedelta(months=prereq.max_age_months)
            recent = [f for f in matching if f.test_date and f.test_date >= oldest]
            if matching and not recent:
                checks[prereq.code] = EvidenceCheck(
                    False,
                    EVIDENCE_TOO_OLD,
                    _(
                        "%(name)s: the latest document is dated %(date)s, older than %(n)d months.",
                        name=localized(prereq),
                        date=max(f.test_date for f in matching if f.test_date),
                        n=prereq.max_age_months,
                    )
                    if any(f.test_date for f in matching)
                    else _("%(name)s: the document has no date.", name=localized(prereq)),
                )
                continue
            matching = recent
        checks[prereq.code] = (
            EvidenceCheck(True, None, "")
            if matching
            else EvidenceCheck(
                False, EVIDENCE_MISSING, _("Missing: %(name)s", name=localized(prereq))
            )
        )
    return checks


def missing_for_application(
    product: Product, *, session: Session, today: date | None = None
) -> list[str]:
    """List what the product still lacks before an application can be submitted."""
    today = today or date.today()
    category = session.get(Category, product.category_id)
    _row, criteria = active_criteria(category.id, session=session)
    missing = []
    values = declared_values(product, session=session)
    for ind in criteria.indicators:
        if ind.applies_to(product.declared_unit) and values.get(ind.code) is None:
            missing.append(_("A value for %(name)s.", name=localized(ind)))
    if not product.gwp_a1a3 or not product.gwp_provenance:
        missing.append(_("The GWP A1–A3 with its provenance."))
    if category.variant_attribute and not product.variant:
        missing.append(
            _("The product's class (%(name)s).", name=localized(category, "variant_name"))
        )
    for check in evidence_checks(product, criteria, today, session=session).values():
        if not check.ok:
            missing.append(check.message)
    return missing


def assess_product(
    product: Product,
    criteria: Criteria,
    *,
    session: Session,
    confirmed: dict[str, float],
    judged: dict[str, bool],
    preview: bool,
    today: date,
) -> Assessment:
    """Assess the product's declared values, overridden by `confirmed`, and its prerequisites.

    A prerequisite in `judged` takes that judgement; one the reviewer judges counts as met
    in a `preview` and as not judged otherwise.
    """
    values = declared_values(product, session=session) | confirmed
    evidence = evidence_checks(product, criteria, today, session=session)
    # A missing or too old document is a fact: it fails the prerequisite whatever is judged.
    facts = {code: check.fault for code, check in evidence.items() if not check.ok}
    prerequisites: dict[str, bool | None] = {}
    for prereq in criteria.prerequisites:
        if prereq.code in judged:
            prerequisites[prereq.code] = judged[prereq.code]
        elif prereq.check == "evidence":
            prerequisites[prereq.code] = evidence[prereq.code].ok
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
        facts=facts,
    )


def preview_assessment(
    product: Product, *, session: Session, today: date | None = None
) -> Assessment:
    """Assess the product's declared data by its category's active criteria, before applying.

    Prerequisites the reviewer judges count as met (see `assess_product`).
    """
    return assess_product(
        product,
        active_criteria(product.category_id, session=session)[1],
        confirmed={},
        judged={},
        preview=True,
        today=today or date.today(),
        session=session,
    )
