"""Outgoing e-mail: `send_mail` writes each message as a file to the outbox folder.

The embedded default (and today the only transport) is a file outbox: one RFC 5322 message
per file, `<UTC time>-<random>.eml`, in MAIL_OUTBOX_DIR (`$INSTANCE_DIR/outbox/` unless set),
from MAIL_SENDER. An operator reads them there, or a relay (a cron job, a mail transfer agent's
pickup folder) sends and removes them. Sending through SMTP later means a second transport
chosen by configuration behind the same `send_mail(to, subject, body)`; its callers stay as
they are. Views send after the request's unit of work commits (`greenbm.db.after_commit`), so
no mail tells of a change that was rolled back.
"""

import os
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app


def outbox_dir() -> Path:
    """Return the folder the current app writes its outgoing messages to."""
    return Path(current_app.config["MAIL_OUTBOX_DIR"])


def send_mail(to: str, subject: str, body: str) -> Path:
    """Send a plain-text message (UTF-8) to one address; return the outbox file written."""
    sender = current_app.config["MAIL_SENDER"]
    now = datetime.now(UTC)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{now:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}"
    path = folder / f"{name}.eml"
    # Written under another name, then renamed: a relay reading the folder never sees half a
    # message. 0600: the messages hold addresses and sign-in hints meant for one person.
    partial = folder / f".{name}.tmp"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(message.as_bytes())
    partial.replace(path)
    return path
