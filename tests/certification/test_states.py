"""The two state tables, pair by pair: an allowed move moves and is recorded, any other raises."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from accounts.models import Organisation, Role
from certification.applications.services import create_application
from certification.models import (
    ApplicationEvent,
    ApplicationState,
    Certificate,
    CertificateEvent,
    CertificateStatus,
)
from certification.states import (
    APPLICATION_MOVES,
    APPLICATIONS,
    CERTIFICATE_MOVES,
    CERTIFICATES,
    InvalidTransition,
    apply_move,
)
from tests import factories

APPLICATION_PAIRS = [(state, move) for state in ApplicationState for move in APPLICATION_MOVES]
# None: a certificate not stored yet, which only the issue move applies to.
CERTIFICATE_PAIRS = [
    (status, move) for status in (None, *CertificateStatus) for move in CERTIFICATE_MOVES
]


def _pair_id(pair) -> str:
    return f"{pair[0]}-{pair[1].action}"


@pytest.fixture
def people(session):
    """Return {role: user} for a manufacturer and a reviewer of a certification body."""
    maker = factories.make_manufacturer_user(session)
    _body, reviewer = factories.make_body(session)
    return {Role.MANUFACTURER: maker, Role.REVIEWER: reviewer, None: None}


@pytest.fixture
def application(session, people):
    """Return a stored draft application of the manufacturer."""
    maker = people[Role.MANUFACTURER]
    product = factories.make_product(session, maker)
    body_id = people[Role.REVIEWER].organisation_id
    return create_application(session=session, actor=maker, product_id=product.id, body_id=body_id)


@pytest.fixture
def certificate(session, people):
    """Return a stored valid certificate issued by the reviewer's body."""
    reviewer = people[Role.REVIEWER]
    body = session.get(Organisation, reviewer.organisation_id)
    return factories.issue_test_certificate(
        session, body=body, reviewer=reviewer, maker=people[Role.MANUFACTURER]
    )


def _unsaved_copy(certificate: Certificate) -> Certificate:
    """Return a new certificate like the stored one, under another number."""
    fields = certificate.model_dump(exclude={"id", "number", "status"})
    return Certificate(**fields, number=certificate.number + "-NEW")


@pytest.mark.parametrize(("state", "move"), APPLICATION_PAIRS, ids=map(_pair_id, APPLICATION_PAIRS))
def test_every_application_state_and_action(session, people, application, state, move):
    application.state = state  # test set-up: put it where the pair starts
    session.flush()
    actor = people[move.role]
    if state not in move.sources:
        with pytest.raises(InvalidTransition):
            apply_move(
                APPLICATIONS, application, move.action, actor=actor, reason="why", session=session
            )
        assert application.state == state
        return
    event = apply_move(
        APPLICATIONS, application, move.action, actor=actor, reason="why", session=session
    )
    assert application.state == move.target
    stored = session.exec(
        select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)
    ).all()
    assert stored == [event]
    assert (event.actor_id, event.from_state, event.to_state, event.reason) == (
        actor.id,
        state,
        move.target,
        "why",
    )


@pytest.mark.parametrize(
    ("status", "move"), CERTIFICATE_PAIRS, ids=map(_pair_id, CERTIFICATE_PAIRS)
)
def test_every_certificate_status_and_action(session, people, certificate, status, move):
    if status is None:
        subject = _unsaved_copy(certificate)
    else:
        subject = certificate
        subject.status = status  # test set-up: put it where the pair starts
        session.flush()
    actor = people[move.role]
    if status not in move.sources:
        with pytest.raises(InvalidTransition):
            apply_move(
                CERTIFICATES, subject, move.action, actor=actor, reason="why", session=session
            )
        assert subject.id is None if status is None else subject.status == status
        return
    event = apply_move(
        CERTIFICATES, subject, move.action, actor=actor, reason="why", session=session
    )
    assert subject.id is not None and subject.status == move.target
    assert session.get(CertificateEvent, event.id) is event
    assert (event.certificate_id, event.from_status, event.to_status, event.reason) == (
        subject.id,
        status,
        move.target,
        "why",
    )
    assert event.actor_id == (actor.id if actor else None)


@pytest.mark.parametrize(
    ("workflow", "move"),
    [(APPLICATIONS, m) for m in APPLICATION_MOVES] + [(CERTIFICATES, m) for m in CERTIFICATE_MOVES],
    ids=lambda value: getattr(value, "action", getattr(value, "name", "")),
)
def test_only_the_tables_actor_may_move(session, people, application, certificate, workflow, move):
    subject = application if workflow is APPLICATIONS else certificate
    if move.sources == (None,):
        subject = _unsaved_copy(certificate)
    else:
        setattr(subject, workflow.state_field, move.sources[0])
        session.flush()
    for role, actor in people.items():
        if role != move.role:
            with pytest.raises(InvalidTransition):
                apply_move(
                    workflow, subject, move.action, actor=actor, reason="why", session=session
                )
    if move.needs_reason:
        with pytest.raises(InvalidTransition):
            apply_move(
                workflow, subject, move.action, actor=people[move.role], reason=" ", session=session
            )


def test_an_unknown_action_raises(session, people, application):
    with pytest.raises(InvalidTransition):
        apply_move(
            APPLICATIONS, application, "publish", actor=people[Role.REVIEWER], session=session
        )


def test_a_move_stamps_its_times_and_can_be_dated(session, people, application):
    apply_move(
        APPLICATIONS, application, "submit", actor=people[Role.MANUFACTURER], session=session
    )
    assert application.submitted_at == application.updated_at and application.decided_at is None
    application.state = ApplicationState.UNDER_REVIEW
    when = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    event = apply_move(
        APPLICATIONS, application, "approve", actor=people[Role.REVIEWER], at=when, session=session
    )
    assert application.decided_at == application.updated_at
    session.commit()
    session.refresh(event)
    stored = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)  # SQLite: naive UTC
    assert stored == when


def test_the_tables_use_every_state():
    reached = {m.target for m in APPLICATION_MOVES} | {
        s for m in APPLICATION_MOVES for s in m.sources
    }
    assert reached == set(ApplicationState)
    reached = {m.target for m in CERTIFICATE_MOVES} | {
        s for m in CERTIFICATE_MOVES for s in m.sources
    }
    assert reached == {None, *CertificateStatus}
