"""Domain exceptions that services raise and views turn into messages or 4xx pages."""


class DomainError(Exception):
    """Base class of the errors a user can cause."""


class NotFound(DomainError):
    """The object does not exist or belongs to another organisation (both answer 404)."""


class NotAllowed(DomainError):
    """The actor's role does not allow the action."""


class Invalid(DomainError):
    """The input breaks a rule; `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Conflict(DomainError):
    """Someone else changed the object since it was read (optimistic locking)."""


class Duplicate(Invalid):
    """A unique value (credit code, e-mail) is already taken."""
