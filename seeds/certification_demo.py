"""Demo certificates, issued through the real certification services (idempotent)."""

import io
from datetime import date, timedelta

import click
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
from certification.certificates.lifecycle import (
    change_status,
    expire_certificates,
    record_surveillance,
)
from certification.criteria.assessment import missing_for_application
from certification.criteria.store import active_criteria
from certification.models import Application, Certificate

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


def load_demo_certificates(evidence_dir: str, *, session: Session, today: date) -> dict[str, int]:
    """Apply for, review and certify the published demo products that have no application."""
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
        .order_by(Category.position, Product.id)
    ).all()
    counts = {"certificates": 0, "waiting": 0, "rejected": 0}
    todo = [p for p in products if p.id not in done]
    with click.progressbar(todo, label="Demo certificates") as bar:
        for n, product in enumerate(bar):
            maker = _user_of(product.manufacturer_id, Role.MANUFACTURER, session=session)
            body, reviewer = bodies[n % len(bodies)], reviewers[n % len(bodies)]
            issued_on = today - timedelta(days=20 + 11 * n)
            _attach_evidence(
                maker, product, evidence_dir, issued_on - timedelta(days=60), session=session
            )
            if missing_for_application(product, today=issued_on, session=session):
                continue
            application = create_application(
                session=session, actor=maker, product_id=product.id, body_id=body.id
            )
            submit_application(
                session=session, actor=maker, application_id=application.id, today=issued_on
            )
            if n % LEAVE_WAITING_EVERY == LEAVE_WAITING_EVERY - 1:
                counts["waiting"] += 1
                continue
            start_review(session=session, actor=reviewer, application_id=application.id)
            record_review(
                session=session,
                actor=reviewer,
                application_id=application.id,
                corrections={},
                judgements=_reviewer_judgements(application, session=session),
            )
            stars = assess_application(application, today=issued_on, session=session).stars
            decide_application(
                session=session,
                actor=reviewer,
                application_id=application.id,
                approve=stars > 0,
                reason="" if stars else "评价指标未达到一星级要求",
                today=issued_on,
            )
            counts["certificates" if stars else "rejected"] += 1
    _lifecycle_examples(today, session=session)
    return counts


def _lifecycle_examples(today: date, *, session: Session) -> None:
    """Give the demo one suspended, one revoked and one expired certificate (once)."""
    certificates = session.exec(select(Certificate).order_by(Certificate.id)).all()
    if len(certificates) < 3 or any(c.status != "valid" for c in certificates):
        return
    suspended, revoked, expired = certificates[1], certificates[4], certificates[-1]
    reviewer = _user_of(suspended.body_id, Role.REVIEWER, session=session)
    record_surveillance(
        session=session,
        actor=reviewer,
        certificate_id=suspended.id,
        visited_on=today - timedelta(days=3),
        result="failed",
        notes="监督抽样：28 天抗压强度不合格",
        today=today,
    )
    reviewer = _user_of(revoked.body_id, Role.REVIEWER, session=session)
    change_status(
        session=session,
        actor=reviewer,
        certificate_id=revoked.id,
        action="suspend",
        reason="拒绝接受监督检查",
    )
    change_status(
        session=session,
        actor=reviewer,
        certificate_id=revoked.id,
        action="revoke",
        reason="暂停期满未整改",
    )
    # An older certificate whose five years have run out.
    expired.issued_on = date(today.year - 6, 3, 1)
    expired.valid_until = date(today.year - 1, 2, 28)
    session.flush()
    expire_certificates(today=today, session=session)
