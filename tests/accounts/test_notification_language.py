"""Notifications are worded in the reader's language, whoever caused them and in whichever."""

from datetime import UTC, datetime

from flask_babel import force_locale
from sqlalchemy import text
from sqlmodel import Session, select

from accounts.models import Notification
from accounts.notifications import notification_text
from certification.applications.review import decide_application, start_review
from certification.certificates.lifecycle import change_status
from greenbm import create_app
from greenbm.migrate import upgrade
from tests import factories
from tests.conftest import _base_config


def _notes(session, user):
    session.expire_all()
    return session.exec(select(Notification).where(Notification.user_id == user.id)).all()


def _page(client, login, user, lang):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    login(user)
    return client.get("/notifications").get_data(as_text=True)


def test_a_chinese_speakers_action_reaches_an_english_reader_in_english(
    app, session, client, login
):
    world = factories.make_certification_world(session, app.config["EVIDENCE_DIR"])
    # The manufacturer submits in Chinese: the reviewer reads English.
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        application = factories.submitted_application(session, world)
        session.commit()
    page = _page(client, login, world.reviewer, "en")
    assert f"New application {application.id}: P.O 42.5 ordinary Portland cement" in page
    assert "新申请" not in page


def test_the_same_notification_reads_chinese_to_a_chinese_reader(app, session, client, login):
    world = factories.make_certification_world(session, app.config["EVIDENCE_DIR"])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        application = factories.submitted_application(session, world)
        start_review(session=session, actor=world.reviewer, application_id=application.id)
        decide_application(
            session=session,
            actor=world.reviewer,
            application_id=application.id,
            approve=False,
            reason="missing test report",
        )
        session.commit()
    page = _page(client, login, world.maker, "zh-CN")
    assert f"申请 {application.id} 已被驳回：missing test report" in page
    assert f"您的申请 {application.id} 已进入审核。" in page
    assert "rejected" not in page


def test_a_status_is_named_in_the_readers_words(app, session):
    world = factories.make_certification_world(session, app.config["EVIDENCE_DIR"])
    certificate = factories.issue_test_certificate(
        session, body=world.body, reviewer=world.reviewer, maker=world.maker
    )
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        change_status(
            session=session,
            actor=world.reviewer,
            certificate_id=certificate.id,
            action="suspend",
            reason="监督抽查不合格",
        )
        session.commit()
        (note,) = _notes(session, world.maker)
        with force_locale("en"):
            english = notification_text(note)
        with force_locale("zh_CN"):
            chinese = notification_text(note)
    assert english == f"Certificate {certificate.number} is now suspended: 监督抽查不合格"
    assert chinese == f"证书 {certificate.number} 的状态已变为“暂停”：监督抽查不合格"


def test_0009_gives_old_notifications_their_message_and_arguments(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app(_base_config(url, tmp_path / "instance"))
    engine = app.extensions["db_engine"]
    upgrade(app, "5c0e9f7a2d31")  # 0007
    now = datetime.now(UTC)
    old = {
        "申请 64 已批准：证书编号 GZ-2026-0001，3 星级。": "application.approved",
        "Certificate GZ-1 is now revoked: fraud": "certificate.status",
        "证书 GZ-1 的状态已变为“暂停”：抽查不合格": "certificate.status",
        "Something else entirely": None,
    }
    with engine.begin() as conn:
        org = conn.execute(
            text(
                "INSERT INTO organisation (kind, name_zh, credit_code, division_code, address,"
                " contact_name, contact_phone, contact_email, created_at) VALUES ('manufacturer',"
                " '老厂', '91520100MA0000001X', '520100', '', '', '', '', :now) RETURNING id"
            ),
            {"now": now},
        ).scalar_one()
        user = conn.execute(
            text(
                "INSERT INTO user (email, display_name, password_hash, organisation_id, role,"
                " disabled, session_version, created_at) VALUES ('a@b.test', '', 'x', :org,"
                " 'manufacturer', 0, 1, :now) RETURNING id"
            ),
            {"org": org, "now": now},
        ).scalar_one()
        for message in old:
            conn.execute(
                text(
                    "INSERT INTO notification (user_id, message, link, created_at)"
                    " VALUES (:u, :m, '', :now)"
                ),
                {"u": user, "m": message, "now": now},
            )
    upgrade(app)
    with app.app_context(), Session(engine) as session:
        notes = {n.message: n for n in session.exec(select(Notification)).all()}
        assert {m: n.message_id for m, n in notes.items()} == old
        approved = notes["申请 64 已批准：证书编号 GZ-2026-0001，3 星级。"]
        assert approved.message_args == {"id": 64, "number": "GZ-2026-0001", "stars": 3}
        with app.test_request_context(headers={"Accept-Language": "en"}):
            assert notification_text(approved) == (
                "Application 64 approved: certificate GZ-2026-0001, 3 star(s)."
            )
            suspended = notes["证书 GZ-1 的状态已变为“暂停”：抽查不合格"]
            assert notification_text(suspended) == "Certificate GZ-1 is now suspended: 抽查不合格"
            assert notification_text(notes["Something else entirely"]) == (
                "Something else entirely"
            )
    engine.dispose()


def test_a_history_reason_written_in_chinese_reads_english(app, session, client):
    world = factories.make_certification_world(session, app.config["EVIDENCE_DIR"])
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        certificate = factories.issue_test_certificate(
            session, body=world.body, reviewer=world.reviewer, maker=world.maker
        )
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    history = page[page.index('data-testid="cert-history"') :]
    assert "<td>Issued</td>" in history and "发证" not in history
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "<td>发证</td>" in page[page.index('data-testid="cert-history"') :]
