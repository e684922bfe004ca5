"""A list line as the rules see it, and whether it is green today.

A line is green when its product holds a certificate whose live status today is valid
(catalog.certificate_status). A material that is not in the catalogue is never green.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from catalog.certificate_status import CertificateStatus, live_status


class LineStatus(StrEnum):
    """Whether a line is green, and if not, why."""

    GREEN = "green"
    OFF_CATALOGUE = "off_catalogue"
    NOT_CERTIFIED = "not_certified"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Line:
    """A list line as the rules see it; GWP and reference are per the line's unit (kgCO2e)."""

    id: int
    label: str
    category: str
    procurement_class: str
    quantity: Decimal
    unit_price: Decimal
    in_catalogue: bool = True
    cert_status: str | None = None
    cert_valid_until: date | None = None
    gwp: Decimal | None = None
    reference: Decimal | None = None

    @property
    def value(self) -> Decimal:
        """Return quantity × unit price, in CNY."""
        return self.quantity * self.unit_price


def line_status(line: Line, today: date) -> LineStatus:
    """Return whether the line is green today, and if not, why."""
    if not line.in_catalogue:
        return LineStatus.OFF_CATALOGUE
    status = live_status(line.cert_status, line.cert_valid_until, today)
    if status == CertificateStatus.VALID:
        return LineStatus.GREEN
    try:
        return LineStatus(status)
    except ValueError:  # not certified ("none"), or a status lists do not know
        return LineStatus.NOT_CERTIFIED


def is_green(line: Line, today: date) -> bool:
    """Return whether the line's product holds a certificate valid today."""
    return line_status(line, today) == LineStatus.GREEN


def distinct(items: Iterable[str]) -> tuple[str, ...]:
    """Return the items without repeats, in their first order."""
    return tuple(dict.fromkeys(items))
