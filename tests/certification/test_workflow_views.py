"""The certification workflow through the test client: manufacturer, reviewer, roles, locking."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Notification, OrganisationKind, User
from certification.applications.review import request_information, start_review
from certification.applications.services import create_application, submit_application
from certification.criteria.assessment import missing_for_application
from certification.models import (
    Application,
    ApplicationEvent,
    Certificate,
    PrerequisiteJudgement,
    ReviewedValue,
)
from greenbm.models_base import utcnow
from tests import factories
from tests.conftest import csrf_token

TODAY = date.today()
REPORT_DATE = TODAY - timedelta(days=30)


@pytest.fixture
def world(app, session) -> factories.CertificationWorld:
    """A manufacturer with a complete cement product; a body whose reviewer has a name."""
    world = factories.make_certification_world(
        session, app.config["EVIDENCE_DIR"], report_date=REPORT_DATE, reviewer_name="王审核"
    )
    session.commit()
    return world


@pytest.fixture
def second_reviewer(session, world) -> User:
    """Return another reviewer of the world's body."""
    reviewer = factories.make_user(session, world.body, display_name="李审核")
    session.commit()
    return reviewer


@pytest.fixture
def signed_in(app, login):
    """Return a function giving a fresh client signed in as the user (English pages)."""

    def _signed_in(user: User):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return login(user, target=client)

    return _signed_in


def text_of(response) -> str:
    """Return the page's HTML with entities decoded, for plain substring checks."""
    return html.unescape(response.get_data(as_text=True))


def lock_of(page: str) -> str:
    """Return the lock_version carried by the first form of the page."""
    match = re.search(r'id="lock_version" name="lock_version" type="hidden" value="(\d+)"', page)
    assert match, "the page has no lock_version field"
    return match.group(1)


def application_of(session: Session, application_id: int) -> Application:
    session.expire_all()
    return session.get(Application, application_id)


def submitted_application(session: Session, world) -> Application:
    """Create and submit an application through the services, and commit."""
    application = factories.submitted_application(session, world)
    session.commit()
    return application


def under_review(session: Session, world) -> Application:
    """Create, submit and start reviewing an application through the services, and commit."""
    application = factories.application_under_review(session, world)
    session.commit()
    return application


def review_data(lock: str, **overrides) -> dict:
    """Return a review form confirming every declared value and judging the reviewer's check."""
    data = {f"value_{code}": str(value) for code, value in factories.CEMENT_VALUES.items()}
    data |= {"value_gwp": "655.0", "prereq_no_eliminated_process": "yes", "lock_version": lock}
    data.update(overrides)
    return data


# --- the whole journey ------------------------------------------------------------------------


