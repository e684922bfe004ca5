"""Signals accounts sends, so that the packages above it answer without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent at sign-in with `role`: the package that serves that role answers with the endpoint of
# the role's home page (accounts cannot name the endpoints of the packages above it).
home_of_role = _signals.signal("home-of-role")


def serve_home(role: str, endpoint: str) -> None:
    """Answer `home_of_role` for `role` with `endpoint` (called by the package serving it)."""

    def answer(_sender, *, role: str) -> str | None:
        return endpoint if role == served else None

    served = role
    home_of_role.connect(answer, weak=False)


def home_endpoint(role: str) -> str:
    """Return the endpoint of the page a user of this role starts on (the home page if none)."""
    for _receiver, endpoint in home_of_role.send(role=role):
        if endpoint:
            return endpoint
    return "home"
