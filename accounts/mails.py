"""The e-mails of registration: a welcome to a new address, a warning to a known one."""

from flask_babel import gettext as _

from greenbm.db import after_commit
from greenbm.mail import send_mail
from greenbm.urls import public_url

# Neither message repeats what the registrant typed (a company name, say): anyone can make the
# site mail any address, and must not be able to choose what the message says.


def send_after_commit(to: str, subject: str, paragraphs: list[str]) -> None:
    """Mail the paragraphs once the request's work is saved (composed now, in its language)."""
    body = "\n\n".join(paragraphs) + "\n"
    after_commit(lambda: send_mail(to, subject, body))


def send_welcome(email: str) -> None:
    """Mail the first user of a newly registered company where to sign in."""
    send_after_commit(
        email,
        _("Your company is registered"),
        [
            _("Your company is registered in the Guizhou green building-materials catalogue."),
            _("Sign in with this e-mail address and the password you chose:"),
            public_url("accounts.login"),
            _("Then add a plant, then your products."),
        ],
    )


def send_registration_attempt(email: str) -> None:
    """Tell the holder of a known address that someone tried to register with it."""
    send_after_commit(
        email,
        _("Someone tried to register with your e-mail address"),
        [
            _(
                "Someone tried to register a company in the Guizhou green building-materials "
                "catalogue with this e-mail address. It already has an account, so no new "
                "account was made."
            ),
            _("If it was you, sign in with your password:"),
            public_url("accounts.login"),
            _("If you have forgotten your password, choose a new one here:"),
            public_url("accounts.forgot_password"),
            _("If it was not you, you can ignore this message."),
        ],
    )
