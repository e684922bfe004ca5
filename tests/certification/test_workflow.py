"""The certification workflow through the services, on a real database."""

from datetime import date

import pytest
from sqlmodel import Session, select

from accounts.models import Notification, OrganisationKind
from certification.applications.review import (
    Correction,
    Judgement,
    decide_application,
    record_review,
    request_information,
    start_review,
)
from certification.applications.services import (
    create_application,
    resubmit_application,
    submit_application,
)
from certification.certificates.lifecycle import (
    change_status,
    expire_certificates,
    record_surveillance,
)
from certification.criteria.assessment import missing_for_application
from certification.models import (
    Application,
    ApplicationEvent,
    Certificate,
    CertificateStatus,
)
from certification.states import InvalidTransition
from greenbm.errors import Conflict, Invalid, NotFound
from tests import factories

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(session, tmp_path):
    """A manufacturer with a complete cement product and its evidence; a body with a reviewer."""
    world = factories.make_certification_world(session, str(tmp_path), report_date=date(2026, 6, 1))
    session.commit()
    return world


def _judge_all(session, reviewer, application):
    record_review(
        session=session,
        actor=reviewer,
        application_id=application.id,
        corrections={},
        judgements={"no_eliminated_process": Judgement(True)},
    )


def _decide(session, reviewer, application_id: int, *, approve: bool, **kw):
    """Decide as the reviewer on TODAY (the certificate is issued that day)."""
    return decide_application(
        session=session,
        actor=reviewer,
        application_id=application_id,
        approve=approve,
        today=TODAY,
        **kw,
    )


def test_full_workflow_issues_a_certificate(session, world):
    maker, product, reviewer = world.maker, world.product, world.reviewer
    application = factories.application_under_review(session, world, today=TODAY)
    request_information(
        session=session,
        actor=reviewer,
        application_id=application.id,
        question="请补充熟料能耗计量记录",
    )
    resubmit_application(
        session=session, actor=maker, application_id=application.id, answer="已上传"
    )
    start_review(session=session, actor=reviewer, application_id=application.id)
    _judge_all(session, reviewer, application)
    _decide(session, reviewer, application.id, approve=True)
    session.commit()
    certificate = session.get(Certificate, application.certificate_id)
    # clinker 104 → level 2, cement 86 → 3, waste 18 → 1: the lowest level decides.
    assert certificate.stars == 1
    assert certificate.number == "GZGBM-2026-CEM-000001"
    assert certificate.valid_until == date(2031, 11, 23)
    states = [
        e.to_state
        for e in session.exec(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application.id)
            .order_by(ApplicationEvent.id)
        ).all()
    ]
    assert states == [
        "submitted",
        "under_review",
        "information_requested",
        "resubmitted",
        "under_review",
        "approved",
    ]
    session.refresh(product)
    assert (product.cert_number, product.cert_stars, product.cert_status) == (
        certificate.number,
        1,
        "valid",
    )
    assert session.exec(select(Notification).where(Notification.user_id == maker.id)).all()


def test_incomplete_application_lists_what_is_missing(app, session, world):
    maker, body = world.maker, world.body
    bare = factories.make_product(session, maker, name_zh="无证据水泥")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = missing_for_application(bare, today=TODAY, session=session)
    assert any("Type-test report" in m for m in english)
    missing = missing_for_application(
        bare, today=TODAY, session=session
    )  # default language: Chinese
    assert any("型式检验报告" in m for m in missing)
    application = create_application(
        session=session, actor=maker, product_id=bare.id, body_id=body.id
    )
    with pytest.raises(Invalid) as exc:
        submit_application(session=session, actor=maker, application_id=application.id, today=TODAY)
    assert exc.value.errors["completeness"] == missing


def test_old_type_test_report_is_not_enough(session, world):
    missing = missing_for_application(world.product, today=date(2027, 7, 1), session=session)
    assert any("older than 12 months" in m for m in missing)


def test_manufacturer_cannot_move_past_submitted(session, world):
    application = factories.submitted_application(session, world, today=TODAY)
    with pytest.raises(InvalidTransition):
        start_review(session=session, actor=world.maker, application_id=application.id)


def test_reviewer_of_another_body_sees_nothing(session, world):
    other = factories.make_user(
        session, factories.make_organisation(session, kind=OrganisationKind.CERTIFICATION_BODY)
    )
    application = factories.submitted_application(session, world, today=TODAY)
    with pytest.raises(NotFound):
        start_review(session=session, actor=other, application_id=application.id)


def test_correction_needs_a_reason_and_changes_the_decision(session, world):
    reviewer = world.reviewer
    application = factories.application_under_review(session, world, today=TODAY)
    with pytest.raises(Invalid):
        record_review(
            session=session,
            actor=reviewer,
            application_id=application.id,
            corrections={"clinker_energy": Correction(125.0)},
            judgements={},
        )
    record_review(
        session=session,
        actor=reviewer,
        application_id=application.id,
        corrections={"clinker_energy": Correction(125.0, "计量表校准后复核")},
        judgements={"no_eliminated_process": Judgement(True)},
    )
    with pytest.raises(Invalid):  # 125 kgce/t misses the mandatory limit: no star
        _decide(session, reviewer, application.id, approve=True)
    _decide(session, reviewer, application.id, approve=False, reason="熟料能耗超过限额")
    assert session.get(Application, application.id).state == "rejected"


def test_two_reviewers_deciding_at_once_make_one_certificate(app, session, world):
    reviewer = world.reviewer
    second = factories.make_user(session, world.body)
    application = factories.application_under_review(session, world, today=TODAY)
    _judge_all(session, reviewer, application)
    session.commit()
    engine = app.extensions["db_engine"]
    with Session(engine) as one, Session(engine) as two:
        a1 = one.get(Application, application.id)
        a2 = two.get(Application, application.id)
        assert a1.lock_version == a2.lock_version
        _decide(one, one.get(type(reviewer), reviewer.id), a1.id, approve=True)
        one.commit()
        with pytest.raises(Conflict):
            _decide(
                two,
                two.get(type(second), second.id),
                a2.id,
                approve=False,
                reason="重复",
                lock_version=a2.lock_version,
            )
        two.rollback()
    session.expire_all()
    assert len(session.exec(select(Certificate)).all()) == 1
    assert session.get(Application, application.id).state == "approved"


def test_lifecycle_surveillance_suspend_revoke_expire(session, world):
    product, reviewer = world.product, world.reviewer
    application = factories.application_under_review(session, world, today=TODAY)
    _judge_all(session, reviewer, application)
    _decide(session, reviewer, application.id, approve=True)
    certificate = session.get(Certificate, session.get(Application, application.id).certificate_id)
    record_surveillance(
        session=session,
        actor=reviewer,
        certificate_id=certificate.id,
        visited_on=TODAY,
        result="failed",
        notes="抽样不合格",
        today=TODAY,
    )
    assert certificate.status == CertificateStatus.SUSPENDED
    assert session.get(type(product), product.id).cert_status == "suspended"
    change_status(
        session=session,
        actor=reviewer,
        certificate_id=certificate.id,
        action="reinstate",
        reason="整改完成",
    )
    assert certificate.status == CertificateStatus.VALID
    assert expire_certificates(today=date(2031, 11, 23), session=session) == []
    assert [c.number for c in expire_certificates(today=date(2031, 11, 24), session=session)] == [
        certificate.number
    ]
    assert expire_certificates(today=date(2031, 11, 25), session=session) == []  # idempotent
    with pytest.raises(Invalid):
        change_status(
            session=session,
            actor=reviewer,
            certificate_id=certificate.id,
            action="revoke",
            reason="x",
        )
