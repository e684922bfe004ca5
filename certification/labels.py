"""Words for the certificate statuses and surveillance results, in the reader's language."""

from flask_babel import lazy_gettext as _l

CERTIFICATE_STATUS_LABELS = {
    "valid": _l("valid"),
    "suspended": _l("suspended"),
    "revoked": _l("revoked"),
    "expired": _l("expired"),
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
