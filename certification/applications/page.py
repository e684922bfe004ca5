"""What the apply, application and review pages show: the product, the trail, the assessment."""

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.models import Category, CategoryVariant, Plant, Product
from certification.applications.assessment import assess_application
from certification.applications.assessment_rows import (
    IndicatorRow,
    PrerequisiteRow,
    ShortfallRow,
    assessment_rows,
)
from certification.criteria.assessment import (
    declared_values,
    missing_for_application,
    preview_assessment,
)
from certification.criteria.model import Criteria
from certification.criteria.rules import Assessment, AssessmentError, assessment_to_dict
from certification.criteria.store import active_criteria, criteria_of_version
from certification.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    Certificate,
    PrerequisiteJudgement,
    ReviewedValue,
)
from certification.states import FINAL_STATES
from greenbm.errors import NotFound
from greenbm.i18n import localized

S = ApplicationState


@dataclass
class ApplicationPage:
    """Everything the apply, application and review pages show."""

    product: Product
    category: Category
    variant: CategoryVariant | None
    plant: Plant
    manufacturer: Organisation
    criteria: Criteria | None
    missing: list[str]
    declared: dict[str, float | None]
    application: Application | None = None  # none yet on the apply page
    body: Organisation | None = None
    events: list[tuple[ApplicationEvent, str]] = field(default_factory=list)
    conversation: list[tuple[ApplicationEvent, str]] = field(default_factory=list)
    certificate: Certificate | None = None
    reviewed: dict[str, ReviewedValue] = field(default_factory=dict)
    judgements: dict[str, PrerequisiteJudgement] = field(default_factory=dict)
    assessment: dict | None = None
    decided: bool = False
    indicators: tuple[IndicatorRow, ...] = ()
    prerequisites: tuple[PrerequisiteRow, ...] = ()
    shortfalls: tuple[ShortfallRow, ...] = ()
    blocking: tuple[PrerequisiteRow, ...] = ()


def _actor_name(user: User | None, organisation: Organisation | None) -> str:
    if user is None:
        return _("System")
    name = user.display_name or localized(organisation)
    return f"{name} · {localized(organisation)}" if user.display_name else name


def _events(application_id: int, *, session: Session) -> list[tuple[ApplicationEvent, str]]:
    rows = session.exec(
        select(ApplicationEvent, User, Organisation)
        .outerjoin(User, User.id == ApplicationEvent.actor_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(ApplicationEvent.application_id == application_id)
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    ).all()
    return [(event, _actor_name(user, org)) for event, user, org in rows]


def _fill_assessment(view: ApplicationPage, assessment: dict, *, preview: bool) -> None:
    view.assessment = assessment
    view.indicators, view.prerequisites, view.shortfalls, view.blocking = assessment_rows(
        assessment,
        view.criteria,
        declared=view.declared,
        reviewed=view.reviewed,
        judgements=view.judgements,
        preview=preview,
    )


def _criteria(product: Product, version_id: int | None, *, session: Session) -> Criteria | None:
    if version_id:
        return criteria_of_version(version_id, session=session)
    try:
        return active_criteria(product.category_id, session=session)[1]
    except NotFound:
        return None


def _missing(product: Product, *, session: Session) -> list[str]:
    try:
        return missing_for_application(product, session=session)
    except NotFound:
        return [_("This category has no certification criteria yet.")]


def _product_facts(product: Product, *, session: Session) -> dict:
    """Return the product with its category, class and plant, as page fields."""
    category = session.get(Category, product.category_id)
    variant = (
        session.exec(
            select(CategoryVariant).where(
                CategoryVariant.category_id == category.id, CategoryVariant.code == product.variant
            )
        ).first()
        if product.variant
        else None
    )
    plant = session.get(Plant, product.plant_id)
    return {"product": product, "category": category, "variant": variant, "plant": plant}


def _with_live_assessment(view: ApplicationPage, assess, *, preview: bool) -> ApplicationPage:
    """Fill in the assessment `assess()` returns, unless the data cannot be assessed yet."""
    try:
        live: Assessment = assess()
    except (AssessmentError, NotFound):
        return view  # incomplete data: the missing list says what to add
    _fill_assessment(view, assessment_to_dict(live), preview=preview)
    return view


def load_preview_page(product: Product, *, session: Session) -> ApplicationPage:
    """Gather what the apply page shows: what the product lacks and what it would score."""
    view = ApplicationPage(
        **_product_facts(product, session=session),
        manufacturer=session.get(Organisation, product.manufacturer_id),
        criteria=_criteria(product, None, session=session),
        missing=_missing(product, session=session),
        declared=declared_values(product, session=session),
    )
    return _with_live_assessment(
        view, lambda: preview_assessment(product, session=session), preview=True
    )


def load_application_page(
    application: Application, *, session: Session, preview: bool
) -> ApplicationPage:
    """Gather what the application page shows; `preview` is the manufacturer's assessment."""
    product = session.get(Product, application.product_id)
    events = _events(application.id, session=session)
    conversation = [
        (e, who) for e, who in events if e.to_state in (S.INFORMATION_REQUESTED, S.RESUBMITTED)
    ]
    final = application.state in FINAL_STATES
    view = ApplicationPage(
        **_product_facts(product, session=session),
        application=application,
        manufacturer=session.get(Organisation, application.manufacturer_id),
        body=session.get(Organisation, application.body_id),
        criteria=_criteria(product, application.criteria_version_id, session=session),
        events=events,
        conversation=conversation,
        missing=[] if final else _missing(product, session=session),
        certificate=session.get(Certificate, application.certificate_id)
        if application.certificate_id and application.state == S.APPROVED
        else None,
        declared=declared_values(product, session=session),
        reviewed={
            r.indicator_code: r
            for r in session.exec(
                select(ReviewedValue).where(ReviewedValue.application_id == application.id)
            ).all()
        },
        judgements={
            j.code: j
            for j in session.exec(
                select(PrerequisiteJudgement).where(
                    PrerequisiteJudgement.application_id == application.id
                )
            ).all()
        },
    )
    if application.assessment:
        view.decided = True
        _fill_assessment(view, json.loads(application.assessment), preview=False)
        return view
    return _with_live_assessment(
        view,
        lambda: assess_application(application, preview=preview, session=session),
        preview=preview,
    )
