"""Words for the states, kinds, actions and surveillance results, in the reader's language."""

from flask_babel import lazy_gettext as _l

from certification.models import ApplicationKind, ApplicationState

S = ApplicationState
STATE_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.UNDER_REVIEW: _l("Under review"),
    S.INFORMATION_REQUESTED: _l("Information requested"),
    S.RESUBMITTED: _l("Resubmitted"),
    S.APPROVED: _l("Approved"),
    S.REJECTED: _l("Rejected"),
}
KIND_LABELS = {
    ApplicationKind.INITIAL: _l("Initial certification"),
    ApplicationKind.RENEWAL: _l("Renewal"),
    ApplicationKind.CHANGE: _l("Change"),
}

CERTIFICATE_STATUS_LABELS = {
    "valid": _l("valid"),
    "suspended": _l("suspended"),
    "revoked": _l("revoked"),
    "expired": _l("expired"),
}

ACTION_LABELS = {
    "suspend": _l("Suspend"),
    "reinstate": _l("Reinstate"),
    "revoke": _l("Revoke"),
}

# What happened to a certificate, as feeds and webhook pages name each event kind.
EVENT_KIND_LABELS = {
    "issued": _l("issued"),
    "suspended": _l("suspended"),
    "reinstated": _l("reinstated"),
    "revoked": _l("revoked"),
    "expired": _l("expired"),
    "reissued": _l("reissued (renewed or changed)"),
    "test": _l("test delivery"),
}

SURVEILLANCE_RESULT_LABELS = {
    "passed": _l("passed"),
    "failed": _l("failed"),
    "refused": _l("refused"),
}


def status_label(status: str) -> str:
    """Return the status in words (the code itself if unknown)."""
    return str(CERTIFICATE_STATUS_LABELS.get(status, status))


def result_label(result: str) -> str:
    """Return the surveillance result in words (the code itself if unknown)."""
    return str(SURVEILLANCE_RESULT_LABELS.get(result, result))


def event_kind_label(kind: str) -> str:
    """Return the event kind in words (the code itself if unknown)."""
    return str(EVENT_KIND_LABELS.get(kind, kind))
