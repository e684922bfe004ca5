"""Use cases of the manufacturer's applications: open, submit, answer; finding one to act on."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.notifications import notify_organisation
from catalog.models import Category, Product
from catalog.services import own_product
from certification.certificates.lifecycle import check_follow_up
from certification.certificates.queries import holder_certificate
from certification.criteria.assessment import missing_for_application
from certification.criteria.store import active_criteria
from certification.models import Application, ApplicationKind, ApplicationState
from certification.notices import name_argument
from certification.states import APPLICATIONS, FINAL_STATES, apply_move
from greenbm.errors import Conflict, Invalid, NotAllowed, NotFound
from greenbm.i18n import localized

S = ApplicationState


def certification_bodies(*, session: Session) -> list[Organisation]:
    """Return the certification bodies a manufacturer can choose from."""
    query = select(Organisation).where(Organisation.kind == OrganisationKind.CERTIFICATION_BODY)
    return list(session.exec(query.order_by(Organisation.name_zh)).all())


def _may_see(actor: User, application: Application) -> bool:
    if actor.role == Role.MANUFACTURER:
        return application.manufacturer_id == actor.organisation_id
    # A reviewer sees the body's applications, never one for their own organisation's product.
    return (
        actor.role == Role.REVIEWER
        and application.body_id == actor.organisation_id
        and application.manufacturer_id != actor.organisation_id
    )


def get_application(
    *, session: Session, actor: User, application_id: int, lock_version: int | None = None
) -> Application:
    """Return an application the actor may see (its manufacturer or its body's reviewers).

    Raise Conflict if it changed since the actor saw it at `lock_version`.
    """
    application = session.get(Application, application_id)
    if application is None or not _may_see(actor, application):
        raise NotFound()
    if lock_version is not None and lock_version != application.lock_version:
        raise Conflict()
    return application


def certificate_only_refusal(product: Product, *, session: Session) -> str | None:
    """Return why the product cannot be certified here (a certificate-only type), or None."""
    category = session.get(Category, product.category_id)
    if not category.certificate_only:
        return None
    return _(
        "%(category)s is a certificate-only type: this project has no criteria for it, so it "
        "cannot be certified here. Its products take certificates issued by other "
        "certification bodies.",
        category=localized(category),
    )


def open_application(product_id: int, *, session: Session) -> Application | None:
    """Return the product's application that is not decided yet, if there is one."""
    return session.exec(
        select(Application).where(
            Application.product_id == product_id, Application.state.not_in(list(FINAL_STATES))
        )
    ).first()


def create_application(
    *,
    session: Session,
    actor: User,
    product_id: int,
    body_id: int,
    kind: str = ApplicationKind.INITIAL,
    certificate_id: int | None = None,
    change_description: str = "",
) -> Application:
    """Open a draft application for the actor's product with a certification body."""
    product = own_product(session=session, actor=actor, product_id=product_id)
    if refusal := certificate_only_refusal(product, session=session):
        raise Invalid({"product_id": [refusal]})
    if kind != ApplicationKind.INITIAL:
        # Renewal and change continue a certificate the actor holds, for the same product.
        certificate = holder_certificate(actor, certificate_id or 0, session=session)
        if certificate.product_id != product.id:
            raise NotFound()
        check_follow_up(certificate, kind, date.today())
    body = session.get(Organisation, body_id)
    if body is None or body.kind != OrganisationKind.CERTIFICATION_BODY:
        raise Invalid({"body_id": [_("Choose a certification body.")]})
    if open_application(product.id, session=session):
        raise Invalid({"product_id": [_("This product already has an open application.")]})
    application = Application(
        kind=kind,
        product_id=product.id,
        manufacturer_id=product.manufacturer_id,
        body_id=body.id,
        certificate_id=certificate_id,
        change_description=change_description,
    )
    session.add(application)
    session.flush()
    return application


def flush_or_conflict(*, session: Session) -> None:
    """Flush; raise Conflict if another request changed the application meanwhile."""
    try:
        session.flush()
    except StaleDataError as exc:  # a concurrent decision got there first
        raise Conflict() from exc


def _notify(
    organisation_id: int, application: Application, message_id: str, args: dict, *, session
) -> None:
    # The application page sends reviewers on to the review page: one link serves both sides.
    notify_organisation(
        organisation_id,
        message_id,
        {"id": application.id, **args},
        endpoint="certification.application",
        endpoint_args={"application_id": application.id},
        session=session,
    )


def notify_body(application: Application, message_id: str, *, session: Session, **args) -> None:
    """Tell the application's certification body (a message of certification.notices)."""
    _notify(application.body_id, application, message_id, args, session=session)


def notify_manufacturer(
    application: Application, message_id: str, *, session: Session, **args
) -> None:
    """Tell the application's manufacturer (a message of certification.notices)."""
    _notify(application.manufacturer_id, application, message_id, args, session=session)


def submit_application(
    *,
    session: Session,
    actor: User,
    application_id: int,
    lock_version: int | None = None,
    today: date | None = None,
) -> Application:
    """Submit a complete draft to its body; list what is missing otherwise."""
    application = get_application(
        session=session, actor=actor, application_id=application_id, lock_version=lock_version
    )
    if actor.role != Role.MANUFACTURER:
        raise NotAllowed()
    product = session.get(Product, application.product_id)
    missing = missing_for_application(product, today=today, session=session)
    if missing:
        raise Invalid({"completeness": missing})
    row, _criteria = active_criteria(product.category_id, session=session)
    application.criteria_version_id = row.id
    apply_move(APPLICATIONS, application, "submit", actor=actor, session=session)
    notify_body(
        application, "application.submitted", product=name_argument(product), session=session
    )
    flush_or_conflict(session=session)
    return application


def resubmit_application(
    *,
    session: Session,
    actor: User,
    application_id: int,
    answer: str,
    lock_version: int | None = None,
) -> Application:
    """Answer the reviewer's question and send the application back."""
    application = get_application(
        session=session, actor=actor, application_id=application_id, lock_version=lock_version
    )
    if actor.role != Role.MANUFACTURER:
        raise NotAllowed()
    if not answer.strip():
        raise Invalid({"reason": [_("Write your answer to the reviewer.")]})
    apply_move(APPLICATIONS, application, "resubmit", actor=actor, reason=answer, session=session)
    notify_body(application, "application.resubmitted", session=session)
    flush_or_conflict(session=session)
    return application