def test_whole_workflow_through_the_pages(session, world, signed_in):
    maker = signed_in(world.maker)
    product_id = world.product.id

    # The apply page: nothing missing, the preview and what the next star would take.
    page = text_of(maker.get(f"/manufacturer/products/{product_id}/apply"))
    assert "Missing before the application" not in page
    assert "Choose the certification body" in page
    assert 'data-testid="stars">1 star<' in page
    # Solid-waste content 18 % holds the product at one star; two stars need ≥ 20 %.
    assert "What it would take to reach 2 stars" in page
    assert "raise by 2 %" in page

    response = maker.post(
        f"/manufacturer/products/{product_id}/apply", data={"body_id": world.body.id}
    )
    assert response.status_code == 302
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    url = f"/applications/{application_id}"
    assert response.headers["Location"].endswith(url)
    listing = text_of(maker.get("/applications"))
    assert world.product.name_en in listing and "Draft" in listing

    page = text_of(maker.get(url))
    assert "Submit to" in page
    response = maker.post(f"{url}/submit", data={"lock_version": lock_of(page)})
    assert response.status_code == 302
    assert application_of(session, application_id).state == "submitted"

    # The reviewer finds it in the queue and starts the review.
    reviewer = signed_in(world.reviewer)
    queue = text_of(reviewer.get("/review/queue"))
    assert f"/review/applications/{application_id}" in queue
    review_url = f"/review/applications/{application_id}"
    page = text_of(reviewer.get(review_url))
    assert "Start the review" in page
    assert re.search(
        r'<iframe class="evidence-view" name="evidence-view"[^>]*src="/review/evidence/\d+"', page
    )
    assert (
        reviewer.post(f"{review_url}/start", data={"lock_version": lock_of(page)}).status_code
        == 302
    )
    assert application_of(session, application_id).state == "under_review"

    # A question for the manufacturer ...
    page = text_of(reviewer.get(review_url))
    question = "请补充熟料能耗计量记录"
    response = reviewer.post(
        f"{review_url}/decide",
        data={
            "decision": "request_information",
            "reason": question,
            "lock_version": lock_of(page),
        },
    )
    assert response.status_code == 302
    assert application_of(session, application_id).state == "information_requested"

    # ... which the manufacturer sees and answers.
    page = text_of(maker.get(url))
    assert question in page and "Answer the reviewer" in page
    answer = "已上传 2025 年熟料能耗计量记录"
    response = maker.post(f"{url}/resubmit", data={"reason": answer, "lock_version": lock_of(page)})
    assert response.status_code == 302
    assert application_of(session, application_id).state == "resubmitted"

    # The reviewer corrects a value with a reason, judges the prerequisites and approves.
    page = text_of(reviewer.get(review_url))
    assert answer in page
    reviewer.post(f"{review_url}/start", data={"lock_version": lock_of(page)})
    page = text_of(reviewer.get(review_url))
    response = reviewer.post(
        f"{review_url}/review",
        data=review_data(
            lock_of(page),
            value_clinker_energy="106",
            reason_clinker_energy="计量表校准后复核",
            prereq_no_eliminated_process="yes",
            prereq_reason_no_eliminated_process="现场核查",
        ),
    )
    assert response.status_code == 302, text_of(response)
    session.expire_all()
    corrected = session.exec(
        select(ReviewedValue).where(
            ReviewedValue.application_id == application_id,
            ReviewedValue.indicator_code == "clinker_energy",
        )
    ).one()
    assert (corrected.declared_value, corrected.confirmed_value) == (104.0, 106.0)
    assert corrected.reason == "计量表校准后复核"

    page = text_of(reviewer.get(review_url))
    assert "declared 104; corrected by the reviewer: 计量表校准后复核" in page
    response = reviewer.post(
        f"{review_url}/decide", data={"decision": "approve", "lock_version": lock_of(page)}
    )
    assert response.status_code == 302
    session.expire_all()
    certificate = session.exec(select(Certificate)).one()
    assert certificate.number == f"GZGBM-{TODAY.year}-CEM-000001"
    assert certificate.stars == 1
    page = text_of(reviewer.get(review_url))
    assert f"Approved: certificate {certificate.number} has been issued." in page
    assert f'href="/verify/{certificate.number}"' in page

    # The manufacturer sees the outcome, the whole trail and its notifications.
    page = text_of(maker.get(url))
    assert 'data-testid="state">Approved<' in page
    assert certificate.number in page and f'href="/verify/{certificate.number}"' in page
    assert question in page and answer in page
    assert "王审核" in page  # who moved it, by name
    assert "As assessed at the decision" in page
    events = session.exec(
        select(ApplicationEvent.to_state)
        .where(ApplicationEvent.application_id == application_id)
        .order_by(ApplicationEvent.id)
    ).all()
    assert events == [
        "submitted",
        "under_review",
        "information_requested",
        "resubmitted",
        "under_review",
        "approved",
    ]
    notes = text_of(maker.get("/notifications"))
    assert f"certificate {certificate.number}" in notes
    assert "The reviewer asks about application" in notes
    assert f'<a href="/applications/{application_id}">' in notes
    assert "Mark all as read" in notes
    assert maker.post("/notifications").status_code == 302
    unread = session.exec(
        select(Notification).where(
            Notification.user_id == world.maker.id, Notification.read_at.is_(None)
        )
    ).all()
    assert unread == []


def test_manufacturer_page_has_no_reviewer_actions(session, world, signed_in):
    application = under_review(session, world)
    page = text_of(signed_in(world.maker).get(f"/applications/{application.id}"))
    assert "Under review" in page
    for reviewer_only in ("/review/", "Record the decision", "Save the review", "Start the review"):
        assert reviewer_only not in page


