"""Where a webhook may deliver: public HTTPS addresses only, unless a host is allowed by name."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import gettext as _

MAX_URL_LENGTH = 500


class BadDestination(ValueError):
    """The address cannot receive deliveries; the message says why, in the reader's language."""


def check_url(url: str, insecure_hosts: list[str] | tuple[str, ...]) -> str:
    """Return the address if its form can receive deliveries, else raise BadDestination."""
    url = (url or "").strip()
    if not url:
        raise BadDestination(_("Enter the address that receives the deliveries."))
    if len(url) > MAX_URL_LENGTH:
        raise BadDestination(_("At most %(n)d characters.", n=MAX_URL_LENGTH))
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise BadDestination(_("This is not a web address.")) from None
    if not host:
        raise BadDestination(_("Enter a whole address, such as https://example.cn/hooks."))
    if parts.username or parts.password:
        raise BadDestination(_("Leave the user name and password out of the address."))
    if parts.scheme != "https" and not (parts.scheme == "http" and host in insecure_hosts):
        raise BadDestination(_("The address must start with https://."))
    return url


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def check_reachable(url: str, insecure_hosts: list[str] | tuple[str, ...]) -> None:
    """Raise BadDestination unless the host resolves to public addresses only (or is allowed).

    Checked before every delivery, so that an address that later resolves into the
    register's own network (a server-side request forgery) is refused.
    """
    host = urlsplit(url).hostname or ""
    if host in insecure_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise BadDestination(_("The host name cannot be resolved.")) from None
    if not infos or not all(_public(info[4][0]) for info in infos):
        raise BadDestination(_("The host resolves to a private or reserved address."))
