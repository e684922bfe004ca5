"""The eligibility rule: is a supplier eligible from its certificates in a category, and why not.

Plain functions over plain values (no session, no request), so that the rule is tested alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from catalog.certificate_status import live_status
from certification.models import CertificateStatus


class Reason(StrEnum):
    """Why a supplier is not eligible."""

    UNKNOWN_SUPPLIER = "unknown_supplier"  # no manufacturer has the credit code
    NO_CERTIFICATE = "no_certificate"  # none in the category, in any status
    NOT_VALID = "not_valid"  # some in the category, none valid today
    STARS_BELOW = "stars_below"  # valid ones, all below the minimum


@dataclass(frozen=True)
class CertificateFact:
    """What eligibility needs of one certificate, as stored."""

    number: str
    stars: int
    status: str
    valid_until: date
    product_id: int
    product_name: str
    product_name_en: str


@dataclass(frozen=True)
class RatedCertificate:
    """A certificate with its status today and whether it meets the query."""

    fact: CertificateFact
    status: str
    qualifies: bool


@dataclass(frozen=True)
class Judgement:
    """The answer of the rule: eligible or why not, and the certificates it looked at."""

    eligible: bool
    reason: Reason | None
    certificates: tuple[RatedCertificate, ...]


def judge(
    certificates: Sequence[CertificateFact] | None, *, min_stars: int, today: date
) -> Judgement:
    """Judge a supplier's certificates in one category; None means the supplier is unknown.

    Eligible when at least one certificate is valid today (one that ends today still is) with
    at least `min_stars`. Otherwise the reason is that there is none in the category, that none
    is valid today, or that the valid ones have too few stars. Best certificates come first.
    """
    if certificates is None:
        return Judgement(False, Reason.UNKNOWN_SUPPLIER, ())
    rated = []
    for fact in certificates:
        status = live_status(fact.status, fact.valid_until, today)
        qualifies = status == CertificateStatus.VALID and fact.stars >= min_stars
        rated.append(RatedCertificate(fact, status, qualifies))
    rated.sort(
        key=lambda r: (
            not r.qualifies,
            r.status != CertificateStatus.VALID,
            -r.fact.stars,
            -r.fact.valid_until.toordinal(),
            r.fact.number,
        )
    )
    if any(r.qualifies for r in rated):
        reason = None
    elif not rated:
        reason = Reason.NO_CERTIFICATE
    elif all(r.status != CertificateStatus.VALID for r in rated):
        reason = Reason.NOT_VALID
    else:
        reason = Reason.STARS_BELOW
    return Judgement(reason is None, reason, tuple(rated))