def test_reviewer_following_a_notification_link_lands_on_the_review_page(session, world, signed_in):
    application = submitted_application(session, world)
    response = signed_in(world.reviewer).get(f"/applications/{application.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review/applications/{application.id}")


# --- completeness and the review form ---------------------------------------------------------


def test_incomplete_submit_lists_every_missing_item(app, session, world, signed_in):
    bare = factories.make_product(session, world.maker, name_zh="无证据水泥")
    session.commit()
    # The English messages the page shows (outside a request the default, Chinese, is used).
    with app.test_request_context(headers={"Accept-Language": "en"}):
        missing = missing_for_application(bare, session=session)
    assert len(missing) == 3
    maker = signed_in(world.maker)
    page = text_of(maker.get(f"/manufacturer/products/{bare.id}/apply"))
    assert all(item in page for item in missing)
    response = maker.post(
        f"/manufacturer/products/{bare.id}/apply", data={"body_id": world.body.id}
    )
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    url = f"/applications/{application_id}"
    response = maker.post(f"{url}/submit", data={"lock_version": lock_of(text_of(maker.get(url)))})
    assert response.status_code == 400
    errors = text_of(response).split('data-testid="submit-errors"')[1].split("</div>")[0]
    for item in missing:
        assert item in errors
    assert application_of(session, application_id).state == "draft"


def test_apply_refuses_a_second_open_application(session, world, signed_in):
    application = submitted_application(session, world)
    maker = signed_in(world.maker)
    page = text_of(maker.get(f"/manufacturer/products/{world.product.id}/apply"))
    assert f"/applications/{application.id}" in page
    response = maker.post(
        f"/manufacturer/products/{world.product.id}/apply", data={"body_id": world.body.id}
    )
    assert response.status_code == 400
    assert "This product already has an open application." in text_of(response)
    assert len(session.exec(select(Application)).all()) == 1


