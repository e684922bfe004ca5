"""A certificate that lapses after its product was put on a list: flag, verdict, notification."""

from datetime import date, timedelta

from sqlmodel import select

from accounts.models import Notification
from certification.certificates.lifecycle import change_status, expire_certificates
from procurement.line_services import add_product_line
from procurement.models import ListLine
from procurement.report import list_report
from procurement.rules import LineStatus, ReasonCode
from tests import factories
from tests.procurement.conftest import certified_cement, make_officer, make_project_list


def notes(session, user) -> list[Notification]:
    return session.exec(select(Notification).where(Notification.user_id == user.id)).all()


def test_suspension_flags_lines_changes_the_verdict_and_notifies(
    client, login, session, officer, other_officer, body
):
    cement = certified_cement(session, *body)
    _project, item = make_project_list(session, officer)
    _other_project, other_item = make_project_list(session, officer, code="GZ-2026-002")
    for target in (item, other_item):
        add_product_line(
            session=session,
            actor=officer,
            list_id=target.id,
            product_id=cement.product.id,
            quantity="80",
            unit_price="450",
        )
    colleague = factories.make_user(session, factories.make_organisation(session))  # not concerned
    session.commit()
    report = list_report(session=session, actor=officer, list_id=item.id)
    assert report.compliance.compliant
    assert report.rows[0].line.cert_number_at_add == cement.certificate.number

    change_status(
        session=session,
        actor=cement.reviewer,
        certificate_id=cement.certificate.id,
        action="suspend",
        reason="监督抽查不合格",
    )
    session.commit()
    session.expire_all()

    lines = session.exec(select(ListLine).order_by(ListLine.id)).all()
    assert [(ln.flag_reason, ln.flagged_at is not None) for ln in lines] == [
        ("suspended", True)
    ] * 2
    report = list_report(session=session, actor=officer, list_id=item.id)
    assert len(report.rows) == 1  # the line is kept
    assert report.rows[0].status == LineStatus.SUSPENDED and report.rows[0].lapsed
    assert not report.compliance.compliant
    assert report.compliance.reasons[0].code == ReasonCode.MANDATORY_LINE

    messages = notes(session, officer)
    assert {(n.link, n.endpoint) for n in messages} == {("", "procurement.procurement_list")}
    page = login(officer).get("/notifications").get_data(as_text=True)
    for target in (item, other_item):
        assert f'<a href="/procurement/lists/{target.id}">' in page
    assert all(cement.certificate.number in n.message for n in messages)
    assert notes(session, other_officer) == [] and notes(session, colleague) == []

    # Suspending again does not happen; revoking keeps the first flag and notifies no one again.
    first_flag = lines[0].flagged_at
    change_status(
        session=session,
        actor=cement.reviewer,
        certificate_id=cement.certificate.id,
        action="revoke",
        reason="整改期满仍不合格",
    )
    session.commit()
    session.expire_all()
    assert session.get(ListLine, lines[0].id).flagged_at == first_flag
    assert len(notes(session, officer)) == 2


def test_reinstatement_clears_the_flag(session, officer, body):
    cement = certified_cement(session, *body)
    _project, item = make_project_list(session, officer)
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=cement.product.id,
        quantity="1",
        unit_price="1",
    )
    session.commit()
    for action in ("suspend", "reinstate"):
        change_status(
            session=session,
            actor=cement.reviewer,
            certificate_id=cement.certificate.id,
            action=action,
            reason="监督结果",
        )
        session.commit()
    session.expire_all()
    assert session.get(ListLine, line.id).flagged_at is None
    assert list_report(session=session, actor=officer, list_id=item.id).compliance.compliant


def test_expiry_flags_lines(session, body):
    officer = make_officer(session)
    cement = certified_cement(session, *body)
    _project, item = make_project_list(session, officer)
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=cement.product.id,
        quantity="1",
        unit_price="1",
    )
    session.commit()
    expire_certificates(today=cement.certificate.valid_until + timedelta(days=1), session=session)
    session.commit()
    session.expire_all()
    saved = session.get(ListLine, line.id)
    assert saved.flag_reason == "expired" and saved.flagged_at is not None
    assert len(notes(session, officer)) == 1
    assert not list_report(
        session=session, actor=officer, list_id=item.id, today=date.today()
    ).compliance.compliant
