"""The application workflow: one transition table and the one function that applies it."""

from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from accounts.models import Role, User
from certification.models import Application, ApplicationEvent, ApplicationState
from greenbm.errors import Conflict, DomainError
from greenbm.models_base import utcnow

S = ApplicationState


class InvalidTransition(DomainError):
    """The application cannot go from its state to the asked one, or not by this actor."""


@dataclass(frozen=True)
class Transition:
    """A move between two states, who may make it and whether it needs a reason."""

    source: str
    target: str
    role: str
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SUBMITTED, Role.MANUFACTURER),
    Transition(S.SUBMITTED, S.UNDER_REVIEW, Role.REVIEWER),
    Transition(S.UNDER_REVIEW, S.INFORMATION_REQUESTED, Role.REVIEWER, needs_reason=True),
    Transition(S.INFORMATION_REQUESTED, S.RESUBMITTED, Role.MANUFACTURER, needs_reason=True),
    Transition(S.RESUBMITTED, S.UNDER_REVIEW, Role.REVIEWER),
    Transition(S.UNDER_REVIEW, S.APPROVED, Role.REVIEWER),
    Transition(S.UNDER_REVIEW, S.REJECTED, Role.REVIEWER, needs_reason=True),
)
_TABLE = {(t.source, t.target): t for t in TRANSITIONS}
FINAL_STATES = frozenset({S.APPROVED, S.REJECTED})


def allowed_targets(state: str, role: str) -> list[str]:
    """Return the states an actor with the role may move an application to from `state`."""
    return [t.target for t in TRANSITIONS if t.source == state and t.role == role]


def apply_transition(
    session: Session, application: Application, target: str, *, actor: User, reason: str = ""
) -> ApplicationEvent:
    """Move the application and append who, when, from, to and why to its audit trail."""
    transition = _TABLE.get((application.state, target))
    if transition is None or transition.role != actor.role:
        raise InvalidTransition(f"{application.state} → {target}")
    if transition.needs_reason and not reason.strip():
        raise InvalidTransition(f"{application.state} → {target}: a reason is required")
    event = ApplicationEvent(
        application_id=application.id,
        actor_id=actor.id,
        from_state=application.state,
        to_state=target,
        reason=reason.strip(),
    )
    application.state = target
    application.updated_at = utcnow()
    if target == S.SUBMITTED:
        application.submitted_at = application.updated_at
    if target in FINAL_STATES:
        application.decided_at = application.updated_at
    session.add(event)
    try:
        session.flush()
    except StaleDataError as exc:  # another request moved it first
        raise Conflict() from exc
    return event
