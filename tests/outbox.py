"""Reading the mail outbox (greenbm/mail.py) in tests: the messages an app has sent."""

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path


def sent_mail(app) -> list[EmailMessage]:
    """Return the messages in the app's outbox, oldest first."""
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in files]
