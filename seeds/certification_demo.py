"""Demo certificates, issued through the real certification services (idempotent)."""

import io
from datetime import date, timedelta

import click
from dateutil.relativedelta import relativedelta
from pypdf import PdfWriter
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role, User
from catalog.evidence import store_evidence
from catalog.models import Category, Product, ProductStatus
from certification.applications.assessment import assess_application
from certification.applications.review import (
    Judgement,
    decide_application,
    record_review,
    start_review,
)
from certification.applications.services import create_application, submit_application
from certification.certificates.issue import FIRST_SURVEILLANCE_MONTHS
from certification.certificates.lifecycle import (
    SUSPENSION_MONTHS,
    change_status,
    expire_certificates,
    record_surveillance,
)
from certification.criteria.assessment import missing_for_application
from certification.criteria.store import active_criteria
from certification.models import Application, Certificate
from greenbm.models_base import recorded_at
from seeds.demo_history import (
    HISTORY_DAYS,
    Timeline,
    at_nine,
    criteria_in_force_since,
    earlier_criteria_version,
    listed_before,
)

# Every how-manyth certifiable product stays waiting in a reviewer's queue.
LEAVE_WAITING_EVERY = 9


def blank_pdf(title: str = "") -> bytes:
    """Return a one-page blank PDF (a stand-in for a scanned document in demo and test data)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _user_of(organisation_id: int, role: str, *, session: Session) -> User:
    return session.exec(
        select(User).where(User.organisation_id == organisation_id, User.role == role)
    ).first()


def _attach_evidence(maker, product, evidence_dir, tested_on: date, *, session) -> None:
    for kind, test_date in [
        ("type_test_report", tested_on),
        ("emission_monitoring", None),
        ("management_system", None),
    ]:
        store_evidence(
            session=session,
            actor=maker,
            product_id=product.id,
            kind=kind,
            stream=io.BytesIO(blank_pdf(f"{kind} {product.name_zh}")),
            filename=f"{kind}-{product.id}.pdf",
            evidence_dir=evidence_dir,
            test_date=test_date,
        )


def _reviewer_judgements(application, *, session) -> dict[str, Judgement]:
    product = session.get(Product, application.product_id)
    _row, criteria = active_criteria(product.category_id, session=session)
    return {
        p.code: Judgement(True, "现场检查确认")
        for p in criteria.prerequisites
        if p.check == "reviewer"
    }


def _step_days(count: int) -> int:
    # Spread the issues over the history window, a week apart at most.
    return max(1, min(7, (HISTORY_DAYS - 180) // max(count, 1)))


def load_demo_certificates(evidence_dir: str, *, session: Session, today: date) -> dict[str, int]:
    """Apply for, review and certify the published demo products that have no application.

    Everything is dated as a real history would be (see seeds/demo_history.py): the criteria
    in force first, then each product, its evidence, application, review and certificate.
    """
    bodies = session.exec(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.CERTIFICATION_BODY)
        .order_by(Organisation.id)
    ).all()
    reviewers = [_user_of(b.id, Role.REVIEWER, session=session) for b in bodies]
    done = set(session.exec(select(Application.product_id)).all())
    products = session.exec(
        select(Product)
        .join(Category, Category.id == Product.category_id)
        .where(Product.status == ProductStatus.PUBLISHED)
        # Products recorded from another body's certificate have no maker's account to apply
        # with: on a second `flask seed` the other bodies' demo had published some.
        .where(Product.recorded_from_id.is_(None))
        .order_by(Category.position, Product.id)
    ).all()
    counts = {"certificates": 0, "waiting": 0, "rejected": 0}
    todo = [p for p in products if p.id not in done]
    if todo:
        criteria_in_force_since(today - timedelta(days=HISTORY_DAYS), session=session)
    step = _step_days(len(todo))
    with click.progressbar(todo, label="Demo certificates") as bar:
        for n, product in enumerate(bar):
            maker = _user_of(product.manufacturer_id, Role.MANUFACTURER, session=session)
            body, reviewer = bodies[n % len(bodies)], reviewers[n % len(bodies)]
            old = n == 0 and len(todo) > 2  # the one that has run its five years
            waiting = not old and n % LEAVE_WAITING_EVERY == LEAVE_WAITING_EVERY - 1
            if waiting:  # submitted a few days ago, not yet taken up
                timeline = Timeline.submitted_on(today - timedelta(days=2 + n % 7))
            elif old:
                timeline = Timeline.issued_on(date(today.year - 6, 3, 1))
            else:
                timeline = Timeline.issued_on(today - timedelta(days=20 + step * n))
            listed_before(product, timeline.opened, session=session)
            with recorded_at(timeline.opened - timedelta(days=2)):
                _attach_evidence(maker, product, evidence_dir, timeline.tested, session=session)
            if missing_for_application(product, today=timeline.submitted.date(), session=session):
                continue
            with recorded_at(timeline.opened):
                application = create_application(
                    session=session, actor=maker, product_id=product.id, body_id=body.id
                )
            with recorded_at(timeline.submitted):
                submit_application(
                    session=session,
                    actor=maker,
                    application_id=application.id,
                    today=timeline.submitted.date(),
                )
            if waiting:
                counts["waiting"] += 1
                continue
            if old:
                application.criteria_version_id = earlier_criteria_version(
                    product.category_id, timeline.opened - timedelta(days=90), session=session
                ).id
            with recorded_at(timeline.reviewed):
                start_review(session=session, actor=reviewer, application_id=application.id)
                record_review(
                    session=session,
                    actor=reviewer,
                    application_id=application.id,
                    corrections={},
                    judgements=_reviewer_judgements(application, session=session),
                )
            decided_on = timeline.decided.date()
            stars = assess_application(application, today=decided_on, session=session).stars
            with recorded_at(timeline.decided):
                decide_application(
                    session=session,
                    actor=reviewer,
                    application_id=application.id,
                    approve=stars > 0,
                    reason="" if stars else "评价指标未达到一星级要求",
                    today=decided_on,
                )
            counts["certificates" if stars else "rejected"] += 1
    _lifecycle_examples(today, session=session)
    return counts


def _lifecycle_examples(today: date, *, session: Session) -> None:
    """Give the demo one suspended, one revoked and one expired certificate (once).

    The suspended one failed its first surveillance, about six months after issue; the revoked
    one refused it and was revoked when the suspension period had passed unresolved.
    """
    certificates = session.exec(select(Certificate).order_by(Certificate.id)).all()
    if len(certificates) < 3 or any(c.status != "valid" for c in certificates):
        return
    expire_certificates(today=today, session=session)  # the six-year-old one
    running = sorted((c for c in certificates if c.status == "valid"), key=lambda c: c.issued_on)
    revoked = running[0]  # the oldest still running: time for a whole suspension period
    first_visit = revoked.issued_on + relativedelta(months=FIRST_SURVEILLANCE_MONTHS)
    revoked_on = first_visit + relativedelta(months=SUSPENSION_MONTHS)
    if revoked_on < today:
        reviewer = _user_of(revoked.body_id, Role.REVIEWER, session=session)
        with recorded_at(at_nine(first_visit)):
            change_status(
                session=session,
                actor=reviewer,
                certificate_id=revoked.id,
                action="suspend",
                reason="拒绝接受监督检查",
            )
        with recorded_at(at_nine(revoked_on)):
            change_status(
                session=session,
                actor=reviewer,
                certificate_id=revoked.id,
                action="revoke",
                reason="暂停期满未整改",
            )
    due = [c for c in running[1:] if c.next_surveillance_due and c.next_surveillance_due < today]
    if due:
        suspended = due[-1]  # the most recent whose first surveillance has come
        visited_on = suspended.next_surveillance_due
        reviewer = _user_of(suspended.body_id, Role.REVIEWER, session=session)
        with recorded_at(at_nine(visited_on)):
            record_surveillance(
                session=session,
                actor=reviewer,
                certificate_id=suspended.id,
                visited_on=visited_on,
                result="failed",
                notes="监督抽样：28 天抗压强度不合格",
                today=today,
            )
