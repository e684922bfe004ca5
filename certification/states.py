"""The state tables of applications and certificates, and the one function that moves either."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel

from accounts.models import Role, User
from certification.models import (
    ApplicationEvent,
    ApplicationState,
    CertificateEvent,
    CertificateStatus,
)
from greenbm.errors import Conflict, DomainError
from greenbm.models_base import utcnow


class InvalidTransition(DomainError):
    """The action is not possible from the current state, or not for this actor."""


@dataclass(frozen=True)
class Move:
    """An action: the states it starts from, the state it leads to, who takes it, if it needs why.

    `role` None means the system takes it, with no user behind it (the nightly expiry).
    """

    action: str
    sources: tuple[str | None, ...]
    target: str
    role: str | None
    needs_reason: bool = False


@dataclass(frozen=True)
class Workflow:
    """One workflow: its moves, the field holding the state, its append-only event table."""

    name: str
    moves: tuple[Move, ...]
    state_field: str
    event: type[SQLModel]
    subject_key: str  # the event's column naming the application or certificate
    from_key: str
    to_key: str
    # Timestamps set when the subject reaches a state: {state: attribute}.
    stamps: Mapping[str, str] = field(default_factory=dict)
    # The event's column naming the move taken, where a status alone is ambiguous (a
    # suspended certificate becomes valid by reinstatement or by a reissue).
    action_key: str | None = None

    def move(self, action: str) -> Move:
        """Return the move of this action, or raise InvalidTransition for an unknown one."""
        for move in self.moves:
            if move.action == action:
                return move
        raise InvalidTransition(f"{self.name}: no action {action!r}")

    def allows(self, state: str | None, action: str, role: str | None) -> bool:
        """Return whether an actor with the role (None: the system) may take the action."""
        move = next((m for m in self.moves if m.action == action), None)
        return move is not None and state in move.sources and move.role == role

    def allowed_actions(self, state: str | None, role: str | None) -> tuple[str, ...]:
        """Return the actions an actor with the role may take from the state, in table order."""
        return tuple(m.action for m in self.moves if self.allows(state, m.action, role))


A, C = ApplicationState, CertificateStatus
MAKER, REVIEWER, SYSTEM = Role.MANUFACTURER, Role.REVIEWER, None

# fmt: off
APPLICATION_MOVES = tuple(Move(*row) for row in (
    # action              from                          to                       by        reason
    ("submit",              (A.DRAFT,),                   A.SUBMITTED,             MAKER),
    ("start_review",        (A.SUBMITTED, A.RESUBMITTED), A.UNDER_REVIEW,          REVIEWER),
    ("request_information", (A.UNDER_REVIEW,),            A.INFORMATION_REQUESTED, REVIEWER, True),
    ("resubmit",            (A.INFORMATION_REQUESTED,),   A.RESUBMITTED,           MAKER,    True),
    ("approve",             (A.UNDER_REVIEW,),            A.APPROVED,              REVIEWER),
    ("reject",              (A.UNDER_REVIEW,),            A.REJECTED,              REVIEWER, True),
))
CERTIFICATE_MOVES = tuple(Move(*row) for row in (
    ("issue",     (None,),                C.VALID,     REVIEWER),  # a new certificate
    ("suspend",   (C.VALID,),             C.SUSPENDED, REVIEWER, True),
    ("reinstate", (C.SUSPENDED,),         C.VALID,     REVIEWER, True),
    ("revoke",    (C.VALID, C.SUSPENDED), C.REVOKED,   REVIEWER, True),
    ("expire",    (C.VALID, C.SUSPENDED), C.EXPIRED,   SYSTEM,   True),
    # An approved renewal or change makes the certificate valid again, from whatever status
    # it reached while the application was under review.
    ("reissue",   tuple(C),               C.VALID,     REVIEWER, True),
))
# Another body's record says what its certificate's status is: recording it moves ours there
# from any other status (or from none, for a new record). The system records it, for the
# importing administrator or the pushing body named in the reason.
CERTIFICATE_MOVES += tuple(
    Move(f"record_{status.value}", (*(s for s in C if s != status), None), status, SYSTEM, True)
    for status in C
)
# fmt: on

APPLICATIONS = Workflow(
    name="application",
    moves=APPLICATION_MOVES,
    state_field="state",
    event=ApplicationEvent,
    subject_key="application_id",
    from_key="from_state",
    to_key="to_state",
    stamps={A.SUBMITTED: "submitted_at", A.APPROVED: "decided_at", A.REJECTED: "decided_at"},
)
FINAL_STATES = frozenset({A.APPROVED, A.REJECTED})

CERTIFICATES = Workflow(
    name="certificate",
    moves=CERTIFICATE_MOVES,
    state_field="status",
    event=CertificateEvent,
    subject_key="certificate_id",
    from_key="from_status",
    to_key="to_status",
    action_key="action",
)


def apply_move(
    workflow: Workflow,
    subject: SQLModel,
    action: str,
    *,
    session: Session,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
    recorded_by: User | None = None,
) -> SQLModel:
    """Take the action on the application or certificate and append who, when, from, to and why.

    A subject not stored yet is in no state: only a move from None (issue) applies to it.
    `at` dates the event in the past (an issue recorded after the fact); else it is now.
    `recorded_by` names, for a move the system takes, the user who set it off (an import).
    Return the event; raise InvalidTransition if the table does not allow the move.
    """
    source = None if subject.id is None else getattr(subject, workflow.state_field)
    move = workflow.move(action)
    role = actor.role if actor is not None else None
    if not workflow.allows(source, action, role):
        raise InvalidTransition(f"{workflow.name} {action}: {source} → {move.target}")
    if move.needs_reason and not reason.strip():
        raise InvalidTransition(f"{workflow.name} {action}: a reason is required")
    now = utcnow()
    setattr(subject, workflow.state_field, move.target)
    subject.updated_at = now
    if move.target in workflow.stamps:
        setattr(subject, workflow.stamps[move.target], now)
    session.add(subject)
    try:
        session.flush()  # the subject's id for a new one; the version check for an application
    except StaleDataError as exc:  # another request moved it first
        raise Conflict() from exc
    event = workflow.event(
        **{
            workflow.subject_key: subject.id,
            "actor_id": (actor or recorded_by).id if (actor or recorded_by) else None,
            workflow.from_key: source,
            workflow.to_key: move.target,
            "reason": reason.strip(),
        }
    )
    if workflow.action_key:
        setattr(event, workflow.action_key, action)
    if at is not None:
        event.at = at
    session.add(event)
    session.flush()
    return event
