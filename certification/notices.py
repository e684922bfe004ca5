"""The notifications certification sends, by id: worded in the reader's language when shown."""

from flask_babel import lazy_gettext as _l

from accounts.notifications import register_messages
from certification.labels import CERTIFICATE_STATUS_LABELS

# Ids are stored with each notification: never rename one (migration 0009 maps old texts).
MESSAGES = {
    "application.submitted": _l("New application %(id)d: %(product)s"),
    "application.resubmitted": _l("Application %(id)d was resubmitted."),
    "application.under_review": _l("Your application %(id)d is under review."),
    "application.question": _l("The reviewer asks about application %(id)d: %(q)s"),
    "application.approved": _l(
        "Application %(id)d approved: certificate %(number)s, %(stars)d star(s)."
    ),
    "application.rejected": _l("Application %(id)d was rejected: %(reason)s"),
    "certificate.status": _l("Certificate %(number)s is now %(status)s: %(reason)s"),
}
# Status words as messages of their own, so a notification names a status in the reader's words.
MESSAGES.update({f"status.{code}": label for code, label in CERTIFICATE_STATUS_LABELS.items()})
register_messages(MESSAGES)


def status_argument(status: str | None) -> dict | str:
    """Return a certificate status as a notification argument, worded when shown."""
    return {"message": f"status.{status}"} if status in CERTIFICATE_STATUS_LABELS else status or ""


def name_argument(obj) -> dict:
    """Return a record's name in both languages as a notification argument."""
    return {"zh": obj.name_zh, "en": getattr(obj, "name_en", None) or ""}
