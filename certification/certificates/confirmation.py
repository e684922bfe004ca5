"""What a page says about another body's record: who issued it, when it was last confirmed."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlmodel import Session

from accounts.models import Organisation
from catalog.certificate_status import unconfirmed_since
from certification.models import Certificate, CertificateSource


@dataclass(frozen=True)
class ExternalRecordFacts:
    """The issuing body of an external certificate and how fresh our copy is."""

    body: Organisation
    source: str
    last_confirmed_on: date | None
    unconfirmed_since: date | None  # set once the record is stale


def confirmation_max_age_days() -> int:
    """Return the configured number of days a record counts as confirmed."""
    return int(current_app.config["EXTERNAL_CERTIFICATE_MAX_AGE_DAYS"])


def external_record(
    certificate: Certificate, *, session: Session, today: date | None = None
) -> ExternalRecordFacts | None:
    """Return the facts of another body's record, or None for a certificate issued here."""
    if certificate.source == CertificateSource.ISSUED:
        return None
    confirmed = certificate.last_confirmed_at
    return ExternalRecordFacts(
        body=session.get(Organisation, certificate.body_id),
        source=certificate.source,
        last_confirmed_on=confirmed.date() if confirmed else None,
        unconfirmed_since=unconfirmed_since(
            confirmed, today or date.today(), confirmation_max_age_days()
        ),
    )