def test_correction_without_reason_is_refused_and_nothing_is_saved(session, world, signed_in):
    application = under_review(session, world)
    reviewer = signed_in(world.reviewer)
    url = f"/review/applications/{application.id}"
    page = text_of(reviewer.get(url))
    response = reviewer.post(
        f"{url}/review",
        data=review_data(lock_of(page), value_clinker_energy="125", reason_clinker_energy=" "),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Give a reason for every corrected value." in page
    assert 'id="reason_clinker_energy-error"' in page
    session.expire_all()
    assert session.exec(select(ReviewedValue)).all() == []
    assert session.exec(select(PrerequisiteJudgement)).all() == []


def test_unmet_prerequisite_needs_a_reason_and_blocks_approval(session, world, signed_in):
    application = under_review(session, world)
    reviewer = signed_in(world.reviewer)
    url = f"/review/applications/{application.id}"
    lock = lock_of(text_of(reviewer.get(url)))
    response = reviewer.post(
        f"{url}/review", data=review_data(lock, prereq_no_eliminated_process="no")
    )
    assert response.status_code == 400
    assert "Say why the prerequisite is not met." in text_of(response)
    response = reviewer.post(
        f"{url}/review",
        data=review_data(
            lock,
            prereq_no_eliminated_process="no",
            prereq_reason_no_eliminated_process="仍在使用立窑",
        ),
    )
    assert response.status_code == 302
    page = text_of(reviewer.get(url))
    assert "Not met, says the reviewer: 仍在使用立窑" in page
    response = reviewer.post(
        f"{url}/decide", data={"decision": "approve", "lock_version": lock_of(page)}
    )
    assert response.status_code == 400
    assert "A prerequisite is not met (" in text_of(response)
    response = reviewer.post(
        f"{url}/decide", data={"decision": "reject", "reason": "", "lock_version": lock_of(page)}
    )
    assert response.status_code == 400
    assert "Give the reason for the rejection." in text_of(response)
    assert application_of(session, application.id).state == "under_review"
    assert session.exec(select(Certificate)).all() == []


# --- who may see and do what ------------------------------------------------------------------


def _urls(application_id: int, product_id: int, evidence_id: int):
    gets = [
        f"/manufacturer/products/{product_id}/apply",
        f"/applications/{application_id}",
        f"/review/applications/{application_id}",
        f"/review/evidence/{evidence_id}",
    ]
    posts = [
        f"/manufacturer/products/{product_id}/apply",
        f"/applications/{application_id}/submit",
        f"/applications/{application_id}/resubmit",
        f"/review/applications/{application_id}/start",
        f"/review/applications/{application_id}/review",
        f"/review/applications/{application_id}/decide",
    ]
    return gets, posts


def _outsiders(session: Session) -> dict[str, User]:
    other_body = factories.make_organisation(session, kind=OrganisationKind.CERTIFICATION_BODY)
    contractor_firm = factories.make_organisation(session, kind=OrganisationKind.CONSTRUCTION_FIRM)
    users = {
        "other body's reviewer": factories.make_user(session, other_body),
        "other manufacturer": factories.make_manufacturer_user(session),
        "contractor": factories.make_user(session, contractor_firm),
    }
    session.commit()
    return users


def test_outsiders_get_404_everywhere_and_change_nothing(session, world, signed_in):
    application = under_review(session, world)
    gets, posts = _urls(application.id, world.product.id, world.evidence[0].id)
    data = {"lock_version": "2", "decision": "approve", "reason": "x", "body_id": world.body.id}
    for who, user in _outsiders(session).items():
        client = signed_in(user)
        for url in gets:
            with client.get(url) as response:
                assert response.status_code == 404, (who, url)
        for url in posts:
            assert client.post(url, data=data).status_code == 404, (who, url)
        if user.role == "reviewer":
            assert world.product.name_en not in text_of(client.get("/review/queue"))
            assert client.get("/applications").status_code == 302  # to their own queue
        elif user.role == "manufacturer":
            assert client.get("/review/queue").status_code == 404
            assert world.product.name_en not in text_of(client.get("/applications"))
        else:
            assert client.get("/review/queue").status_code == 404
            assert client.get("/applications").status_code == 404
    assert application_of(session, application.id).state == "under_review"
    assert session.exec(select(Certificate)).all() == []


def test_anonymous_visitors_are_sent_to_sign_in(client, session, world):
    application = under_review(session, world)
    gets, posts = _urls(application.id, world.product.id, world.evidence[0].id)
    for url in [*gets, "/applications", "/review/queue", "/notifications"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]
    for url in [*posts, "/notifications"]:
        assert client.post(url, data={"lock_version": "2"}).status_code == 302, url


def test_manufacturer_cannot_use_reviewer_urls(session, world, signed_in):
    application = submitted_application(session, world)
    maker = signed_in(world.maker)
    base = f"/review/applications/{application.id}"
    for url in (base, f"/review/evidence/{world.evidence[0].id}", "/review/queue"):
        with maker.get(url) as response:
            assert response.status_code == 404, url
    for action in ("start", "review", "decide"):
        response = maker.post(
            f"{base}/{action}",
            data={"lock_version": "2", "decision": "approve", **review_data("2")},
        )
        assert response.status_code == 404, action
    assert application_of(session, application.id).state == "submitted"


def test_reviewer_cannot_see_a_draft_or_answer_for_the_manufacturer(session, world, signed_in):
    draft = create_application(
        session=session, actor=world.maker, product_id=world.product.id, body_id=world.body.id
    )
    session.commit()
    reviewer = signed_in(world.reviewer)
    assert reviewer.get(f"/review/applications/{draft.id}").status_code == 404
    with reviewer.get(f"/review/evidence/{world.evidence[0].id}") as response:
        assert response.status_code == 404  # a draft is not yet sent to the body
    assert str(draft.id) not in text_of(reviewer.get("/review/queue")).split("<tbody>")[1]
    for action in ("submit", "resubmit"):
        response = reviewer.post(
            f"/applications/{draft.id}/{action}", data={"lock_version": "1", "reason": "x"}
        )
        assert response.status_code == 404
    assert application_of(session, draft.id).state == "draft"


# --- optimistic locking and CSRF --------------------------------------------------------------


def test_stale_lock_version_on_decide_is_a_conflict_and_makes_no_second_certificate(
    session, world, second_reviewer, signed_in
):
    application = under_review(session, world)
    first, second = signed_in(world.reviewer), signed_in(second_reviewer)
    url = f"/review/applications/{application.id}"
    first.post(f"{url}/review", data=review_data(lock_of(text_of(first.get(url)))))
    # Both reviewers have the page open at the same version.
    stale = lock_of(text_of(second.get(url)))
    assert lock_of(text_of(first.get(url))) == stale
    response = first.post(f"{url}/decide", data={"decision": "approve", "lock_version": stale})
    assert response.status_code == 302
    for decision in ("approve", "reject", "request_information"):
        response = second.post(
            f"{url}/decide", data={"decision": decision, "reason": "重复", "lock_version": stale}
        )
        assert response.status_code == 409
        assert "Someone else changed this application" in text_of(response)
    assert len(session.exec(select(Certificate)).all()) == 1
    assert application_of(session, application.id).state == "approved"
    # The page the second reviewer reloads shows the decision, without a decision form.
    page = text_of(second.get(url))
    assert "Certificate issued" in page and 'data-testid="decision-form"' not in page


def test_stale_lock_version_on_review_and_resubmit_changes_nothing(session, world, signed_in):
    application = under_review(session, world)
    reviewer, maker = signed_in(world.reviewer), signed_in(world.maker)
    url = f"/review/applications/{application.id}"
    stale = lock_of(text_of(reviewer.get(url)))
    reviewer.post(
        f"{url}/decide",
        data={"decision": "request_information", "reason": "请说明", "lock_version": stale},
    )
    response = reviewer.post(f"{url}/review", data=review_data(stale))
    assert response.status_code == 409
    assert session.exec(select(ReviewedValue)).all() == []
    response = maker.post(
        f"/applications/{application.id}/resubmit", data={"reason": "答复", "lock_version": stale}
    )
    assert response.status_code == 409
    assert application_of(session, application.id).state == "information_requested"


def test_submit_with_a_stale_lock_version_changes_nothing(session, world, signed_in):
    draft = create_application(
        session=session, actor=world.maker, product_id=world.product.id, body_id=world.body.id
    )
    session.commit()
    maker = signed_in(world.maker)
    seen = int(lock_of(text_of(maker.get(f"/applications/{draft.id}"))))
    response = maker.post(f"/applications/{draft.id}/submit", data={"lock_version": seen - 1})
    assert response.status_code == 409
    assert "Reload the application" in text_of(response)
    assert application_of(session, draft.id).state == "draft"


def test_a_decision_on_a_page_older_than_the_review_is_a_conflict(
    session, world, second_reviewer, signed_in
):
    application = under_review(session, world)
    first, second = signed_in(world.reviewer), signed_in(second_reviewer)
    url = f"/review/applications/{application.id}"
    seen = lock_of(text_of(first.get(url)))
    response = second.post(
        f"{url}/review",
        data=review_data(
            lock_of(text_of(second.get(url))),
            value_clinker_energy="125",
            reason_clinker_energy="计量表校准后复核",
        ),
    )
    assert response.status_code == 302
    # The first reviewer decides on values they have not seen: that must conflict.
    response = first.post(
        f"{url}/decide", data={"decision": "reject", "reason": "x", "lock_version": seen}
    )
    assert response.status_code == 409


@pytest.mark.csrf
def test_decide_needs_the_csrf_token(session, world, signed_in):
    application = under_review(session, world)
    reviewer = signed_in(world.reviewer)
    url = f"/review/applications/{application.id}"
    page = text_of(reviewer.get(url))
    data = {"decision": "reject", "reason": "数据不实", "lock_version": lock_of(page)}
    response = reviewer.post(f"{url}/decide", data=data)
    assert response.status_code == 400
    assert application_of(session, application.id).state == "under_review"
    response = reviewer.post(
        f"{url}/decide", data={**data, "csrf_token": csrf_token(reviewer, url)}
    )
    assert response.status_code == 302
    assert application_of(session, application.id).state == "rejected"


@pytest.mark.csrf
def test_every_workflow_form_carries_a_csrf_token_and_a_lock_version(session, world, signed_in):
    application = under_review(session, world)
    page = text_of(signed_in(world.reviewer).get(f"/review/applications/{application.id}"))
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    workflow = [f for f in forms if 'action="/review/applications/' in f]
    assert len(workflow) == 2  # review and decision
    for form in workflow:
        assert 'name="csrf_token"' in form and 'name="lock_version"' in form


# --- evidence shown inline --------------------------------------------------------------------


def test_evidence_is_served_inline_to_the_body_and_framed_by_this_site_only(
    app, session, world, signed_in
):
    application = submitted_application(session, world)
    reviewer = signed_in(world.reviewer)
    evidence = world.evidence[0]
    page = reviewer.get(f"/review/applications/{application.id}")
    assert page.headers["X-Frame-Options"] == "DENY"  # the page itself is never framed
    for e in world.evidence:  # each opens in the frame, and the frame shows one of them
        assert f'href="/review/evidence/{e.id}" target="evidence-view"' in text_of(page)
    frame = re.search(r'<iframe [^>]*src="/review/evidence/(\d+)"', text_of(page))
    assert int(frame.group(1)) in {e.id for e in world.evidence}
    with reviewer.get(f"/review/evidence/{evidence.id}") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
        assert "no-store" in response.headers["Cache-Control"]
        assert response.get_data().startswith(b"%PDF-")

    # Evidence of a product the body has no application for stays private.
    other = factories.make_product(session, world.maker, name_zh="另一水泥")
    other_file = factories.attach_evidence(
        session, world.maker, other, app.config["EVIDENCE_DIR"], report_date=REPORT_DATE
    )[0]
    session.commit()
    with reviewer.get(f"/review/evidence/{other_file.id}") as response:
        assert response.status_code == 404
    with reviewer.get("/review/evidence/999999") as response:
        assert response.status_code == 404


# --- the queue --------------------------------------------------------------------------------


def _rows(page: str) -> list[str]:
    """Return the product names of the queue's rows, in order."""
    return re.findall(r"Queue cement \d", page.split("<tbody>")[1])


@pytest.mark.config(PAGE_SIZE=2)
def test_queue_filters_sorts_and_pages(app, session, world, signed_in):
    ids = []
    for n in range(4):
        product = factories.make_product(session, world.maker, name_en=f"Queue cement {n}")
        factories.attach_evidence(
            session, world.maker, product, app.config["EVIDENCE_DIR"], report_date=REPORT_DATE
        )
        application = create_application(
            session=session, actor=world.maker, product_id=product.id, body_id=world.body.id
        )
        submit_application(session=session, actor=world.maker, application_id=application.id)
        ids.append(application.id)
    # Submitted 20, 10 and 0 days ago (out of id order); the last one waits for the maker.
    for application_id, days in zip(ids, (10, 20, 0), strict=False):
        session.get(Application, application_id).submitted_at = utcnow() - timedelta(days=days)
    start_review(session=session, actor=world.reviewer, application_id=ids[3])
    request_information(
        session=session, actor=world.reviewer, application_id=ids[3], question="请补充"
    )
    session.commit()
    reviewer = signed_in(world.reviewer)

    first = text_of(reviewer.get("/review/queue"))
    assert "3 applications, oldest submission first." in first
    assert _rows(first) == ["Queue cement 1", "Queue cement 0"]
    assert 'href="/review/queue?page=2"' in first
    assert _rows(text_of(reviewer.get("/review/queue?page=2"))) == ["Queue cement 2"]

    waiting = text_of(reviewer.get("/review/queue?state=information_requested"))
    assert _rows(waiting) == ["Queue cement 3"]
    assert _rows(text_of(reviewer.get("/review/queue?age=15"))) == ["Queue cement 1"]
    assert _rows(text_of(reviewer.get("/review/queue?age=5"))) == [
        "Queue cement 1",
        "Queue cement 0",
    ]
    assert _rows(text_of(reviewer.get("/review/queue?category=lime"))) == []
    by_category = text_of(reviewer.get("/review/queue?category=cement"))
    assert _rows(by_category) == ["Queue cement 1", "Queue cement 0"]
    assert "page=2" in by_category and "category=cement" in by_category.split('rel="next"')[0]

    # A bad filter is shown as an error and dropped.
    bad = text_of(reviewer.get("/review/queue?state=approved&age=abc"))
    assert bad.count('class="error"') == 2
    assert _rows(bad) == ["Queue cement 1", "Queue cement 0"]
